// Forwarder throughput and end-to-end latency, beside raw KafkaJS on the same broker in the same run.
// Run: npm run bench:messaging   (starts its own PostgreSQL + Kafka unless DATABASE_URL / KAFKA_BROKERS are set)
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { EventTypeRegistry } from '@tio/contracts';
import { PostgresEventStore, type NewEvent } from '@tio/event-store';
import { ensureDatabase, startLocalInfra } from '@tio/local-infra';
import { EventConsumer, EventHandlers, Forwarder, KafkaJsClient, PgUnitOfWork, ensureTopics, type PgTransaction, type UnitOfWork } from '../src';

const BACKLOG = Number(process.env['BENCH_BACKLOG'] ?? 5000);
const RATE = Number(process.env['BENCH_RATE'] ?? 200); // events/s for the latency runs
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CASES = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (n: number) => n.toFixed(1);
const payload = (caseId: string, seq: number) => ({ caseId, seq, note: 'x'.repeat(200) });

function event(caseId: string, seq: number): NewEvent {
  return {
    type: 'BenchStep', data: payload(caseId, seq),
    metadata: { eventId: randomUUID(), caseId, occurredAt: new Date().toISOString(), correlationId: 'bench', actor: { userId: 'u', organisationId: 'o', agency: 'local-authority', role: 'bench' } },
  };
}

async function paced(total: number, rate: number, fn: (i: number) => Promise<void>): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await fn(i);
  }
}

