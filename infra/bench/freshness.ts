/**
 * `npm run bench:freshness` (and the `freshness` area of `npm run bench`): freshness end to end on the real processes
 * (issue 20 item 5), beside a raw same-work pipeline, interleaved. Every service is started as `npm start` starts it
 * (infra/scripts/service-processes.ts, one Node process each, loopback only); timeline SSE clients are opened
 * (`GET /cases/:id/timeline/stream`) on every case; then real case steps are sent over HTTP open-loop at fixed rates,
 * and for each command the time from its HTTP 2xx to the moment its entry arrives on the case's SSE clients is measured.
 *
 * The step: `POST /cases/:id/exceptions` (an exception to the 20-week limit, reg 13(3); a new exceptionId each time,
 * so the step can be repeated on a case), over BENCH_CASES cases. A case never has two commands in flight: a command
 * falls due on schedule (open loop) and goes to the case idle longest; when every case is busy it waits for the first
 * to become idle ("deferred": counted, with the wait's p99), so a 409 can only come from contention inside the system,
 * never from the bench racing itself. Once the system is saturated the load is then closed over BENCH_CASES commands.
 * The entry is recognised on the stream by its `details.exceptionId`.
 *
 * The raw baseline (./raw-pipeline.ts, two Node processes for the case and timeline services): the same command
 * body over `node:http`, JSON-parsed, the bearer token verified by the services' own TokenVerifier (the same cost: one
 * signature check per token, then remembered), one autocommit INSERT of the real event's row texts into a table of the
 * event store's shape, reply 201, the real CloudEvents record (same key, value, headers) published by an idempotent
 * KafkaJS producer to a topic with the case topic's partitions, a KafkaJS consumer group INSERTing the real entry into
 * a table of the timeline's shape and writing it to the case's raw SSE clients (as many per case as the real run).
 * The templates are captured from the real system's own first command. It answers whether a rate is reachable at all
 * on this machine with this infrastructure; the ratios say how far the real pipeline is from that floor.
 *
 * Per side and rate: commands sent and answered, achieved rate (2xx per second of sending), p50/p99 of HTTP 2xx ->
 * first SSE client, p99 to the last of that case's clients, p50/p99 of the HTTP answer itself, deferred commands,
 * entries never seen within the drain time, non-2xx and transport errors, and the CPU per accepted event of every
 * process the pipeline uses: its Node processes, the PostgreSQL backends of its own databases, PostgreSQL's background
 * processes and the Kafka broker (utime+stime from /proc, sampled, ./process-cpu.ts). On a shared machine the
 * background processes and the broker also work for others: their share is printed apart. The other side's processes
 * stay up, idle, during a step (the real services' idle background competes with the raw pipeline for the cores, so
 * the raw side is if anything handicapped): their CPU is printed, not charged.
 * Then per rate: ours/raw for the rate, raw/ours for p50 and p99, raw/ours for CPU per event (< 1 is always worse).
 *
 * Order: first an unreported warm-up step of each side at the fastest rate (BENCH_WARMUP_COMMANDS); then BENCH_ROUNDS
 * rounds (default 1); in each, every rate runs both sides back to back, the side first alternating with each step
 * (ours-raw, raw-ours, ...); with several rounds the medians are reported. Before every step the client opens its
 * keep-alive connections to that side's command server (BENCH_WARM_CONNECTIONS): the steady state of an agency system
 * that keeps its connections, not the first seconds of one that opens them under load (docs/benchmarks.md, 2026-12-01
 * 10:03, measures both).
 *
 * Bounded: at most BENCH_MAX_COMMANDS commands (default 5,000) per side and rate and BENCH_SECONDS (default 10) of
 * schedule, sending stopped after BENCH_SEND_LIMIT_SECONDS (default max(60, 6 x BENCH_SECONDS): the rest "unsent"),
 * then at most BENCH_DRAIN_SECONDS (default 60) waiting for the stragglers.
 *
 * Infrastructure: DATABASE_URL and KAFKA_BROKERS when set (its own databases and a topic prefix, so it does not meet
 * other users of a shared broker), otherwise PostgreSQL and Kafka started for the run (startLocalInfra, as the
 * e2e tests do). The rate limiter is switched off (RATE_LIMIT_PER_MINUTE=0, as behind a gateway): at 1,000/s from one
 * client it would answer 429, which measures the limiter rather than the pipeline.
 *
 * Env: BENCH_RATES (default 50,200,1000), BENCH_SECONDS, BENCH_MAX_COMMANDS, BENCH_CASES (default 300),
 * BENCH_SSE_PER_CASE (default 2), BENCH_DRAIN_SECONDS, BENCH_SEND_LIMIT_SECONDS, BENCH_ROUNDS, BENCH_RAW (default 1;
 * 0 runs the real system alone), BENCH_TIMELINE_ENV (extra `K=V,K=V` for the timeline process, e.g.
 * TIMELINE_PARTITIONS_CONCURRENTLY=1 to measure the old consumer setting), BENCH_PROFILE (a directory: each real service
 * writes a V8 CPU profile there, `<service>.cpuprofile`, when it stops; profiling slows it, so its figures are not comparable),
 * BENCH_NODE_ARGS (Node options for every real service, space-separated, e.g. `--max-semi-space-size=64`),
 * BENCH_WARMUP_COMMANDS (the warm-up step's commands, default one second of the fastest rate, at least 50),
 * BENCH_WARM_CONNECTIONS (the connections opened before each step, default BENCH_CASES; 0 for none: beyond those
 * earlier steps left, the step opens them as its first commands find the open ones busy), BENCH_PREFER (the
 * commands' `Prefer` header, default `return=minimal`: the answer without the statutory status, as an agency system
 * recording steps asks for it; empty for none, the full answer; the raw side answers what the real one did).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { devKeys, mintToken } from '@tio/auth';
import { TOPICS } from '@tio/contracts';
import { dropDatabase, ensureDatabase, freePort, onShutdown, startLocalInfra, workspaceRoot } from '@tio/local-infra';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';
import { CpuMeter, listenerPid } from './process-cpu';
import type { RawTemplate } from './raw-pipeline';

const env = process.env;
const RATES = (env['BENCH_RATES'] ?? '50,200,1000').split(',').map(Number).filter((n) => n > 0);
const SECONDS = Number(env['BENCH_SECONDS'] ?? 10);
const MAX_COMMANDS = Number(env['BENCH_MAX_COMMANDS'] ?? 5000);
const CASES = Number(env['BENCH_CASES'] ?? 300);
const SSE_PER_CASE = Number(env['BENCH_SSE_PER_CASE'] ?? 2);
const DRAIN_SECONDS = Number(env['BENCH_DRAIN_SECONDS'] ?? 60);
const SEND_LIMIT_SECONDS = Number(env['BENCH_SEND_LIMIT_SECONDS'] ?? Math.max(60, 6 * SECONDS));
const ROUNDS = Number(env['BENCH_ROUNDS'] ?? 1);
/** The commands' `Prefer` header: an agency system recording steps asks for the minimal answer (no statutory status). */
const PREFER = env['BENCH_PREFER'] ?? 'return=minimal';
const RAW = env['BENCH_RAW'] !== '0';
/** The warm-up step runs at the fastest rate: pools, heaps and compiled code grow there, not in a measured step. */
const WARMUP_RATE = Math.max(...RATES);
const WARMUP_COMMANDS = Number(env['BENCH_WARMUP_COMMANDS'] ?? Math.max(50, WARMUP_RATE));
/** Keep-alive connections the client opens to a side's command server before each step. */
const WARM_CONNECTIONS = Number(env['BENCH_WARM_CONNECTIONS'] ?? CASES);
const PROFILE_DIR = env['BENCH_PROFILE'];
const TIMELINE_ENV = Object.fromEntries((env['BENCH_TIMELINE_ENV'] ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const LA = 'E10000028';
const root = workspaceRoot();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const portOf = (url: string) => Number(new URL(url.includes('://') ? url : `kafka://${url}`).port);
const databaseOf = (url: string) => new URL(url).pathname.slice(1);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const median = (xs: number[]) => percentile([...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b), 50);

const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });

