/**
 * `npm run bench:freshness` (and the `freshness` area of `npm run bench`): freshness end to end on the real processes
 * (issue 20 item 5). Every service is started as `npm start` starts it (infra/scripts/service-processes.ts, one Node
 * process each, loopback only); timeline SSE clients are opened (`GET /cases/:id/timeline/stream`) on many cases;
 * then real case steps are sent over HTTP open-loop at fixed rates, and for each command the time from its HTTP 2xx
 * to the moment its entry arrives on the case's SSE clients is measured.
 *
 * The step: `POST /cases/:id/exceptions` (an exception to the 20-week limit, reg 13(3); a new exceptionId each time,
 * so the step can be repeated on a case), spread round-robin over BENCH_CASES cases, never two at once on one case
 * while an idle case exists (two on one case would make the second a 409 by design, not a cost of the system).
 * The entry is recognised on the stream by its `details.exceptionId`.
 *
 * Per rate: commands sent and answered, achieved rate (2xx per second of sending), p50/p99 of HTTP 2xx -> first SSE
 * client, p99 to the last of that case's clients, entries never seen within the drain time, non-2xx and transport
 * errors, and the CPU cost per event: utime+stime from /proc/<pid>/stat of every service process, before and after.
 *
 * Bounded: at most BENCH_MAX_COMMANDS commands (default 5,000) per rate and BENCH_SECONDS (default 10) of sending,
 * then at most BENCH_DRAIN_SECONDS (default 60) waiting for the stragglers. The machine's load average is printed
 * beside each rate.
 *
 * Infrastructure: DATABASE_URL and KAFKA_BROKERS when set (its own databases and a topic prefix, so it does not meet
 * other users of a shared broker), otherwise PostgreSQL and Kafka started for the run (startLocalInfra, as the
 * e2e tests do). The rate limiter is switched off (RATE_LIMIT_PER_MINUTE=0, as behind a gateway): at 1,000/s from one
 * client it would answer 429, which measures the limiter rather than the pipeline.
 *
 * Env: BENCH_RATES (default 50,200,1000), BENCH_SECONDS, BENCH_MAX_COMMANDS, BENCH_CASES (default 300),
 * BENCH_SSE_PER_CASE (default 2), BENCH_DRAIN_SECONDS, BENCH_TIMELINE_ENV (extra `K=V,K=V` for the timeline process,
 * e.g. TIMELINE_PARTITIONS_CONCURRENTLY=1 to measure the old consumer setting).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';
import { readFileSync, mkdirSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { devKeys, mintToken } from '@tio/auth';
import { ensureDatabase, freePort, onShutdown, startLocalInfra, workspaceRoot } from '@tio/local-infra';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

const env = process.env;
const RATES = (env['BENCH_RATES'] ?? '50,200,1000').split(',').map(Number).filter((n) => n > 0);
const SECONDS = Number(env['BENCH_SECONDS'] ?? 10);
const MAX_COMMANDS = Number(env['BENCH_MAX_COMMANDS'] ?? 5000);
const CASES = Number(env['BENCH_CASES'] ?? 300);
const SSE_PER_CASE = Number(env['BENCH_SSE_PER_CASE'] ?? 2);
const DRAIN_SECONDS = Number(env['BENCH_DRAIN_SECONDS'] ?? 60);
const TIMELINE_ENV = Object.fromEntries((env['BENCH_TIMELINE_ENV'] ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const LA = 'E10000028';
const TICKS = 100; // USER_HZ: /proc/<pid>/stat times are in clock ticks

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime (14) and stime (15)
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/**
 * POST with an Idempotency-Key. A keep-alive socket the server closed while idle fails at once with ECONNRESET on
 * reuse (a client artefact, not the system refusing): that one case is sent again on a fresh socket, same key.
 */
function post(url: string, token: string, body: unknown, key: string = randomUUID()): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, timeout: 60_000, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'idempotency-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => (req.reusedSocket && err.code === 'ECONNRESET' ? post(url, token, body, key).then(resolve, reject) : reject(err)));
    req.end(data);
  });
}

