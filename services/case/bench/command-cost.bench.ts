/**
 * CPU cost of one case command, end to end inside the case service: HTTP `POST /cases/:id/exceptions` (JWT check,
 * validation, access log, idempotency, the command pipeline's read of the stream, decide, personal-data encryption,
 * canonical JSON and hashing, the append) and its forwarder publishing the event to Kafka.
 *
 * The service runs as `npm start` runs it (services/case/src/main.ts, its own process, real PostgreSQL and Kafka,
 * LOG_LEVEL=warn and no rate limit as in `npm run bench:freshness`), with services/case/bench/profiler-hook.cjs
 * preloaded so that the bench can read the process's own CPU time (process.cpuUsage) over IPC and take a V8 profile
 * of the measured commands only. The figure is CPU ms per command (user + system of the service process, from the
 * first request of a round until the process is idle again, so the forwarder's publication is counted), which holds
 * on a loaded machine where wall-clock does not. Prints the median over rounds and every round.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register services/case/bench/command-cost.bench.ts
 *
 *   npm run bench:case-command
 *
 * Also counts the SQL statements the service sends, by text (checkpoint saves by subscription), per command over the
 * measured rounds, background work included: the exact figure, where CPU is the noisy one.
 *
 * Env: DATABASE_URL, KAFKA_BROKERS (PostgreSQL and Kafka are started for the run when unset), BENCH_CASES (default 100),
 * BENCH_ROUNDS (default 5), BENCH_COMMANDS (per round, default 400), BENCH_CONCURRENCY (default 4),
 * BENCH_PROFILE (a path: writes a .cpuprofile of one extra round and prints its top costs), BENCH_SERVICE_ENV
 * (extra `K=V,K=V` for the service process), BENCH_PREFER (the commands' `Prefer` header, e.g. `return=minimal`; none by
 * default), BENCH_SIDES (`name=checkout,name=checkout`: a before/after comparison,
 * one service process per checkout, rounds interleaved; a checkout is e.g. a `git worktree` with node_modules linked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { devKeys, mintToken } from '@tio/auth';
import { dropDatabase, ensureDatabase, freePort, startLocalInfra, workspaceRoot } from '@tio/local-infra';

const env = process.env;
const CASES = Number(env['BENCH_CASES'] ?? 100);
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 5);
const COMMANDS = Number(env['BENCH_COMMANDS'] ?? 400);
const CONCURRENCY = Number(env['BENCH_CONCURRENCY'] ?? 4);
const PROFILE = env['BENCH_PROFILE'];
/** The commands' `Prefer` header (none by default: the full answer, statutory status included). */
const PREFER = env['BENCH_PREFER'] ?? '';
const SERVICE_ENV = Object.fromEntries((env['BENCH_SERVICE_ENV'] ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const LA = 'E10000028';
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function post(url: string, token: string, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'idempotency-key': randomUUID(), ...(PREFER ? { prefer: PREFER } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The service process's IPC: its CPU time and its profiler. */
function ipc(child: ChildProcess) {
  let next = 0;
  type Reply = { cpuMicros?: number; queries?: [string, number][]; error?: string };
  const waiting = new Map<number, (msg: Reply) => void>();
  child.on('message', (msg: Reply & { id: number }) => waiting.get(msg.id)?.(msg));
  const call = (op: string, extra: object = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, (msg) => (waiting.delete(id), msg.error ? reject(new Error(msg.error)) : resolve(msg)));
      child.send({ id, op, ...extra });
    });
  return {
    cpuMs: async () => ((await call('cpu')).cpuMicros as number) / 1000,
    queries: async () => (await call('queries')).queries ?? [],
    profileStart: () => call('profile-start', { intervalMicros: 250 }),
    profileStop: (path: string) => call('profile-stop', { path }),
  };
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; hitCount?: number }

/** Self time by function and by package/file group, from a .cpuprofile, as ms per command. */
function summarise(path: string, commands: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const root = workspaceRoot();
  const where = (url: string) => {
    const file = url.replace('file://', '').replace(root + '/', '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    return pkg ? pkg[1] : file || '(native/V8)';
  };
  const fn = new Map<string, number>();
  const group = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of self) {
    const n = byId.get(id) as ProfileNode;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || (name === 'dispatch' && !n.callFrame.url)) continue; // dispatch: the profiler serialising itself
    total += micros;
    const key = `${name} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + micros);
    const g = n.callFrame.url ? where(n.callFrame.url) : name;
    group.set(g, (group.get(g) ?? 0) + micros);
  }
  const perCommand = (micros: number) => (micros / 1000 / commands).toFixed(3);
  console.log(`profile ${path}: ${perCommand(total)} ms/command sampled (not idle)`);
  console.log('  top groups (self time, ms/command):');
  for (const [k, v] of [...group].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${perCommand(v).padStart(7)}  ${k}`);
  console.log('  top functions (self time, ms/command):');
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`    ${perCommand(v).padStart(7)}  ${k}`);
}