/**
 * POST with an Idempotency-Key. A keep-alive socket the server closed while idle fails at once with ECONNRESET on
 * reuse (a client artefact, not the system refusing): that one case is sent again on a fresh socket, same key.
 */
function post(url: string, token: string, body: unknown, key: string = randomUUID()): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, timeout: 60_000, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'idempotency-key': key, ...(PREFER ? { prefer: PREFER } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => (req.reusedSocket && err.code === 'ECONNRESET' ? post(url, token, body, key).then(resolve, reject) : reject(err)));
    req.end(data);
  });
}

/**
 * Opens `count` keep-alive connections to `url`'s server (concurrent GETs of `url`; any answer will do) and returns how
 * many the client then holds idle to it, earlier steps' included. Without them a step's first commands open their
 * own, and a case service they have already saturated accepts those ~1 s late (measured), which is the client's ramp
 * rather than the pipeline.
 */
async function warmConnections(url: string, count: number): Promise<number> {
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => {
    request(url, { agent }, (res) => res.resume().on('end', resolve).on('error', () => resolve())).on('error', () => resolve()).end();
  })));
  const { hostname, port } = new URL(url);
  return Object.entries(agent.freeSockets).filter(([name]) => name.startsWith(`${hostname}:${port}:`)).reduce((n, [, sockets]) => n + (sockets?.length ?? 0), 0);
}

