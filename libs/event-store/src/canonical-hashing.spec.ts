import { randomUUID } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { computeEventHash, computeEventHashFromJson } from './hashing';
import type { NewEvent } from './port';
import { contentKeyOf, prepareEvents, storedMetadataJson } from './prepare-events';

const event = (data: unknown, extraMetadata: Record<string, unknown> = {}): NewEvent => ({
  type: 'CaseNoteAdded',
  schemaVersion: 2,
  data,
  metadata: {
    eventId: randomUUID().toUpperCase(),
    caseId: 'case-1',
    occurredAt: '2025-01-15T09:30:00.000Z',
    correlationId: 'c-1',
    actor: { userId: 'u-1', organisationId: 'o-1', agency: 'health', role: 'nurse' },
    ...extraMetadata,
  } as NewEvent['metadata'],
});

describe('canonical JSON serialised once per event', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['nested data with unsorted keys', { z: 1, a: { y: [1, 2, { c: null, b: 'x' }], x: true } }, {}],
    ['unicode, escapes and awkward numbers', { s: 'é "q" \\ \n 😀', n: -0, big: 1e21, tiny: 5e-7, f: 0.1 }, {}],
    ['null data and undefined members dropped', null, { causationId: undefined }],
    ['metadata keys on both sides of recordedAt', { n: 1 }, { causationId: 'cause-1', zeta: 'last', aaa: 'first' }],
  ])('Given %s, When an event is prepared, Then its content key, stored metadata and hash equal the full serialisation', (_label, data, extra) => {
    const [prepared] = prepareEvents([event(data, extra)]);
    if (!prepared) throw new Error('nothing prepared');
    expect(prepared.contentKey).toBe(contentKeyOf(prepared.type, prepared.schemaVersion, prepared.data, prepared.metadata));
    const recordedAt = '2025-02-01T10:00:00.000Z';
    const metadata = { ...prepared.metadata, recordedAt };
    const metadataJson = storedMetadataJson(prepared, recordedAt);
    expect(metadataJson).toBe(canonicalJson(metadata));
    for (const previousHash of [null, 'ab'.repeat(32)]) {
      const input = { streamName: 'case-7f3c', revision: 12, type: prepared.type, schemaVersion: prepared.schemaVersion, previousHash };
      expect(computeEventHashFromJson({ ...input, dataJson: prepared.dataJson, metadataJson })).toBe(computeEventHash({ ...input, data: prepared.data, metadata }));
    }
    expect(prepared.metadata.eventId).toBe(prepared.eventId);
    expect(prepared.eventId).toBe(prepared.eventId.toLowerCase());
  });
});
