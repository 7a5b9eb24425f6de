import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import request from 'supertest';
import { toKafkaRecord } from '@tio/contracts';
import { DLQ_HEADERS } from '@tio/contracts';
import { KafkaJsClient, listDeadLetters, type MessageProducer } from '@tio/messaging';
import { FuzzTally, fuzzSeed, headerValue, hostileBody, hostileString, hostileValue, startTestService, waitFor, type TestService } from '@tio/testing';
import { timelineService } from '../service';
import { ACTORS, DomainCase, Publisher, testTopics, topicList } from '../testing/fixtures';
import { TimelineConsumer } from './timeline-consumer';

/**
 * Bad input on the timeline's four inbound topics (issue 8, item 7): random, oversized, wrongly typed and hostile
 * Kafka messages, mixed with valid events. Every message must end as exactly one of: an entry on the timeline (a
 * valid CloudEvent, whatever its data: unknown or broken payloads get the generic entry), or a dead letter with its
 * reason. Nothing lost, nothing doubled, the consumer keeps going, the service stays healthy. Random seed per run.
 */
describe('timeline consumer under hostile Kafka messages (fast-check)', () => {
  const tally = new FuzzTally('services/timeline (Kafka)');
  const topics = testTopics('consumer-fuzz');
  const publisher = new Publisher();
  let client: KafkaJsClient;
  let producer: MessageProducer;
  let service: TestService;
  let pool: Pool;
  const HEADERS = ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_subject', 'ce_time', 'ce_correlationid', 'ce_actoruserid', 'ce_actororganisationid', 'ce_actoragency', 'ce_actorrole', 'content-type'];

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    client = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, clientId: `fuzz-${randomUUID().slice(0, 6)}` });
    producer = client.producer({ idempotent: true });
    await producer.connect();
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-fuzz-${randomUUID().slice(0, 6)}` });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    tally.report();
    await producer?.disconnect();
    await publisher.close();
    await pool?.end();
    await service?.close();
  });

  it('turns every message into one entry or one dead letter with a reason, and loses none', async () => {
    const caseId = randomUUID();
    // a new case for each valid event (a case has one request)
    const valid = () => new DomainCase(randomUUID()).ehc('2025-05-01T09:00:00Z', ACTORS.la, { type: 'ReceiveRequest', at: '2025-05-01', childRef: 'child-fuzz', localAuthority: ACTORS.la.organisationId, source: 'parent', requestedBy: { role: 'parent' } });
    const base = toKafkaRecord(valid());
    const baseHeaders = base.headers as Record<string, string>;

    type Sample = { kind: string; headers: Record<string, string>; value: string | null; expect: 'entry' | 'dead-letter' | 'either' };
    const withId = (h: Record<string, string>): Record<string, string> => ({ ...h, ce_id: randomUUID() });
    const sample: fc.Arbitrary<Sample> = fc.oneof(
      // CloudEvents headers missing or garbled: never a timeline entry
      fc.record({ drop: fc.subarray(HEADERS.filter((h) => h !== 'content-type'), { minLength: 1, maxLength: 4 }) }).map(({ drop }) => {
        const headers = withId(baseHeaders);
        for (const h of drop) delete headers[h];
        return { kind: 'headers missing', headers, value: String(base.value), expect: 'dead-letter' as const };
      }),
      fc.record({ h: fc.constantFrom('ce_time', 'ce_specversion', 'ce_subject'), v: headerValue() }).map(({ h, v }) => ({ kind: `garbled ${h}`, headers: { ...withId(baseHeaders), [h]: v }, value: String(base.value), expect: 'either' as const })),
      // a valid envelope whose value is not a JSON object, or no value at all
      fc.oneof(fc.constant(null), fc.constant(''), fc.constant('not json'), fc.constant('[1,2]'), fc.constant('"text"'), fc.constant('{"a":'), hostileString()).map((value) => ({ kind: 'value not an object', headers: withId(baseHeaders), value, expect: 'either' as const })),
      // a valid envelope with hostile data: unknown or broken payloads still get the generic entry
      hostileBody({ caseId, receivedOn: '2025-05-01', source: 'parent' }).map((b) => ({ kind: 'hostile data', headers: withId(baseHeaders), value: JSON.stringify(b) ?? 'null', expect: 'either' as const })),
      // an unknown event type with random data: the generic entry, unless PostgreSQL refuses the data (e.g. \u0000)
      hostileValue(2).map((v) => ({ kind: 'unknown type', headers: { ...withId(baseHeaders), ce_type: 'ehc.something-new.v9' }, value: JSON.stringify({ caseId, v }) ?? '{}', expect: 'either' as const })),
      // oversized text (~200 kB) in the data
      fc.constant(null).map(() => ({ kind: 'oversized', headers: withId(baseHeaders), value: JSON.stringify({ caseId, note: 'x'.repeat(200_000) }), expect: 'either' as const })),
      // valid events
      fc.constant(null).map(() => {
        const r = toKafkaRecord(valid());
        return { kind: 'valid', headers: r.headers as Record<string, string>, value: String(r.value), expect: 'entry' as const };
      }),
    );
    const seed = fuzzSeed('timeline consumer');
    const samples = fc.sample(sample, { numRuns: 80, seed });
    const topic = topics.case;
    // one request each: the broker caps a produce request at 1 MB
    for (const [i, s] of samples.entries()) await producer.send([{ topic, messages: [{ key: `fuzz-${i}`, value: s.value === null ? null : Buffer.from(s.value), headers: s.headers }] }]);
    for (const s of samples) tally.count('case topic message', s.kind);

    const consumer = service.app.get(TimelineConsumer);
    await waitFor('every message handled', async () => {
      const st = consumer.stats;
      return !!st && st.applied + st.deadLettered + st.duplicates + st.ignored >= samples.length;
    }, 120_000);

    const ids = samples.map((s) => s.headers['ce_id']).filter((id): id is string => !!id);
    // The counters move when a partition's batch is handled; with several partitions projected at once, another
    // partition's commit or dead letter may become visible a moment later. Wait until every message has an outcome
    // (or time runs out), then check that each has exactly one.
    let entries = new Set<string>();
    let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
    let lettered = new Map<string, (typeof letters)[number]>();
    await waitFor('every message visible as an entry or a dead letter', async () => {
      entries = new Set((await pool.query<{ id: string }>(`SELECT source_event_id AS id FROM timeline.timeline_entries WHERE source_event_id = ANY($1)`, [ids])).rows.map((r) => r.id));
      letters = (await listDeadLetters(client, topic)).filter((l) => l.key?.startsWith('fuzz-'));
      lettered = new Map(letters.map((l) => [l.key as string, l]));
      return samples.every((s, i) => (!!s.headers['ce_id'] && entries.has(s.headers['ce_id'])) || lettered.has(`fuzz-${i}`));
    }, 60_000).catch(() => undefined);
    for (const l of letters) {
      expect(l.reason.trim()).not.toBe('');
      expect(l.headers[DLQ_HEADERS.originalOffset]).toMatch(/^\d+$/);
    }
    const outcomes = { entry: 0, 'dead-lettered': 0 };
    samples.forEach((s, i) => {
      const inTimeline = !!s.headers['ce_id'] && entries.has(s.headers['ce_id']);
      const dead = lettered.has(`fuzz-${i}`);
      // exactly one outcome per message
      expect({ i, kind: s.kind, outcomes: Number(inTimeline) + Number(dead) }).toEqual({ i, kind: s.kind, outcomes: 1 });
      if (s.expect === 'entry') expect({ i, kind: s.kind, inTimeline }).toEqual({ i, kind: s.kind, inTimeline: true });
      if (s.expect === 'dead-letter') expect({ i, kind: s.kind, dead }).toEqual({ i, kind: s.kind, dead: true });
      outcomes[inTimeline ? 'entry' : 'dead-lettered']++;
    });
    console.log(`[fuzz] timeline consumer outcomes: ${outcomes.entry} entries, ${outcomes['dead-lettered']} dead letters, ${samples.length} messages`);
    expect(consumer.stats).toMatchObject({ duplicates: 0 });
    await request(service.server).get('/health/ready').expect(200);
  });
});
