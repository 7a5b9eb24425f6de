/**
 * Timeline benchmark: `npm run bench:timeline`.
 *
 * 1. API: a case with 1,000 entries; 50 concurrent clients (autocannon) for BENCH_SECONDS each.
 *    The timeline pages are compared with the fair baseline (./raw-page-server.ts: a raw `node:http` server running
 *    the service's own page reads and row mapping, returning the same JSON, with no auth and no access log), against
 *    the same database and case, interleaved over BENCH_ROUNDS rounds (service, raw, raw, service, ...: the order
 *    alternates each round), after one untimed run of each (BENCH_WARMUP_SECONDS, default 2); printed are medians over
 *    the rounds, their ratio and the per-round ratios:
 *    - GET /cases/:id/timeline            (first page, 100 entries; JWT check, access check, access-log write, read)
 *    - GET /cases/:id/timeline?limit=500  (a large page)
 *    Measured once each:
 *    - GET /health/live                   (trivial endpoint of the same service: the floor of the HTTP stack)
 *    - GET /cases/:id/status              (the domain statutory clock over the case's ehc.* events)
 * 2. Freshness: events published at BENCH_RATE events/s for BENCH_FRESHNESS_SECONDS; lag = the moment an SSE client
 *    receives the entry minus the event's CloudEvents time (set at publish): source -> Kafka -> consumer -> PostgreSQL
 *    -> NOTIFY -> SSE, end to end.
 *
 * Uses DATABASE_URL / KAFKA_BROKERS if set, otherwise starts the local PostgreSQL and Kafka itself. BENCH_PROFILE=<dir>
 * writes a CPU profile of each page run (see startProfile).
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { timelineService } from '../src/service';
import { londonDateOf } from '@tio/ehc-domain';
import { ACTORS, DomainCase, Publisher, event, testTopics, topicList, waitFor } from '../src/testing/fixtures';
import { openSse } from '../src/testing/sse';
import { startRawPageServer } from './raw-page-server';

const ROOT = join(__dirname, '..', '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const RATE = Number(process.env['BENCH_RATE'] ?? 50);
const FRESHNESS_SECONDS = Number(process.env['BENCH_FRESHNESS_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** Seconds of the untimed run of each contender before a page's rounds. */
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 2);

async function infra(): Promise<ChildProcess | undefined> {
  if (process.env['DATABASE_URL'] && process.env['KAFKA_BROKERS']) return undefined;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'libs/local-infra/src/cli.ts'), '--watch-stdin'], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
  });
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('READY\n')) resolve(Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    });
    child.on('exit', (code) => reject(new Error(`local infrastructure did not start (exit ${code})`)));
  });
  Object.assign(process.env, vars);
  return child;
}