/** An SSE client that calls `onEntry` with each entry's exceptionId (if any) and its `data:` JSON as it arrives. */
function openStream(url: string, token: string, onEntry: (exceptionId: string | undefined, data: string) => void): Promise<() => void> {
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
          const line = block.split('\n').find((l) => l.startsWith('data: ')) ?? '';
          const m = /"exceptionId":"([0-9a-f-]{36})"/.exec(line);
          onEntry(m?.[1], line.slice('data: '.length));
        }
      });
      res.on('error', () => undefined);
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

/** Cases with no command in flight, the longest idle first; a taker waits when there is none. */
class IdleCases {
  private readonly idle: number[];
  private readonly waiting: ((i: number) => void)[] = [];
  constructor(count: number) {
    this.idle = Array.from({ length: count }, (_, i) => i);
  }
  take(): number | Promise<number> {
    return this.idle.length ? (this.idle.shift() as number) : new Promise((r) => this.waiting.push(r));
  }
  release(i: number): void {
    const next = this.waiting.shift();
    if (next) next(i);
    else this.idle.push(i);
  }
}

interface Pending { sentAt: number; acceptedAt?: number; status?: number; seen: number; firstSeenAt?: number; lastSeenAt?: number }

/** One side of the comparison: where its commands go and which processes and databases do its work. */
interface Side {
  name: 'ours' | 'raw';
  commandUrl: (caseId: string) => string;
  /** A cheap GET of the command server, to open the client's connections to it before a step. */
  warmUrl: string;
  processes: Record<string, number | undefined>;
  databases: string[];
}

export interface CpuBreakdown {
  /** The side's own Node processes, by name. */
  processes: Record<string, number>;
  /** Backends of the side's own databases. */
  postgres: number;
  /** Postmaster, WAL writer, checkpointer, ... (shared with anyone else using the cluster). */
  postgresBackground: number;
  /** The broker (shared with anyone else using it). */
  kafka: number;
  /** Backends of other databases on the cluster (other users of a shared machine): not charged to the side. */
  postgresOthers: number;
  /** The other side's Node processes, idle meanwhile (their background work competes for the cores): not charged. */
  otherSide: number;
}

export interface FreshnessResult {
  side: 'ours' | 'raw'; round: number; rate: number; seconds: number; sent: number; unsent: number; accepted: number; achieved: number;
  non2xx: Record<string, number>; errors: number; errorKinds: Record<string, number>;
  p50: number; p99: number; p99AllClients: number; max: number; httpP50: number; httpP99: number; deferred: number; deferP99: number; unseen: number;
  /** CPU seconds per accepted event: the side's processes + its databases' backends + PostgreSQL background + broker. */
  cpuSecondsPerEvent: number; cpu: CpuBreakdown; cpuByService: Record<string, number>;
  benchCpuSeconds: number; loadBefore: string; loadAfter: string;
  /** Keep-alive connections the client held open to the command server as the step began (opened for it or before). */
  warmConnections: number;
}

