import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EventTypeRegistry } from '@tio/contracts';
import { PostgresEventStore, type NewEvent } from '@tio/event-store';
import { ensureDatabase, startKafka, type RunningKafka } from '@tio/local-infra';
import { EventConsumer } from '../consumer/event-consumer';
import { PgUnitOfWork, type PgTransaction } from '../consumer/unit-of-work';
import { KafkaJsClient } from '../kafka/kafkajs-adapter';
import type { MessageProducer, MessagingClient, ProducerOptions, TopicMessages } from '../kafka/port';
import { ensureTopics } from '../kafka/topics';
import { EventHandlers, type ConsumedEvent } from '../consumer/handlers';
import { STEP_TYPE, appliedOrder, client, count, createTimeline, env, expectContiguous, testDatabase, timelineHandlers, unique, waitFor } from '../testing/support';
import { Forwarder } from './forwarder';

function registryFor(topic: string): EventTypeRegistry {
  const registry = new EventTypeRegistry();
  registry.register({
    name: 'test.case-step', version: 1, direction: 'outbound', topic, summary: 'test',
    schema: { type: 'object', properties: { caseId: { type: 'string' }, seq: { type: 'integer' } }, required: ['caseId', 'seq'] },
    example: { caseId: 'c', seq: 1 }, sourceEventTypes: ['CaseStep'],
  });
  return registry;
}

function step(caseId: string, seq: number): NewEvent {
  return {
    type: 'CaseStep', data: { caseId, seq },
    metadata: { eventId: randomUUID(), caseId, occurredAt: new Date().toISOString(), correlationId: 'corr', actor: { userId: 'u', organisationId: 'o', agency: 'local-authority', role: 'caseworker' } },
  };
}

async function appendSteps(store: PostgresEventStore, cases: string[], from: number, to: number): Promise<void> {
  for (let seq = from; seq <= to; seq++) for (const c of cases) await store.appendToStream(`case-${c}`, [step(c, seq)]);
}

async function messagesIn(kafka: MessagingClient, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** `kafka` with each producer it makes wrapped by `wrap` (admin and consumers as they are). */
function wrappingProducers(kafka: MessagingClient, wrap: (real: MessageProducer, options: ProducerOptions | undefined) => MessageProducer): MessagingClient {
  return { admin: () => kafka.admin(), consumer: (o) => kafka.consumer(o), producer: (o) => wrap(kafka.producer(o), o) };
}

/** A client whose producer sends `fullSends` batches, then half of the next one and "dies" (resolving `crash`). */
function crashingClient(kafka: MessagingClient, fullSends = 0): { client: MessagingClient; crash: Promise<void> } {
  let sends = 0;
  let crashed!: () => void;
  const crash = new Promise<void>((r) => (crashed = r));
  const client = wrappingProducers(kafka, (real) => ({
    connect: () => real.connect(),
    disconnect: () => real.disconnect(),
    send: async (batch: TopicMessages[]) => {
      if (++sends <= fullSends) return real.send(batch);
      await real.send(batch.map((t) => ({ topic: t.topic, messages: t.messages.slice(0, Math.ceil(t.messages.length / 2)) })));
      crashed();
      throw new Error('simulated crash after a partial send');
    },
  }));
  return { client, crash };
}

/** A client that counts its producers' acknowledged sends, connects and disconnects, by where the producer runs. */
function countingClient(kafka: MessagingClient) {
  const counts = () => ({ caller: 0, thread: 0 });
  const sent = counts();
  const connects = counts();
  const disconnects = counts();
  const client = wrappingProducers(kafka, (real, options) => {
    const kind = options?.ownThread ? 'thread' : 'caller';
    return {
      connect: async () => void (await real.connect(), connects[kind]++),
      disconnect: async () => void (await real.disconnect(), disconnects[kind]++),
      send: async (b) => void (await real.send(b), sent[kind]++),
    };
  });
  return { client, sent, connects, disconnects };
}

/** local-infra formats storage with a random base64url cluster id; one starting with '-' is misread as an option. */
async function startBroker(options: Parameters<typeof startKafka>[0]): Promise<RunningKafka> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKafka(options);
    } catch (err) {
      if (attempt >= 3 || !/cluster-id/.test((err as Error).message)) throw err;
    }
  }
}

