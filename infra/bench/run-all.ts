/**
 * `npm run bench`: the whole benchmark suite in one run (issue 9). Never part of `npm test`.
 *
 * Starts PostgreSQL and Kafka ONCE (startLocalInfra, as the run command does, unless DATABASE_URL / KAFKA_BROKERS
 * are set), then:
 *   1. runs every area's own benchmark as a child process against them (event store, messaging at two rates,
 *      timeline API + freshness, timeline rebuild of 1M events, audit replay), each printing one `BENCH_JSON {...}` line;
 *   2. freshness end to end (./freshness.ts): all services as `npm start` runs them, HTTP command -> SSE entry at
 *      fixed open-loop rates, p50/p99, achieved rate, CPU per event, beside a raw same-work pipeline run interleaved
 *      (./raw-pipeline.ts: node:http, one INSERT, KafkaJS producer and consumer, raw SSE) with the ratios;
 *   3. the system phase (./system.ts): a synthetic dataset from the deciders (./generate-dataset.ts) in the services'
 *      own event stores, every service started the way `npm start` starts it, RSS at rest and under load, the
 *      timeline API of the real service process, audit replay of the generated data, and a timeline rebuild beside a
 *      raw consume of the same topics;
 * and prints ONE table (figure | ours | baseline | ratio), written as JSON to bench-results/bench-<ISO time>.json.
 *
 * Sizes (env): BENCH_CASES (dataset cases, default 1000), BENCH_REBUILD_EVENTS (projection area, default 1,000,000),
 * BENCH_QUICK=1 (smaller everything), BENCH_SKIP=areas,comma.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem, release, hostname } from 'node:os';
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { startLocalInfra, onShutdown, workspaceRoot } from '@tio/local-infra';
import { runSystemBench, type Row } from './system';

const root = workspaceRoot();
const QUICK = process.env['BENCH_QUICK'] === '1';
const SKIP = new Set((process.env['BENCH_SKIP'] ?? '').split(',').filter(Boolean));
const resultsDir = join(root, 'bench-results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = join(resultsDir, `logs-${stamp}`);

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: `${process.platform} ${release()}`,
    host: hostname(),
  };
}

/** Runs one area's bench script as a child process and returns the object from its `BENCH_JSON` line. */
function runChild(area: string, script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const started = Date.now();
  const log = createWriteStream(join(logDir, `${area}.log`));
  console.log(`\n== ${area}: ${script} ${Object.entries(env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, script)], {
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let json: Record<string, unknown> | undefined;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('BENCH_JSON ')) json = JSON.parse(line.slice('BENCH_JSON '.length));
        else if (line.trim()) console.log(`  [${area}] ${line}`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    child.on('exit', (code) => {
      log.end();
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      if (code === 0 && json) {
        console.log(`  [${area}] done in ${seconds}s`);
        resolve(json);
      } else reject(new Error(`${area} bench exited with ${code} after ${seconds}s${json ? '' : ' without a BENCH_JSON line'}; see ${join(logDir, `${area}.log`)}`));
    });
  });
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-GB');
const n1 = (x: number) => x.toFixed(1);

export function printTable(rows: Row[]): string {
  const header = ['figure', 'ours', 'baseline (same run)', 'ratio', 'size / note'];
  const body = rows.map((r) => [
    r.figure,
    r.ours === null ? '-' : `${r.unit === 'ms' || r.unit === 'MiB' ? n1(r.ours) : n0(r.ours)} ${r.unit}`,
    r.baseline === null || r.baseline === undefined ? '-' : `${r.unit === 'ms' || r.unit === 'MiB' ? n1(r.baseline) : n0(r.baseline)} ${r.unit}${r.baselineName ? ` (${r.baselineName})` : ''}`,
    r.ratio === null || r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}`,
    r.note ?? '',
  ]);
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((c) => `| ${c.join(' | ')} |`)];
  return lines.join('\n');
}

