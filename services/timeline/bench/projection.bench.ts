/**
 * Timeline projection benchmark: how fast the read model is (re)built from Kafka, beside a raw KafkaJS consume of
 * the same topics in the same run.
 *
 *   BENCH_EVENTS=100000 npx ts-node ... (or through `npm run bench`, area "projection")
 *
 * 1. publishes BENCH_EVENTS realistic events (10-event case stories from the domain deciders, see
 *    ../src/testing/fixtures.ts caseStory) to four fresh topics;
 * 2. baseline: a raw KafkaJS consumer group reads every message from offset 0 (no decoding, no database);
 * 3. ours: the rebuild (../src/rebuild/rebuild.ts): a new consumer group from offset 0, CloudEvents decoding, the
 *    exactly-once claim and the projection into `timeline_next`, then the swap.
 *
 * Uses DATABASE_URL / KAFKA_BROKERS (started by infra/bench/run-all.ts, or `node infra/bin/bootstrap.cjs infra`).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { rebuildReadModel } from '../src/rebuild/rebuild';
import { Publisher, caseStory, testTopics, topicList } from '../src/testing/fixtures';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);

async function publishDataset(publisher: Publisher, topics: ReturnType<typeof testTopics>, events: number): Promise<number> {
  const cases = Math.ceil(events / 10);
  let published = 0;
  const started = Date.now();
  for (let i = 0; i < cases; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(cases, i + 500); j++) batch.push(...caseStory(randomUUID(), topics, Date.parse('2025-01-06T09:30:00Z') + (j % 365) * 86_400_000));
    await publisher.publish(batch);
    published += batch.length;
    if ((i / 500) % 20 === 0) console.log(`published ${published.toLocaleString('en-GB')} / ~${(cases * 10).toLocaleString('en-GB')} events (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return published;
}

async function rawConsume(brokers: string[], topics: string[], total: number): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID().slice(0, 8)}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let seen = 0;
  const started = Date.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          seen++;
          resolveOffset(m.offset);
        }
        await heartbeat();
        if (seen >= total) resolve();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return total / seconds;
}

async function main() {
  const clusterUrl = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (!clusterUrl || !brokers) throw new Error('DATABASE_URL and KAFKA_BROKERS must be set (npm run bench sets them)');
  const topics = testTopics('projection-bench');
  const publisher = new Publisher(brokers);
  await publisher.ensure(topicList(topics));
  const events = await publishDataset(publisher, topics, EVENTS);
  await publisher.close();

  const raw = await rawConsume(brokers.split(','), topicList(topics), events);
  console.log(`raw consume: ${raw.toFixed(0)} ev/s`);

  await dropDatabase(clusterUrl, 'tio_projection_bench').catch(() => undefined);
  const databaseUrl = await ensureDatabase(clusterUrl, 'tio_projection_bench');
  let lastLog = 0;
  const result = await rebuildReadModel({
    database: { url: databaseUrl }, brokers: brokers.split(','), topics: topicList(topics),
    onProgress: (p) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        console.log(`rebuild: ${p.done.toLocaleString('en-GB')} / ${p.total.toLocaleString('en-GB')} (${p.eventsPerSecond.toFixed(0)} ev/s)`);
      }
    },
  });
  const pool = new Pool({ connectionString: databaseUrl });
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM timeline.timeline_entries`);
  await pool.end();
  if (rows[0].n !== events) throw new Error(`rebuild produced ${rows[0].n} entries for ${events} events`);
  const ours = result.events / result.seconds;
  console.log(`rebuild: ${result.events} events in ${result.seconds.toFixed(1)} s = ${ours.toFixed(0)} ev/s; ratio ${(ours / raw).toFixed(3)}`);
  console.log(`BENCH_JSON ${JSON.stringify({ events, rebuildEventsPerSecond: ours, rawConsumeEventsPerSecond: raw, ratio: ours / raw, entries: rows[0].n })}`);
  await dropDatabase(clusterUrl, 'tio_projection_bench').catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
