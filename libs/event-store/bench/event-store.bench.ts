/* Event store benchmark: `npm run bench:event-store`. Not part of the tests.
 * Uses DATABASE_URL (a cluster URL) when set, otherwise starts a throw-away embedded PostgreSQL. Every figure is
 * shown beside a raw PostgreSQL baseline measured in the same run on the same database. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@tio/local-infra';
import { PostgresEventStore, type NewEvent } from '../src';

const SINGLE_STREAM_APPENDS = Number(process.env['BENCH_SINGLE'] ?? 2000);
const MULTI_STREAM_APPENDS = Number(process.env['BENCH_MULTI'] ?? 5000);
const STREAMS = 1000;
const WRITERS = 16;
const BULK_EVENTS = Number(process.env['BENCH_BULK'] ?? 30_000);
const PAGE = 1000;

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

async function timed(fn: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const count = await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function parallel(workers: number, total: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < total) await job(next++);
  }));
  return total;
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
  const store = await PostgresEventStore.create({ connectionString: url, poolSize: WRITERS + 2, chainKey: randomBytes(32) });
  const raw = new Pool({ connectionString: url, max: WRITERS + 2 });
  raw.on('error', (err) => console.error(`raw baseline pool: ${err.message}`)); // an idle connection lost must not end the run
  await raw.query(`CREATE TABLE raw_events (
    global_position bigserial PRIMARY KEY, transaction_id xid8 NOT NULL, event_id uuid NOT NULL UNIQUE,
    stream_name text NOT NULL, category text NOT NULL, revision bigint NOT NULL, type text NOT NULL,
    schema_version integer NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, hash text NOT NULL,
    previous_hash text, recorded_at timestamptz NOT NULL, UNIQUE (stream_name, revision))`);
  await raw.query(`CREATE TABLE raw_checkpoints (id text PRIMARY KEY, position bigint NOT NULL)`);
  const hash = 'a'.repeat(64);
  const rawInsert = (stream: string, revision: number, i: number) => {
    const e = event(i);
    return raw.query(
      `INSERT INTO raw_events (transaction_id, event_id, stream_name, category, revision, type, schema_version, data, metadata, hash, previous_hash, recorded_at)
       VALUES (pg_current_xact_id(), $1, $2, 'case', $3, $4, 1, $5, $6, $7, $7, now())`,
      [e.metadata.eventId, stream, revision, e.type, JSON.stringify(e.data), JSON.stringify({ ...e.metadata, recordedAt: new Date().toISOString() }), hash],
    );
  };

  const rows: [string, number, number][] = [];
  try {
    // 1. one stream, one writer, exact expected revision each time
    const single = `case-${randomUUID()}`;
    const storeSingle = await timed(async () => {
      for (let i = 0; i < SINGLE_STREAM_APPENDS; i++) await store.appendToStream(single, [event(i)], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
      return SINGLE_STREAM_APPENDS;
    });
    const rawSingleStream = `case-${randomUUID()}`;
    const rawSingle = await timed(async () => {
      for (let i = 0; i < SINGLE_STREAM_APPENDS; i++) await rawInsert(rawSingleStream, i, i);
      return SINGLE_STREAM_APPENDS;
    });
    rows.push(['appends/s, 1 stream, 1 writer', storeSingle, rawSingle]);

    // 2. 1,000 streams, concurrent writers
    const streams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
    const storeMulti = await timed(() => parallel(WRITERS, MULTI_STREAM_APPENDS, async (i) => {
      await store.appendToStream(streams[i % STREAMS] as string, [event(i)], { expectedRevision: 'any' });
    }));
    const rawStreams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
    const rawMulti = await timed(() => parallel(WRITERS, MULTI_STREAM_APPENDS, async (i) => {
      await rawInsert(rawStreams[i % STREAMS] as string, Math.floor(i / STREAMS), i);
    }));
    rows.push([`appends/s, ${STREAMS} streams, ${WRITERS} writers`, storeMulti, rawMulti]);

    // more history to read: batches of 100 into both tables
    await parallel(4, BULK_EVENTS / 100, async (b) => {
      await store.appendToStream(`bulk-${b}`, Array.from({ length: 100 }, (_, i) => event(i)));
    });
    await raw.query(`INSERT INTO raw_events (transaction_id, event_id, stream_name, category, revision, type, schema_version, data, metadata, hash, previous_hash, recorded_at)
      SELECT pg_current_xact_id(), event_id, stream_name, category, revision, type, schema_version, data, metadata, hash, previous_hash, recorded_at
        FROM event_store.events WHERE category = 'bulk'`);
    const total = Number((await raw.query('SELECT count(*) FROM event_store.events')).rows[0].count);

    // 3. read all, in pages
    const storeRead = await timed(async () => {
      let after: bigint | undefined;
      let n = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: PAGE });
        if (page.length === 0) return n;
        n += page.length;
        after = page[page.length - 1]?.globalPosition;
      }
    });
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
    const rawRead = await timed(() => rawPaged(false));
    rows.push([`read-all events/s (${total} events, pages of ${PAGE})`, storeRead, rawRead]);

    // 4. catch-up subscription from the start, checkpoint per batch
    const storeSub = await timed(async () => {
      let n = 0;
      const sub = store.subscribe({ subscriptionId: `bench-${randomUUID()}`, batchSize: PAGE, handler: async () => void n++ });
      await sub.caughtUp;
      await sub.stop();
      return n;
    });
    const rawSub = await timed(() => rawPaged(true));
    rows.push([`catch-up subscription events/s (batches of ${PAGE})`, storeSub, rawSub]);
  } finally {
    await store.close();
    await raw.end();
    await dropDatabase(cluster, 'es_bench').catch(() => undefined);
    await stopPostgres?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  const header = ['Scenario', 'Event store', 'Raw PostgreSQL', 'Ratio'];
  const body = rows.map(([name, s, r]) => [name, fmt(s), fmt(r), `${(s / r).toFixed(2)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of body) console.log(line(r));
  // one machine-readable line for infra/bench/run-all.ts (npm run bench)
  console.log(`BENCH_JSON ${JSON.stringify({ area: 'event-store', sizes: { single: SINGLE_STREAM_APPENDS, multi: MULTI_STREAM_APPENDS, streams: STREAMS, writers: WRITERS, bulk: BULK_EVENTS }, rows: rows.map(([name, ours, baseline]) => ({ name, ours, baseline })) })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
