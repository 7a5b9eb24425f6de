/**
 * `npm run bench:case-command` (issue 20): the case service's own cost of one case command, the figure the freshness
 * bench charges most to "ours". One case service process (as `npm start` starts it) on DATABASE_URL/KAFKA_BROKERS (or
 * infrastructure started for the run); BENCH_CASES cases set up (request + decision to assess), a warm-up, then
 * BENCH_COMMANDS `POST /cases/:id/exceptions` (the freshness bench's step) over BENCH_CONCURRENCY clients, a case
 * never twice in flight. Reported: the case process's CPU (utime + stime from /proc) per command in µs, and the SQL
 * statements it sent per command by text (a preload wraps pg's Client.query and dumps on SIGWINCH, a signal Nest's
 * shutdown hooks leave alone), so a change's effect on both is measured on its own process, not on a shared
 * machine's throughput. BENCH_CPU_PROF=<file> also writes a V8 CPU profile of the measured window there (the
 * preload's inspector session; `--cpu-prof` is refused in NODE_OPTIONS).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { devKeys, mintToken } from '@tio/auth';
import { dropDatabase, ensureDatabase, freePort, startLocalInfra } from '@tio/local-infra';
import { startService, stopService, waitReady } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';
import { cpuSeconds } from './process-cpu';

const env = process.env;
const CASES = Number(env['BENCH_CASES'] ?? 100);
const WARMUP = Number(env['BENCH_WARMUP'] ?? 300);
const COMMANDS = Number(env['BENCH_COMMANDS'] ?? 1000);
const CONCURRENCY = Number(env['BENCH_CONCURRENCY'] ?? 4);
const CPU_PROF = env['BENCH_CPU_PROF'];
const LA = 'E10000028';
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PRELOAD = `
const pg = require(${JSON.stringify(require.resolve('pg'))}); const fs = require('fs');
let counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  const values = typeof config === 'string' ? rest[0] : config && config.values;
  // checkpoint saves by subscription (the first parameter), to tell the forwarder's from the reactions'
  const by = /checkpoints/.test(text) && Array.isArray(values) ? ' [' + values[0] + ']' : '';
  if (text) { const k = String(text).replace(/\\s+/g, ' ').slice(0, 160) + by; counts.set(k, (counts.get(k) || 0) + 1); }
  return query.call(this, config, ...rest);
};
const prof = process.env.BENCH_CPU_PROF_FILE;
let session;
if (prof) { session = new (require('inspector').Session)(); session.connect(); session.post('Profiler.enable'); session.post('Profiler.setSamplingInterval', { interval: 200 }); }
let profiling = false;
process.on('SIGWINCH', () => {
  fs.writeFileSync(process.env.BENCH_SQL_COUNTS, JSON.stringify(Object.fromEntries(counts))); counts = new Map();
  if (!session) return;
  if (!profiling) { session.post('Profiler.start'); profiling = true; return; }
  session.post('Profiler.stop', (err, r) => { if (!err) fs.writeFileSync(prof, JSON.stringify(r.profile)); });
});
`;

function post(url: string, token: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'idempotency-key': randomUUID() } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Waits (at most 60 s) until every checkpoint of the case store is at its last event. */
async function caughtUp(database: string): Promise<boolean> {
  const pool = new Pool({ connectionString: database, max: 1 });
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const { rows } = await pool.query<{ behind: number }>(
        'SELECT count(*)::int AS behind FROM event_store.checkpoints WHERE position < (SELECT max(global_position) FROM event_store.events)',
      );
      if (rows[0]?.behind === 0) return true;
    }
    return false;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const run = `ccc_${Date.now().toString(36)}`;
  const dir = join(tmpdir(), `tio-case-command-${run}`);
  mkdirSync(dir, { recursive: true });
  const infra = env['DATABASE_URL'] && env['KAFKA_BROKERS'] ? { databaseUrl: env['DATABASE_URL'], kafkaBrokers: env['KAFKA_BROKERS'], stop: async () => undefined } : await startLocalInfra({ mode: 'test' });
  const database = await ensureDatabase(infra.databaseUrl, `tio_case_${run}`);
  const keyStore = await ensureDatabase(infra.databaseUrl, `tio_keys_${run}`);
  const keys = await devKeys(join(dir, 'keys'));
  const counts = join(dir, 'sql-counts.json');
  const preload = join(dir, 'count-sql.cjs');
  writeFileSync(preload, PRELOAD);
  const nodeOptions = [env['NODE_OPTIONS'] ?? '', `--require ${preload}`].join(' ').trim();
  const entry = SERVICES.find((s) => s.name === 'case');
  if (!entry) throw new Error('no case service entry');
  const service = await startService(entry, await freePort(), join(dir, 'logs'), {
    ...env, NODE_OPTIONS: nodeOptions, BENCH_SQL_COUNTS: counts, ...(CPU_PROF ? { BENCH_CPU_PROF_FILE: CPU_PROF } : {}), DATABASE_URL: database, JWT_PUBLIC_KEY: keys.publicKeyPem, KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: `${run}.`, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', KEYSTORE_DATABASE_URL: keyStore, TIO_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  try {
    await waitReady(service, 360_000);
    void service.exited.then((code) => console.error(`case service exited: ${code} ${service.child.signalCode}`));
    const base = `http://127.0.0.1:${service.port}`;
    const token = await mintToken(keys.privateKeyPem, { userId: 'bench-caseworker', organisationId: LA, agency: 'local-authority', roles: ['case-officer', 'practitioner'], expiresIn: '2h' });
    const caseIds = Array.from({ length: CASES }, () => randomUUID());
    for (let i = 0; i < caseIds.length; i += 10) {
      await Promise.all(caseIds.slice(i, i + 10).map(async (caseId) => {
        const a = await post(`${base}/cases`, token, { caseId, at: '2025-01-06', childRef: `child:${caseId.slice(0, 8)}`, localAuthority: LA, source: 'school', requestedBy: { role: 'SENCO', organisationRef: 'urn:school:124356' }, child: { dateOfBirth: '2016-09-14' } });
        const b = await post(`${base}/cases/${caseId}/decision-to-assess`, token, { at: '2025-02-03' });
        if (a >= 300 || b >= 300) throw new Error(`setting up case ${caseId}: ${a}, ${b}`);
      }));
    }
    const turns = Array.from({ length: CONCURRENCY }, () => 0);
    const burst = async (n: number): Promise<Record<number, number>> => {
      const statuses: Record<number, number> = {};
      let sent = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
        while (sent < n) {
          sent++;
          // each worker keeps to its own cases, so a case is never twice in flight
          const caseId = caseIds[(w + CONCURRENCY * turns[w]++) % CASES] as string; // CASES a multiple of CONCURRENCY
          const status = await post(`${base}/cases/${caseId}/exceptions`, token, { at: '2025-03-01', exceptionId: randomUUID(), limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01' });
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }));
      return statuses;
    };
    await burst(WARMUP);
    await caughtUp(database); // the forwarder publishes the warm-up's events
    const pid = service.child.pid as number;
    process.kill(pid, 'SIGWINCH'); // resets the counts, starts the profile
    await sleep(300);
    const idleBefore = cpuSeconds(pid);
    await sleep(2000);
    const idlePerSecond = (cpuSeconds(pid) - idleBefore) / 2; // timers, pollers: subtracted for the drain pause
    const load = loadavg()[0]?.toFixed(2);
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const statuses = await burst(COMMANDS);
    const wall = (performance.now() - started) / 1000;
    // the forwarder and the reactions have handled every event (a long transaction anywhere in a shared cluster holds
    // their reads back: pg_snapshot_xmin), so their work is in the figure; the idle CPU of the wait is not
    const drainStarted = performance.now();
    const drained = await caughtUp(database);
    const drain = (performance.now() - drainStarted) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore - drain * idlePerSecond;
    console.log(`${COMMANDS} commands (${JSON.stringify(statuses)}) over ${CASES} cases, concurrency ${CONCURRENCY}, in ${wall.toFixed(1)} s; load ${load} -> ${loadavg()[0]?.toFixed(2)}`);
    console.log(`case process CPU: ${((cpu / COMMANDS) * 1e6).toFixed(0)} µs per command (idle ${(idlePerSecond * 1000).toFixed(0)} ms/s subtracted for the ${drain.toFixed(1)} s the subscriptions took to catch up${drained ? '' : ': they did not, within 60 s'})`);
    rmSync(counts, { force: true });
    process.kill(pid, 'SIGWINCH'); // dumps the counts, writes the profile
    for (let i = 0; i < 50 && !existsSync(counts); i++) await sleep(100);
    if (CPU_PROF) console.log(`CPU profile of the measured window: ${CPU_PROF}`);
    {
      const byText = Object.entries(JSON.parse(readFileSync(counts, 'utf8')) as Record<string, number>).sort((a, b) => b[1] - a[1]);
      const total = byText.reduce((a, [, n]) => a + n, 0);
      console.log(`SQL statements: ${(total / COMMANDS).toFixed(2)} per command`);
      for (const [text, n] of byText) console.log(`  ${(n / COMMANDS).toFixed(3)}  ${text}`);
    }
  } finally {
    await stopService(service);
    await dropDatabase(infra.databaseUrl, database).catch(() => undefined);
    await dropDatabase(infra.databaseUrl, keyStore).catch(() => undefined);
    await infra.stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
