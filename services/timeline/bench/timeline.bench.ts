/**
 * Timeline benchmark: `npm run bench:timeline`.
 *
 * 1. API: a case with 1,000 entries; 50 concurrent clients (autocannon) for BENCH_SECONDS each on
 *    - GET /health/live                   (trivial endpoint of the same service: the floor of the HTTP stack)
 *    - GET /cases/:id/timeline            (first page, 100 entries; JWT check, access check, access-log write, read)
 *    - GET /cases/:id/timeline?limit=500  (a large page)
 *    - GET /cases/:id/status              (the domain statutory clock over the case's ehc.* events)
 * 2. Freshness: events published at BENCH_RATE events/s for BENCH_FRESHNESS_SECONDS; lag = the moment an SSE client
 *    receives the entry minus the event's CloudEvents time (set at publish): source -> Kafka -> consumer -> PostgreSQL
 *    -> NOTIFY -> SSE, end to end.
 *
 * Uses DATABASE_URL / KAFKA_BROKERS if set, otherwise starts the local PostgreSQL and Kafka itself.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { timelineService } from '../src/service';
import { londonDateOf } from '@tio/ehc-domain';
import { ACTORS, DomainCase, Publisher, event, testTopics, topicList, waitFor } from '../src/testing/fixtures';
import { openSse } from '../src/testing/sse';

const ROOT = join(__dirname, '..', '..', '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const RATE = Number(process.env['BENCH_RATE'] ?? 50);
const FRESHNESS_SECONDS = Number(process.env['BENCH_FRESHNESS_SECONDS'] ?? 10);

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

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const infraProcess = await infra();
  const topics = testTopics('bench');
  const publisher = new Publisher();
  await publisher.ensure(topicList(topics));
  const service: TestService = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-bench-${randomUUID().slice(0, 6)}` });
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

    const rows: string[] = [];
    const figures: Array<{ name: string; path: string; p50: number; p99: number; rps: number; errors: number }> = [];
    const run = async (name: string, path: string, auth: boolean) => {
      const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: SECONDS, headers: auth ? headers : {} });
      const bad = result.non2xx + result.errors + result.timeouts;
      figures.push({ name, path, p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: bad });
      rows.push(`| ${name} | ${result.latency.p50} | ${result.latency.p99} | ${result.requests.average.toFixed(0)} | ${bad} |`);
      console.log(`${name}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.requests.average.toFixed(0)} req/s, ${bad} errors`);
    };
    await run('GET /health/live (trivial)', '/health/live', false);
    await run('GET /cases/:id/timeline (100 of 1,000)', `/cases/${caseId}/timeline`, true);
    await run('GET /cases/:id/timeline?limit=500', `/cases/${caseId}/timeline?limit=500`, true);
    await run('GET /cases/:id/status', `/cases/${caseId}/status`, true);

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

    console.log(`\n${CONNECTIONS} connections, ${SECONDS}s per endpoint, case with 1,000 entries\n`);
    console.log('| endpoint | p50 ms | p99 ms | req/s | errors |\n|---|---|---|---|---|');
    console.log(rows.join('\n'));
    console.log(`\n${fresh}`);
    // one machine-readable line for infra/bench/run-all.ts (npm run bench)
    console.log(`BENCH_JSON ${JSON.stringify({ area: 'timeline', sizes: { entries: 1000, connections: CONNECTIONS, seconds: SECONDS, rate: RATE, freshnessSeconds: FRESHNESS_SECONDS }, seedEventsPerSecond: 1000 / seedSeconds, endpoints: figures, freshness: { p50: pct(lags, 50), p99: pct(lags, 99), max: lags[lags.length - 1] } })}`);
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
