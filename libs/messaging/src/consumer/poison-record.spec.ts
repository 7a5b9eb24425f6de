import { createHash, randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import { InboundAdviceSubmittedV1Dto, TOPICS, dlqTopic, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { main as deadLettersCli } from '../cli/dead-letters';
import { DEAD_LETTER_LIMITS, DEAD_LETTER_VALUE_HEADERS } from '../dead-letters/dead-letter-publisher';
import { listDeadLetters } from '../dead-letters/dead-letters';
import { listParked } from '../dead-letters/parked-operations';
import { ensureTopics } from '../kafka/topics';
import { client, env, testDatabase, unique, waitFor } from '../testing/support';
import { EventConsumer, isRefusal } from './event-consumer';
import { EventHandlers } from './handlers';
import { PgUnitOfWork, type PgTransaction } from './unit-of-work';

/**
 * One bad record never stops a consumer: a record sent gzip-compressed whose value decompresses to more than the
 * broker's default 1 MB limit (the broker here runs at its defaults) is dead-lettered with a bounded copy, or parked
 * when even that is refused; the valid record after it is applied; the consumer reports what happened.
 */
describe('EventConsumer and a record it can neither apply nor copy whole (real Kafka at default limits, PostgreSQL)', () => {
  let pool: Pool;
  const kafka = client();
  // the raw client, to send the way an outside system does: gzip batches
  const raw = new Kafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('outside'), logLevel: logLevel.NOTHING });
  const outside = raw.producer({ allowAutoTopicCreation: false });
  const consumers: EventConsumer<PgTransaction>[] = [];

  beforeAll(async () => {
    pool = await testDatabase('messaging_poison_record_spec');
    await outside.connect();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await outside.disconnect();
    await pool.end();
  });

  const advice = (caseId: string, text: string): IntegrationEvent => ({
    id: randomUUID(), source: '/agency/health/record-system', type: 'health.advice-submitted.v1', subject: caseId, time: new Date().toISOString(),
    data: {
      caseId, adviceRequestId: randomUUID(), externalReference: `NHS-${randomUUID().slice(0, 8)}`, submittedAt: '2025-03-01T10:00:00.000Z',
      authorName: 'Dr A', authorRole: 'DMO', sections: [{ heading: 'Medical', text }],
    },
    correlationId: 'c', actor: { userId: 'nhs-system', organisationId: 'rxx', agency: 'health', role: 'system' },
  });

  async function sendGzip(topic: string, events: IntegrationEvent[]) {
    const records = events.map(toKafkaRecord);
    await outside.send({ topic, compression: CompressionTypes.GZIP, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) });
  }

  async function inboundConsumer(topic: string, extra: Partial<ConstructorParameters<typeof EventConsumer<PgTransaction>>[0]> = {}) {
    const table = unique('inbound_advice').replace(/-/g, '_');
    await pool.query(`CREATE TABLE ${table} (event_id text PRIMARY KEY)`);
    const handlers = new EventHandlers<PgTransaction>().on<InboundAdviceSubmittedV1Dto>(
      'health.advice-submitted.v1',
      async (event, tx) => void (await tx.client.query(`INSERT INTO ${table} VALUES ($1)`, [event.id])),
      { dto: InboundAdviceSubmittedV1Dto },
    );
    const groupId = unique('inbound');
    const consumer = new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers, unknownTypes: 'dead-letter', ...extra });
    consumers.push(consumer);
    await consumer.start();
    const applied = async () => (await pool.query(`SELECT event_id FROM ${table}`)).rows.map((r) => r.event_id as string);
    return { consumer, groupId, applied };
  }

  it('dead-letters a gzip record that decompresses past 1 MB with a bounded copy (prefix, size, SHA-256), keeps it whole in PostgreSQL and applies the next one', async () => {
    const topic = unique(TOPICS.healthInbound);
    await ensureTopics(kafka, [topic], 1);
    const caseId = randomUUID();
    const huge = advice(caseId, 'x'.repeat(2 * 1024 * 1024));
    const valid = advice(caseId, 'Asthma, well controlled');
    await sendGzip(topic, [huge, valid]);
    const hugeValue = toKafkaRecord(huge).value as Buffer;
    expect(hugeValue.length).toBeGreaterThan(2 * 1024 * 1024);

    const { consumer, groupId, applied } = await inboundConsumer(topic);
    await waitFor('the valid one applied and the huge one dead-lettered', async () => consumer.stats.applied === 1 && consumer.stats.deadLettered === 1);
    expect(await applied()).toEqual([valid.id]);

    const [letter] = await listDeadLetters(kafka, topic);
    expect(letter.reason).toContain('sections[0].text (isLength: text must be shorter than or equal to 50000 characters)');
    expect(letter.headers['ce_id']).toBe(huge.id);
    expect(letter.value!.length).toBe(DEAD_LETTER_LIMITS.prefixBytes);
    expect(hugeValue.subarray(0, DEAD_LETTER_LIMITS.prefixBytes).toString('utf8')).toBe(letter.value);
    expect(letter.headers[DEAD_LETTER_VALUE_HEADERS.truncated]).toBe('true');
    expect(letter.headers[DEAD_LETTER_VALUE_HEADERS.bytes]).toBe(String(hugeValue.length));
    const sha = createHash('sha256').update(hugeValue).digest('hex');
    expect(letter.headers[DEAD_LETTER_VALUE_HEADERS.sha256]).toBe(sha);
    expect(letter).toMatchObject({ originalTopic: topic, originalPartition: 0, originalOffset: '0', consumerGroup: groupId });

    // the whole value, by its coordinates, in the consumer's own database
    const [kept] = await listParked(new PgUnitOfWork(pool), { topic, status: 'dead-lettered' });
    expect(kept).toMatchObject({ consumerGroup: groupId, partition: 0, offset: '0', valueBytes: hugeValue.length, valueSha256: sha });
    expect(kept.value!.equals(hugeValue)).toBe(true);

    // a DLQ replay would send only the prefix: it is refused and points at the whole record
    await expect(deadLettersCli(['replay', topic, '--all', '--brokers', env('KAFKA_BROKERS')], () => undefined)).rejects.toThrow(/parked replay .* 0:0 --database/);

    const health = await consumer.health();
    console.log(`[poison] oversized gzip record: value ${hugeValue.length} bytes -> dead letter ${letter.value!.length} bytes; health ${JSON.stringify({ state: health.state, ok: health.ok, lag: health.lag, parked: health.parked, stats: health.stats })}`);
    expect(health).toMatchObject({ state: 'running', ok: true, parked: 0, lag: 0, stats: expect.objectContaining({ applied: 1, deadLettered: 1, parked: 0 }) });
  });

  it('parks a record whose dead letter the topic refuses, moves on, and the CLI lists, skips and replays it by coordinates', async () => {
    const topic = unique(TOPICS.healthInbound);
    await ensureTopics(kafka, [topic], 1);
    // a dead-letter topic that accepts almost nothing: every dead letter is refused by the broker
    const admin = kafka.admin();
    await admin.connect();
    await admin.configureTopic(dlqTopic(topic), { 'max.message.bytes': '1024' });
    await admin.disconnect();
    const caseId = randomUUID();
    const first = advice(caseId, 'y'.repeat(60_000));
    const valid = advice(caseId, 'Eczema');
    const second = advice(caseId, 'z'.repeat(70_000));
    await sendGzip(topic, [first, valid, second]);

    const { consumer, groupId, applied } = await inboundConsumer(topic, { deadLetterAttempts: 2, deadLetterBackoff: { initialMs: 10, maxMs: 20 } });
    await waitFor('two parked, the valid one applied', async () => consumer.stats.parked === 2 && consumer.stats.applied === 1);
    expect(await applied()).toEqual([valid.id]);
    expect(await listDeadLetters(kafka, topic)).toEqual([]);
    const health = await consumer.health();
    console.log(`[poison] dead-letter topic refusing: health ${JSON.stringify({ state: health.state, ok: health.ok, parked: health.parked, lastError: health.lastError })}`);
    expect(health).toMatchObject({ state: 'running', ok: true, parked: 2 });
    expect(health.lastError?.message).toMatch(/too large|MESSAGE_TOO_LARGE|larger than/i);

    const db = ['--database', await ensureDatabase(env('DATABASE_URL'), 'messaging_poison_record_spec')];
    const lines: string[] = [];
    expect(await deadLettersCli(['parked', 'list', topic, ...db], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe('2 parked record(s)');
    expect(lines[1]).toContain(`${topic} 0:0  parked`);
    expect(lines[1]).toContain(`health.advice-submitted.v1 ${first.id}`);
    expect(lines[2]).toContain('validation failed: sections[0].text');
    expect(lines[2]).toContain('the dead-letter topic refused it');
    expect(lines[3]).toContain(`${topic} 0:2  parked`);

    // skip the first: it stays in the table, marked, and no longer counts as parked
    const out: string[] = [];
    expect(await deadLettersCli(['parked', 'skip', topic, '0:0', ...db], (l) => out.push(l))).toBe(0);
    expect(out).toEqual([`skipped ${topic} 0:0 (${groupId})`]);
    expect((await consumer.health()).parked).toBe(1);

    // replay the second (gzip, as it came): it arrives again at a new offset and, still invalid, is parked again there
    expect(await deadLettersCli(['parked', 'replay', topic, '0:2', ...db, '--brokers', env('KAFKA_BROKERS')], (l) => out.push(l))).toBe(0);
    expect(out[1]).toBe(`replayed ${topic} 0:2 -> ${topic}`);
    await waitFor('the replayed record parked again', async () => consumer.stats.parked === 3);
    const rows = await listParked(new PgUnitOfWork(pool), { topic });
    expect(rows.map((r) => `${r.offset}:${r.status}`)).toEqual(['0:skipped', '2:replayed', '3:parked']);
    expect(rows[2].headers['dlq_replayed_from']).toBe(`parked:${groupId}:${topic}:0:2`);
    expect(rows[2].headers['ce_id']).toBe(second.id);
  });

  it('reports itself stalled (not ok) while a partition keeps failing at one record, and running again once it gets past', async () => {
    const topic = unique('tio.test.stall');
    await ensureTopics(kafka, [topic], 1);
    const stallDb = await testDatabase('messaging_poison_stall_spec');
    try {
      const consumer = new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(stallDb), handlers: new EventHandlers<PgTransaction>(), unknownTypes: 'dead-letter' });
      consumers.push(consumer);
      await consumer.start();
      // the consumer's own bookkeeping table is gone: it cannot record anything, whatever the record
      await stallDb.query('ALTER TABLE processed_messages RENAME TO processed_messages_away');
      await sendGzip(topic, [advice(randomUUID(), 'unknown here')]);
      await waitFor('stalled', async () => (await consumer.health()).state === 'stalled', 60_000);
      const stalled = await consumer.health();
      console.log(`[poison] stalled: ${JSON.stringify({ state: stalled.state, ok: stalled.ok, lastError: stalled.lastError })}`);
      expect(stalled.ok).toBe(false);
      expect(stalled.lastError).toMatchObject({ message: expect.stringContaining('processed_messages'), where: `${topic}/0@0` });
      // a partition that stops reporting (a rebalance gave it to another replica) no longer counts after 5 minutes
      const now = Date.now();
      const later = jest.spyOn(Date, 'now').mockReturnValue(now + 6 * 60_000);
      try {
        expect((await consumer.health()).state).toBe('running');
      } finally {
        later.mockRestore();
      }
      await stallDb.query('ALTER TABLE processed_messages_away RENAME TO processed_messages');
      await waitFor('running again', async () => (await consumer.health()).state === 'running' && consumer.stats.deadLettered === 1, 90_000);
      expect((await consumer.health()).ok).toBe(true);
    } finally {
      await stallDb.end();
    }
  });
});

describe('which dead-letter failures park a record', () => {
  it('parks only when the topic refuses the record itself; a broker that cannot be reached fails the batch instead', () => {
    // KafkaJS builds its protocol errors from the broker's error code entry (its types declare only Error | string)
    const code = { type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept' };
    const tooLarge = new KafkaJSProtocolError(code as unknown as Error);
    expect(isRefusal(tooLarge)).toBe(true);
    expect(isRefusal(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 5, retryTime: 3000 }))).toBe(true);
    expect(isRefusal(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe(false);
    expect(isRefusal(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 3000 }))).toBe(false);
    expect(isRefusal(new Error('anything else'))).toBe(false);
  });
});
