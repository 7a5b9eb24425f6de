// Forwarder throughput and end-to-end latency, beside raw KafkaJS on the same broker in the same run.
// Run: npm run bench:messaging   (starts its own PostgreSQL + Kafka unless DATABASE_URL / KAFKA_BROKERS are set)
//
// Throughput compares like with like: the raw producer sends exactly the records the forwarder sends (built from the
// same stored events with the same `integrationEventFromRecorded` + `toKafkaRecord`: same keys, values, CloudEvents
// headers and batches of BATCH), to a topic with the same partitions, with an idempotent KafkaJS producer (acks = all,
// one request in flight). It builds each batch's records just before sending it, as a producing application does, and
// its clock and CPU count only the sends, so the gap is everything the forwarder does besides sending: reading the
// store, building CloudEvents, checkpointing. A third contender, printed for comparison only, re-sends one set of
// record objects built once for every round (this bench's baseline until 2026-11-30): KafkaJS sends records it has
// sent before for less CPU (10-35% less in our runs), which no producer of new messages gets. A fourth, also for
// comparison only, is the forwarder sending every batch from its own event loop (`producerThread: false`, as it ran
// until 2026-12-01): the difference is what sending from a thread of its own brings. Every side connects a fresh
// producer inside the timed section (the forwarder's thread is started once, in the warm-up round, and kept for the
// client's later producers as a service keeps it). The contenders are interleaved
// over ROUNDS rounds (the order rotates each round), after one untimed warm-up round of each (a fresh process's code
// is cold); printed are the medians over the rounds, their ratio, the per-round ratios, this process's CPU per event
// of each side (less sensitive than the rates to other jobs on a shared machine) and the load average as each round
// ends.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { Pool } from 'pg';
import { EventTypeRegistry, integrationEventFromRecorded, toKafkaRecord } from '@tio/contracts';
import { PostgresEventStore, type NewEvent } from '@tio/event-store';
import { ensureDatabase, startLocalInfra } from '@tio/local-infra';
import { EventConsumer, EventHandlers, Forwarder, KafkaJsClient, PgUnitOfWork, ensureTopics, type PgTransaction, type UnitOfWork } from '../src';

