/* Audit replay benchmark: `npm run bench:audit`. Not part of the tests.
 * Uses DATABASE_URL (a cluster URL) when set, otherwise starts a throw-away embedded PostgreSQL. Writes one case of
 * BENCH_EVENTS (default 100,000) events into two event stores (case + education, as in production one database
 * each), then measures, in the same run on the same data:
 *   - raw: a sequential SELECT of the case's rows through a cursor (no mapping, no merge) — the floor;
 *   - read+merge: the audit's per-store ordered reads merged into the deterministic order;
 *   - replay: read+merge plus the as-of fold (ehc-domain evolve) and JSON serialisation, as the CLI does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres } from '@tio/local-infra';
import { PostgresEventStore } from '@tio/event-store';
import { CaseReplay } from '../src/as-of/case-replay';
import { replayCase } from '../src/cli/replay';
import { AuditSources } from '../src/stores/audit-sources';
import { writeBulkCase } from '../src/testing/bulk';

const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

async function rate(label: string, fn: () => Promise<number>): Promise<number> {
  const t = process.hrtime.bigint();
  const n = await fn();
  if (n !== TOTAL) throw new Error(`${label}: read ${n} events, expected ${TOTAL}`);
  return n / (Number(process.hrtime.bigint() - t) / 1e9);
}

async function main(): Promise<void> {
  let cluster = process.env['DATABASE_URL'];
  let stop: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!cluster) {
    dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
    const pg = await startEmbeddedPostgres({ dir, persistent: false });
    cluster = pg.url;
    stop = () => pg.stop();
  }
  const names = ['case', 'education'];
  const urls: Record<string, string> = {};
  const stores: Record<string, PostgresEventStore> = {};
  for (const n of names) {
    await dropDatabase(cluster, `audit_bench_${n}`);
    urls[n] = await ensureDatabase(cluster, `audit_bench_${n}`);
    stores[n] = await PostgresEventStore.create({ connectionString: urls[n] as string });
  }
  const caseId = randomUUID();
  const w = process.hrtime.bigint();
  await writeBulkCase(stores, caseId, TOTAL);
  const writeRate = TOTAL / (Number(process.hrtime.bigint() - w) / 1e9);
  await Promise.all(Object.values(stores).map((s) => s.close()));

  const sources = await AuditSources.open({ stores: names.map((n) => ({ name: n, url: urls[n] as string })), schema: 'event_store', createCaseIndex: false });
  try {
    const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
    const measures: Array<[string, () => Promise<number>]> = [
      ['raw', async () => (await Promise.all(sources.readers.map((r) => r.rawCaseRows(caseId)))).reduce((a, b) => a + b, 0)],
      ['merge', async () => {
        let n = 0;
        for await (const batch of sources.history(caseId)) n += batch.length;
        return n;
      }],
      ['fold', async () => {
        const replay = new CaseReplay(caseId);
        for await (const batch of sources.history(caseId)) for (const e of batch) replay.apply(e);
        replay.summary(new Date().toISOString());
        return replay.eventsReplayed;
      }],
      ['cli', () => replayCase(sources, { caseId, format: 'json', progress: false }, sink())],
    ];
    // rounds interleave the measures so a busy machine slows them all alike; the best round of each is reported
    const top: Record<string, number> = {};
    for (let r = 0; r < ROUNDS; r++) for (const [label, fn] of measures) top[label] = Math.max(top[label] ?? 0, await rate(label, fn));
    const [raw, merged, folded, cli] = ['raw', 'merge', 'fold', 'cli'].map((k) => top[k] as number) as [number, number, number, number];
    const fmt = (x: number) => Math.round(x).toLocaleString('en-GB').padStart(9);
    const ratio = (x: number) => `${(x / raw).toFixed(2)} x raw`;
    console.log(`\naudit replay benchmark: one case, ${TOTAL.toLocaleString('en-GB')} events in 2 stores, best of ${ROUNDS} (events/s)`);
    console.log(`  (setup: written through PostgresEventStore append at ${fmt(writeRate)} events/s)`);
    console.log(`  raw sequential SELECT (cursor, no mapping) ${fmt(raw)}   1.00 x raw`);
    console.log(`  audit read + deterministic merge          ${fmt(merged)}   ${ratio(merged)}`);
    console.log(`  + as-of fold (ehc-domain evolve)          ${fmt(folded)}   ${ratio(folded)}`);
    console.log(`  + JSON export (the CLI's replay)          ${fmt(cli)}   ${ratio(cli)}`);
    // one machine-readable line for infra/bench/run-all.ts (npm run bench)
    console.log(`BENCH_JSON ${JSON.stringify({ area: 'audit', sizes: { events: TOTAL, rounds: ROUNDS }, writeRate, raw, merged, folded, cli })}`);
  } finally {
    await sources.close();
    for (const n of names) await dropDatabase(cluster, `audit_bench_${n}`);
    await stop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
