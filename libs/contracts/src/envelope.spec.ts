import { createHash } from 'node:crypto';
import { EnvelopeError, cloudEventToKafkaRecord, deriveTraceparent, fromKafkaRecord, integrationEventFromRecorded, integrationEvents, toCloudEvent, toKafkaRecord, type PublishableRecordedEvent } from './index';

const recorded: PublishableRecordedEvent = {
  type: 'ehc.request-received.v1',
  data: { caseId: '5b1c1c1e-0000-4000-8000-000000000001', childRef: 'child-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' }, receivedOn: '2025-01-06' },
  metadata: {
    eventId: '0d4f9a59-6c4a-4f3b-9d0e-7f1f7b6a0001',
    caseId: '5b1c1c1e-0000-4000-8000-000000000001',
    occurredAt: '2025-01-06T09:30:00.000Z',
    recordedAt: '2025-01-06T09:30:01.000Z',
    actor: { userId: 'u1', organisationId: 'la-manchester', agency: 'local-authority', role: 'send-caseworker' },
    correlationId: 'corr-1',
    causationId: 'cmd-1',
  },
};

describe('envelope', () => {
  it('maps a recorded event to a binary-mode CloudEvents Kafka record keyed by case id', () => {
    const event = integrationEventFromRecorded(recorded, { source: '/tio/case-service', registry: integrationEvents })!;
    const record = toKafkaRecord(event);
    expect(record.key).toBe(recorded.metadata.caseId);
    expect(JSON.parse(record.value.toString())).toEqual(recorded.data);
    expect(record.timestamp).toBe(String(Date.parse('2025-01-06T09:30:00.000Z')));
    expect(record.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: recorded.metadata.eventId,
      ce_source: '/tio/case-service',
      ce_type: 'ehc.request-received.v1',
      ce_subject: recorded.metadata.caseId,
      ce_time: '2025-01-06T09:30:00.000Z',
      ce_recordedat: '2025-01-06T09:30:01.000Z',
      ce_dataschema: 'urn:tio:schema:ehc.request-received.v1',
      traceparent: deriveTraceparent('corr-1', recorded.metadata.eventId),
      ce_correlationid: 'corr-1',
      ce_causationid: 'cmd-1',
      ce_actoruserid: 'u1',
      ce_actororganisationid: 'la-manchester',
      ce_actoragency: 'local-authority',
      ce_actorrole: 'send-caseworker',
    });
  });

  it('builds exactly the record the cloudevents library builds (headers in the same order, key, value, timestamp)', () => {
    const full = integrationEventFromRecorded(recorded, { source: '/tio/case-service', registry: integrationEvents })!;
    const variants = [
      full,
      { ...full, causationId: undefined, dataschema: undefined, traceparent: undefined, recordedAt: undefined },
      { ...full, time: '2025-01-06T10:30:00+01:00', recordedAt: '2025-01-06T09:30:01.5Z', data: { nested: { list: [1, 'two', null] }, text: 'é "quoted"' } },
      // times that Date reads leniently or writes differently: each is re-formatted as toISOString writes it
      { ...full, time: '2025-02-30T00:00:00.000Z', recordedAt: '2025-04-31T23:59:59.999Z' },
      { ...full, time: '2025-01-01T24:00:00.000Z', recordedAt: '2025-03-01T12:00:00Z' },
      { ...full, time: '2025-03-01', recordedAt: '2024-02-29T08:00:00.000Z' },
    ];
    for (const event of variants) {
      const direct = toKafkaRecord(event);
      const viaLibrary = cloudEventToKafkaRecord(toCloudEvent(event));
      expect(Object.entries(direct.headers)).toEqual(Object.entries(viaLibrary.headers));
      expect({ ...direct, value: direct.value.toString('hex') }).toEqual({ ...viaLibrary, value: viaLibrary.value.toString('hex') });
    }
  });

  it('refuses an integration event without an id, source, type, subject or correlation id', () => {
    const event = integrationEventFromRecorded(recorded, { source: '/tio/case-service', registry: integrationEvents })!;
    expect(() => toKafkaRecord({ ...event, id: '', subject: '' })).toThrow('id is empty; subject is empty');
    expect(() => toKafkaRecord({ ...event, time: 'not a time' })).toThrow(RangeError);
    expect(() => toKafkaRecord({ ...event, time: '2025-13-01T00:00:00.000Z' })).toThrow(RangeError);
    expect(() => toKafkaRecord({ ...event, recordedAt: 'yesterday' })).toThrow(RangeError);
  });

  it('round-trips through Kafka (header values as Buffers)', () => {
    const event = integrationEventFromRecorded(recorded, { source: '/tio/case-service', registry: integrationEvents })!;
    const record = toKafkaRecord(event);
    const incoming = { key: Buffer.from(record.key), value: record.value, headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])) };
    expect(fromKafkaRecord(incoming)).toEqual(event);
  });

  it('does not publish event types that are not registered', () => {
    expect(integrationEventFromRecorded({ ...recorded, type: 'InternalNoteAdded' }, { source: '/x', registry: integrationEvents })).toBeUndefined();
  });

  it('derives a traceparent from the SHA-256 of the correlation and event ids, the same whatever came before', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const expected = (correlationId: string, eventId: string) => `00-${sha(correlationId).slice(0, 32)}-${sha(eventId).slice(0, 16)}-01`;
    for (const [correlationId, eventId] of [['corr-1', 'e1'], ['corr-1', 'e2'], ['corr-2', 'e2'], ['', 'e3'], ['corr-1', 'e1']]) {
      expect(deriveTraceparent(correlationId, eventId)).toBe(expected(correlationId, eventId));
    }
    expect(deriveTraceparent('corr-1', 'e1')).toBe('00-12423b976fe4078b3c8b6b4c279cd86e-8b5cc4df7eec7d32-01');
  });

  it('keeps a valid traceparent from the metadata', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = integrationEventFromRecorded({ ...recorded, metadata: { ...recorded.metadata, traceparent: tp } }, { source: '/x', registry: integrationEvents })!;
    expect(toKafkaRecord(event).headers['traceparent']).toBe(tp);
  });

  it('rejects malformed records with a precise reason', () => {
    const good = toKafkaRecord(integrationEventFromRecorded(recorded, { source: '/tio/case-service', registry: integrationEvents })!);
    const without = (h: string) => ({ key: good.key, value: good.value, headers: Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== h)) });
    expect(() => fromKafkaRecord(without('ce_id'))).toThrow(new EnvelopeError('not a Tell It Once CloudEvent', ['header ce_id is missing']));
    expect(() => fromKafkaRecord({ ...good, value: Buffer.from('{not json') })).toThrow(/not valid JSON/);
    expect(() => fromKafkaRecord({ ...good, headers: { ...good.headers, 'content-type': 'text/plain' } })).toThrow(/content-type is "text\/plain"/);
    expect(() => fromKafkaRecord({ ...good, headers: { ...good.headers, ce_time: 'yesterday' } })).toThrow(/ce_time "yesterday"/);
    expect(() => fromKafkaRecord({ key: null, value: Buffer.from('x'), headers: {} })).toThrow(/header ce_id is missing; header ce_source is missing/);
  });
});