/** Throughput: ours / baseline (1 = as fast as the engine). Latency: baseline / ours, so below 1 is always worse. */
export function row(figure: string, unit: string, ours: number | null, baseline: number | null, baselineName: string, note: string, kind: 'throughput' | 'latency'): Row {
  const ratio = ours !== null && baseline !== null && ours > 0 && baseline > 0 ? (kind === 'throughput' ? ours / baseline : baseline / ours) : null;
  return { figure, unit, ours, baseline, baselineName, ratio, note, kind };
}

async function main(): Promise<void> {
  const began = Date.now();
  mkdirSync(logDir, { recursive: true });
  const m = machine();
  console.log(`Tell It Once benchmark suite (npm run bench)\nmachine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}, ${m.kernel}`);
  console.log('Starting PostgreSQL and Kafka (once, for every benchmark)...');
  const infra = await startLocalInfra({ mode: 'test' });
  onShutdown(() => infra.stop());
  const env = { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.kafkaBrokers };
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const errors: string[] = [];
  const attempt = async (area: string, fn: () => Promise<void>) => {
    if (SKIP.has(area)) return void console.log(`\n== ${area}: skipped (BENCH_SKIP)`);
    try {
      await fn();
    } catch (err) {
      errors.push(`${area}: ${(err as Error).message}`);
      console.error(`  [${area}] FAILED: ${(err as Error).message}`);
    }
  };
  try {
    await attempt('event-store', async () => {
      // sizes per round; the bench interleaves the store and raw PostgreSQL over BENCH_ROUNDS rounds and gives medians
      const sizes = QUICK
        ? { BENCH_SINGLE: '200', BENCH_MULTI: '400', BENCH_BATCH: '100', BENCH_BULK: '5000', BENCH_ROUNDS: '3' }
        : { BENCH_SINGLE: '500', BENCH_MULTI: '1000', BENCH_BATCH: '300', BENCH_BULK: '30000', BENCH_ROUNDS: '7' };
      const j = (raw['event-store'] = await runChild('event-store', 'libs/event-store/bench/event-store.bench.ts', { ...env, ...sizes })) as {
        rows: Array<{ name: string; ours: number; baseline: number; medianRoundRatio?: number }>;
      };
      const [single, multi, batch] = j.rows;
      const perRound = (r: { medianRoundRatio?: number }) => (r.medianRoundRatio === undefined ? '' : `; median per-round ratio ${r.medianRoundRatio.toFixed(2)}`);
      const rounds = `${sizes.BENCH_ROUNDS} interleaved rounds`;
      if (single) rows.push(row('event store appends/s, 1 stream, 1 writer (1 event per append, expected revision)', 'ev/s', single.ours, single.baseline, 'raw autocommit INSERT', `${sizes.BENCH_SINGLE} appends x ${rounds}${perRound(single)}`, 'throughput'));
      if (multi) rows.push(row('event store appends/s, 1,000 streams, 16 writers', 'ev/s', multi.ours, multi.baseline, 'raw autocommit INSERT', `${sizes.BENCH_MULTI} appends x ${rounds}${perRound(multi)}`, 'throughput'));
      if (batch) rows.push(row('event store events/s, 1,000 streams, 16 writers, 10 events per append', 'ev/s', batch.ours, batch.baseline, 'raw 10-row INSERT', `${sizes.BENCH_BATCH} appends x ${rounds}${perRound(batch)}`, 'throughput'));
    });
    const messaging = async (rate: number, seconds: number, withThroughput: boolean) => {
      const backlog = QUICK ? '2000' : '5000';
      const j = (raw[`messaging-${rate}`] = await runChild(`messaging-${rate}`, 'libs/messaging/bench/messaging.bench.ts', { ...env, BENCH_BACKLOG: backlog, BENCH_RATE: String(rate), BENCH_SECONDS: String(seconds) })) as {
        forwarder: number; rawProducer: number; p50: number; p99: number; rawP50: number; rawP99: number;
      };
      if (withThroughput) rows.push(row('forwarder events/s (append -> Kafka ack), backlog', 'ev/s', j.forwarder, j.rawProducer, 'raw KafkaJS idempotent producer sending the same records, batches of 500', `${backlog} events, 100 keys, ~757 B values + CloudEvents headers, same records both sides, interleaved rounds`, 'throughput'));
      rows.push(row(`freshness p50 at ${rate} ev/s (append -> consumer read-model commit)`, 'ms', j.p50, j.rawP50, 'raw produce -> consume', `${rate * seconds} events, ${seconds}s`, 'latency'));
      rows.push(row(`freshness p99 at ${rate} ev/s`, 'ms', j.p99, j.rawP99, 'raw produce -> consume', `${rate * seconds} events`, 'latency'));
    };
    await attempt('messaging', () => messaging(100, QUICK ? 5 : 10, true));
    await attempt('messaging-1000', () => messaging(1000, QUICK ? 3 : 5, false));
    await attempt('timeline', async () => {
      const sizes = { BENCH_SECONDS: QUICK ? '3' : '5', BENCH_ROUNDS: QUICK ? '3' : '5', BENCH_CONNECTIONS: '50', BENCH_RATE: '50', BENCH_FRESHNESS_SECONDS: QUICK ? '5' : '10' };
      type Figures = { p50: number; p99: number; rps: number };
      const j = (raw['timeline'] = await runChild('timeline', 'services/timeline/bench/timeline.bench.ts', { ...env, ...sizes })) as {
        endpoints: Array<{ name: string; path: string; baseline?: Figures & { name: string }; medianRoundRatio?: number; rounds?: Array<{ ratio: number }> } & Figures>;
        freshness: { p50: number; p99: number };
      };
      const trivial = j.endpoints.find((e) => e.path === '/health/live');
      for (const e of j.endpoints.filter((x) => x !== trivial)) {
        // the timeline pages against the fair baseline (raw node:http, the service's own page reads, same JSON, no auth/log), interleaved; the rest against the trivial endpoint
        const fair = e.baseline;
        const base = fair ?? trivial;
        const baseName = fair ? 'raw node:http, same page SQL + mapping + JSON, no auth/log' : 'GET /health/live';
        const note = fair
          ? `${sizes.BENCH_ROUNDS} interleaved rounds x ${sizes.BENCH_SECONDS}s, medians; per-round ratios ${(e.rounds ?? []).map((r) => r.ratio.toFixed(2)).join(', ')}`
          : `${sizes.BENCH_SECONDS}s`;
        rows.push(row(`timeline API req/s, ${e.name}, 1,000-entry case, 50 clients (in-process service)`, 'req/s', e.rps, base?.rps ?? null, baseName, note, 'throughput'));
        rows.push(row(`timeline API p99, ${e.name}`, 'ms', e.p99, base?.p99 ?? null, baseName, '', 'latency'));
      }
      rows.push(row('timeline freshness p50 (Kafka publish -> SSE client), 50 ev/s', 'ms', j.freshness.p50, null, '', 'no raw baseline in this bench; compare raw produce->consume above', 'latency'));
      rows.push(row('timeline freshness p99 (Kafka publish -> SSE client), 50 ev/s', 'ms', j.freshness.p99, null, '', '', 'latency'));
    });
    await attempt('projection', async () => {
      const events = process.env['BENCH_REBUILD_EVENTS'] ?? (QUICK ? '100000' : '1000000');
      const j = (raw['projection'] = await runChild('projection', 'services/timeline/bench/projection.bench.ts', { ...env, BENCH_EVENTS: events })) as {
        events: number; rebuildEventsPerSecond: number; rawConsumeEventsPerSecond: number;
      };
      rows.push(row('timeline rebuild events/s from scratch (build aside, swap; batched projection)', 'ev/s', j.rebuildEventsPerSecond, j.rawConsumeEventsPerSecond, 'raw KafkaJS consume of the same topics', `${j.events.toLocaleString('en-GB')} events, 4 topics, 10-event case stories`, 'throughput'));
    });
    await attempt('audit', async () => {
      const events = QUICK ? '20000' : '100000';
      const j = (raw['audit'] = await runChild('audit', 'services/audit/bench/replay.bench.ts', { ...env, BENCH_EVENTS: events, BENCH_ROUNDS: QUICK ? '1' : '2' })) as { raw: number; merged: number; folded: number; cli: number };
      rows.push(row('audit replay events/s, one case (read + merge + as-of fold + JSON export)', 'ev/s', j.cli, j.raw, 'raw sequential SELECT (cursor)', `${Number(events).toLocaleString('en-GB')} events, 2 stores`, 'throughput'));
      rows.push(row('audit read + deterministic merge only', 'ev/s', j.merged, j.raw, 'raw sequential SELECT (cursor)', '', 'throughput'));
    });
    await attempt('freshness', async () => {
      // all six services as npm start runs them: HTTP command accepted -> entry on a timeline SSE client, open loop
      const sizes = QUICK ? { BENCH_RATES: '50,200', BENCH_SECONDS: '5', BENCH_CASES: '100' } : { BENCH_RATES: '50,200,1000', BENCH_SECONDS: '10', BENCH_CASES: '300' };
      type Side = { rate: number; sent: number; accepted: number; achieved: number; p50: number; p99: number; unseen: number; errors: number; failed: number; cpuSecondsPerEvent: number; loadBefore: string };
      const j = (raw['freshness'] = await runChild('freshness', 'infra/bench/freshness.ts', { ...env, ...sizes })) as { cases: number; ssePerCase: number; results: Side[]; raw: Side[] };
      const baseline = 'raw same-work pipeline (node:http, INSERT, KafkaJS, raw SSE), interleaved';
      for (const r of j.results) {
        const b = (j.raw ?? []).find((x) => x.rate === r.rate);
        const note = `${r.accepted}/${r.sent} accepted, ${r.failed + r.errors} failed, ${r.unseen} unseen; ${(r.cpuSecondsPerEvent * 1000).toFixed(1)} ms CPU/event (all processes incl. PostgreSQL and Kafka)${b ? ` vs raw ${(b.cpuSecondsPerEvent * 1000).toFixed(1)}` : ''}; load ${r.loadBefore.split(' ')[0]}; ${j.cases} cases x ${j.ssePerCase} SSE clients`;
        rows.push(row(`freshness achieved commands/s at ${r.rate}/s offered (HTTP command -> timeline SSE, all services as npm start runs them)`, 'cmd/s', r.achieved, b?.achieved ?? null, baseline, note, 'throughput'));
        rows.push(row(`freshness p50 at ${r.rate}/s offered (HTTP 2xx -> entry on a timeline SSE client)`, 'ms', r.p50, b?.p50 ?? null, baseline, '', 'latency'));
        rows.push(row(`freshness p99 at ${r.rate}/s offered`, 'ms', r.p99, b?.p99 ?? null, baseline, 'issue 20 target: p99 < 250 ms at 1,000/s', 'latency'));
      }
    });
    await attempt('system', async () => {
      const result = await runSystemBench({ databaseUrl: infra.databaseUrl, kafkaBrokers: infra.kafkaBrokers, quick: QUICK, logDir, row });
      raw['system'] = result.raw;
      rows.push(...result.rows);
    });
  } finally {
    await infra.stop();
  }

  const minutes = (Date.now() - began) / 60_000;
  const worst = rows.filter((r) => r.ratio !== null && r.ratio !== undefined).sort((a, b) => (a.ratio as number) - (b.ratio as number))[0];
  const table = printTable(rows);
  console.log(`\n# Tell It Once benchmarks: npm run bench (${new Date().toISOString()}, ${minutes.toFixed(1)} min)`);
  console.log(`machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB RAM, node ${m.node}, ${m.kernel}\n`);
  console.log('ratio: throughput = ours / baseline; latency = baseline / ours (so < 1 is always "slower than the baseline")\n');
  console.log(table);
  if (worst) console.log(`\nworst ratio: ${worst.ratio?.toFixed(3)} - ${worst.figure}`);
  if (errors.length) console.log(`\nfailed areas:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  const file = join(resultsDir, `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), command: 'npm run bench', quick: QUICK, minutes, machine: m, rows, worst, errors, raw }, null, 2));
  console.log(`\nwritten: ${file}`);
  process.exit(errors.length ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
