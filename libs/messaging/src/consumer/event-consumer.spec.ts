import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DLQ_HEADERS, InboundAdviceSubmittedV1Dto, TOPICS, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { main as deadLettersCli } from '../cli/dead-letters';
import { listDeadLetters } from '../dead-letters/dead-letters';
import { ensureTopics } from '../kafka/topics';
import type { MessageProducer } from '../kafka/port';
import {
  STEP_TYPE, appliedOrder, client, count, createTimeline, expectContiguous, stepEvent, stepRecord, testDatabase, timelineHandlers, unique, waitFor,
} from '../testing/support';
import { EventConsumer } from './event-consumer';
import { EventHandlers } from './handlers';
import { PgUnitOfWork, type PgTransaction } from './unit-of-work';

describe('EventConsumer (real Kafka and PostgreSQL)', () => {
  let pool: Pool;
  let producer: MessageProducer;
  const kafka = client();
  const consumers: EventConsumer<PgTransaction>[] = [];

  beforeAll(async () => {
    pool = await testDatabase('messaging_consumer_spec');
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await producer.disconnect();
    await pool.end();
  });

  /** A topic and a timeline table of their own for one test (unique names), both created. */
  async function timelineTopic(topicName: string, tableName: string): Promise<{ topic: string; table: string }> {
    const topic = unique(topicName);
    const table = unique(tableName).replace(/-/g, '_');
    await ensureTopics(kafka, [topic]);
    await createTimeline(pool, table);
    return { topic, table };
  }

  async function start(c: EventConsumer<PgTransaction>) {
    consumers.push(c);
    await c.start();
    return c;
  }

  it('applies every event exactly once when every message is delivered twice, keeping per-case order', async () => {
    const { topic, table } = await timelineTopic('tio.test.twice', 'timeline_twice');
    const cases = Array.from({ length: 10 }, () => randomUUID());
    const perCase = 20;
    const messages = [];
    for (let seq = 1; seq <= perCase; seq++) for (const c of cases) messages.push(stepRecord(c, seq));
    // each message twice: once in a first pass, once again later (as a forwarder resending after a crash would)
    await producer.send([{ topic, messages }]);
    await producer.send([{ topic, messages }]);
    const consumer = await start(new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table) }));
    await waitFor('all duplicates seen', async () => consumer.stats.applied + consumer.stats.duplicates >= messages.length * 2);
    expect(await count(pool, table)).toBe(cases.length * perCase);
    expect(consumer.stats).toMatchObject({ applied: cases.length * perCase, duplicates: cases.length * perCase, deadLettered: 0 });
    expectContiguous(await appliedOrder(pool, table), perCase);
  });

  it('ignores a type it has no handler for from its ce_type header alone (its value is never decoded); a message without the header is still decoded and dead-lettered', async () => {
    const { topic, table } = await timelineTopic('tio.test.filter', 'timeline_filter');
    const caseId = randomUUID();
    const other = toKafkaRecord({ ...stepEvent(caseId, 2), type: 'ehc.something-else.v1' });
    const notCloudEvent = { key: caseId, value: Buffer.from('{"hello":"world"}'), headers: { 'content-type': 'application/json' } };
    // an unhandled type whose value is not even JSON: decoding it would dead-letter it
    await producer.send([{ topic, messages: [stepRecord(caseId, 1), { ...other, value: Buffer.from('not json') }, notCloudEvent, stepRecord(caseId, 2)] }]);
    const consumer = await start(new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table) }));
    await waitFor('all four handled', async () => consumer.stats.applied + consumer.stats.ignored + consumer.stats.deadLettered >= 4);
    expect(consumer.stats).toMatchObject({ applied: 2, ignored: 1, deadLettered: 1 });
    expect(await count(pool, table)).toBe(2);
  });

  it('moves past runs of types it has no handler for (offsets committed to the end, nothing claimed) and applies the handled events among them once, with fetches batched by minBytes', async () => {
    const { topic, table } = await timelineTopic('tio.test.skip-runs', 'timeline_skip_runs');
    const cases = Array.from({ length: 3 }, () => randomUUID());
    const others = (caseId: string) => Array.from({ length: 10 }, (_, i) => toKafkaRecord({ ...stepEvent(caseId, 100 + i), type: 'ehc.exception-recorded.v1' }));
    // per case: a run of ten unhandled, step 1, ten more, step 2, ten more (the case topic as a feed of two types sees it)
    const messages = cases.flatMap((c) => [...others(c), stepRecord(c, 1), ...others(c), stepRecord(c, 2), ...others(c)]);
    await producer.send([{ topic, messages }]);
    const groupId = unique('g');
    // far more bytes asked for than the topic will ever hold: every fetch is answered by its wait, and still delivers
    const consumer = await start(new EventConsumer({
      client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table), fetch: { minBytes: 1024 * 1024, maxWaitTimeMs: 200 },
    }));
    await waitFor('all seen', async () => consumer.stats.applied + consumer.stats.ignored >= messages.length);
    expect(consumer.stats).toMatchObject({ applied: 6, ignored: 90, duplicates: 0, deadLettered: 0 });
    expectContiguous(await appliedOrder(pool, table), 2);
    const claimed = await pool.query('SELECT event_type, count(*)::int AS n FROM processed_messages WHERE consumer_group = $1 GROUP BY event_type', [groupId]);
    expect(claimed.rows).toEqual([{ event_type: STEP_TYPE, n: 6 }]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      // the partitions the cases' keys landed on (three random keys over three partitions: often fewer than three)
      const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((p) => p.high !== '0').map((p) => [p.partition, p.high]));
      expect(ends.size).toBeGreaterThan(0);
      // the last record of a partition may be an ignored one: the committed offset still reaches the partition's end
      await waitFor('offsets committed to the end', async () => {
        const committed = new Map((await admin.fetchCommittedOffsets(groupId, topic)).map((p) => [p.partition, p.offset]));
        return [...ends].every(([partition, high]) => committed.get(partition) === high);
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('changes nothing when a second group member / a rebalance redelivers: the claim is per group and event id', async () => {
    const { topic, table } = await timelineTopic('tio.test.rebalance', 'timeline_rebalance');
    const groupId = unique('g');
    const cases = Array.from({ length: 6 }, () => randomUUID());
    const messages = cases.flatMap((c) => [1, 2, 3, 4, 5].map((seq) => stepRecord(c, seq)));
    await producer.send([{ topic, messages }]);
    const first = await start(new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table, { delayMs: 20 }) }));
    await waitFor('some applied', async () => first.stats.applied > 5);
    // a second member joins: partitions move mid-stream
    const second = await start(new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table, { delayMs: 20 }) }));
    await waitFor('all rows', async () => (await count(pool, table)) === messages.length);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count(pool, table)).toBe(messages.length);
    expect(first.stats.deadLettered + second.stats.deadLettered).toBe(0);
    expectContiguous(await appliedOrder(pool, table), 5);
  });

  it('dead-letters a malformed inbound message with its reason and keeps processing the next ones; the CLI lists and replays it', async () => {
    const topic = unique(TOPICS.healthInbound);
    const table = unique('inbound_advice').replace(/-/g, '_');
    await ensureTopics(kafka, [topic]);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (event_id text PRIMARY KEY, case_id text NOT NULL, external_reference text NOT NULL)`);
    const handlers = new EventHandlers<PgTransaction>().on<InboundAdviceSubmittedV1Dto>(
      'health.advice-submitted.v1',
      async (event, tx) => {
        await tx.client.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, [event.id, event.data.caseId, event.data.externalReference]);
      },
      { dto: InboundAdviceSubmittedV1Dto },
    );
    const advice = (caseId: string, extra: Record<string, unknown> = {}): IntegrationEvent => ({
      id: randomUUID(), source: '/agency/health/record-system', type: 'health.advice-submitted.v1', subject: caseId, time: new Date().toISOString(),
      data: {
        caseId, adviceRequestId: randomUUID(), externalReference: `NHS-${caseId.slice(0, 4)}`, submittedAt: '2025-03-01T10:00:00.000Z',
        authorName: 'Dr A', authorRole: 'DMO', sections: [{ heading: 'Medical', text: 'Asthma' }], ...extra,
      },
      correlationId: 'c', actor: { userId: 'nhs-system', organisationId: 'rxx', agency: 'health', role: 'system' },
    });
    const caseA = randomUUID();
    const bad = advice(caseA, { caseId: 'not-a-uuid', sections: [{ heading: '', text: 'x' }], surprise: true });
    const good1 = advice(caseA);
    const notCloudEvent = { key: caseA, value: Buffer.from('{"hello":"world"}'), headers: { 'content-type': 'application/json' } };
    const good2 = advice(caseA);
    await producer.send([{ topic, messages: [toKafkaRecord(good1), toKafkaRecord(bad), notCloudEvent, toKafkaRecord(good2)] }]);
    const groupId = unique('inbound');
    const consumer = await start(new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers, unknownTypes: 'dead-letter' }));
    await waitFor('two applied, two dead-lettered', async () => consumer.stats.applied === 2 && consumer.stats.deadLettered === 2);
    expect((await pool.query(`SELECT event_id FROM ${table} ORDER BY event_id`)).rows.map((r) => r.event_id).sort()).toEqual([good1.id, good2.id].sort());

    const letters = await listDeadLetters(kafka, topic);
    expect(letters).toHaveLength(2);
    const invalid = letters.find((l) => l.headers['ce_id'] === bad.id)!;
    expect(invalid.reason).toContain('validation failed');
    expect(invalid.reason).toContain('caseId (isUuid: caseId must be a UUID)');
    expect(invalid.reason).toContain('sections[0].heading (isLength: heading must be longer than or equal to 1 characters)');
    expect(invalid.reason).toContain('surprise (whitelistValidation: property surprise should not exist)');
    expect(invalid).toMatchObject({ originalTopic: topic, originalPartition: expect.any(Number), consumerGroup: groupId, attempts: 1 });
    expect(Date.parse(invalid.failedAt)).not.toBeNaN();
    expect(invalid.headers[DLQ_HEADERS.originalOffset]).toMatch(/^\d+$/);
    const envelope = letters.find((l) => l.headers['ce_id'] === undefined)!;
    expect(envelope.reason).toBe('invalid envelope: not a Tell It Once CloudEvent: header ce_id is missing; header ce_source is missing; header ce_type is missing; header ce_specversion is missing; header ce_subject is missing; header ce_time is missing; header ce_correlationid is missing; header ce_actoruserid is missing; header ce_actororganisationid is missing; header ce_actoragency is missing; header ce_actorrole is missing');

    // the CLI: list, then replay one; the replayed message is still invalid and is dead-lettered again
    const lines: string[] = [];
    expect(await deadLettersCli(['list', `${topic}.dlq`, '--brokers', process.env['KAFKA_BROKERS']!], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe('2 dead letter(s)');
    expect(lines.join('\n')).toContain('health.advice-submitted.v1 ' + bad.id);
    const replayOut: string[] = [];
    expect(await deadLettersCli(['replay', topic, '--only', `${invalid.partition}:${invalid.offset}`], (l) => replayOut.push(l))).toBe(0);
    expect(replayOut[0]).toBe('replayed 1 dead letter(s)');
    await waitFor('replayed letter dead-lettered again', async () => consumer.stats.deadLettered === 3);
    expect(await count(pool, table)).toBe(2);
  });

  it('retries a failing handler a bounded number of times, then dead-letters it and moves on', async () => {
    const { topic, table } = await timelineTopic('tio.test.poison', 'timeline_poison');
    const caseId = randomUUID();
    let attempts = 0;
    const handlers = new EventHandlers<PgTransaction>().on<{ caseId: string; seq: number }>('test.case-step.v1', async (event, tx) => {
      await tx.client.query(`INSERT INTO ${table} (case_id, seq, event_id) VALUES ($1, $2, $3)`, [event.subject, event.data.seq, event.id]);
      if (event.data.seq === 2) {
        attempts++;
        throw new Error('read model constraint');
      }
    });
    await producer.send([{ topic, messages: [1, 2, 3].map((seq) => stepRecord(caseId, seq)) }]);
    const groupId = unique('g');
    const consumer = await start(new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers, maxAttempts: 3, retryBackoff: { initialMs: 10, maxMs: 50 } }));
    await waitFor('done', async () => consumer.stats.applied === 2 && consumer.stats.deadLettered === 1);
    expect(attempts).toBe(3);
    // the failed attempts rolled back: no row, and no processed_messages claim for it
    expect((await pool.query(`SELECT seq FROM ${table} ORDER BY seq`)).rows.map((r) => r.seq)).toEqual([1, 3]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM processed_messages WHERE consumer_group = $1 AND event_type <> 'dead-letter'`, [groupId])).rows[0].n).toBe(2);
    // the dead letter's position is recorded, so a redelivery of it is not dead-lettered twice
    expect((await pool.query(`SELECT event_id FROM processed_messages WHERE consumer_group = $1 AND event_type = 'dead-letter'`, [groupId])).rows.map((r) => r.event_id)).toEqual([`dead-letter:${topic}:${(await listDeadLetters(kafka, topic))[0].originalPartition}:1`]);
    const [letter] = await listDeadLetters(kafka, topic);
    expect(letter.reason).toBe('handler failed after 3 attempt(s): read model constraint');
    expect(letter.attempts).toBe(3);
  });

  it('batched (transactionBatchSize): every message delivered twice is still applied exactly once, in per-case order', async () => {
    const { topic, table } = await timelineTopic('tio.test.batched', 'timeline_batched');
    const cases = Array.from({ length: 10 }, () => randomUUID());
    const perCase = 30;
    const messages = [];
    for (let seq = 1; seq <= perCase; seq++) for (const c of cases) messages.push(stepRecord(c, seq));
    // duplicates inside one chunk (adjacent) and across chunks (a second pass)
    await producer.send([{ topic, messages: messages.flatMap((m, i) => (i % 7 === 0 ? [m, m] : [m])) }]);
    await producer.send([{ topic, messages }]);
    const sent = messages.length * 2 + Math.ceil(messages.length / 7);
    let transactions = 0;
    const uow = new PgUnitOfWork(pool);
    const counting = { transaction: <T>(work: (tx: PgTransaction) => Promise<T>) => ((transactions++), uow.transaction(work)) };
    const consumer = await start(new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: counting, handlers: timelineHandlers(table), transactionBatchSize: 50 }));
    await waitFor('every delivery seen', async () => consumer.stats.applied + consumer.stats.duplicates >= sent);
    expect(await count(pool, table)).toBe(cases.length * perCase);
    expect(consumer.stats).toMatchObject({ applied: cases.length * perCase, duplicates: sent - cases.length * perCase, deadLettered: 0 });
    expectContiguous(await appliedOrder(pool, table), perCase);
    // one transaction per chunk, not per message (+1 for the processed_messages DDL)
    expect(transactions).toBeLessThan(sent / 10);
  });

  it('batched: a chunk with a failing message falls back to one transaction per message; only that one is dead-lettered', async () => {
    const { topic, table } = await timelineTopic('tio.test.batched-poison', 'timeline_bpoison');
    const caseId = randomUUID();
    await producer.send([{ topic, messages: Array.from({ length: 20 }, (_, i) => stepRecord(caseId, i + 1)) }]);
    const consumer = await start(new EventConsumer({
      client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), transactionBatchSize: 100,
      handlers: timelineHandlers(table, { permanentFailure: (seq) => seq === 7 }),
    }));
    await waitFor('done', async () => consumer.stats.applied === 19 && consumer.stats.deadLettered === 1);
    expect((await pool.query(`SELECT seq FROM ${table} ORDER BY seq`)).rows.map((r) => r.seq)).toEqual([...Array.from({ length: 6 }, (_, i) => i + 1), ...Array.from({ length: 13 }, (_, i) => i + 8)]);
    const letters = await listDeadLetters(kafka, topic);
    expect(letters.map((l) => l.reason)).toEqual(['handler failed after 1 attempt(s): step 7 is poison']);
  });

  it('waits out a lost database connection instead of dead-lettering: the message is applied once the database is back', async () => {
    const { topic, table } = await timelineTopic('tio.test.outage', 'timeline_outage');
    const caseId = randomUUID();
    // once armed, the next 6 transactions fail the way node-postgres fails while PostgreSQL restarts (more than maxAttempts)
    let failures = 0;
    const uow = new PgUnitOfWork(pool);
    const flaky = {
      transaction: <T>(work: (tx: PgTransaction) => Promise<T>) => {
        if (failures-- > 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        return uow.transaction(work);
      },
    };
    const consumer = await start(new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: flaky, handlers: timelineHandlers(table), maxAttempts: 2, retryBackoff: { initialMs: 10, maxMs: 20 } }));
    failures = 6;
    await producer.send([{ topic, messages: [1, 2, 3].map((seq) => stepRecord(caseId, seq)) }]);
    await waitFor('all applied', async () => consumer.stats.applied === 3, 60_000);
    expect(consumer.stats.deadLettered).toBe(0);
    expect(consumer.stats.retries).toBeGreaterThanOrEqual(5);
    expect(await count(pool, table)).toBe(3);
  });

  it('dead-letters at once, without retries, a message whose data PostgreSQL refuses (SQLSTATE class 22)', async () => {
    const topic = unique('tio.test.data-error');
    await ensureTopics(kafka, [topic]);
    const caseId = randomUUID();
    let attempts = 0;
    const handlers = new EventHandlers<PgTransaction>().on<{ caseId: string; seq: number }>('test.case-step.v1', async (event, tx) => {
      attempts++;
      // jsonb refuses \u0000: 22P05 untranslatable_character
      await tx.client.query(`SELECT $1::jsonb`, [JSON.stringify({ text: `step ${event.data.seq}\u0000` })]);
    });
    await producer.send([{ topic, messages: [stepRecord(caseId, 1)] }]);
    const consumer = await start(new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers, maxAttempts: 5 }));
    await waitFor('dead-lettered', async () => consumer.stats.deadLettered === 1);
    expect(attempts).toBe(1);
    const [letter] = await listDeadLetters(kafka, topic);
    expect(letter.reason).toMatch(/^handler failed after 1 attempt\(s\): unsupported Unicode escape sequence/);
  });
});
