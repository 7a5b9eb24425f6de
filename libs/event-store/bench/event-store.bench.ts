/* Event store benchmark: `npm run bench:event-store`. Not part of the tests.
 * Uses DATABASE_URL (a cluster URL) when set, otherwise starts a throw-away embedded PostgreSQL.
 *
 * Every figure is measured beside a raw PostgreSQL baseline on the same database, interleaved in rounds
 * (store, raw, store, raw, ...; the order within a pair alternates each round) so that a noisy neighbour or a
 * warming cache hits both sides alike. Printed: the median of each side over the rounds, the ratio of the medians,
 * and the median and range of the per-round ratios. The raw tables have the store's shape and indexes. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@tio/local-infra';
import { PostgresEventStore, type NewEvent, type RecordedEvent } from '../src';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SINGLE_STREAM_APPENDS = Number(process.env['BENCH_SINGLE'] ?? 500);
const MULTI_STREAM_APPENDS = Number(process.env['BENCH_MULTI'] ?? 1500);
const BATCH_APPENDS = Number(process.env['BENCH_BATCH'] ?? 300);
const BATCH_EVENTS = 10;
const STREAMS = 1000;
const WRITERS = 16;
const BULK_EVENTS = Number(process.env['BENCH_BULK'] ?? 30_000);
const PAGE = 1000;
const LATENCY_SAMPLES = Number(process.env['BENCH_LATENCY_SAMPLES'] ?? 200);

function event(i: number): NewEvent {
  return {
    type: 'CaseNoteAdded',
    data: { note: `note ${i}`, author: 'u-1', tags: ['annual-review', 'health'], at: '2025-01-15T09:30:00.000Z' },
    metadata: {
      eventId: randomUUID(), caseId: 'case-0001', occurredAt: '2025-01-15T09:30:00.000Z', correlationId: randomUUID(),
      actor: { userId: 'u-1', organisationId: 'org-la-1', agency: 'local-authority', role: 'send-officer' },
    },
  };
}

/** Runs `fn` and returns what it counted per second. */
async function perSecond(fn: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const count = await fn();
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function parallel(workers: number, total: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < total) await job(next++);
  }));
  return total;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

interface Contest {
  name: string;
  unit: string;
  ours: () => Promise<number>;
  raw: () => Promise<number>;
  rawName: string;
}

interface ContestResult {
  name: string;
  unit: string;
  rawName: string;
  ours: number[];
  raw: number[];
}