describe('Forwarder: event store -> Kafka -> read model (real PostgreSQL event store and Kafka)', () => {
  let pool: Pool;
  let store: PostgresEventStore;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const url = await ensureDatabase(env('DATABASE_URL'), 'messaging_forwarder_spec');
    store = await PostgresEventStore.create({ connectionString: url, schema: 'fwd_store' });
    pool = await testDatabase('messaging_forwarder_spec');
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await store.close();
    await pool.end();
  });

  /** Forwards the case streams to `topic` (checkpoint `name`) with a consumer of it keeping every event, until `done`. */
  async function forwardUntil(kafka: MessagingClient, topic: string, name: string, what: string, done: (seen: readonly ConsumedEvent[]) => boolean): Promise<ConsumedEvent[]> {
    const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client: kafka, name, source: '/tio/test', registry: registryFor(topic), category: 'case' });
    const seen: ConsumedEvent[] = [];
    const consumer = new EventConsumer({
      client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool),
      handlers: new EventHandlers<PgTransaction>().on(STEP_TYPE, async (e) => void seen.push(e)),
    });
    try {
      await forwarder.start();
      await consumer.start();
      await waitFor(what, async () => done(seen));
    } finally {
      await consumer.stop();
      await forwarder.stop();
    }
    return seen;
  }

  it('carries when the store recorded each event (ce_recordedat) besides when it happened (ce_time)', async () => {
    const kafka = client();
    const topic = unique('tio.test.fwd-recorded');
    await ensureTopics(kafka, [topic]);
    const caseId = randomUUID();
    const event = step(caseId, 1);
    await store.appendToStream(`case-${caseId}`, [{ ...event, metadata: { ...event.metadata, occurredAt: '2025-02-03T00:00:00.000Z' } }]);
    const [stored] = await store.readStream(`case-${caseId}`);
    if (!stored) throw new Error('the event was not stored');
    const name = unique('forwarder');
    await store.checkpoints.save(name, stored.globalPosition - 1n);
    const seen = await forwardUntil(kafka, topic, name, 'the forwarded event', (got) => got.some((e) => e.id === event.metadata.eventId));
    const consumed = seen.find((e) => e.id === event.metadata.eventId);
    expect(consumed?.time).toBe('2025-02-03T00:00:00.000Z');
    expect(consumed?.recordedAt).toBe(stored.metadata.recordedAt);
    expect(consumed?.recordedAt).not.toBe(consumed?.time);
  });

  it('publishes a batch with one span per trace it continues: each record parented by its own trace\'s span, that span by the stored context', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const kafka = client();
    const topic = unique('tio.test.fwd-spans');
    await ensureTopics(kafka, [topic]);
    const commands = [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', events: 3 },
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', events: 1 },
    ];
    const appended: { eventId: string; command: (typeof commands)[number] }[] = [];
    const caseId = randomUUID();
    const name = unique('forwarder');
    let seen: ConsumedEvent[] = [];
    try {
      let seq = 0;
      let first: bigint | undefined;
      for (const command of commands) {
        const events = Array.from({ length: command.events }, () => step(caseId, ++seq)).map((e) => ({ ...e, metadata: { ...e.metadata, traceparent: `00-${command.traceId}-${command.spanId}-01` } }));
        const { position } = await store.appendToStream(`case-${caseId}`, events);
        first ??= position - BigInt(command.events);
        for (const e of events) appended.push({ eventId: e.metadata.eventId, command });
      }
      if (first === undefined) throw new Error('nothing was appended');
      await store.checkpoints.save(name, first); // all four events in the forwarder's first batch
      seen = await forwardUntil(kafka, topic, name, 'the forwarded events', (got) => appended.every((a) => got.some((e) => e.id === a.eventId)));
    } finally {
      trace.disable();
      propagation.disable();
    }
    const publishes = exporter.getFinishedSpans().filter((s) => s.name === `publish ${topic}`);
    expect(publishes).toHaveLength(2);
    for (const command of commands) {
      const span = publishes.find((s) => s.spanContext().traceId === command.traceId);
      expect(span?.parentSpanContext?.spanId).toBe(command.spanId);
      expect(span?.attributes['tio.outcome']).toBe('published');
      if (command.events === 1) expect(span?.attributes['messaging.message.id']).toBe(appended.find((a) => a.command === command)?.eventId);
      else expect(span?.attributes['messaging.batch.message_count']).toBe(command.events);
      for (const { eventId } of appended.filter((a) => a.command === command)) {
        expect(seen.find((e) => e.id === eventId)?.traceparent).toBe(`00-${command.traceId}-${span?.spanContext().spanId}-01`);
      }
    }
  });

  it('sends a backlog\'s full batches from the producer on its own thread and the trickle from its own; closes the thread\'s producer once no full batch came for a while, and connects it again for the next backlog', async () => {
    const kafka = client();
    const topic = unique('tio.test.fwd-thread');
    const name = unique('forwarder');
    await ensureTopics(kafka, [topic]);
    const category = 'case';
    await store.checkpoints.save(name, (await store.readAll()).at(-1)?.globalPosition ?? 0n);
    const caseId = randomUUID();
    let seq = 0;
    /** `n` events in one append: visible at once, a backlog of full batches. */
    const backlog = (n: number) => store.appendToStream(`case-${caseId}`, Array.from({ length: n }, () => step(caseId, ++seq)));
    const { client: counting, sent, connects, disconnects } = countingClient(kafka);
    const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client: counting, name, source: '/tio/test', registry: registryFor(topic), category, batchSize: 10, producerThreadIdleMs: 3000, pollIntervalMs: 100 });
    stops.push(() => forwarder.stop());
    await forwarder.start();
    await waitFor('the thread\'s producer connected', async () => connects.thread === 1);
    const published = async () => forwarder.waitFor((await store.readAll({ category })).at(-1)!.globalPosition);

    await backlog(50);
    await published();
    expect(sent).toEqual({ caller: 0, thread: 5 });

    // no full batch for more than producerThreadIdleMs, nothing appended: the forwarder's idle polls close it
    await waitFor('the thread\'s producer closed', async () => disconnects.thread === 1, 10_000);
    await appendSteps(store, [caseId], ++seq, seq); // a trickle
    await published();
    expect(sent).toEqual({ caller: 1, thread: 5 });

    await backlog(200); // the first full batch leaves from here while the thread's producer connects again
    await published();
    expect(connects.thread).toBe(2);
    expect(sent.caller + sent.thread).toBe(1 + 5 + 20);
    expect(sent.thread).toBeGreaterThan(5);
    expect(await messagesIn(kafka, topic)).toBe(251);
  });

  it('a crash mid-batch skips nothing: after a restart from the checkpoint, N events give exactly N rows', async () => {
    const kafka = client();
    const topic = unique('tio.test.fwd-crash');
    const table = unique('timeline_fwd_crash').replace(/-/g, '_');
    const name = unique('forwarder');
    await ensureTopics(kafka, [topic]);
    await createTimeline(pool, table);
    const cases = Array.from({ length: 5 }, () => randomUUID());
    // only this test's streams: category per test
    const category = 'case';
    await appendSteps(store, cases, 1, 10);
    const startPosition = (await store.readAll({ category })).filter((e) => (e.data as { caseId: string }).caseId === cases[0])[0].globalPosition - 1n;
    await store.checkpoints.save(name, startPosition);

    // a client whose producer publishes half of the first batch, then the process "dies"
    const { client: crashing, crash } = crashingClient(kafka);
    const registry = registryFor(topic);
    const first = new Forwarder({ store, checkpoints: store.checkpoints, client: crashing, name, source: '/tio/test', registry, category, batchSize: 1000, backoff: { initialMs: 50, maxMs: 200 } });
    await first.start();
    await crash;
    await first.stop(); // the process is gone: its checkpoint never moved
    expect(await store.checkpoints.load(name)).toBe(startPosition);
    expect(await messagesIn(kafka, topic)).toBe(25);

    const second = new Forwarder({ store, checkpoints: store.checkpoints, client: kafka, name, source: '/tio/test', registry, category });
    await second.start();
    stops.push(() => second.stop());
    const consumer = new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table) });
    stops.push(() => consumer.stop());
    await consumer.start();
    await waitFor('all rows', async () => (await count(pool, table)) === 50);
    expect(await messagesIn(kafka, topic)).toBe(75); // 25 duplicates in Kafka ...
    await waitFor('duplicates absorbed', async () => consumer.stats.duplicates === 25);
    expect(await count(pool, table)).toBe(50); // ... none in the read model
    expectContiguous(await appliedOrder(pool, table), 10);
    expect(second.position()).toBe((await store.readAll({ category })).at(-1)!.globalPosition);
  });

  it('reading ahead and checkpointing beside the sends: a crash in the 4th of 5 batches resends at most two batches, N events give exactly N rows', async () => {
    const kafka = client();
    const topic = unique('tio.test.fwd-pipelined');
    const table = unique('timeline_fwd_pipelined').replace(/-/g, '_');
    const name = unique('forwarder');
    await ensureTopics(kafka, [topic]);
    await createTimeline(pool, table);
    const cases = Array.from({ length: 5 }, () => randomUUID());
    const category = 'case';
    const before = (await store.readAll()).at(-1)?.globalPosition ?? 0n;
    await appendSteps(store, cases, 1, 10);
    let positions: bigint[] = [];
    await waitFor('the appends readable', async () => (positions = (await store.readAll({ category, after: before })).map((e) => e.globalPosition)).length === 50);
    await store.checkpoints.save(name, before);

    // full sends for batches 1-3, then half of batch 4 and the process "dies"
    const { client: crashing, crash } = crashingClient(kafka, 3);
    const registry = registryFor(topic);
    const batchSize = 10;
    // five full batches: a backlog, sent by the producer on its own thread once it is connected
    const first = new Forwarder({ store, checkpoints: store.checkpoints, client: crashing, name, source: '/tio/test', registry, category, batchSize, backoff: { initialMs: 50, maxMs: 200 } });
    await first.start();
    await crash;
    await first.stop();
    // batch 4 was never acknowledged; batch 2 was checkpointed before batch 4 was sent
    const saved = (await store.checkpoints.load(name))!;
    expect(saved).toBeGreaterThanOrEqual(positions[19]);
    expect(saved).toBeLessThanOrEqual(positions[29]);
    expect(await messagesIn(kafka, topic)).toBe(35);

    const second = new Forwarder({ store, checkpoints: store.checkpoints, client: kafka, name, source: '/tio/test', registry, category, batchSize });
    await second.start();
    stops.push(() => second.stop());
    const consumer = new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table) });
    stops.push(() => consumer.stop());
    await consumer.start();
    await waitFor('all rows', async () => (await count(pool, table)) === 50);
    await second.waitFor(positions[49]);
    const resent = (await messagesIn(kafka, topic)) - 50;
    expect(resent).toBeLessThanOrEqual(2 * batchSize);
    await waitFor('duplicates absorbed', async () => consumer.stats.duplicates === resent);
    expect(await count(pool, table)).toBe(50);
    expectContiguous(await appliedOrder(pool, table), 10);
  });

  it('survives the broker being stopped and restarted mid-stream: N events appended -> exactly N rows, per-case order kept (the outage\'s backlog in full batches from the producer on its own thread, the live trickle from the forwarder\'s)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tio-kafka-restart-'));
    let broker: RunningKafka = await startBroker({ dir, persistent: true });
    const port = broker.brokers.split(':')[1];
    stops.push(async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const kafka = new KafkaJsClient({ brokers: broker.brokers, clientId: 'restart-test' });
    const topic = unique('tio.test.fwd-restart');
    const table = unique('timeline_fwd_restart').replace(/-/g, '_');
    const name = unique('forwarder');
    await ensureTopics(kafka, [topic]);
    await createTimeline(pool, table);
    const before = (await store.readAll()).at(-1)?.globalPosition ?? 0n;
    await store.checkpoints.save(name, before);
    const cases = Array.from({ length: 6 }, () => randomUUID());
    const perCase = 20;
    const errors: string[] = [];
    const { client: counting, sent } = countingClient(kafka);
    const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client: counting, name, source: '/tio/test', registry: registryFor(topic), category: 'case',
      batchSize: 10, backoff: { initialMs: 100, maxMs: 1000 }, producerRetries: 1, log: (m) => errors.push(m) });
    await forwarder.start();
    stops.push(() => forwarder.stop());
    const consumer = new EventConsumer({ client: kafka, groupId: unique('g'), topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table), sessionTimeoutMs: 10_000 });
    stops.push(() => consumer.stop());
    await consumer.start();

    await appendSteps(store, cases, 1, 8);
    await waitFor('first part visible', async () => (await count(pool, table)) >= 30);
    await broker.stop();
    await appendSteps(store, cases, 9, 14); // appended while the broker is down
    await waitFor('the forwarder to notice the broker is down', async () => forwarder.stats.failures > 0, 30_000);
    broker = await startBroker({ dir, persistent: true, port }); // same data dir and port: topics, offsets and groups survive
    await appendSteps(store, cases, 15, perCase);
    try {
      await waitFor('all rows after the restart', async () => (await count(pool, table)) === cases.length * perCase, 60_000);
    } catch (err) {
      console.log(JSON.stringify({ rows: await count(pool, table), inKafka: await messagesIn(kafka, topic).catch((e) => String(e)), forwarder: forwarder.stats, position: String(forwarder.position()), consumer: consumer.stats, errors: errors.slice(-5) }, null, 1));
      throw err;
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count(pool, table)).toBe(cases.length * perCase);
    expectContiguous(await appliedOrder(pool, table), perCase);
    expect(errors.some((e) => e.includes('publish to Kafka failed'))).toBe(true);
    expect(sent.caller).toBeGreaterThan(0); // the live trickle
    expect(sent.thread).toBeGreaterThan(0); // the backlog of the outage
  });
});