const BACKLOG = Number(process.env['BENCH_BACKLOG'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
const RATE = Number(process.env['BENCH_RATE'] ?? 200); // events/s for the latency runs
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const NOTE_BYTES = Number(process.env['BENCH_NOTE_BYTES'] ?? 690); // a Kafka value of ~757 B, as a case event's
// the read model's messages per transaction: the timeline's TIMELINE_BATCH_SIZE default (1 is EventConsumer's default,
// one transaction and commit per message, as a consumer with side effects outside the database keeps)
const CONSUMER_BATCH = Number(process.env['BENCH_CONSUMER_BATCH'] ?? 500);
const CASES = 100;
const SOURCE = '/tio/bench';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (n: number) => n.toFixed(1);
const payload = (caseId: string, seq: number) => ({ caseId, seq, note: 'x'.repeat(NOTE_BYTES) });

function event(caseId: string, seq: number): NewEvent {
  return {
    type: 'BenchStep', data: payload(caseId, seq),
    metadata: { eventId: randomUUID(), caseId, occurredAt: new Date().toISOString(), correlationId: randomUUID(), actor: { userId: 'u', organisationId: 'o', agency: 'local-authority', role: 'bench' } },
  };
}

/** A side's round: events/s, this process's CPU per 1,000 events (ms), and for a forwarder its thread's event-loop delay (ms). */
interface Measured {
  rate: number;
  cpu: number;
  loopP99?: number;
  loopMax?: number;
}

/** At most this many sends or appends under way at once in the latency runs (open loop, bounded memory). */
const MAX_IN_FLIGHT = 256;

/**
 * Open loop: `fn(i)` starts when it falls due whether or not earlier ones have finished (a sequential writer whose
 * appends take 2 ms offers at most 500/s, whatever the rate asked), up to MAX_IN_FLIGHT at once; resolves when all
 * have finished. The measured latency starts inside `fn`, so time spent waiting for a free slot is not hidden in it.
 */
async function paced(total: number, rate: number, fn: (i: number) => Promise<void>): Promise<void> {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const running: Promise<void> = fn(i).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
}

/** Seconds `fn` took, and this process's CPU (user + system) meanwhile, in ms. */
async function timed(fn: () => Promise<void>): Promise<{ seconds: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

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
  const liveTopic = `tio.bench-live.${run}`; // the latency run's: none of the throughput rounds' copies to wade through
  await ensureTopics(client, [topic, rawTopic, liveTopic]);
  const registryFor = (to: string) => {
    const registry = new EventTypeRegistry();
    registry.register({ name: 'bench.step', version: 1, direction: 'outbound', topic: to, summary: 'bench', schema: { type: 'object' }, example: {}, sourceEventTypes: ['BenchStep'] });
    return registry;
  };
  const registry = registryFor(topic);
  const cases = Array.from({ length: CASES }, () => randomUUID());
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const rawProducer = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const results: string[] = [];
  try {
    process.stderr.write(`load average at start: ${load()}\n`);
    // ---- the backlog both sides send ----
    for (let i = 0; i < BACKLOG; i += CASES) {
      await Promise.all(cases.map((c, k) => (i + k < BACKLOG ? store.appendToStream(`bench-${c}`, [event(c, i + k)]) : undefined)));
    }
    // statistics as autovacuum keeps a live store's: on a table analysed while nearly empty (autovacuum may do that as
    // the backlog is written) the planner takes each 500-event read for a few rows and scans and sorts the whole
    // category instead of walking the index (80-290 ms of database CPU per read at load 30, against 0.5-8 ms)
    await store.pool.query(`ANALYZE "${store.schema}".events`);
    const stored = await store.readAll({ category: 'bench' });
    const lastPosition = stored.at(-1)!.globalPosition;
    // the raw side's batches: the forwarder's records, grouped the way it groups them (BATCH stored events per send),
    // newly built objects on every call
    const rawBatch = (from: number): { topic: string; messages: Message[] }[] => {
      const messages = stored.slice(from, from + BATCH).map((e) => toKafkaRecord(integrationEventFromRecorded(e, { source: SOURCE, registry })!));
      return [{ topic: rawTopic, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp })) }];
    };
    const batchStarts = Array.from({ length: Math.ceil(stored.length / BATCH) }, (_, k) => k * BATCH);
    // the comparison-only contender's records: built once, re-sent every round
    const rawBatches = batchStarts.map(rawBatch);
    const valueBytes = rawBatches[0][0].messages[0].value!.length;
    const headerBytes = Object.entries(rawBatches[0][0].messages[0].headers!).reduce((n, [k, v]) => n + k.length + String(v).length, 0);

    // ---- throughput, interleaved: a fresh forwarder (own checkpoint, from the start) against a fresh raw producer ----
    const forwarderRounds: number[] = [];
    const rawRounds: number[] = [];
    const resentRounds: number[] = [];
    const oneThreadRounds: number[] = [];
    // this process's CPU per 1,000 events sent, ms (forwarder: reading, building, sending, checkpointing; raw: sending)
    const forwarderCpu: number[] = [];
    const rawCpu: number[] = [];
    const resentCpu: number[] = [];
    const oneThreadCpu: number[] = [];
    // the forwarder's thread's event-loop delay while it caught up, ms: p99 and max per round
    const loopDelays: Record<'forwarder' | 'oneThread', { p99: number[]; max: number[] }> = { forwarder: { p99: [], max: [] }, oneThread: { p99: [], max: [] } };
    const loads: string[] = [];
    const sides = {
      forwarder: async (round: number, producerThread = true) => {
        const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client, name: `bench-${run}-${round}-${producerThread}`, source: SOURCE, registry, category: 'bench', batchSize: BATCH, producerThread });
        // how long the forwarder's own thread (a service's event loop) was held at a time while it caught up
        const delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
        const { seconds, cpuMs } = await timed(async () => {
          await forwarder.start();
          await forwarder.waitFor(lastPosition);
        });
        delay.disable();
        await forwarder.stop();
        return { rate: stored.length / seconds, cpu: cpuMs / (stored.length / 1000), loopP99: delay.percentile(99) / 1e6, loopMax: delay.max / 1e6 };
      },
      // the clock and the CPU count only the sends: a batch's records are built between them
      raw: async () => sendRaw((k) => rawBatch(batchStarts[k])),
      resent: async () => sendRaw((k) => rawBatches[k]),
      oneThread: async (round: number) => sides.forwarder(round, false),
    };
    async function sendRaw(batchOf: (k: number) => { topic: string; messages: Message[] }[]): Promise<Measured> {
      const producer = rawProducer();
      const spent = [await timed(() => producer.connect())];
      for (let k = 0; k < batchStarts.length; k++) {
        const topicMessages = batchOf(k);
        spent.push(await timed(async () => {
          await producer.sendBatch({ acks: -1, topicMessages });
        }));
      }
      await producer.disconnect();
      const seconds = spent.reduce((n, t) => n + t.seconds, 0);
      const cpuMs = spent.reduce((n, t) => n + t.cpuMs, 0);
      return { rate: stored.length / seconds, cpu: cpuMs / (stored.length / 1000) };
    }
    // round -1 warms every side up, untimed; then the order rotates (each side goes first, second, third and fourth in turn)
    const order = ['forwarder', 'raw', 'resent', 'oneThread'] as const;
    for (let round = -1; round < ROUNDS; round++) {
      const measured: Partial<Record<(typeof order)[number], Measured>> = {};
      for (let k = 0; k < order.length; k++) {
        const side = order[(Math.max(round, 0) + k) % order.length];
        measured[side] = side === 'forwarder' || side === 'oneThread' ? await sides[side](round) : await sides[side]();
      }
      if (round < 0) continue;
      const { forwarder: f, raw: r, resent: o, oneThread: t } = measured as Record<(typeof order)[number], Measured>;
      forwarderRounds.push(f.rate);
      rawRounds.push(r.rate);
      resentRounds.push(o.rate);
      oneThreadRounds.push(t.rate);
      forwarderCpu.push(f.cpu);
      rawCpu.push(r.cpu);
      resentCpu.push(o.cpu);
      oneThreadCpu.push(t.cpu);
      for (const [side, m] of [['forwarder', f], ['oneThread', t]] as const) {
        loopDelays[side].p99.push(m.loopP99 ?? NaN);
        loopDelays[side].max.push(m.loopMax ?? NaN);
      }
      loads.push(load());
      process.stderr.write(
        `round ${round + 1}/${ROUNDS}: forwarder ${fmt(f.rate)} ev/s, raw ${fmt(r.rate)} ev/s (${(f.rate / r.rate).toFixed(2)}), raw re-sending ${fmt(o.rate)} ev/s (${(f.rate / o.rate).toFixed(2)}), forwarder on one thread ${fmt(t.rate)} ev/s (${(t.rate / r.rate).toFixed(2)} of raw); ` +
          `CPU ms per 1,000 events: forwarder ${fmt(f.cpu)}, raw ${fmt(r.cpu)}, re-sending ${fmt(o.cpu)}, one thread ${fmt(t.cpu)}; load ${loads.at(-1)}\n`,
      );
    }
    const resentThroughput = median(resentRounds);
    const forwarderThroughput = median(forwarderRounds);
    const rawThroughput = median(rawRounds);
    const oneThreadThroughput = median(oneThreadRounds);
    const roundRatios = forwarderRounds.map((f, i) => f / rawRounds[i]);

    // ---- raw latency: produce -> consume, one record at a time at RATE/s (the forwarder's record shape) ----
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
        const id = message.headers?.['bench-id']?.toString();
        const at = id ? sentAt.get(id) : undefined;
        if (at !== undefined) rawLatencies.push(performance.now() - at);
      },
    });
    await ready;
    await new Promise((r) => setTimeout(r, 1000));
    const latencyCount = RATE * SECONDS;
    const producer = rawProducer();
    await producer.connect();
    const template = rawBatches[0][0].messages;
    await paced(latencyCount, RATE, async (i) => {
      const id = String(i);
      sentAt.set(id, performance.now());
      const m = template[i % template.length];
      await producer.send({ topic: rawTopic, acks: -1, messages: [{ ...m, headers: { ...m.headers, 'bench-id': id } }] });
    });
    while (rawLatencies.length < latencyCount) await new Promise((r) => setTimeout(r, 50));
    await rawConsumer.disconnect();
    await producer.disconnect();

    // ---- end-to-end: append -> visible in a consumer's read model, at RATE events/s ----
    await store.checkpoints.save(`bench-${run}`, lastPosition);
    const forwarder = new Forwarder({ store, checkpoints: store.checkpoints, client, name: `bench-${run}`, source: SOURCE, registry: registryFor(liveTopic), category: 'bench', batchSize: BATCH });
    await forwarder.start();
    await pool.query('CREATE TABLE bench_timeline (event_id text PRIMARY KEY, case_id text NOT NULL, seq integer NOT NULL)');
    const appendedAt = new Map<string, number>();
    const e2e: number[] = [];
    const inner = new PgUnitOfWork(pool);
    // records the moment each transaction committed, i.e. when the row became visible
    const timedUnit: UnitOfWork<PgTransaction> = {
      transaction: async (work) => {
        const ids: string[] = [];
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
    const consumer = new EventConsumer({ client, groupId: `bench-${run}`, topics: [liveTopic], unitOfWork: timedUnit, handlers, transactionBatchSize: CONSUMER_BATCH });
    await consumer.start();
    // one event through the whole path first: the group has joined and every connection is open before timing
    await store.appendToStream(`bench-${cases[0]}`, [event(cases[0], -1)]);
    while (consumer.stats.applied < 1) await new Promise((r) => setTimeout(r, 50));
    // where a rate is not kept: the appender, the forwarder and the consumer share this process's one thread; the
    // achieved append rate and the thread's CPU (a second of CPU per second: saturated) say whether it kept up
    const e2eCpu = process.cpuUsage();
    const e2eStarted = performance.now();
    await paced(latencyCount, RATE, async (i) => {
      const c = cases[i % CASES];
      const ev = event(c, BACKLOG + i);
      appendedAt.set(ev.metadata.eventId, performance.now());
      await store.appendToStream(`bench-${c}`, [ev]); // the store wakes the forwarder
    });
    const appendSeconds = (performance.now() - e2eStarted) / 1000;
    while (e2e.length < latencyCount) await new Promise((r) => setTimeout(r, 50));
    const e2eSeconds = (performance.now() - e2eStarted) / 1000;
    const e2eCpuUsed = process.cpuUsage(e2eCpu);
    const e2eCpuShare = (e2eCpuUsed.user + e2eCpuUsed.system) / 1e6 / e2eSeconds;
    const achievedRate = latencyCount / appendSeconds;
    await consumer.stop();
    await forwarder.stop();

    const rawP50 = pct(rawLatencies, 50);
    const rawP99 = pct(rawLatencies, 99);
    const p50 = pct(e2e, 50);
    const p99 = pct(e2e, 99);
    const ratio = forwarderThroughput / rawThroughput;
    results.push(
      `Load: backlog ${stored.length} events over ${CASES} cases, records of ${valueBytes} B values + ${headerBytes} B of CloudEvents headers, sends of ${BATCH}; ` +
        `throughput over ${ROUNDS} interleaved rounds (medians); latency runs ${RATE} events/s for ${SECONDS} s (${latencyCount} events); 1 broker, 3 partitions.`,
      '',
      '| measure | Tell It Once | raw KafkaJS | ratio | per-round ratios (median; min-max) |',
      '|---|---:|---:|---:|---:|',
      `| throughput, events/s (forwarder: store -> Kafka ack -> checkpoint; raw: idempotent producer, same records and batches, each batch built just before its send) | ${fmt(forwarderThroughput)} | ${fmt(rawThroughput)} | ${ratio.toFixed(2)} | ${median(roundRatios).toFixed(2)}; ${Math.min(...roundRatios).toFixed(2)}-${Math.max(...roundRatios).toFixed(2)} |`,
      `| this process's CPU (every thread), ms per 1,000 events (median) | ${fmt(median(forwarderCpu))} | ${fmt(median(rawCpu))} | ${(median(forwarderCpu) / median(rawCpu)).toFixed(2)} | |`,
      `| for comparison only: the forwarder sending every batch from its own event loop (producerThread: false), events/s (CPU ms per 1,000) | ${fmt(oneThreadThroughput)} (${fmt(median(oneThreadCpu))}) | ${fmt(rawThroughput)} | ${(oneThreadThroughput / rawThroughput).toFixed(2)} | ${median(oneThreadRounds.map((o, i) => o / rawRounds[i])).toFixed(2)} |`,
      `| event-loop delay of the forwarder's thread while it catches up, p99 / max ms (median of rounds; one thread: ${fmt(median(loopDelays.oneThread.p99))} / ${fmt(median(loopDelays.oneThread.max))}) | ${fmt(median(loopDelays.forwarder.p99))} / ${fmt(median(loopDelays.forwarder.max))} | | | |`,
      `| for comparison only: raw re-sending one set of record objects every round, events/s (CPU ms per 1,000) | ${fmt(forwarderThroughput)} | ${fmt(resentThroughput)} (${fmt(median(resentCpu))}) | ${(forwarderThroughput / resentThroughput).toFixed(2)} | ${median(forwarderRounds.map((f, i) => f / resentRounds[i])).toFixed(2)} |`,
      `| latency p50, ms (append -> read-model commit; raw: produce -> consume) | ${fmt(p50)} | ${fmt(rawP50)} | ${(p50 / rawP50).toFixed(1)} | |`,
      `| latency p99, ms | ${fmt(p99)} | ${fmt(rawP99)} | ${(p99 / rawP99).toFixed(1)} | |`,
      '',
      `Latency run: appends at ${fmt(achievedRate)}/s achieved of ${RATE}/s offered (open loop, up to ${MAX_IN_FLIGHT} appends under way); the read model's consumer applied up to ${CONSUMER_BATCH} message(s) per transaction; this process (appender + forwarder + consumer on one thread) used ${(e2eCpuShare * 100).toFixed(0)}% of a core until the last event was in the read model (${e2eSeconds.toFixed(1)} s).`,
    );
    results.push('', `Per round (forwarder / raw ev/s, ratio; load average 1/5/15 min as the round ended): ${forwarderRounds.map((f, i) => `${fmt(f)}/${fmt(rawRounds[i])} ${roundRatios[i].toFixed(2)} (${loads[i]})`).join(', ')}`);
    console.log(results.join('\n'));
    // one machine-readable line for infra/bench/run-all.ts (npm run bench); forwarder / rawProducer are the medians
    console.log(`BENCH_JSON ${JSON.stringify({
      area: 'messaging',
      sizes: { backlog: stored.length, cases: CASES, rate: RATE, seconds: SECONDS, payloadBytes: valueBytes, headerBytes, batch: BATCH, rounds: ROUNDS },
      forwarder: forwarderThroughput, rawProducer: rawThroughput, p50, p99, rawP50, rawP99,
      throughputRatio: ratio, forwarderRounds, rawRounds, roundRatios, medianRoundRatio: median(roundRatios),
      forwarderCpuMsPer1000: forwarderCpu, rawCpuMsPer1000: rawCpu, rawResent: resentThroughput, resentRounds, resentCpuMsPer1000: resentCpu,
      forwarderOneThread: oneThreadThroughput, oneThreadRounds, oneThreadCpuMsPer1000: oneThreadCpu, loopDelayMs: loopDelays, loadAverages: loads, loadAtEnd: load(),
      latencyRun: { consumerBatch: CONSUMER_BATCH, offered: RATE, achievedAppendRate: achievedRate, seconds: e2eSeconds, processCpuShare: e2eCpuShare },
    })}`);
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