/** Each round runs every contest's two sides back to back, store first on even rounds and raw first on odd ones. */
async function interleave(contests: Contest[], rounds: number): Promise<ContestResult[]> {
  const results = contests.map((c) => ({ name: c.name, unit: c.unit, rawName: c.rawName, ours: [] as number[], raw: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, contest] of contests.entries()) {
      const result = results[i] as ContestResult;
      if (round % 2 === 0) {
        result.ours.push(await contest.ours());
        result.raw.push(await contest.raw());
      } else {
        result.raw.push(await contest.raw());
        result.ours.push(await contest.ours());
      }
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  return results;
}

/** Append -> handler latency of a live subscriber, one append every `gapMs`. */
async function catchUpLatency(writer: PostgresEventStore, reader: PostgresEventStore, samples: number, gapMs: number): Promise<number[]> {
  const category = `lat${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const started = new Map<number, bigint>();
  const latencies: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sub = reader.subscribe({
    subscriptionId: `latency-${randomUUID()}`,
    category,
    handler: async (e: RecordedEvent) => {
      const seq = (e.data as { seq: number }).seq;
      const at = started.get(seq);
      if (at !== undefined) latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
      if (latencies.length === samples) done();
    },
  });
  await sub.caughtUp;
  for (let seq = 0; seq < samples; seq++) {
    const e = event(seq);
    e.data = { seq };
    started.set(seq, process.hrtime.bigint());
    await writer.appendToStream(`${category}-${seq % 10}`, [e]);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))]);
  await sub.stop();
  return latencies;
}

async function main(): Promise<void> {
  let cluster = process.env['DATABASE_URL'];
  let stopPostgres: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!cluster) {
    dir = mkdtempSync(join(tmpdir(), 'es-bench-'));
    const pg = await startEmbeddedPostgres({ dir, persistent: false });
    cluster = pg.url;
    stopPostgres = () => pg.stop();
  }
  await dropDatabase(cluster, 'es_bench');
  const url = await ensureDatabase(cluster, 'es_bench');
  // keyed, as every service's store is: each append also MACs its events and the new head
  const chainKey = randomBytes(32);
  const store = await PostgresEventStore.create({ connectionString: url, poolSize: WRITERS + 2, chainKey });
  // a second store on the same database stands for another process (its subscribers learn of appends from the database)
  const other = await PostgresEventStore.create({ connectionString: url, poolSize: 4, chainKey });
  const raw = new Pool({ connectionString: url, max: WRITERS + 2 });
  raw.on('error', (err) => console.error(`raw baseline pool: ${err.message}`)); // an idle connection lost must not end the run
  // the store's events table: same columns, same indexes (primary key, event id, stream + revision, category + position)
  await raw.query(`CREATE TABLE raw_events (
    global_position bigserial PRIMARY KEY, transaction_id xid8 NOT NULL, event_id uuid NOT NULL UNIQUE,
    stream_name text NOT NULL, category text NOT NULL, revision bigint NOT NULL, type text NOT NULL,
    schema_version integer NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, hash text NOT NULL,
    previous_hash text, recorded_at timestamptz NOT NULL, mac text, UNIQUE (stream_name, revision))`);
  await raw.query('CREATE INDEX raw_events_category_position_idx ON raw_events (category, global_position)');
  await raw.query('CREATE TABLE raw_checkpoints (id text PRIMARY KEY, position bigint NOT NULL)');
  const hash = 'a'.repeat(64);
  const rawRevisions = new Map<string, number>();
  const rawRow = (stream: string, i: number): unknown[] => {
    const e = event(i);
    const revision = rawRevisions.get(stream) ?? 0;
    rawRevisions.set(stream, revision + 1);
    return [e.metadata.eventId, stream, revision, e.type, JSON.stringify(e.data), JSON.stringify({ ...e.metadata, recordedAt: new Date().toISOString() }), hash];
  };
  const COLUMNS = 'transaction_id, event_id, stream_name, category, revision, type, schema_version, data, metadata, hash, previous_hash, recorded_at, mac';
  const rawInsert = (stream: string, i: number) =>
    raw.query(`INSERT INTO raw_events (${COLUMNS}) VALUES (pg_current_xact_id(), $1, $2, 'case', $3, $4, 1, $5, $6, $7, $7, now(), $7)`, rawRow(stream, i));
  const rawMultiInsert = (stream: string, n: number) => {
    const params: unknown[] = [];
    const tuples = Array.from({ length: n }, (_, k) => {
      const p = params.length;
      params.push(...rawRow(stream, k));
      return `(pg_current_xact_id(), $${p + 1}, $${p + 2}, 'case', $${p + 3}, $${p + 4}, 1, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 7}, now(), $${p + 7})`;
    });
    return raw.query(`INSERT INTO raw_events (${COLUMNS}) VALUES ${tuples.join(', ')}`, params);
  };
  const rawPaged = async (checkpoint: boolean) => {
    let after = '0';
    let n = 0;
    for (;;) {
      const { rows: page } = await raw.query('SELECT * FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT $2', [after, PAGE]);
      if (page.length === 0) return n;
      n += page.length;
      after = page[page.length - 1].global_position;
      if (checkpoint) await raw.query('INSERT INTO raw_checkpoints VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position', ['raw', after]);
    }
  };

  const single = `case-${randomUUID()}`;
  let singleRevision = -1;
  const rawSingle = `case-${randomUUID()}`;
  const streams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
  const rawStreams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
  const appends: Contest[] = [
    {
      name: 'appends/s, 1 stream, 1 writer, 1 event (expected revision)',
      unit: 'appends/s',
      rawName: 'raw autocommit INSERT, 1 row',
      ours: () => perSecond(async () => {
        for (let i = 0; i < SINGLE_STREAM_APPENDS; i++) {
          const r = await store.appendToStream(single, [event(i)], { expectedRevision: singleRevision === -1 ? 'no_stream' : singleRevision });
          singleRevision = r.nextExpectedRevision;
        }
        return SINGLE_STREAM_APPENDS;
      }),
      raw: () => perSecond(async () => {
        for (let i = 0; i < SINGLE_STREAM_APPENDS; i++) await rawInsert(rawSingle, i);
        return SINGLE_STREAM_APPENDS;
      }),
    },
    {
      name: `appends/s, ${STREAMS.toLocaleString('en-GB')} streams, ${WRITERS} writers, 1 event`,
      unit: 'appends/s',
      rawName: 'raw autocommit INSERT, 1 row',
      ours: () => perSecond(() => parallel(WRITERS, MULTI_STREAM_APPENDS, async (i) => {
        await store.appendToStream(streams[i % STREAMS] as string, [event(i)], { expectedRevision: 'any' });
      })),
      raw: () => perSecond(() => parallel(WRITERS, MULTI_STREAM_APPENDS, async (i) => {
        await rawInsert(rawStreams[i % STREAMS] as string, i);
      })),
    },
    {
      name: `events/s, ${STREAMS.toLocaleString('en-GB')} streams, ${WRITERS} writers, ${BATCH_EVENTS} events per append`,
      unit: 'events/s',
      rawName: `raw multi-row INSERT, ${BATCH_EVENTS} rows`,
      ours: () => perSecond(async () => {
        await parallel(WRITERS, BATCH_APPENDS, async (i) => {
          await store.appendToStream(streams[(i * 7) % STREAMS] as string, Array.from({ length: BATCH_EVENTS }, (_, k) => event(k)), { expectedRevision: 'any' });
        });
        return BATCH_APPENDS * BATCH_EVENTS;
      }),
      raw: () => perSecond(async () => {
        await parallel(WRITERS, BATCH_APPENDS, async (i) => {
          await rawMultiInsert(rawStreams[(i * 7) % STREAMS] as string, BATCH_EVENTS);
        });
        return BATCH_APPENDS * BATCH_EVENTS;
      }),
    },
  ];

  let results: ContestResult[] = [];
  let latency: { sameStore: number[]; otherStore: number[] } | undefined;
  try {
    results = await interleave(appends, ROUNDS);

    // more history to read: batches of 100
    await parallel(4, BULK_EVENTS / 100, async (b) => {
      await store.appendToStream(`bulk-${b}`, Array.from({ length: 100 }, (_, i) => event(i)));
    });
    const total = Number((await raw.query('SELECT count(*) FROM event_store.events')).rows[0].count);
    const reads: Contest[] = [
      {
        name: `read-all events/s (${total.toLocaleString('en-GB')} events, pages of ${PAGE})`,
        unit: 'events/s',
        rawName: `raw SELECT * ... ORDER BY global_position LIMIT ${PAGE}`,
        ours: () => perSecond(async () => {
          let after: bigint | undefined;
          let n = 0;
          for (;;) {
            const page = await store.readAll({ after, maxCount: PAGE });
            if (page.length === 0) return n;
            n += page.length;
            after = page[page.length - 1]?.globalPosition;
          }
        }),
        raw: () => perSecond(() => rawPaged(false)),
      },
      {
        name: `catch-up subscription events/s (batches of ${PAGE})`,
        unit: 'events/s',
        rawName: 'raw paged SELECT + checkpoint upsert per page',
        ours: () => perSecond(async () => {
          let n = 0;
          const sub = store.subscribe({ subscriptionId: `bench-${randomUUID()}`, batchSize: PAGE, handler: async () => void n++ });
          await sub.caughtUp;
          await sub.stop();
          return n;
        }),
        raw: () => perSecond(() => rawPaged(true)),
      },
    ];
    results.push(...(await interleave(reads, Math.min(ROUNDS, 3))));

    latency = {
      sameStore: await catchUpLatency(store, store, LATENCY_SAMPLES, 5),
      otherStore: await catchUpLatency(store, other, LATENCY_SAMPLES, 5),
    };
  } finally {
    await store.close();
    await other.close();
    await raw.end();
    await dropDatabase(cluster, 'es_bench').catch(() => undefined);
    await stopPostgres?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  const rows = results.map((r) => {
    const ratios = r.ours.map((o, i) => o / (r.raw[i] as number));
    return { name: r.name, unit: r.unit, baselineName: r.rawName, ours: median(r.ours), baseline: median(r.raw), ratio: median(r.ours) / median(r.raw), roundRatios: ratios, medianRoundRatio: median(ratios) };
  });
  const header = ['Scenario', 'Event store (median)', 'Raw PostgreSQL (median)', 'Ratio', 'Per-round ratios (median; min-max)'];
  const body = rows.map((r) => [
    r.name, fmt(r.ours), `${fmt(r.baseline)} (${r.baselineName})`, `${r.ratio.toFixed(2)}x`,
    `${r.medianRoundRatio.toFixed(2)}; ${Math.min(...r.roundRatios).toFixed(2)}-${Math.max(...r.roundRatios).toFixed(2)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(`${ROUNDS} rounds, contenders interleaved; each figure is a median over the rounds\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of body) console.log(line(r));
  const lat = latency && {
    sameStore: { p50: percentile(latency.sameStore, 50), p99: percentile(latency.sameStore, 99), samples: latency.sameStore.length },
    otherStore: { p50: percentile(latency.otherStore, 50), p99: percentile(latency.otherStore, 99), samples: latency.otherStore.length },
  };
  if (lat) {
    console.log('\ncatch-up latency, append call -> live subscriber handler (one append every 5 ms):');
    console.log(`  subscriber on the same store:           p50 ${lat.sameStore.p50.toFixed(1)} ms, p99 ${lat.sameStore.p99.toFixed(1)} ms (${lat.sameStore.samples} events)`);
    console.log(`  subscriber on another store (process):  p50 ${lat.otherStore.p50.toFixed(1)} ms, p99 ${lat.otherStore.p99.toFixed(1)} ms (${lat.otherStore.samples} events)`);
  }
  // one machine-readable line for infra/bench/run-all.ts (npm run bench); rows[0] and rows[1] keep their meaning
  console.log(`BENCH_JSON ${JSON.stringify({
    area: 'event-store',
    sizes: { rounds: ROUNDS, single: SINGLE_STREAM_APPENDS, multi: MULTI_STREAM_APPENDS, batch: BATCH_APPENDS, batchEvents: BATCH_EVENTS, streams: STREAMS, writers: WRITERS, bulk: BULK_EVENTS },
    rows,
    catchUpLatencyMs: lat,
  })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