async function main(): Promise<void> {
  const infra = await startLocalInfra({ mode: 'test' });
  const brokers = infra.kafkaBrokers;
  const run = randomUUID().slice(0, 8);
  const url = await ensureDatabase(infra.databaseUrl, `messaging_bench_${run}`);
  const store = await PostgresEventStore.create({ connectionString: url, schema: 'bench_store' });
  const pool = new Pool({ connectionString: url, max: 5 });
  const client = new KafkaJsClient({ brokers, clientId: 'bench' });
  const topic = `tio.bench.${run}`;
  const rawTopic = `tio.bench-raw.${run}`;
  await ensureTopics(client, [topic, rawTopic]);
  const registry = new EventTypeRegistry();
  registry.register({ name: 'bench.step', version: 1, direction: 'outbound', topic, summary: 'bench', schema: { type: 'object' }, example: {}, sourceEventTypes: ['BenchStep'] });
  const cases = Array.from({ length: CASES }, () => randomUUID());
  const results: string[] = [];
  try {
    // ---- raw KafkaJS baseline ----
    const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const rawProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await rawProducer.connect();
    const value = JSON.stringify(payload(cases[0], 1));
    let t0 = Date.now();
    for (let i = 0; i < BACKLOG; i += 500) {
      await rawProducer.send({ topic: rawTopic, acks: -1, messages: Array.from({ length: Math.min(500, BACKLOG - i) }, (_, j) => ({ key: cases[(i + j) % CASES], value })) });
    }
    const rawThroughput = BACKLOG / ((Date.now() - t0) / 1000);

    const rawLatencies: number[] = [];
    const sentAt = new Map<string, number>();
    const rawConsumer = kafka.consumer({ groupId: `bench-raw-${run}` });
    await rawConsumer.connect();
    await rawConsumer.subscribe({ topics: [rawTopic], fromBeginning: false });
    let assigned!: () => void;
    const ready = new Promise<void>((r) => (assigned = r));
    rawConsumer.on(rawConsumer.events.GROUP_JOIN, () => assigned());
    await rawConsumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.['id']?.toString();
        const at = id ? sentAt.get(id) : undefined;
        if (at !== undefined) rawLatencies.push(performance.now() - at);
      },
    });
    await ready;
    await new Promise((r) => setTimeout(r, 1000));
    const latencyCount = RATE * SECONDS;
    await paced(latencyCount, RATE, async (i) => {
      const id = String(i);
      sentAt.set(id, performance.now());
      await rawProducer.send({ topic: rawTopic, acks: -1, messages: [{ key: cases[i % CASES], value, headers: { id } }] });
    });
    while (rawLatencies.length < latencyCount) await new Promise((r) => setTimeout(r, 50));
    await rawConsumer.disconnect();
    await rawProducer.disconnect();

    // ---- forwarder throughput: a backlog of BACKLOG events, append -> Kafka ack ----
    for (let i = 0; i < BACKLOG; i += 100) {
      await Promise.all(cases.map((c, k) => (i + k < BACKLOG ? store.appendToStream(`bench-${c}`, [event(c, i + k)]) : undefined)));
    }
    const last = (await store.readAll({ category: 'bench' })).length;
    const lastPosition = (await store.readAll({})).at(-1)!.globalPosition;
    const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client, name: `bench-${run}`, source: '/tio/bench', registry, category: 'bench', batchSize: 500 });
    t0 = Date.now();
    await forwarder.start();
    await forwarder.waitFor(lastPosition);
    const forwarderThroughput = last / ((Date.now() - t0) / 1000);

    // ---- end-to-end: append -> visible in a consumer's read model, at RATE events/s ----
    await pool.query('CREATE TABLE bench_timeline (event_id text PRIMARY KEY, case_id text NOT NULL, seq integer NOT NULL)');
    const appendedAt = new Map<string, number>();
    const e2e: number[] = [];
    const inner = new PgUnitOfWork(pool);
    const seen: string[][] = [];
    // records the moment each transaction committed, i.e. when the row became visible
    const timed: UnitOfWork<PgTransaction> = {
      transaction: async (work) => {
        const ids: string[] = [];
        seen.push(ids);
        const out = await inner.transaction((tx) => work(Object.assign(tx, { ids })));
        const now = performance.now();
        for (const id of ids) if (appendedAt.has(id)) e2e.push(now - appendedAt.get(id)!);
        return out;
      },
    };
    const handlers = new EventHandlers<PgTransaction>().on<{ caseId: string; seq: number }>('bench.step.v1', async (ev, tx) => {
      await tx.client.query('INSERT INTO bench_timeline VALUES ($1, $2, $3)', [ev.id, ev.subject, ev.data.seq]);
      (tx as PgTransaction & { ids: string[] }).ids.push(ev.id);
    });
    const consumer = new EventConsumer({ client, groupId: `bench-${run}`, topics: [topic], unitOfWork: timed, handlers });
    await consumer.start();
    while (consumer.stats.applied < last) await new Promise((r) => setTimeout(r, 100));
    await paced(latencyCount, RATE, async (i) => {
      const c = cases[i % CASES];
      const ev = event(c, BACKLOG + i);
      appendedAt.set(ev.metadata.eventId, performance.now());
      await store.appendToStream(`bench-${c}`, [ev]); // the store wakes the forwarder
    });
    while (e2e.length < latencyCount) await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();
    await forwarder.stop();

    const rawP50 = pct(rawLatencies, 50);
    const rawP99 = pct(rawLatencies, 99);
    const p50 = pct(e2e, 50);
    const p99 = pct(e2e, 99);
    results.push(
      `Load: backlog ${BACKLOG} events over ${CASES} cases (~${value.length} B payload); latency runs ${RATE} events/s for ${SECONDS} s (${latencyCount} events); 1 broker, 3 partitions.`,
      '',
      '| measure | Tell It Once | raw KafkaJS | ratio |',
      '|---|---|---|---|',
      `| throughput, events/s (forwarder: append -> Kafka ack; raw: idempotent produce, batches of 500) | ${fmt(forwarderThroughput)} | ${fmt(rawThroughput)} | ${(forwarderThroughput / rawThroughput).toFixed(2)} |`,
      `| latency p50, ms (append -> read-model commit; raw: produce -> consume) | ${fmt(p50)} | ${fmt(rawP50)} | ${(p50 / rawP50).toFixed(1)} |`,
      `| latency p99, ms | ${fmt(p99)} | ${fmt(rawP99)} | ${(p99 / rawP99).toFixed(1)} |`,
    );
    console.log(results.join('\n'));
    // one machine-readable line for infra/bench/run-all.ts (npm run bench)
    console.log(`BENCH_JSON ${JSON.stringify({ area: 'messaging', sizes: { backlog: BACKLOG, cases: CASES, rate: RATE, seconds: SECONDS, payloadBytes: value.length }, forwarder: forwarderThroughput, rawProducer: rawThroughput, p50, p99, rawP50, rawP99 })}`);
  } finally {
    await store.close();
    await pool.end();
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