/** Starts one raw pipeline process and waits for its RAW_READY. */
function startRaw(role: 'command' | 'read', port: number, logDir: string, extra: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; exited: Promise<unknown> }> {
  const log = createWriteStream(join(logDir, `raw-${role}.log`));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'infra/bench/raw-pipeline.ts')], {
    cwd: root, env: { ...process.env, ...extra, RAW_ROLE: role, PORT: String(port), SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log);
  const exited = new Promise((r) => child.on('exit', r));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      log.write(c);
      out += c.toString();
      if (out.includes('RAW_READY')) resolve({ child, port, exited });
    });
    void exited.then((code) => reject(new Error(`raw ${role} exited ${String(code)} before it was ready (log: ${join(logDir, `raw-${role}.log`)})`)));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const run = `fr${randomBytes(3).toString('hex')}`;
  const logDir = join(root, 'bench-results', `freshness-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  console.log(`freshness bench: rates ${RATES.join(', ')}/s, ${SECONDS}s each (at most ${MAX_COMMANDS} commands), ${ROUNDS} round(s), ${CASES} cases, ${SSE_PER_CASE} SSE clients per case, Prefer ${PREFER ? `'${PREFER}'` : 'none'}, raw baseline ${RAW ? 'on' : 'off'}; ${cpus().length} cores; load ${load()}; logs in ${logDir}`);
  const infra = env['DATABASE_URL'] && env['KAFKA_BROKERS'] ? { databaseUrl: env['DATABASE_URL'], kafkaBrokers: env['KAFKA_BROKERS'], stop: async () => undefined } : await startLocalInfra({ mode: 'test' });
  onShutdown(() => infra.stop());
  const postmaster = listenerPid(portOf(infra.databaseUrl));
  const broker = listenerPid(portOf(infra.kafkaBrokers.split(',')[0] as string));
  if (postmaster === undefined || broker === undefined) console.log(`note: PostgreSQL ${postmaster ?? 'not found'} / Kafka broker ${broker ?? 'not found'} on this machine: their CPU is not counted`);
  const services: RunningService[] = [];
  const raws: Awaited<ReturnType<typeof startRaw>>[] = [];
  const results: FreshnessResult[] = [];
  const created: string[] = []; // databases of this run, dropped at the end (a shared cluster would fill up)
  const kafka = new Kafka({ clientId: 'bench-freshness', brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const databases: Record<string, string> = {};
    for (const s of SERVICES) created.push((databases[s.name] = await ensureDatabase(infra.databaseUrl, `${s.database}_${run}`)));
    const keys = await devKeys(join(tmpdir(), `tio-freshness-keys-${run}`));
    const prefix = `${run}.`;
    const keyStore = await ensureDatabase(infra.databaseUrl, `tio_keys_${run}`);
    created.push(keyStore);
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env, JWT_PUBLIC_KEY: keys.publicKeyPem, KAFKA_BROKERS: infra.kafkaBrokers, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0',
      KEYSTORE_DATABASE_URL: keyStore, TIO_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const extra: Record<string, NodeJS.ProcessEnv> = {
      audit: { AUDIT_EVENT_STORES: ['case', 'education', 'health', 'social-care'].map((n) => `${n}=${databases[n]}`).join(','), AUDIT_TIMELINE_DATABASE_URL: databases['timeline'] },
      timeline: { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline`, ...TIMELINE_ENV },
    };
    for (const s of SERVICES) services.push(await startService(s, await freePort(), logDir, { ...baseEnv, ...extra[s.name], DATABASE_URL: databases[s.name] }, [...(env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean), ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${s.name}.cpuprofile`] : [])]));
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
      if (a.status >= 300 || b.status >= 300) throw new Error(`setting up case ${caseId}: ${a.status}, ${b.status}`);
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
    const entryData = new Map<string, string>(); // exceptionId -> the entry's JSON, for the template
    const onEntry = (exceptionId: string | undefined, data: string) => {
      if (exceptionId && entryData.has(exceptionId)) entryData.set(exceptionId, data);
      const p = exceptionId ? pending.get(exceptionId) : undefined;
      if (!p) return;
      const now = performance.now();
      p.seen++;
      p.firstSeenAt ??= now;
      if (p.seen === SSE_PER_CASE) p.lastSeenAt = now;
    };
    const closers: (() => void)[] = [];
    const openAll = async (base: string) => {
      for (const id of caseIds) for (const reader of readers) closers.push(await openStream(`${base}/cases/${id}/timeline/stream`, reader, onEntry));
    };
    await openAll(url('timeline'));

    const exceptionBody = (exceptionId: string) => ({ at: '2025-03-01', exceptionId, limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01' });
    const sides: Side[] = [{
      name: 'ours', commandUrl: (id) => `${url('case')}/cases/${id}/exceptions`, warmUrl: `${url('case')}/health/live`, databases: [...Object.values(databases), keyStore].map(databaseOf),
      processes: Object.fromEntries(services.map((s) => [s.entry.name, s.child.pid])),
    }];

    if (RAW) {
      // the templates: what the real system stores, publishes, streams and answers for one exception command
      const ids = { caseId: caseIds[0] as string, exceptionId: randomUUID(), eventId: '' };
      entryData.set(ids.exceptionId, '');
      const response = await post(sides[0]?.commandUrl(ids.caseId) as string, caseworker, exceptionBody(ids.exceptionId));
      if (response.status >= 300) throw new Error(`template command answered ${response.status}: ${response.text}`);
      const cs = new Pool({ connectionString: databases['case'], max: 1 });
      const row = (await cs.query<{ event_id: string; type: string; schema_version: number; data: string; metadata: string; hash: string; previous_hash: string | null; mac: string | null }>(
        `SELECT event_id::text, type, schema_version, data::text, metadata::text, hash, previous_hash, mac FROM event_store.events WHERE data::text LIKE '%' || $1 || '%'`, [ids.exceptionId])).rows[0];
      await cs.end();
      if (!row) throw new Error('template: the exception event is not in the case store');
      ids.eventId = row.event_id;
      const caseTopic = `${prefix}${TOPICS.caseEvents}`;
      const partitions = (await admin.fetchTopicMetadata({ topics: [caseTopic] })).topics[0]?.partitions.length ?? 3;
      const record = await new Promise<RawTemplate['record']>((resolve, reject) => {
        const consumer = kafka.consumer({ groupId: `${prefix}bench-template` });
        const timer = setTimeout(() => reject(new Error(`template: no record of the exception on ${caseTopic} within 120 s`)), 120_000);
        void (async () => {
          await consumer.connect();
          await consumer.subscribe({ topics: [caseTopic], fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ message }) => {
              if (!message.value?.toString().includes(ids.exceptionId)) return;
              clearTimeout(timer);
              resolve({ key: message.key?.toString() ?? '', value: message.value.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
              setImmediate(() => void consumer.disconnect());
            },
          });
        })().catch(reject);
      });
      const entryDeadline = Date.now() + 120_000;
      while (!entryData.get(ids.exceptionId) && Date.now() < entryDeadline) await sleep(100);
      const entry = entryData.get(ids.exceptionId);
      if (!entry) throw new Error('template: the exception never reached the timeline stream');
      entryData.clear();
      const template: RawTemplate = {
        ids, event: { type: row.type, schemaVersion: row.schema_version, data: row.data, metadata: row.metadata, hash: row.hash, previousHash: row.previous_hash, mac: row.mac }, record, entry, response: response.text,
      };
      const templateFile = join(logDir, 'raw-template.json');
      writeFileSync(templateFile, JSON.stringify(template, null, 2));
      console.log(`raw baseline templates from the real run: event row data ${row.data.length} B + metadata ${row.metadata.length} B; record value ${record.value.length} B, ${Object.keys(record.headers).length} headers; SSE entry ${entry.length} B; response ${response.text.length} B`);

      const rawTopic = `${prefix}raw.case.events`;
      await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: partitions }], waitForLeaders: true });
      const rawDatabase = await ensureDatabase(infra.databaseUrl, `raw_pipeline_${run}`);
      created.push(rawDatabase);
      const rawEnv = { JWT_PUBLIC_KEY: keys.publicKeyPem, DATABASE_URL: rawDatabase, KAFKA_BROKERS: infra.kafkaBrokers, RAW_TOPIC: rawTopic, RAW_GROUP: `${prefix}raw-read`, RAW_PARTITIONS: String(partitions), RAW_TEMPLATE_FILE: templateFile };
      raws.push(await startRaw('read', await freePort(), logDir, rawEnv));
      raws.push(await startRaw('command', await freePort(), logDir, rawEnv));
      const [read, command] = raws as [Awaited<ReturnType<typeof startRaw>>, Awaited<ReturnType<typeof startRaw>>];
      await openAll(`http://127.0.0.1:${read.port}`);
      sides.push({ name: 'raw', commandUrl: (id) => `http://127.0.0.1:${command.port}/cases/${id}/exceptions`, warmUrl: `http://127.0.0.1:${command.port}/`, databases: [databaseOf(rawDatabase)], processes: { 'raw-command': command.child.pid, 'raw-read': read.child.pid } });
      console.log(`raw pipeline ready (topic ${rawTopic}, ${partitions} partitions as ${caseTopic}); ${closers.length} SSE clients open in all`);
    }
    await sleep(2000);

    /** One side at one rate: `count` commands open loop, then the drain; the figures and the CPU of the window. */
    const step = async (side: Side, rate: number, count: number, round: number): Promise<FreshnessResult> => {
      pending.clear();
      const idle = new IdleCases(caseIds.length);
      let errors = 0;
      let deferred = 0;
      const deferWaits: number[] = [];
      const errorKinds: Record<string, number> = {};
      const non2xx: Record<string, number> = {};
      const warm = await warmConnections(side.warmUrl, WARM_CONNECTIONS);
      const others = Object.fromEntries(sides.filter((o) => o !== side).flatMap((o) => Object.entries(o.processes)).map(([n, pid]) => [`other:${n}`, pid]));
      const meter = new CpuMeter({ processes: { ...side.processes, ...others, kafka: broker }, postmaster });
      const benchBefore = process.cpuUsage();
      const loadBefore = load();
      const inFlight: Promise<void>[] = [];
      const t0 = performance.now();
      const interval = 1000 / rate;
      let sent = 0;
      for (; sent < count; sent++) {
        const due = t0 + sent * interval;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        if (performance.now() - t0 > SEND_LIMIT_SECONDS * 1000) break;
        let caseIndex = idle.take();
        if (typeof caseIndex !== 'number') {
          deferred++;
          const from = performance.now();
          caseIndex = await caseIndex;
          deferWaits.push(performance.now() - from);
        }
        const i = caseIndex;
        const exceptionId = randomUUID();
        const p: Pending = { sentAt: performance.now(), seen: 0 };
        pending.set(exceptionId, p);
        inFlight.push(
          post(side.commandUrl(caseIds[i] as string), caseworker, exceptionBody(exceptionId)).then(
            ({ status }) => {
              p.status = status;
              p.acceptedAt = performance.now();
              if (status >= 300) non2xx[status] = (non2xx[status] ?? 0) + 1;
            },
            (err: NodeJS.ErrnoException) => {
              errors++;
              const kind = err.code ?? err.message;
              errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
            },
          ).finally(() => idle.release(i)),
        );
      }
      const sendSeconds = (performance.now() - t0) / 1000;
      await Promise.all(inFlight);
      const answeredSeconds = (performance.now() - t0) / 1000;
      const accepted = [...pending.values()].filter((p) => p.status !== undefined && p.status < 300);
      const drainUntil = Date.now() + DRAIN_SECONDS * 1000;
      while (Date.now() < drainUntil && accepted.some((p) => p.seen < SSE_PER_CASE)) await sleep(100);
      const groups = meter.stop();
      const bench = process.cpuUsage(benchBefore);
      const own = new Set(side.databases.map((d) => `pg:${d}`));
      const pg = Object.entries(groups).filter(([g]) => g.startsWith('pg:') && g !== 'pg:background');
      const cpu: CpuBreakdown = {
        processes: Object.fromEntries(Object.keys(side.processes).map((n) => [n, groups[n] ?? 0])),
        postgres: pg.filter(([g]) => own.has(g)).reduce((a, [, v]) => a + v, 0),
        postgresBackground: groups['pg:background'] ?? 0,
        kafka: groups['kafka'] ?? 0,
        postgresOthers: pg.filter(([g]) => !own.has(g)).reduce((a, [, v]) => a + v, 0),
        otherSide: Object.keys(others).reduce((a, n) => a + (groups[n] ?? 0), 0),
      };
      const cpuTotal = Object.values(cpu.processes).reduce((a, b) => a + b, 0) + cpu.postgres + cpu.postgresBackground + cpu.kafka;
      const first = accepted.filter((p) => p.firstSeenAt !== undefined).map((p) => Math.max(0, (p.firstSeenAt as number) - (p.acceptedAt as number))).sort((a, b) => a - b);
      const all = accepted.filter((p) => p.lastSeenAt !== undefined).map((p) => Math.max(0, (p.lastSeenAt as number) - (p.acceptedAt as number))).sort((a, b) => a - b);
      const http = accepted.map((p) => (p.acceptedAt as number) - p.sentAt).sort((a, b) => a - b);
      deferWaits.sort((a, b) => a - b);
      return {
        side: side.name, round, rate, seconds: +sendSeconds.toFixed(2), sent, unsent: count - sent, accepted: accepted.length, achieved: accepted.length / Math.max(sendSeconds, answeredSeconds), non2xx, errors, errorKinds,
        p50: percentile(first, 50), p99: percentile(first, 99), p99AllClients: percentile(all, 99), max: first[first.length - 1] ?? NaN,
        httpP50: percentile(http, 50), httpP99: percentile(http, 99), deferred, deferP99: percentile(deferWaits, 99),
        unseen: accepted.length - all.length, cpuSecondsPerEvent: accepted.length ? cpuTotal / accepted.length : NaN, cpu, cpuByService: cpu.processes,
        benchCpuSeconds: (bench.user + bench.system) / 1e6, loadBefore, loadAfter: load(), warmConnections: warm,
      };
    };
    const ms = (s: number) => (s * 1000).toFixed(2);
    const describe = (r: FreshnessResult) => `[${r.side}] rate ${r.rate}/s: ${r.accepted}/${r.sent} accepted${r.unsent ? ` (${r.unsent} unsent)` : ''} (${r.achieved.toFixed(0)}/s), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (all clients ${r.p99AllClients.toFixed(1)}), HTTP p50/p99 ${r.httpP50.toFixed(1)}/${r.httpP99.toFixed(1)} ms, deferred ${r.deferred} (wait p99 ${Number.isNaN(r.deferP99) ? '-' : r.deferP99.toFixed(0)} ms), unseen ${r.unseen}, non-2xx ${JSON.stringify(r.non2xx)}, errors ${r.errors} ${JSON.stringify(r.errorKinds)}, sent in ${r.seconds}s, ${r.warmConnections} connections open at the start; CPU ${ms(r.cpuSecondsPerEvent)} ms/event = processes ${JSON.stringify(Object.fromEntries(Object.entries(r.cpu.processes).map(([k, v]) => [k, +v.toFixed(2)])))} + postgres ${r.cpu.postgres.toFixed(2)} + pg background ${r.cpu.postgresBackground.toFixed(2)} + kafka ${r.cpu.kafka.toFixed(2)} s (not counted: other databases ${r.cpu.postgresOthers.toFixed(2)} s, the other side's idle processes ${r.cpu.otherSide.toFixed(2)} s, bench client ${r.benchCpuSeconds.toFixed(1)} s); load ${r.loadBefore} -> ${r.loadAfter}`;

    for (const side of sides) {
      const w = await step(side, WARMUP_RATE, WARMUP_COMMANDS, 0);
      console.log(`warm-up [${side.name}]: ${w.accepted}/${w.sent} accepted at ${WARMUP_RATE}/s offered, p99 ${w.p99.toFixed(1)} ms, HTTP p99 ${w.httpP99.toFixed(1)} ms`);
      await sleep(3000);
    }
    let k = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const rate of RATES) {
        const count = Math.min(MAX_COMMANDS, Math.round(rate * SECONDS));
        for (const side of k++ % 2 === 0 ? sides : [...sides].reverse()) {
          const r = await step(side, rate, count, round);
          results.push(r);
          console.log(describe(r));
          await sleep(3000);
        }
      }
    }
    for (const close of closers) close();
  } finally {
    await admin.disconnect().catch(() => undefined);
    await Promise.all(raws.map(async (r) => {
      r.child.stdin?.end();
      if ((await Promise.race([r.exited, sleep(10_000).then(() => 'timeout')])) === 'timeout') r.child.kill('SIGKILL');
    }));
    await Promise.all(services.map(stopService));
    for (const db of created) await dropDatabase(infra.databaseUrl, databaseOf(db)).catch(() => undefined);
    await infra.stop();
  }
  report(results);
}