/** An SSE client that calls `onEntry` with each entry's exceptionId (if any) as it arrives. */
function openStream(url: string, token: string, onEntry: (exceptionId: string | undefined) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE ${url} answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (!block.includes('event: entry')) continue;
          const line = block.split('\n').find((l) => l.startsWith('data: '));
          const m = line ? /"exceptionId":"([0-9a-f-]{36})"/.exec(line) : null;
          onEntry(m?.[1]);
        }
      });
      res.on('error', () => undefined);
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

interface Pending { caseIndex: number; sentAt: number; acceptedAt?: number; status?: number; seen: number; firstSeenAt?: number; lastSeenAt?: number }

export interface FreshnessResult {
  rate: number; seconds: number; sent: number; accepted: number; achieved: number; non2xx: Record<string, number>; errors: number; errorKinds: Record<string, number>;
  p50: number; p99: number; p99AllClients: number; max: number; unseen: number; cpuSecondsPerEvent: number; cpuByService: Record<string, number>;
  benchCpuSeconds: number; loadBefore: string; loadAfter: string;
}

async function main(): Promise<void> {
  const root = workspaceRoot();
  const started = Date.now();
  const run = `fr${randomBytes(3).toString('hex')}`;
  const logDir = join(root, 'bench-results', `freshness-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  console.log(`freshness bench: rates ${RATES.join(', ')}/s, ${CASES} cases, ${SSE_PER_CASE} SSE clients per case; ${cpus().length} cores; load ${load()}; logs in ${logDir}`);
  const infra = env['DATABASE_URL'] && env['KAFKA_BROKERS'] ? { databaseUrl: env['DATABASE_URL'], kafkaBrokers: env['KAFKA_BROKERS'], stop: async () => undefined } : await startLocalInfra({ mode: 'test' });
  onShutdown(() => infra.stop());
  const services: RunningService[] = [];
  const results: FreshnessResult[] = [];
  try {
    const databases: Record<string, string> = {};
    for (const s of SERVICES) databases[s.name] = await ensureDatabase(infra.databaseUrl, `${s.database}_${run}`);
    const keys = await devKeys(join(tmpdir(), `tio-freshness-keys-${run}`));
    const prefix = `${run}.`;
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env, JWT_PUBLIC_KEY: keys.publicKeyPem, KAFKA_BROKERS: infra.kafkaBrokers, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0',
      KEYSTORE_DATABASE_URL: await ensureDatabase(infra.databaseUrl, `tio_keys_${run}`), TIO_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const extra: Record<string, NodeJS.ProcessEnv> = {
      audit: { AUDIT_EVENT_STORES: ['case', 'education', 'health', 'social-care'].map((n) => `${n}=${databases[n]}`).join(','), AUDIT_TIMELINE_DATABASE_URL: databases['timeline'] },
      timeline: { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline`, ...TIMELINE_ENV },
    };
    for (const s of SERVICES) services.push(await startService(s, await freePort(), logDir, { ...baseEnv, ...extra[s.name], DATABASE_URL: databases[s.name] }));
    await Promise.all(services.map((s) => waitReady(s, 360_000))); // a loaded shared machine can take minutes
    const url = (name: string) => `http://127.0.0.1:${services.find((s) => s.entry.name === name)?.port}`;
    console.log(`all ${services.length} services ready in ${((Date.now() - started) / 1000).toFixed(0)}s (timeline env: ${JSON.stringify(TIMELINE_ENV)})`);

    // the cases: a request received on 6 January 2025 and the decision to assess on 3 February (the domain's fixture story)
    const caseworker = await mintToken(keys.privateKeyPem, { userId: 'bench-caseworker', organisationId: LA, agency: 'local-authority', roles: ['case-officer', 'practitioner'], expiresIn: '2h' });
    const readers = await Promise.all(Array.from({ length: SSE_PER_CASE }, (_, i) => mintToken(keys.privateKeyPem, { userId: `bench-reader-${i}`, organisationId: LA, agency: 'local-authority', roles: ['practitioner'], expiresIn: '2h' })));
    const caseIds = Array.from({ length: CASES }, () => randomUUID());
    const setup = async (caseId: string) => {
      const a = await post(`${url('case')}/cases`, caseworker, {
        caseId, at: '2025-01-06', childRef: `child:${caseId.slice(0, 8)}`, localAuthority: LA, source: 'school',
        requestedBy: { role: 'SENCO', organisationRef: 'urn:school:124356' }, child: { dateOfBirth: '2016-09-14' },
      });
      const b = await post(`${url('case')}/cases/${caseId}/decision-to-assess`, caseworker, { at: '2025-02-03' });
      if (a >= 300 || b >= 300) throw new Error(`setting up case ${caseId}: ${a}, ${b}`);
    };
    for (let i = 0; i < caseIds.length; i += 20) await Promise.all(caseIds.slice(i, i + 20).map(setup));
    // the timeline has them once the LA is a member of each (the stream's involvement check)
    const deadline = Date.now() + 180_000;
    for (const id of caseIds) {
      for (;;) {
        const status = await new Promise<number>((resolve) => {
          request(`${url('timeline')}/cases/${id}/timeline?limit=1`, { agent, headers: { authorization: `Bearer ${caseworker}` } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', () => resolve(0)).end();
        });
        if (status === 200) break;
        if (Date.now() > deadline) throw new Error(`case ${id} never reached the timeline (${status})`);
        await sleep(200);
      }
    }
    console.log(`${CASES} cases set up (request + decision to assess) and on the timeline; opening ${CASES * SSE_PER_CASE} SSE clients`);

    const pending = new Map<string, Pending>();
    const closers: (() => void)[] = [];
    for (let c = 0; c < caseIds.length; c++) {
      for (const reader of readers) {
        closers.push(await openStream(`${url('timeline')}/cases/${caseIds[c]}/timeline/stream`, reader, (exceptionId) => {
          const p = exceptionId ? pending.get(exceptionId) : undefined;
          if (!p) return;
          const now = performance.now();
          p.seen++;
          p.firstSeenAt ??= now;
          if (p.seen === SSE_PER_CASE) p.lastSeenAt = now;
        }));
      }
    }
    await sleep(2000);

    for (const rate of RATES) {
      const count = Math.min(MAX_COMMANDS, Math.round(rate * SECONDS));
      pending.clear();
      const busy = new Set<number>();
      let next = 0;
      const pick = () => {
        for (let k = 0; k < caseIds.length; k++) {
          const i = (next + k) % caseIds.length;
          if (!busy.has(i)) return (next = i + 1), i;
        }
        return next++ % caseIds.length; // every case has a command in flight: open loop sends anyway
      };
      let errors = 0;
      const errorKinds: Record<string, number> = {};
      const non2xx: Record<string, number> = {};
      const cpuBefore = Object.fromEntries(services.map((s) => [s.entry.name, cpuSeconds(s.child.pid)]));
      const benchBefore = process.cpuUsage();
      const loadBefore = load();
      const inFlight: Promise<void>[] = [];
      const t0 = performance.now();
      const interval = 1000 / rate;
      for (let n = 0; n < count; n++) {
        const due = t0 + n * interval;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const caseIndex = pick();
        busy.add(caseIndex);
        const exceptionId = randomUUID();
        const p: Pending = { caseIndex, sentAt: performance.now(), seen: 0 };
        pending.set(exceptionId, p);
        inFlight.push(
          post(`${url('case')}/cases/${caseIds[caseIndex]}/exceptions`, caseworker, {
            at: '2025-03-01', exceptionId, limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01',
          }).then(
            (status) => {
              p.status = status;
              p.acceptedAt = performance.now();
              if (status >= 300) non2xx[status] = (non2xx[status] ?? 0) + 1;
            },
            (err: NodeJS.ErrnoException) => {
              errors++;
              const kind = err.code ?? err.message;
              errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
            },
          ).finally(() => busy.delete(caseIndex)),
        );
      }
      const sendSeconds = (performance.now() - t0) / 1000;
      await Promise.all(inFlight);
      const answeredSeconds = (performance.now() - t0) / 1000;
      const accepted = [...pending.values()].filter((p) => p.status !== undefined && p.status < 300);
      const drainUntil = Date.now() + DRAIN_SECONDS * 1000;
      while (Date.now() < drainUntil && accepted.some((p) => p.seen < SSE_PER_CASE)) await sleep(100);
      const cpuAfter = Object.fromEntries(services.map((s) => [s.entry.name, cpuSeconds(s.child.pid)]));
      const bench = process.cpuUsage(benchBefore);
      const cpuByService = Object.fromEntries(services.map((s) => [s.entry.name, (cpuAfter[s.entry.name] ?? 0) - (cpuBefore[s.entry.name] ?? 0)]));
      const cpuTotal = Object.values(cpuByService).reduce((a, b) => a + b, 0);
      const first = accepted.filter((p) => p.firstSeenAt !== undefined).map((p) => Math.max(0, (p.firstSeenAt as number) - (p.acceptedAt as number))).sort((a, b) => a - b);
      const all = accepted.filter((p) => p.lastSeenAt !== undefined).map((p) => Math.max(0, (p.lastSeenAt as number) - (p.acceptedAt as number))).sort((a, b) => a - b);
      const r: FreshnessResult = {
        rate, seconds: +sendSeconds.toFixed(2), sent: count, accepted: accepted.length, achieved: accepted.length / Math.max(sendSeconds, answeredSeconds), non2xx, errors, errorKinds,
        p50: percentile(first, 50), p99: percentile(first, 99), p99AllClients: percentile(all, 99), max: first[first.length - 1] ?? NaN,
        unseen: accepted.length - all.length, cpuSecondsPerEvent: accepted.length ? cpuTotal / accepted.length : NaN, cpuByService,
        benchCpuSeconds: (bench.user + bench.system) / 1e6, loadBefore, loadAfter: load(),
      };
      results.push(r);
      console.log(`rate ${rate}/s: ${r.accepted}/${r.sent} accepted (${r.achieved.toFixed(0)}/s), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (all clients ${r.p99AllClients.toFixed(1)}), unseen ${r.unseen}, non-2xx ${JSON.stringify(r.non2xx)}, errors ${r.errors} ${JSON.stringify(errorKinds)}, answered in ${answeredSeconds.toFixed(1)}s, CPU ${(r.cpuSecondsPerEvent * 1000).toFixed(2)} ms/event ${JSON.stringify(Object.fromEntries(Object.entries(cpuByService).map(([k, v]) => [k, +v.toFixed(2)])))}, bench client ${r.benchCpuSeconds.toFixed(1)} s; load ${loadBefore} -> ${r.loadAfter}`);
      await sleep(3000);
    }
    for (const close of closers) close();
  } finally {
    await Promise.all(services.map(stopService));
    await infra.stop();
  }

  const rows = results.map((r) => [
    `${r.rate}/s`, `${r.accepted}/${r.sent}`, r.achieved.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.p99AllClients.toFixed(1), String(r.unseen),
    Object.entries(r.non2xx).map(([k, v]) => `${v}x${k}`).join(' ') || '0', String(r.errors), (r.cpuSecondsPerEvent * 1000).toFixed(2), `${r.loadBefore.split(' ')[0]} -> ${r.loadAfter.split(' ')[0]}`,
  ]);
  const header = ['rate', 'accepted/sent', 'achieved /s', 'p50 ms', 'p99 ms', 'p99 all clients ms', 'unseen', 'non-2xx', 'errors', 'CPU ms/event (all services)', 'load 1-min before -> after'];
  console.log(`\nfreshness: HTTP 2xx -> entry on an SSE client, ${CASES} cases x ${SSE_PER_CASE} clients, open loop (${cpus().length} cores, shared machine)`);
  console.log([`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((c) => `| ${c.join(' | ')} |`)].join('\n'));
  console.log(`BENCH_JSON ${JSON.stringify({ cases: CASES, ssePerCase: SSE_PER_CASE, timelineEnv: TIMELINE_ENV, results })}`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
