/**
 * The system phase of `npm run bench`: the synthetic dataset in the services' own event stores, every service
 * started as `npm start` starts it (infra/scripts/services.ts, one process each), then
 *   - pipeline catch-up: forwarders -> Kafka -> timeline projection of the whole dataset, vs raw consume;
 *   - RSS (VmRSS from /proc/<pid>/status) of each service at rest and its peak while the timeline API is driven;
 *   - timeline API of the real service process (50 clients) vs its /health/live;
 *   - audit replay over HTTP (GET /cases/:id/history) of generated cases vs raw SELECT of the same rows;
 *   - timeline rebuild (the rebuild CLI, build aside then swap) vs a raw KafkaJS consume of the same topics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { devKeys, mintToken } from '@tio/auth';
import { OUTBOUND_TOPICS } from '@tio/contracts';
import { ensureDatabase, freePort, workspaceRoot } from '@tio/local-infra';
import { SERVICES } from '../scripts/services';
import { DATASET_STORES, generateDataset, type StoreName } from './generate-dataset';

export interface Row {
  figure: string;
  unit: string;
  ours: number | null;
  baseline: number | null;
  baselineName?: string;
  ratio: number | null;
  note?: string;
  kind: 'throughput' | 'latency' | 'memory';
}
export interface SystemOptions {
  databaseUrl: string;
  kafkaBrokers: string;
  quick: boolean;
  logDir: string;
  row: (figure: string, unit: string, ours: number | null, baseline: number | null, baselineName: string, note: string, kind: 'throughput' | 'latency') => Row;
}

const root = workspaceRoot();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running { name: string; port: number; child: ChildProcess; exited: Promise<number | null> }

function rssMiB(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function runSystemBench(o: SystemOptions): Promise<{ rows: Row[]; raw: Record<string, unknown> }> {
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const cases = Number(process.env['BENCH_CASES'] ?? (o.quick ? 500 : 1000));
  const databases: Record<string, string> = {};
  for (const s of SERVICES) databases[s.name] = await ensureDatabase(o.databaseUrl, s.database);

  // 1. dataset, straight into the services' event stores
  console.log(`\n== system: generating ${cases} cases through the deciders into tio_case / tio_education / tio_health / tio_social_care`);
  const stats = await generateDataset(Object.fromEntries(DATASET_STORES.map((s) => [s, databases[s]])) as Record<StoreName, string>, {
    cases, onProgress: (d, t) => d % 1000 === 0 && console.log(`  [system] ${d}/${t} cases`),
  });
  const { caseIds, ...summary } = stats;
  raw['dataset'] = summary;
  console.log(`  [system] dataset: ${stats.total} events (${JSON.stringify(stats.events)}), ${stats.plans} plans, ${stats.refused} refused, ${stats.lateAdvice}/${stats.advice} advice late, ${stats.corrections} corrections, ${stats.transfers} transfers, ${stats.seconds.toFixed(0)}s (${(stats.total / stats.seconds).toFixed(0)} events/s appended)`);

  // 2. every service, one process each, as infra/scripts/run-system.ts starts them
  const keys = await devKeys(join(o.logDir, 'keys'));
  const auditEnv = {
    AUDIT_EVENT_STORES: ['case', 'education', 'health', 'social-care'].map((n) => `${n}=${databases[n]}`).join(','),
    AUDIT_TIMELINE_DATABASE_URL: databases['timeline'] as string,
  };
  // the key store and master key every service needs since personal fields are encrypted (as npm start provides them)
  const keyStoreEnv = { KEYSTORE_DATABASE_URL: await ensureDatabase(o.databaseUrl, 'tio_keys'), TIO_MASTER_KEY: randomBytes(32).toString('base64') };
  const services: Running[] = [];
  const started = Date.now();
  try {
    for (const s of SERVICES) {
      const port = await freePort();
      const log = createWriteStream(join(o.logDir, `service-${s.name}.log`));
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'services', s.name, 'src/main.ts')], {
        cwd: root,
        env: {
          ...process.env, ...keyStoreEnv, JWT_PUBLIC_KEY: keys.publicKeyPem, KAFKA_BROKERS: o.kafkaBrokers, DATABASE_URL: databases[s.name], LOG_LEVEL: 'warn',
          ...(s.name === 'audit' ? auditEnv : {}), PORT: String(port), HOST: '127.0.0.1', TIO_WATCH_STDIN: '1', SWC_NODE_PROJECT: join(root, 'tsconfig.base.json'),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      services.push({ name: s.name, port, child, exited: new Promise((r) => child.on('exit', (c) => r(c))) });
    }
    await Promise.all(services.map((s) => waitUntil(`${s.name} ready`, async () => (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).ok, 120_000)));
    const readySeconds = (Date.now() - started) / 1000;
    console.log(`  [system] all ${services.length} services ready in ${readySeconds.toFixed(1)}s; waiting for the timeline to project the dataset`);

    // 3. pipeline catch-up: every event forwarded to Kafka and applied by the timeline's consumer group
    const kafka = new Kafka({ clientId: 'bench-system', brokers: o.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topics = [...OUTBOUND_TOPICS];
    const highWatermarks = async () => {
      let n = 0;
      for (const t of topics) for (const p of await admin.fetchTopicOffsets(t).catch(() => [])) n += Number(p.high) - Number(p.low);
      return n;
    };
    const committed = async (groupId: string) => {
      let n = 0;
      for (const t of await admin.fetchOffsets({ groupId, topics })) for (const p of t.partitions) n += Math.max(0, Number(p.offset));
      return n;
    };
    let lastLog = 0;
    let caughtUp = true;
    await waitUntil('pipeline caught up', async () => {
      const [hw, done] = [await highWatermarks(), await committed('tio-timeline')];
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        console.log(`  [system] on Kafka ${hw}/${stats.total}, timeline applied ${done}`);
      }
      return hw >= stats.total && done >= hw;
    }, Number(process.env['BENCH_CATCHUP_MINUTES'] ?? 10) * 60_000, 1000).catch(() => {
      caughtUp = false; // a busy machine: report the partial rate and go on with the other measurements
      console.log('  [system] catch-up not finished in time: reporting the partial rate');
    });
    const pipelineSeconds = (Date.now() - started) / 1000;
    const onKafka = await highWatermarks();
    const applied = caughtUp ? onKafka : await committed('tio-timeline');
    raw['pipeline'] = { readySeconds, pipelineSeconds, onKafka, applied, caughtUp };

    // raw consume of the same topics from offset 0 (the floor for both catch-up and rebuild)
    const rawConsume = async () => {
      const consumer = kafka.consumer({ groupId: `bench-raw-consume-${Date.now()}`, maxBytes: 10 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      let n = 0;
      const t0 = Date.now();
      await consumer.run({ eachBatch: async ({ batch }) => void (n += batch.messages.length) });
      await waitUntil('raw consume', async () => n >= onKafka, 5 * 60_000, 20);
      const seconds = (Date.now() - t0) / 1000;
      await consumer.disconnect();
      return onKafka / seconds;
    };
    const rawRate = await rawConsume();
    raw['rawConsume'] = rawRate;
    rows.push(o.row(`pipeline catch-up events/s (services start -> forwarders -> Kafka -> timeline projected), synthetic dataset${caughtUp ? '' : ' (PARTIAL: timed out)'}`, 'ev/s', applied / pipelineSeconds, rawRate, 'raw KafkaJS consume of the same topics', `${cases.toLocaleString('en-GB')} cases, ${onKafka.toLocaleString('en-GB')} events; includes ${readySeconds.toFixed(0)}s service start`, 'throughput'));

    // 4. memory at rest
    await sleep(3000);
    const rest = Object.fromEntries(services.map((s) => [s.name, rssMiB(s.child.pid)]));

    // 5. the real timeline process under 50 clients, RSS sampled meanwhile
    const timeline = services.find((s) => s.name === 'timeline') as Running;
    const base = `http://127.0.0.1:${timeline.port}`;
    // the largest generated case, read by a caseworker of the LA responsible for it
    const cs = new Pool({ connectionString: databases['case'], max: 1 });
    let caseId = caseIds[0] as string;
    let la = 'E10000028';
    try {
      const r = await cs.query<{ case_id: string; la: string }>(`SELECT metadata->>'caseId' AS case_id, max(data->>'localAuthority') AS la FROM event_store.events GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
      caseId = r.rows[0]?.case_id ?? caseId;
      la = r.rows[0]?.la ?? la;
    } finally {
      await cs.end();
    }
    const token = await mintToken(keys.privateKeyPem, { userId: 'bench-caseworker', organisationId: la, agency: 'local-authority', roles: ['case-officer', 'practitioner'], expiresIn: '1h' } as never);
    const peak: Record<string, number> = Object.fromEntries(services.map((s) => [s.name, 0]));
    const sampler = setInterval(() => {
      for (const s of services) peak[s.name] = Math.max(peak[s.name] ?? 0, rssMiB(s.child.pid));
    }, 250);
    const seconds = o.quick ? 5 : 10;
    const cannon = async (path: string, auth: boolean) => {
      const r = await autocannon({ url: `${base}${path}`, connections: 50, duration: seconds, headers: auth ? { authorization: `Bearer ${token}` } : {} });
      return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
    };
    const trivial = await cannon('/health/live', false);
    const api = await cannon(`/cases/${caseId}/timeline`, true);
    clearInterval(sampler);
    raw['timelineProcess'] = { caseId, trivial, api };
    const note = api.non2xx || api.errors ? `; ${api.non2xx} non-2xx, ${api.errors} errors` : '';
    rows.push(o.row('timeline API req/s, GET /cases/:id/timeline, real service process (npm start way), generated case, 50 clients', 'req/s', api.rps, trivial.rps, 'GET /health/live', `${seconds}s${note}`, 'throughput'));
    rows.push(o.row('timeline API p99, same', 'ms', api.p99, trivial.p99, 'GET /health/live', '', 'latency'));

    // 6. audit replay over HTTP of generated cases vs a raw SELECT of their rows in the four stores
    const audit = services.find((s) => s.name === 'audit') as Running;
    const auditor = await mintToken(keys.privateKeyPem, { userId: 'bench-auditor', organisationId: 'E10000028', agency: 'local-authority', roles: ['auditor'], expiresIn: '1h' } as never);
    const sample = caseIds.slice(0, o.quick ? 100 : 300);
    let auditEvents = 0;
    let t0 = Date.now();
    let auditFailures = 0;
    for (const id of sample) {
      const res = await fetch(`http://127.0.0.1:${audit.port}/cases/${id}/history`, { headers: { authorization: `Bearer ${auditor}` } });
      if (!res.ok) {
        auditFailures++;
        continue;
      }
      const body = (await res.json()) as { entries?: unknown[] };
      auditEvents += body.entries?.length ?? 0;
    }
    const auditRate = auditEvents / ((Date.now() - t0) / 1000);
    const pools = DATASET_STORES.map((s) => new Pool({ connectionString: databases[s], max: 1 }));
    let rawRows = 0;
    t0 = Date.now();
    for (const id of sample) for (const p of pools) rawRows += (await p.query(`SELECT * FROM event_store.events WHERE metadata->>'caseId' = $1 ORDER BY global_position`, [id])).rowCount ?? 0;
    const rawSelectRate = rawRows / ((Date.now() - t0) / 1000);
    await Promise.all(pools.map((p) => p.end()));
    raw['auditHttp'] = { cases: sample.length, auditEvents, auditFailures, rawRows, auditRate, rawSelectRate };
    rows.push(o.row('audit replay events/s over HTTP (GET /cases/:id/history, per case, sequential), generated cases', 'ev/s', auditEvents ? auditRate : null, rawSelectRate, 'raw SELECT of the same cases\' rows in the 4 stores', `${sample.length} cases, ${rawRows} events${auditFailures ? `; ${auditFailures} failed` : ''}`, 'throughput'));

    // 7. timeline rebuild (CLI, build aside then swap, service still running) vs raw consume measured above
    const rebuildOut = await new Promise<string>((resolve, reject) => {
      let out = '';
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'services/timeline/src/cli/rebuild.ts')], {
        cwd: root, env: { ...process.env, DATABASE_URL: databases['timeline'], KAFKA_BROKERS: o.kafkaBrokers, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`rebuild exited ${code}: ${out.slice(-500)}`))));
    });
    const m = /rebuilt generation \d+: (\d+) events in ([\d.]+)s/.exec(rebuildOut);
    const rebuildRate = m ? Number(m[1]) / Number(m[2]) : null;
    const rawAgain = await rawConsume();
    raw['rebuild'] = { line: rebuildOut.trim().split('\n').pop(), rawConsume: rawAgain };
    rows.push(o.row('timeline rebuild events/s from scratch (CLI: build aside, swap), live service running', 'ev/s', rebuildRate, Math.max(rawRate, rawAgain), 'raw KafkaJS consume of the same topics', `${onKafka.toLocaleString('en-GB')} events (scaled down from 1M: 2 shared cores, 15-min budget)`, 'throughput'));

    // memory rows
    for (const s of services) {
      rows.push({ figure: `RSS ${s.name}: at rest after catch-up / peak during the timeline API load`, unit: 'MiB', ours: peak[s.name] ?? null, baseline: rest[s.name] ?? null, baselineName: 'at rest', ratio: null, note: 'ours = peak under load, baseline = at rest', kind: 'memory' });
    }
    await admin.disconnect();
  } finally {
    await Promise.all(services.map(async (s) => {
      if (s.child.exitCode !== null) return;
      s.child.stdin?.end();
      const t = sleep(10_000).then(() => 'timeout');
      if ((await Promise.race([s.exited, t])) === 'timeout') s.child.kill('SIGKILL');
    }));
  }
  return { rows, raw };
}