interface Side {
  name: string;
  /** cpu ms per command of one round (idle rate subtracted); `started` runs once the process is idle, before the first command. */
  round(started?: () => Promise<unknown>): Promise<{ ms: number; failed: number }>;
  service: ReturnType<typeof ipc>;
  close(): Promise<void>;
}

/** One case service process started from `sideRoot` (a checkout of the workspace), with its own databases and cases. */
async function startSide(name: string, sideRoot: string, clusterUrl: string, keys: { privateKeyPem: string; publicKeyPem: string }): Promise<Side> {
  const root = workspaceRoot();
  const run = `cc${randomBytes(3).toString('hex')}`;
  const dbName = `case_${run}`;
  const keysDb = `tio_keys_${run}`;
  const databaseUrl = await ensureDatabase(clusterUrl, dbName);
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-r', join(root, 'services/case/bench/profiler-hook.cjs'), join(sideRoot, 'services/case/src/main.ts')], {
    cwd: sideRoot,
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env, DATABASE_URL: databaseUrl, JWT_PUBLIC_KEY: keys.publicKeyPem, KAFKA_TOPIC_PREFIX: `${run}.`, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0',
      KEYSTORE_DATABASE_URL: await ensureDatabase(clusterUrl, keysDb), TIO_MASTER_KEY: randomBytes(32).toString('base64'),
      PORT: String(port), HOST: '127.0.0.1', TIO_WATCH_STDIN: '1', SWC_NODE_PROJECT: join(sideRoot, 'tsconfig.base.json'), ...SERVICE_ENV,
    },
  });
  const service = ipc(child);
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    child.stdin?.end();
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await dropDatabase(clusterUrl, dbName).catch(() => undefined);
    await dropDatabase(clusterUrl, keysDb).catch(() => undefined);
  };
  try {
    for (let ready = false; !ready; ) {
      if (child.exitCode !== null) throw new Error(`the case service (${name}) exited with ${child.exitCode}`);
      ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
      if (!ready) await sleep(300);
    }
    const token = await mintToken(keys.privateKeyPem, { userId: 'bench-caseworker', organisationId: LA, agency: 'local-authority', roles: ['case-officer', 'practitioner'], expiresIn: '2h' });
    const caseIds = Array.from({ length: CASES }, () => randomUUID());
    const setup = async (caseId: string) => {
      const a = await post(`${url}/cases`, token, {
        caseId, at: '2025-01-06', childRef: `child:${caseId.slice(0, 8)}`, localAuthority: LA, source: 'school',
        requestedBy: { role: 'SENCO', organisationRef: 'urn:school:124356' }, child: { dateOfBirth: '2016-09-14' },
      });
      const b = await post(`${url}/cases/${caseId}/decision-to-assess`, token, { at: '2025-02-03' });
      if (a >= 300 || b >= 300) throw new Error(`setting up case ${caseId}: ${a}, ${b}`);
    };
    for (let i = 0; i < caseIds.length; i += 10) await Promise.all(caseIds.slice(i, i + 10).map(setup));

    // one command per case at a time (CONCURRENCY workers over disjoint slices of the cases): no 409 retries
    const command = (caseId: string) => post(`${url}/cases/${caseId}/exceptions`, token, {
      at: '2025-03-01', exceptionId: randomUUID(), limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01',
    });
    // the service's background work (pollers, leases, metrics) costs CPU when no command runs: measured first, then
    // subtracted from each round, which ends once the process is back to that rate (the forwarder has published)
    const rateOver = async (ms: number) => {
      const before = await service.cpuMs();
      const t = performance.now();
      await sleep(ms);
      const used = (await service.cpuMs()) - before;
      return { cpuMs: used, per: used / (performance.now() - t) };
    };
    let idleRate = Infinity;
    // bounded: with the profiler sampling (BENCH_PROFILE) or a busy neighbour the process may never look idle again
    const settle = async () => {
      for (let tries = 0; tries < 40; tries++) {
        const { per } = await rateOver(500);
        if (per <= idleRate * 1.5 + 0.004) return;
      }
    };
    const round = async (started?: () => Promise<unknown>): Promise<{ ms: number; failed: number }> => {
      await settle();
      await started?.();
      const start = await service.cpuMs();
      const t0 = performance.now();
      let sent = 0;
      let failed = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
        const mine = caseIds.filter((_, i) => i % CONCURRENCY === w);
        for (let k = 0; sent < COMMANDS; k++) {
          sent++;
          if ((await command(mine[k % mine.length])) >= 300) failed++;
        }
      }));
      await settle();
      const end = await service.cpuMs();
      return { ms: (end - start - idleRate * (performance.now() - t0)) / COMMANDS, failed };
    };
    await sleep(3000);
    idleRate = Math.min((await rateOver(2000)).per, (await rateOver(2000)).per);
    console.log(`${name} (${sideRoot}): ${CASES} cases set up; idle ${(idleRate * 1000).toFixed(1)} CPU ms/s with no command`);
    await round(); // warm-up (JIT, pools, the producer's connection)
    return { name, round, service, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function main(): Promise<void> {
  const infra = env['DATABASE_URL'] && env['KAFKA_BROKERS'] ? undefined : await startLocalInfra({ mode: 'test' });
  if (infra) Object.assign(env, { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.kafkaBrokers });
  const clusterUrl = env['DATABASE_URL'] as string;
  const keys = await devKeys(join(tmpdir(), `tio-command-cost-keys-${randomBytes(3).toString('hex')}`));
  // BENCH_SIDES=before=/tmp/old-checkout,after=/work/main: each side a checkout of the workspace (with node_modules),
  // its own service process; rounds interleaved (A B B A ...). Default: this workspace alone.
  const sideSpecs = (env['BENCH_SIDES'] ?? `this=${workspaceRoot()}`).split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const);
  const sides: Side[] = [];
  try {
    for (const [name, sideRoot] of sideSpecs) sides.push(await startSide(name, sideRoot, clusterUrl, keys));
    console.log(`case command cost: ${CASES} cases per side, ${ROUNDS} rounds x ${COMMANDS} commands, concurrency ${CONCURRENCY}; load ${load()}; Prefer ${PREFER ? `'${PREFER}'` : 'none'}; service env ${JSON.stringify(SERVICE_ENV)}`);
    const results = new Map<string, number[]>(sides.map((s) => [s.name, []]));
    for (const side of sides) await side.service.queries(); // counts from here on: the measured rounds
    for (let r = 1; r <= ROUNDS; r++) {
      const order = r % 2 ? sides : [...sides].reverse();
      const line: string[] = [];
      for (const side of order) {
        const { ms, failed } = await side.round();
        results.get(side.name)?.push(ms);
        line.push(`${side.name} ${ms.toFixed(2)}${failed ? ` (${failed} non-2xx)` : ''}`);
      }
      const ratio = sides.length === 2 ? `; ratio ${sides[1].name}/${sides[0].name} ${((results.get(sides[1].name)?.[r - 1] ?? 0) / (results.get(sides[0].name)?.[r - 1] ?? 1)).toFixed(2)}` : '';
      console.log(`  round ${r}: ${line.join(', ')} CPU ms/command${ratio}; load ${load()}`);
    }
    for (const side of sides) {
      const xs = results.get(side.name) as number[];
      console.log(`${side.name}: median ${median(xs).toFixed(2)} CPU ms/command (rounds ${xs.map((x) => x.toFixed(2)).join(', ')})`);
    }
    for (const side of sides) {
      const statements = await side.service.queries();
      const commands = ROUNDS * COMMANDS;
      console.log(`${side.name}: ${(statements.reduce((n, [, c]) => n + c, 0) / commands).toFixed(2)} SQL statements per command over the rounds (background included):`);
      for (const [text, count] of statements.slice(0, 25)) console.log(`  ${(count / commands).toFixed(3).padStart(6)}  ${text}`);
    }
    if (PROFILE) {
      for (const side of sides) {
        const path = sides.length > 1 ? PROFILE.replace(/(\.cpuprofile)?$/, `-${side.name}.cpuprofile`) : PROFILE;
        await side.round(() => side.service.profileStart().then(() => side.service.queries()));
        const statements = await side.service.queries();
        await side.service.profileStop(path);
        console.log(`--- ${side.name}`);
        summarise(path, COMMANDS);
        console.log(`SQL statements per command in that round (${statements.reduce((n, [, c]) => n + c, 0) / COMMANDS} in all, background included):`);
        for (const [text, count] of statements.slice(0, 25)) console.log(`  ${(count / COMMANDS).toFixed(2).padStart(6)}  ${text}`);
      }
    }
  } finally {
    for (const side of sides) await side.close();
    agent.destroy();
    await infra?.stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
