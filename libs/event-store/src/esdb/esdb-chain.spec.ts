import { randomBytes, randomUUID } from 'node:crypto';
import type { ResolvedEvent } from '@eventstore/db-client';
import { newEvent } from '../contract/fixtures';
import { verifyStreamHistory } from '../verification';
import { authenticated, headOf } from './audit-reads';
import { chainForEsdb, type EsdbEventData } from './mapping';

// What the EventStoreDB adapter writes for the chain (chainForEsdb, used by every append) and how the audit reads it
// back (authenticated, headOf), checked without a server: the events are given in the shape the client returns them.

const key = randomBytes(32);
const stream = `case-${randomUUID()}`;
let position = 1000n;

function asStored(data: EsdbEventData, revision: number): ResolvedEvent {
  position += 10n;
  return {
    event: {
      streamId: stream, id: data.id, revision: BigInt(revision), type: data.type, data: data.data, metadata: data.metadata,
      isJson: true, created: new Date(), position: { commit: position, prepare: position },
    },
  } as unknown as ResolvedEvent;
}

/** Appends batches as the adapter does: each chained onto the head the previous one left. */
function appendBatches(sizes: number[], keyOf: (batch: number) => Buffer | undefined = () => key): ResolvedEvent[] {
  const stored: ResolvedEvent[] = [];
  sizes.forEach((size, b) => {
    const last = stored[stored.length - 1];
    const head = last ? { revision: Number(last.event?.revision), hash: (last.event?.metadata as { tio: { hash: string } }).tio.hash } : { revision: -1, hash: null };
    const batch = Array.from({ length: size }, () => {
      const e = newEvent();
      return { eventId: e.metadata.eventId, type: e.type, schemaVersion: 1, data: e.data, metadata: e.metadata };
    });
    chainForEsdb(stream, batch, head, new Date().toISOString(), keyOf(b)).forEach((d, i) => stored.push(asStored(d, head.revision + 1 + i)));
  });
  return stored;
}

function verify(stored: ResolvedEvent[], withKey: Buffer | null = key) {
  const events = stored.map((r) => authenticated(stream, r));
  const last = stored[stored.length - 1];
  return verifyStreamHistory(stream, events, last ? headOf(last) : undefined, withKey ? { key: withKey } : {});
}

describe('EventStoreDB chain: MACs in event metadata (no server needed)', () => {
  it('Given appends written with the chain key, Then every event and the head (from its last event) verify with that key', () => {
    const stored = appendBatches([3, 2]);
    expect(verify(stored)).toEqual({ streamName: stream, eventsChecked: 5, valid: true });
    expect(headOf(stored[4] as ResolvedEvent)?.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(headOf(stored[2] as ResolvedEvent)?.mac).toMatch(/^[0-9a-f]{64}$/); // each append's last event carries its head MAC
    expect(headOf(stored[1] as ResolvedEvent)?.mac).toBeNull();
  });

  it('Given a batch appended by someone with write access to the server but without the key (chain recomputed), Then verification names its first revision', () => {
    const stored = appendBatches([3, 2], (b) => (b === 1 ? undefined : key));
    expect(verify(stored).firstBreak).toEqual({ revision: 3, eventId: (stored[3] as ResolvedEvent).event?.id, reason: 'not-authenticated' });
    expect(verify(appendBatches([2, 2], (b) => (b === 1 ? randomBytes(32) : key))).firstBreak?.reason).toBe('not-authenticated');
    expect(verify(stored, null).valid).toBe(true); // the unkeyed chain alone cannot tell
  });

  it('Given an event written around the store into its stream (no chain fields), Then verification breaks at its revision', () => {
    const stored = appendBatches([3]);
    stored.push({ event: { streamId: stream, id: randomUUID(), revision: 3n, type: 'Injected', data: {}, metadata: {}, isJson: true, created: new Date(), position: { commit: 9999n, prepare: 9999n } } } as unknown as ResolvedEvent);
    expect(verify(stored)).toMatchObject({ valid: false, firstBreak: { revision: 3 } });
  });

  it('Given the first events removed (truncate-before, max count), Then verification reports the gap at revision 0', () => {
    expect(verify(appendBatches([2, 3]).slice(2)).firstBreak).toEqual({ revision: 0, reason: 'revision-gap' });
  });

  it('Given stored content changed (a rewritten chunk file), Then the content hash and the MAC no longer match', () => {
    const stored = appendBatches([3]);
    const altered = stored[1]?.event as unknown as { data: unknown };
    altered.data = { note: 'rewritten' };
    expect(verify(stored).firstBreak).toMatchObject({ revision: 1, reason: 'content-hash-mismatch' });
  });
});