/** The per-rate medians of each side, the ratios, the tables and the BENCH_JSON line. */
function report(results: FreshnessResult[]): void {
  const summary = (side: 'ours' | 'raw', rate: number) => {
    const rs = results.filter((r) => r.side === side && r.rate === rate);
    if (rs.length === 0) return undefined;
    const m = (f: (r: FreshnessResult) => number) => median(rs.map(f));
    const cpuProcesses = (r: FreshnessResult) => Object.values(r.cpu.processes).reduce((a, b) => a + b, 0);
    return {
      rate, side, rounds: rs.length, sent: m((r) => r.sent), accepted: m((r) => r.accepted), achieved: m((r) => r.achieved), p50: m((r) => r.p50), p99: m((r) => r.p99), p99AllClients: m((r) => r.p99AllClients),
      httpP99: m((r) => r.httpP99), deferred: m((r) => r.deferred), unseen: m((r) => r.unseen), unsent: m((r) => r.unsent), errors: m((r) => r.errors),
      failed: m((r) => Object.values(r.non2xx).reduce((a, b) => a + b, 0)), non2xx: rs[rs.length - 1]?.non2xx ?? {},
      cpuSecondsPerEvent: m((r) => r.cpuSecondsPerEvent), cpuProcessesPerEvent: m((r) => cpuProcesses(r) / r.accepted), cpuPostgresPerEvent: m((r) => (r.cpu.postgres + r.cpu.postgresBackground) / r.accepted),
      cpuKafkaPerEvent: m((r) => r.cpu.kafka / r.accepted), loadBefore: rs[0]?.loadBefore ?? '', loadAfter: rs[rs.length - 1]?.loadAfter ?? '',
    };
  };
  type Summary = NonNullable<ReturnType<typeof summary>>;
  const ours = RATES.map((rate) => summary('ours', rate)).filter((s): s is Summary => s !== undefined);
  const raw = RATES.map((rate) => summary('raw', rate)).filter((s): s is Summary => s !== undefined);
  const comparison = ours.map((o) => {
    const r = raw.find((x) => x.rate === o.rate);
    return { rate: o.rate, rateRatio: r ? o.achieved / r.achieved : null, p50Ratio: r ? r.p50 / o.p50 : null, p99Ratio: r ? r.p99 / o.p99 : null, cpuRatio: r ? r.cpuSecondsPerEvent / o.cpuSecondsPerEvent : null };
  });
  const f = (n: number, d = 1) => (Number.isNaN(n) ? '-' : n.toFixed(d));
  const table = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((c) => `| ${c.join(' | ')} |`)].join('\n');
  console.log(`\nfreshness: HTTP 2xx -> entry on an SSE client, ${CASES} cases x ${SSE_PER_CASE} clients, open loop, a case's next command only after its previous answer; ${ROUNDS} round(s), medians (${cpus().length} cores)`);
  console.log(table(
    ['rate', 'side', 'accepted/sent', 'unsent', 'achieved /s', 'p50 ms', 'p99 ms', 'p99 all clients ms', 'HTTP p99 ms', 'deferred', 'unseen', 'failed', 'CPU ms/event (all processes)', 'of which Node / PostgreSQL / Kafka', 'load 1-min before -> after'],
    [...ours, ...raw].sort((a, b) => a.rate - b.rate || a.side.localeCompare(b.side)).map((s) => [
      `${s.rate}/s`, s.side, `${s.accepted}/${s.sent}`, String(s.unsent), f(s.achieved, 0), f(s.p50), f(s.p99), f(s.p99AllClients), f(s.httpP99), String(s.deferred), String(s.unseen),
      `${s.failed + s.errors}${Object.keys(s.non2xx).length ? ` (${Object.entries(s.non2xx).map(([c, n]) => `${n}x${c}`).join(' ')})` : ''}`,
      f(s.cpuSecondsPerEvent * 1000, 2), `${f(s.cpuProcessesPerEvent * 1000, 2)} / ${f(s.cpuPostgresPerEvent * 1000, 2)} / ${f(s.cpuKafkaPerEvent * 1000, 2)}`, `${s.loadBefore.split(' ')[0]} -> ${s.loadAfter.split(' ')[0]}`,
    ]),
  ));
  if (raw.length) {
    console.log('\nours against the raw same-work pipeline (rate: ours/raw; latency and CPU: raw/ours; < 1 is worse than raw)');
    console.log(table(['rate offered', 'achieved rate ratio', 'p50 ratio', 'p99 ratio', 'CPU per event ratio'], comparison.map((c) => [`${c.rate}/s`, f(c.rateRatio ?? NaN, 3), f(c.p50Ratio ?? NaN, 3), f(c.p99Ratio ?? NaN, 3), f(c.cpuRatio ?? NaN, 3)])));
  }
  console.log(`BENCH_JSON ${JSON.stringify({ cases: CASES, ssePerCase: SSE_PER_CASE, prefer: PREFER, rounds: ROUNDS, timelineEnv: TIMELINE_ENV, results: ours, raw, comparison, steps: results })}`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