/**
 * CPU time of this process's main thread so far (ms), where Linux tells it (/proc), else undefined. The servers run on
 * the main thread and the load generator on a worker, so this is the servers' CPU: on a shared machine, CPU per request
 * moves far less with other jobs than req/s does.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

/**
 * BENCH_PROFILE=<dir>: the main thread's V8 CPU profile of each page run, one file per contender and round
 * (`service-page100-round1-<requests>req.cpuprofile`, ...), so what the service adds to a request can be read side by
 * side with the baseline's (the profiler's own cost falls on both). Without it, nothing is profiled.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env['BENCH_PROFILE'];
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const infraProcess = await infra();
  const topics = testTopics('bench');
  const publisher = new Publisher();
  await publisher.ensure(topicList(topics));
  const service: TestService = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-bench-${randomUUID().slice(0, 6)}` }, { recordResponses: false });
  const base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
  const token = await tokenFor({ userId: 'paed-1', organisationId: ACTORS.nhs.organisationId, agency: 'health', roles: ['practitioner'] });
  const headers = { authorization: `Bearer ${token}` };
  try {
    // a case with 1,000 entries from the four agencies
    const caseId = randomUUID();
    const start = Date.parse('2025-01-06T09:00:00Z');
    const actors = [ACTORS.la, ACTORS.school, ACTORS.nhs, ACTORS.socialCare];
    const list = topicList(topics);
    const seed = Array.from({ length: 1000 }, (_, i) => ({ topic: list[i % 4], e: event(`bench.step-${i % 4}.v1`, caseId, new Date(start + i * 600_000).toISOString(), actors[i % 4], { step: i }) }));
    const t0 = Date.now();
    for (let i = 0; i < seed.length; i += 250) await publisher.publish(seed.slice(i, i + 250));
    await waitFor('1,000 entries', async () => {
      const res = await fetch(`${base}/cases/${caseId}/timeline?limit=1`, { headers });
      return res.ok && ((await res.json()) as { entryCount: number }).entryCount === 1000;
    }, 180_000);
    const seedSeconds = (Date.now() - t0) / 1000;
    console.log(`seeded 1,000 entries (published and projected) in ${seedSeconds.toFixed(1)}s: ${(1000 / seedSeconds).toFixed(0)} events/s`);

    const raw = await startRawPageServer(service.databaseUrl);
    const rows: string[] = [];
    type Figures = { p50: number; p99: number; rps: number; errors: number; cpuMsPerRequest?: number };
    type Round = { ours: Figures; baseline: Figures; ratio: number; p99Ratio: number; cpuRatio?: number };
    const figures: Array<{ name: string; path: string } & Figures & { baseline?: { name: string } & Figures; ratio?: number; p99Ratio?: number; medianRoundRatio?: number; rounds?: Round[] }> = [];
    // requests still being answered when a run ends are drained before the next run, so no contender pays for another's backlog
    let inFlight = 0;
    for (const server of [service.server as Server, raw.server]) {
      server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
        inFlight++;
        res.once('close', () => inFlight--);
      });
    }
    const drained = () => waitFor('in-flight requests answered', async () => inFlight === 0, 60_000);
    const cannon = async (url: string, auth: boolean, { profileAs, seconds = SECONDS }: { profileAs?: string; seconds?: number } = {}): Promise<Figures> => {
      await drained();
      // the load generator on a worker thread: the servers have this process's event loop to themselves
      const cpuBefore = mainThreadCpuMs();
      const profiling = profileAs ? await startProfile() : undefined;
      const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: auth ? headers : {}, workers: 1 });
      if (profiling && profileAs) await profiling.stop(`${profileAs}-${result.requests.total}req`);
      const cpuAfter = mainThreadCpuMs();
      const cpuMsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? (cpuAfter - cpuBefore) / result.requests.total : undefined;
      return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.non2xx + result.errors + result.timeouts, cpuMsPerRequest };
    };
    const run = async (name: string, path: string, auth: boolean) => {
      const f = await cannon(`${base}${path}`, auth);
      figures.push({ name, path, ...f });
      rows.push(`| ${name} | ${f.p50} | ${f.p99} | ${f.rps.toFixed(0)} | ${f.errors} | | |`);
      console.log(`${name}: p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.rps.toFixed(0)} req/s, ${f.errors} errors`);
    };
    const BASELINE = 'raw node:http, same page reads + mapping, same JSON, no auth/log';
    /** The service against the fair baseline on one page, interleaved over ROUNDS rounds. */
    const versus = async (name: string, path: string) => {
      const [ours, theirs] = await Promise.all([fetch(`${base}${path}`, { headers }), fetch(`${raw.url}${path}`)]);
      const [a, b] = [await ours.json(), await theirs.json()];
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`the raw baseline's body differs from the service's for ${path}`);
      // one untimed run of each first, as the other areas do: a contender's first run is its code's cold start
      await cannon(`${base}${path}`, true, { seconds: WARMUP_SECONDS });
      await cannon(`${raw.url}${path}`, false, { seconds: WARMUP_SECONDS });
      const rounds: Round[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? ['ours', 'baseline'] as const : ['baseline', 'ours'] as const;
        const got: Partial<Record<'ours' | 'baseline', Figures>> = {};
        const profileAs = (who: string) => `${who}-${path.includes('limit=500') ? 'page500' : 'page100'}-round${r + 1}`;
        for (const who of order) got[who] = who === 'ours' ? await cannon(`${base}${path}`, true, { profileAs: profileAs('service') }) : await cannon(`${raw.url}${path}`, false, { profileAs: profileAs('raw') });
        const [o, b] = [got.ours as Figures, got.baseline as Figures];
        // what the service would do against the baseline if both were held by CPU alone: baseline CPU per request / ours
        const cpuRatio = o.cpuMsPerRequest && b.cpuMsPerRequest ? b.cpuMsPerRequest / o.cpuMsPerRequest : undefined;
        const round: Round = { ours: o, baseline: b, ratio: o.rps / b.rps, p99Ratio: o.p99 / b.p99, cpuRatio };
        rounds.push(round);
        const cpu = cpuRatio ? `; main-thread CPU per request ${o.cpuMsPerRequest?.toFixed(2)} vs ${b.cpuMsPerRequest?.toFixed(2)} ms (${cpuRatio.toFixed(2)})` : '';
        console.log(`${name} round ${r + 1}/${ROUNDS} (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}): service ${round.ours.rps.toFixed(0)} req/s (p50 ${round.ours.p50}, p99 ${round.ours.p99} ms), raw ${round.baseline.rps.toFixed(0)} req/s (p50 ${round.baseline.p50}, p99 ${round.baseline.p99} ms): ratio ${round.ratio.toFixed(2)}${cpu}`);
      }
      const med = (who: 'ours' | 'baseline'): Figures => ({
        rps: median(rounds.map((x) => x[who].rps)), p50: median(rounds.map((x) => x[who].p50)), p99: median(rounds.map((x) => x[who].p99)),
        errors: rounds.reduce((n, x) => n + x[who].errors, 0),
      });
      const [o, bl] = [med('ours'), med('baseline')];
      const cpuRatios = rounds.flatMap((x) => (x.cpuRatio ? [x.cpuRatio] : []));
      const medianCpuRatio = cpuRatios.length ? median(cpuRatios) : undefined;
      const entry = { name, path, ...o, baseline: { name: BASELINE, ...bl }, ratio: o.rps / bl.rps, p99Ratio: o.p99 / bl.p99, medianRoundRatio: median(rounds.map((x) => x.ratio)), medianCpuRatio, rounds };
      figures.push(entry);
      const perRound = rounds.map((x) => x.ratio.toFixed(2)).join(', ');
      rows.push(`| ${name} | ${o.p50} | ${o.p99} | ${o.rps.toFixed(0)} | ${o.errors} | ${bl.rps.toFixed(0)} req/s, p50 ${bl.p50}, p99 ${bl.p99} ms (${bl.errors} errors) | ${entry.ratio.toFixed(2)} (rounds ${perRound}); p99 x${entry.p99Ratio.toFixed(2)} |`);
      console.log(`${name}: medians service ${o.rps.toFixed(0)} req/s vs raw ${bl.rps.toFixed(0)} req/s = ${entry.ratio.toFixed(2)}; per round ${perRound}; p99 ${o.p99} vs ${bl.p99} ms (x${entry.p99Ratio.toFixed(2)})${medianCpuRatio ? `; CPU-per-request ratio (median of rounds) ${medianCpuRatio.toFixed(2)}` : ''}`);
    };
    try {
      await run('GET /health/live (trivial)', '/health/live', false);
      await versus('GET /cases/:id/timeline (100 of 1,000)', `/cases/${caseId}/timeline`);
      await versus('GET /cases/:id/timeline?limit=500', `/cases/${caseId}/timeline?limit=500`);
      await run('GET /cases/:id/status', `/cases/${caseId}/status`, true);
    } finally {
      await raw.close();
    }

    // freshness at a stated rate, observed by a live SSE client
    const liveCase = randomUUID();
    const now = new Date().toISOString();
    const request = new DomainCase(liveCase).ehc(now, ACTORS.nhs, { type: 'ReceiveRequest', at: londonDateOf(now), childRef: 'child-bench', localAuthority: ACTORS.la.organisationId, source: 'parent', requestedBy: { role: 'parent' } });
    await publisher.publish([{ topic: topics.case, e: request }]);
    await waitFor('live case', async () => (await fetch(`${base}/cases/${liveCase}/timeline?limit=1`, { headers })).ok);
    const stream = openSse(`${base}/cases/${liveCase}/timeline/stream?access_token=${token}&lastEventId=1-1`);
    await stream.ready;
    const received = new Map<string, number>();
    const watcher = setInterval(() => {
      for (const e of stream.events.splice(0)) if (e.event === 'entry') received.set(JSON.parse(e.data).id, Date.now());
    }, 1);
    const sent = new Map<string, number>();
    const total = RATE * FRESHNESS_SECONDS;
    const begin = Date.now();
    for (let i = 0; i < total; i++) {
      const due = begin + (i * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const e = event(`bench.live-${i % 4}.v1`, liveCase, new Date().toISOString(), actors[i % 4], { i });
      sent.set(e.id, Date.parse(e.time));
      await publisher.publish([{ topic: list[i % 4], e }]);
    }
    await waitFor('all live entries', async () => received.size >= total, 60_000);
    clearInterval(watcher);
    stream.close();
    const lags = [...sent].map(([id, t]) => (received.get(id) as number) - t).sort((a, b) => a - b);
    const fresh = `freshness at ${RATE} events/s for ${FRESHNESS_SECONDS}s (${total} events over 4 topics): p50 ${pct(lags, 50)} ms, p99 ${pct(lags, 99)} ms, max ${lags[lags.length - 1]} ms`;
    console.log(fresh);

    console.log(`\n${CONNECTIONS} connections, ${SECONDS}s per run, case with 1,000 entries; pages: medians of ${ROUNDS} interleaved rounds against the fair baseline (${BASELINE})\n`);
    console.log('| endpoint | p50 ms | p99 ms | req/s | errors | fair baseline | req/s ratio of medians (per round) |\n|---|---|---|---|---|---|---|');
    console.log(rows.join('\n'));
    console.log(`\n${fresh}`);
    // one machine-readable line for infra/bench/run-all.ts (npm run bench)
    console.log(`BENCH_JSON ${JSON.stringify({ area: 'timeline', sizes: { entries: 1000, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, rate: RATE, freshnessSeconds: FRESHNESS_SECONDS }, seedEventsPerSecond: 1000 / seedSeconds, endpoints: figures, freshness: { p50: pct(lags, 50), p99: pct(lags, 99), max: lags[lags.length - 1] } })}`);
  } finally {
    await publisher.close();
    await service.close();
    infraProcess?.stdin?.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
