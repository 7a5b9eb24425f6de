import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { Pool } from 'pg';
import { adviceDecider, type AdviceCommand } from '@tio/advice-domain';
import { INBOUND_TOPICS, OUTBOUND_TOPICS, TOPICS, integrationEvents, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { ehcCaseDecider, type EhcCommand } from '@tio/ehc-domain';
import type { Actor } from '@tio/event-store';
import { ensureDatabase, freePort, startKafka, workspaceRoot, type RunningKafka, type RunningPostgres } from '@tio/local-infra';
import { KafkaJsClient, ensureTopics } from '@tio/messaging';
import { testKeys, tokenFor, waitFor } from '@tio/testing';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

/**
 * Faults at the system level: the case, education and timeline services run as their own processes against a
 * PostgreSQL cluster and a Kafka broker that belong to this file alone (so they can be stopped and restarted without
 * disturbing other suites). Load comes the way users bring it: the LA's case officer over the case service's HTTP
 * API, the school over the education service's. After each fault every event that reached an event store must be
 * in every read model exactly once: the timeline (entries, case clock events, members), the case service's advice
 * intake (one "advice received" per advice) and the education service's agency-kit read model. Each scenario prints
 * one `FAULTS:` line with its figures.
 */
jest.setTimeout(240_000);

const LA = 'E10000028';
const SCHOOL = 'urn:school:124356';
const NAMES = ['case', 'education', 'timeline'] as const;
type Name = (typeof NAMES)[number];
/** Consumer groups whose lag must reach zero before a read model is judged. */
/** The consumer groups whose lag must reach 0, each with the topics it reads (a group's lag on a topic it does not read is not lag). */
const GROUPS: Record<string, readonly string[]> = {
  'tio-timeline': OUTBOUND_TOPICS,
  // the agencies' advice; the family's views, held by the case service itself, are a reaction to its own store
  'tio-case-advice-intake': [TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents],
  'tio-education-advice-view': [TOPICS.caseEvents, TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents],
};

describe('faults: Kafka and PostgreSQL restarts, SIGKILLed services, duplicates and out-of-order topics (real broker, database, service processes)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tio-faults-'));
  const logDir = mkdtempSync(join(tmpdir(), 'tio-faults-logs-'));
  /** Scenarios that reached their end: the services' logs are kept (and their folder printed) unless all did. */
  let passed = 0;
  let pg: RunningPostgres;
  let pgPort: string;
  let broker: RunningKafka;
  let kafkaPort: string;
  const databases = {} as Record<Name, string>;
  const pools = {} as Record<Name, Pool>;
  const running = {} as Record<Name, RunningService>;
  const envs = {} as Record<Name, NodeJS.ProcessEnv>;
  const url = {} as Record<Name, string>;
  const tokens: Record<'la' | 'school', string> = { la: '', school: '' };
  /** Every case the load created, across scenarios: the final checks cover them all. */
  const allCases: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    chmodSync(root, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    const [postgres, kafka] = await Promise.allSettled([startPostgres(), startKafka({ dir: join(root, 'kafka'), persistent: true })]);
    if (postgres.status === 'fulfilled') pg = postgres.value;
    if (kafka.status === 'fulfilled') broker = kafka.value;
    if (postgres.status === 'rejected') throw postgres.reason;
    if (kafka.status === 'rejected') throw kafka.reason;
    pgPort = new URL(pg.url).port;
    kafkaPort = broker.brokers.split(':')[1];
    // the topics exist (with leaders) before the services start, as in a deployment; a service's own start-up
    // configuration of a topic it has just created is not what these tests are about
    await ensureTopics(new KafkaJsClient({ brokers: broker.brokers, clientId: 'faults-setup' }), [...OUTBOUND_TOPICS, ...INBOUND_TOPICS]);
    const { publicKeyPem } = await testKeys();
    // personal fields are encrypted with per-case keys held in a key store database: in this file's cluster too, so
    // the PostgreSQL restart reaches it as well
    const keyStore = { KEYSTORE_DATABASE_URL: await ensureDatabase(pg.url, 'tio_keys'), TIO_MASTER_KEY: process.env['TIO_MASTER_KEY'] || randomBytes(32).toString('base64') };
    for (const name of NAMES) {
      databases[name] = await ensureDatabase(pg.url, `tio_${name}`);
      // the test's own connections must survive the PostgreSQL restart: broken idle clients are dropped, not thrown
      pools[name] = new Pool({ connectionString: databases[name], max: 3 });
      pools[name].on('error', () => undefined);
      envs[name] = { ...process.env, DATABASE_URL: databases[name], KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC_PREFIX: '', JWT_PUBLIC_KEY: publicKeyPem, ...keyStore, LOG_LEVEL: 'warn' };
      await start(name, await freePort());
    }
    await Promise.all(NAMES.map((n) => waitReady(running[n], 200_000)));
    tokens.la = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    tokens.school = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: SCHOOL, userId: 'senco-1' });
    console.log(`faults: infrastructure and ${NAMES.length} services ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${logDir}`);
  }, 240_000);

  afterAll(async () => {
    for (const name of NAMES) if (running[name]) await stopService(running[name]).catch(() => undefined);
    for (const name of NAMES) await pools[name]?.end().catch(() => undefined);
    await broker?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    if (passed === 5) rmSync(logDir, { recursive: true, force: true });
    else console.log(`faults: ${passed} of 5 scenarios passed; the services' logs are in ${logDir}`);
  }, 60_000);

  /** The cluster in its own process (so stopping it is a real server going away), on this file's data folder. */
  async function startPostgres(port?: string): Promise<RunningPostgres> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'postgres-process.ts')], {
      cwd: workspaceRoot(),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SWC_NODE_PROJECT: join(workspaceRoot(), 'tsconfig.base.json'), FAULTS_PG_DIR: join(root, 'postgres'), FAULTS_PG_PORT: port ?? '' },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let out = '';
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const pgUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /URL=(\S+)\nREADY\n/.exec(out);
        if (match) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`PostgreSQL did not start:\n${out}`)));
    });
    return { url: pgUrl, dataDir: join(root, 'postgres', 'data'), stop: async () => { child.stdin.end(); await exited; } };
  }

  async function start(name: Name, port: number): Promise<void> {
    const entry = SERVICES.find((s) => s.name === name);
    if (!entry) throw new Error(`no service ${name}`);
    running[name] = await startService(entry, port, logDir, envs[name]);
    url[name] = `http://127.0.0.1:${port}`;
  }

  /** Services this file has killed on purpose and not yet restarted. */
  const killed = new Set<Name>();

  async function sigkill(name: Name): Promise<void> {
    const service = running[name];
    killed.add(name);
    service.child.kill('SIGKILL');
    await service.exited;
    expect(service.child.signalCode).toBe('SIGKILL');
  }

  async function restart(name: Name): Promise<void> {
    await start(name, running[name].port);
    await waitReady(running[name], 120_000);
    killed.delete(name);
  }

  /** Throws at once, with the crash from its log, when a service process has died without being killed here. */
  function assertAlive(): void {
    for (const name of NAMES) {
      const child = running[name]?.child;
      if (!child || killed.has(name) || (child.exitCode === null && child.signalCode === null)) continue;
      const lines = readFileSync(running[name].logFile, 'utf8').split('\n');
      // an unhandled 'error' event: the error, where it was emitted, and which database the connection was for
      const thrown = lines.findIndex((l) => l.includes('Unhandled'));
      const emitted = lines.findIndex((l) => l.includes("Emitted 'error' event"));
      const excerpt = thrown >= 0
        ? [...lines.slice(thrown, thrown + 4), ...(emitted >= 0 ? lines.slice(emitted, emitted + 4) : []), ...lines.filter((l) => /^\s*database: '/.test(l)).slice(0, 1)].join('\n')
        : lines.slice(-15).join('\n');
      throw new Error(`the ${name} service exited (${child.exitCode ?? child.signalCode}) on its own; from ${running[name].logFile}:\n${excerpt}`);
    }
  }

  /** waitFor that gives up at once when a service has died. */
  function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs?: number, intervalMs?: number): Promise<T> {
    let died: Error | undefined;
    return waitFor(what, async () => {
      try {
        assertAlive();
      } catch (err) {
        died = err as Error;
        return true as T;
      }
      return probe();
    }, timeoutMs, intervalMs).then((value) => {
      if (died) throw died;
      return value;
    });
  }

  // ---------------------------------------------------------------- load, the way practitioners bring it

  /** Every HTTP request the load made: when it was sent, when it ended, and whether it was answered (not 5xx, not silence). */
  interface Attempt { sent: number; at: number; ok: boolean; status: number | 'network'; what: string }
  let attempts: Attempt[] = [];
  const failed = () => attempts.filter((a) => !a.ok);

  /** One command, retried with the same Idempotency-Key while the service answers 5xx/429 or not at all. */
  async function command(service: Name, path: string, token: string, body: object, key: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const sent = Date.now();
      let status: number | 'network';
      let text = '';
      try {
        const res = await fetch(`${url[service]}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = 'network';
      }
      const ok = status !== 'network' && status < 300;
      attempts.push({ sent, at: Date.now(), ok, status, what: `POST ${service} ${path}` });
      if (ok) return JSON.parse(text) as Record<string, unknown>;
      if (status !== 'network' && status < 500 && status !== 429) throw new Error(`${service} ${path}: ${status} ${text}`);
      assertAlive();
      if (Date.now() > deadline) throw new Error(`${service} ${path} still failing after 120 s: ${status} ${text.slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function get(service: Name, path: string, token: string): Promise<{ status: number; text: string }> {
    const sent = Date.now();
    let result = { status: 0, text: '' };
    try {
      const res = await fetch(`${url[service]}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      result = { status: res.status, text: await res.text() };
    } catch {
      // no answer: status 0
    }
    // a 403 is the agency's answer before it knows the case involves the school: only 5xx or silence are failures
    attempts.push({ sent, at: Date.now(), ok: result.status > 0 && result.status < 500, status: result.status || 'network', what: `GET ${service} ${path}` });
    return result;
  }

  /**
   * The load: the LA's case officer opens cases one after another (request, decision to assess, advice request to
   * the school, over the case service's HTTP API), pausing `paceMs` between cases, so commands keep arriving through
   * a fault; for each case the school, once its service has learnt of the request from Kafka, submits its advice
   * over the education service's API, and the case service's advice intake turns it into "advice received".
   * Each case: 4 events in the case store, 1 in education's.
   */
  function load(count: number, paceMs = 250): { cases: string[]; done: Promise<void>; opened: () => number } {
    const cases = Array.from({ length: count }, () => randomUUID());
    allCases.push(...cases);
    let opened = 0;
    const school: Promise<void>[] = [];
    const la = async () => {
      for (const caseId of cases) {
        const requestId = randomUUID();
        const k = (n: number) => `${caseId}-${n}`;
        await command('case', '/cases', tokens.la, { caseId, at: '2026-01-05', childRef: `child:${caseId.slice(0, 8)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }, k(1));
        await command('case', `/cases/${caseId}/decision-to-assess`, tokens.la, { at: '2026-01-26' }, k(2));
        await command('case', `/cases/${caseId}/advice-requests`, tokens.la, { at: '2026-01-26', agency: 'education', adviceType: 'educational', adviceRequestId: requestId, adviserRef: SCHOOL }, k(3));
        opened++;
        const part = (async () => {
          await until(`education to learn of the advice request on ${caseId}`, async () => {
            const res = await get('education', `/cases/${caseId}/advice-requests`, tokens.school);
            return res.status === 200 && res.text.includes(requestId);
          }, 150_000, 300);
          await command('education', `/cases/${caseId}/advice`, tokens.school, { at: '2026-02-20', adviceRequestId: requestId, adviceType: 'educational', sections: [{ heading: 'Attainment', text: `Reading age two years below (${caseId.slice(0, 8)}).` }] }, k(4));
        })();
        part.catch(() => undefined); // judged by Promise.all below; not an unhandled rejection meanwhile
        school.push(part);
        await new Promise((r) => setTimeout(r, paceMs));
      }
    };
    const done = la().then(async () => {
      await Promise.all(school);
    });
    return { cases, done, opened: () => opened };
  }

  // ---------------------------------------------------------------- the checks: every event in every read model, once

  const q = async <T = Record<string, unknown>>(name: Name, sql: string, params: unknown[] = []): Promise<T[]> => (await pools[name].query(sql, params)).rows as T[];

  interface StoredEvent { event_id: string; case_id: string; type: string; occurred_at: string; recorded_at: string; data: Record<string, unknown> }
  const storedEvents = (name: Name, cases: string[]) =>
    q<StoredEvent>(name, `SELECT event_id::text, metadata->>'caseId' AS case_id, type, metadata->>'occurredAt' AS occurred_at, metadata->>'recordedAt' AS recorded_at, data
                            FROM event_store.events WHERE metadata->>'caseId' = ANY($1) ORDER BY global_position`, [cases]);

  interface Verdict { events: number; timeline: number; clock: number; intake: number; agencyModel: number; duplicates: number; missing: number; problems: string[] }

  async function verify(cases: string[]): Promise<Verdict> {
    const problems: string[] = [];
    let duplicates = 0;
    let missing = 0;
    const caseEvents = await storedEvents('case', cases);
    const educationEvents = await storedEvents('education', cases);
    const forwarded = [...caseEvents, ...educationEvents]
      .map((e) => ({ ...e, cloudType: integrationEvents.forStoredType(e.type)?.type }))
      .filter((e): e is StoredEvent & { cloudType: string } => e.cloudType !== undefined);
    const expected = new Map(forwarded.map((e) => [e.event_id, e]));

    // compares a read model's keys with the expected ones: extra rows are duplicates (or strangers), absent ones missing
    const compare = (model: string, actual: string[], wanted: Set<string>) => {
      const seen = new Set<string>();
      for (const id of actual) {
        if (seen.has(id) || !wanted.has(id)) {
          duplicates++;
          problems.push(`${model}: ${seen.has(id) ? 'duplicate' : 'unexpected'} ${id}`);
        }
        seen.add(id);
      }
      for (const id of wanted) {
        if (!seen.has(id)) {
          missing++;
          problems.push(`${model}: missing ${id}`);
        }
      }
    };

    // timeline entries: one per forwarded event, its type, case and times as stored, per case seq 1..n in the timeline order
    const entries = await q<{ source_event_id: string; case_id: string; seq: number; source_event_type: string; occurred_at: Date; recorded_at: Date }>('timeline',
      `SELECT source_event_id, case_id, seq, source_event_type, occurred_at, recorded_at FROM timeline.timeline_entries
        WHERE case_id = ANY($1) ORDER BY case_id, seq`, [cases]);
    compare('timeline_entries', entries.map((e) => e.source_event_id), new Set(expected.keys()));
    for (const e of entries) {
      const source = expected.get(e.source_event_id);
      if (!source) continue;
      if (e.case_id !== source.case_id || e.source_event_type !== source.cloudType || e.occurred_at.getTime() !== Date.parse(source.occurred_at) || e.recorded_at.getTime() !== Date.parse(source.recorded_at)) {
        problems.push(`timeline_entries: ${e.source_event_id} is ${e.case_id}/${e.source_event_type}/${e.occurred_at.toISOString()}/${e.recorded_at.toISOString()}, stored ${source.case_id}/${source.cloudType}/${source.occurred_at}/${source.recorded_at}`);
      }
    }
    const byCase = new Map<string, typeof entries>();
    for (const e of entries) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
    for (const [caseId, list] of byCase) {
      const seqs = list.map((e) => e.seq);
      if (seqs.some((s, i) => s !== i + 1)) problems.push(`timeline_entries: case ${caseId} has seq ${seqs.join(',')}`);
      const ordered = [...list].sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime() || a.recorded_at.getTime() - b.recorded_at.getTime() || (a.source_event_id < b.source_event_id ? -1 : a.source_event_id > b.source_event_id ? 1 : 0));
      if (ordered.some((e, i) => e !== list[i])) problems.push(`timeline_entries: case ${caseId} is not in (occurred, recorded, id) order`);
    }

    // the statutory clock's copy of the case events, and who is involved
    const clock = await q<{ source_event_id: string }>('timeline', `SELECT source_event_id FROM timeline.case_clock_events WHERE case_id = ANY($1)`, [cases]);
    compare('case_clock_events', clock.map((c) => c.source_event_id), new Set(forwarded.filter((e) => e.cloudType.startsWith('ehc.')).map((e) => e.event_id)));
    const members = await q<{ case_id: string; organisation_id: string }>('timeline', `SELECT case_id, organisation_id FROM timeline.case_members WHERE case_id = ANY($1)`, [cases]);
    compare('case_members', members.map((m) => `${m.case_id}|${m.organisation_id}`), new Set(cases.flatMap((c) => (byCase.has(c) || expected.size === 0 ? [`${c}|${LA}`, `${c}|${SCHOOL}`] : []))));

    // the case service's advice intake: one "advice received" per version of advice the school gave, never two
    const advice = educationEvents.filter((e) => integrationEvents.forStoredType(e.type)?.type.startsWith('advice.'));
    const received = caseEvents.filter((e) => integrationEvents.forStoredType(e.type)?.type === 'ehc.advice-received.v1');
    compare('case advice intake', received.map((e) => `${e.data['adviceId']}@${e.data['version']}`), new Set(advice.map((e) => `${e.data['adviceId']}@${e.data['version']}`)));

    // the education service's agency-kit read model: the case, each advice request and each advice version once
    const requested = caseEvents.filter((e) => integrationEvents.forStoredType(e.type)?.type === 'ehc.advice-requested.v1');
    const kitCases = await q<{ case_id: string }>('education', `SELECT case_id FROM agency_kit.cases WHERE case_id = ANY($1)`, [cases]);
    compare('agency_kit.cases', kitCases.map((r) => r.case_id), new Set(caseEvents.filter((e) => integrationEvents.forStoredType(e.type)?.type === 'ehc.request-received.v1').map((e) => e.case_id)));
    const kitRequests = await q<{ advice_request_id: string; event_id: string }>('education', `SELECT advice_request_id, event_id FROM agency_kit.advice_requests WHERE case_id = ANY($1)`, [cases]);
    compare('agency_kit.advice_requests', kitRequests.map((r) => r.event_id), new Set(requested.map((e) => e.event_id)));
    const kitVersions = await q<{ event_id: string }>('education', `SELECT event_id FROM agency_kit.advice_versions WHERE case_id = ANY($1)`, [cases]);
    compare('agency_kit.advice_versions', kitVersions.map((r) => r.event_id), new Set(advice.map((e) => e.event_id)));

    // and the load itself: every case completed its story in the stores (4 case events, 1 advice)
    for (const c of cases) {
      const n = caseEvents.filter((e) => e.case_id === c).length;
      const a = educationEvents.filter((e) => e.case_id === c).length;
      if (n !== 4 || a !== 1) problems.push(`store: case ${c} has ${n} case events and ${a} advice events (expected 4 and 1)`);
    }
    return {
      events: forwarded.length, timeline: entries.length, clock: clock.length, intake: received.length,
      agencyModel: kitCases.length + kitRequests.length + kitVersions.length, duplicates, missing, problems,
    };
  }

  /** Waits until every consumer group has read everything and the read models agree, then checks again a little later. */
  async function settle(label: string, cases: string[], faults: string): Promise<Verdict> {
    let last: Verdict | undefined;
    try {
      await until(`${label}: every event in every read model`, async () => {
        last = await verify(cases);
        return last.problems.length === 0 && (await lag()) === 0;
      }, 120_000, 500);
    } catch (err) {
      console.log(`${label}: ${JSON.stringify({ ...last, problems: last?.problems.slice(0, 20), lag: await lag().catch((e) => String(e)) }, null, 1)}`);
      throw err;
    }
    await new Promise((r) => setTimeout(r, 2000)); // late duplicates would land now
    const verdict = await verify(cases);
    console.log(`FAULTS: ${label} faults=${faults} cases=${cases.length} events=${verdict.events} timeline=${verdict.timeline} clock=${verdict.clock} ` +
      `intake=${verdict.intake} agency-model=${verdict.agencyModel} duplicates=${verdict.duplicates} missing=${verdict.missing}`);
    expect(verdict.problems).toEqual([]);
    expect(verdict.timeline).toBe(verdict.events);
    return verdict;
  }

  function kafkaClient(): Kafka {
    return new Kafka({ clientId: `faults-${randomUUID().slice(0, 6)}`, brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  }

  /** Messages not yet read by the consumer groups, over the four case-related topics. */
  async function lag(): Promise<number> {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => (OUTBOUND_TOPICS as readonly string[]).includes(t));
      const high = new Map<string, number>();
      for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) high.set(`${topic}/${p.partition}`, Number(p.high));
      let behind = 0;
      for (const [groupId, reads] of Object.entries(GROUPS)) {
        for (const t of await admin.fetchOffsets({ groupId, topics: topics.filter((topic) => reads.includes(topic)) })) {
          for (const p of t.partitions) behind += Math.max(0, (high.get(`${t.topic}/${p.partition}`) ?? 0) - Math.max(0, Number(p.offset)));
        }
      }
      return behind;
    } finally {
      await admin.disconnect();
    }
  }

  const timelineCount = async (cases: string[]) => Number((await q<{ n: string }>('timeline', `SELECT count(*) AS n FROM timeline.timeline_entries WHERE case_id = ANY($1)`, [cases]))[0].n);

  // ---------------------------------------------------------------- scenarios

  it('a. Kafka stopped and restarted while commands keep coming: every stored event on the timeline once', async () => {
    attempts = [];
    const run = load(30);
    await until('some of the load on the timeline', async () => (await timelineCount(run.cases)) >= 15, 120_000, 200);
    const stoppedAt = Date.now();
    await broker.stop();
    await new Promise((r) => setTimeout(r, 6000)); // the LA keeps working: the case service records, Kafka is away
    broker = await startKafka({ dir: join(root, 'kafka'), persistent: true, port: kafkaPort });
    const restartedAt = Date.now();
    await run.done;
    const accepted = attempts.filter((a) => a.ok && a.what.startsWith('POST case') && a.sent > stoppedAt && a.at < restartedAt).length;
    console.log(`kafka-restart: broker away ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s; ${accepted} case commands accepted meanwhile; ${failed().length} failed requests`);
    expect(accepted).toBeGreaterThan(0); // the outage happened mid-load
    await settle('kafka-restart', run.cases, '1');
    for (const name of NAMES) expect(running[name].child.exitCode).toBeNull(); // nobody had to be restarted
    passed++;
  });

  it('b. PostgreSQL restarted while load continues: services recover by themselves, every event in every read model once', async () => {
    attempts = [];
    const run = load(30);
    await until('some of the load on the timeline', async () => (await timelineCount(run.cases)) >= 15, 120_000, 200);
    const stoppedAt = Date.now();
    await pg.stop();
    await new Promise((r) => setTimeout(r, 5000));
    pg = await startPostgres(pgPort);
    const restartedAt = Date.now();
    await run.done;
    await settle('postgres-restart', run.cases, '1');
    for (const name of NAMES) expect(running[name].child.exitCode).toBeNull(); // recovered without a restart
    // the timeline's LISTEN connection (live updates) is back too
    await until('the timeline to LISTEN again', async () => (await q('timeline', `SELECT 1 FROM pg_stat_activity WHERE application_name = 'tio-timeline-listen' AND query LIKE 'LISTEN%'`)).length === 1, 15_000, 250);
    // requests failed only while PostgreSQL was away: none sent after it was back failed
    const during = attempts.filter((a) => a.sent >= stoppedAt && a.sent < restartedAt);
    const after = attempts.filter((a) => a.sent >= restartedAt);
    console.log(`postgres-restart: PostgreSQL away ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s; ${during.length} requests sent meanwhile (${during.filter((a) => !a.ok).length} failed, ` +
      `${[...new Set(during.filter((a) => !a.ok).map((a) => a.status))].join('/')}); ${after.length} sent after, ${after.filter((a) => !a.ok).length} failed`);
    expect(during.filter((a) => !a.ok).length).toBeGreaterThan(0); // the load did meet the outage
    expect(after.filter((a) => !a.ok)).toEqual([]);
    passed++;
  });

  it('c. the case service, then the timeline, SIGKILLed mid-batch and started again: nothing lost, nothing doubled', async () => {
    attempts = [];
    const run = load(30, 300);
    // the case service mid-batch: the LA's commands in flight, its forwarder publishing, its advice intake consuming
    await until('the case service to be busy', async () => run.opened() >= 6, 120_000, 50);
    await sigkill('case');
    const openedAtKill = run.opened();
    await restart('case');
    // the timeline mid-batch: part of the load projected, part not (the LA is still opening cases)
    await until('the timeline to be part-way', async () => (await timelineCount(run.cases)) >= 40, 120_000, 50);
    await sigkill('timeline');
    const atKill = await timelineCount(run.cases);
    const openedAtTimelineKill = run.opened();
    await restart('timeline');
    await run.done;
    console.log(`sigkill: case service killed with ${openedAtKill} of ${run.cases.length} cases opened (${failed().filter((a) => a.what.startsWith('POST case')).length} case commands ` +
      `failed and were retried); timeline killed with ${atKill} of ${run.cases.length * 5} entries projected`);
    const verdict = await settle('sigkill', run.cases, '2');
    expect(openedAtKill).toBeLessThan(run.cases.length);
    expect(failed().some((a) => a.what.startsWith('POST case'))).toBe(true); // commands met the dead service
    expect(openedAtTimelineKill).toBeLessThan(run.cases.length);
    expect(atKill).toBeLessThan(verdict.events);
    passed++;
  });

  it('d. every message of the case topics delivered twice: read models unchanged', async () => {
    const before = await snapshot(allCases);
    const kafka = kafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => (OUTBOUND_TOPICS as readonly string[]).includes(t));
    let total = 0;
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    await admin.disconnect();
    // read every message raw, then produce it again with the same key, value and headers
    const messages: { topic: string; key: Buffer | null; value: Buffer | null; headers: IHeaders }[] = [];
    const consumer = kafka.consumer({ groupId: `faults-copy-${randomUUID().slice(0, 8)}` });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${total} messages`)), 60_000);
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          messages.push({ topic, key: message.key, value: message.value, headers: message.headers ?? {} });
          if (messages.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (const topic of topics) {
      const records = messages.filter((m) => m.topic === topic).map(({ key, value, headers }) => ({ key, value, headers }));
      for (let i = 0; i < records.length; i += 200) await producer.send({ topic, messages: records.slice(i, i + 200) });
    }
    await producer.disconnect();
    await until('the consumer groups to read the copies', async () => (await lag()) === 0, 120_000, 500);
    await new Promise((r) => setTimeout(r, 2000));
    const after = await snapshot(allCases);
    const verdict = await verify(allCases);
    console.log(`FAULTS: duplicate-delivery redelivered=${messages.length} cases=${allCases.length} events=${verdict.events} timeline=${verdict.timeline} ` +
      `clock=${verdict.clock} intake=${verdict.intake} agency-model=${verdict.agencyModel} duplicates=${verdict.duplicates} missing=${verdict.missing} ` +
      `changed-rows=${after.rows.filter((r, i) => r !== before.rows[i]).length + Math.abs(after.rows.length - before.rows.length)}`);
    expect(messages.length).toBe(total);
    expect(verdict.problems).toEqual([]);
    expect(after.rows.length).toBe(before.rows.length);
    expect(after.rows).toEqual(before.rows);
    passed++;
  });

  /** Every read model's content for these cases (operational columns left out), plus the stores' counts. */
  async function snapshot(cases: string[]): Promise<{ rows: string[] }> {
    const rows: string[] = [];
    const add = (prefix: string, list: unknown[]) => rows.push(...list.map((r) => `${prefix} ${JSON.stringify(r)}`));
    add('entry', await q('timeline', `SELECT case_id, seq, source_event_id, kind, title, summary, agency, details, source_event_type, occurred_at, recorded_at
                                        FROM timeline.timeline_entries WHERE case_id = ANY($1) ORDER BY case_id, seq`, [cases]));
    add('clock', await q('timeline', `SELECT source_event_id, case_id, type, data FROM timeline.case_clock_events WHERE case_id = ANY($1) ORDER BY source_event_id`, [cases]));
    add('member', await q('timeline', `SELECT case_id, organisation_id, agency, reason, since_event_id FROM timeline.case_members WHERE case_id = ANY($1) ORDER BY case_id, organisation_id`, [cases]));
    add('case-store', await q('case', `SELECT event_id::text, type FROM event_store.events WHERE metadata->>'caseId' = ANY($1) ORDER BY global_position`, [cases]));
    add('education-store', await q('education', `SELECT event_id::text, type FROM event_store.events WHERE metadata->>'caseId' = ANY($1) ORDER BY global_position`, [cases]));
    add('kit-request', await q('education', `SELECT advice_request_id, case_id, event_id FROM agency_kit.advice_requests WHERE case_id = ANY($1) ORDER BY advice_request_id`, [cases]));
    add('kit-version', await q('education', `SELECT advice_id, version, kind, case_id, event_id FROM agency_kit.advice_versions WHERE case_id = ANY($1) ORDER BY advice_id, version, kind`, [cases]));
    return { rows };
  }

  it('e. one case\'s messages arriving across topics out of order: the same ordered timeline as in-order delivery', async () => {
    const start = Date.parse('2026-01-05T09:30:00Z');
    const inOrder = story(randomUUID(), start);
    const outOfOrder = story(randomUUID(), start);
    const producer = kafkaClient().producer({ idempotent: true });
    await producer.connect();
    const publish = async (items: { topic: string; e: IntegrationEvent }[]) => {
      for (const { topic, e } of items) await producer.send({ topic, messages: [toKafkaRecord(e) as never] });
    };
    await publish(inOrder.items);
    // the other case: the agencies' advice first (health before the case's advice request exists anywhere), then the
    // case topic, advice received before the request was even received
    const agencies = outOfOrder.items.filter((i) => i.topic !== TOPICS.caseEvents);
    const caseTopic = outOfOrder.items.filter((i) => i.topic === TOPICS.caseEvents);
    await publish(agencies.reverse());
    await until('the agencies\' advice on the timeline first', async () => (await timelineCount([outOfOrder.caseId])) === agencies.length, 60_000, 100);
    await publish(caseTopic.filter((i) => i.e.type === 'ehc.advice-received.v1'));
    await until('advice received on the timeline before its request', async () => (await timelineCount([outOfOrder.caseId])) === agencies.length + 2, 60_000, 100);
    await publish(caseTopic.filter((i) => i.e.type !== 'ehc.advice-received.v1'));
    await producer.disconnect();
    const total = inOrder.items.length;
    await until('both cases complete on the timeline', async () => (await timelineCount([inOrder.caseId])) === total && (await timelineCount([outOfOrder.caseId])) === total, 60_000, 200);
    await until('the consumer groups to read everything', async () => (await lag()) === 0, 60_000, 500);
    await new Promise((r) => setTimeout(r, 1000));
    const a = await orderedTimeline(inOrder);
    const b = await orderedTimeline(outOfOrder);
    const raw = await q<{ source_event_id: string }>('timeline', `SELECT source_event_id FROM timeline.timeline_entries WHERE case_id = $1`, [outOfOrder.caseId]);
    const ids = new Set(raw.map((r) => r.source_event_id));
    const differing = a.entries.filter((r, i) => JSON.stringify(r) !== JSON.stringify(b.entries[i])).length + Math.abs(a.entries.length - b.entries.length);
    console.log(`FAULTS: out-of-order cases=2 events=${total * 2} timeline=${a.entries.length + b.entries.length} clock=${a.clock.length + b.clock.length} ` +
      `duplicates=${raw.length - ids.size} missing=${outOfOrder.items.filter((i) => !ids.has(i.e.id)).length} differing-entries=${differing}`);
    expect(a.entries.map((r) => r['source_event_type'])).toStrictEqual(inOrder.items.map((i) => i.e.type));
    expect(a.entries.map((r) => r['source_event_id'])).toStrictEqual(inOrder.items.map((_, i) => `<event:${i}>`));
    // the same entries (ids as placeholders) in the same order, the same members and the same statutory clock input
    expect(b).toStrictEqual(a);
    expect(raw.map((r) => r.source_event_id).sort()).toStrictEqual(outOfOrder.items.map((i) => i.e.id).sort());
    passed++;
  });

  /** A case's timeline, members and clock events with its own ids replaced by placeholders, so two cases with the same story compare equal. */
  async function orderedTimeline(s: ReturnType<typeof story>): Promise<{ entries: Record<string, unknown>[]; members: unknown[]; clock: unknown[] }> {
    const entries = await q('timeline', `SELECT seq, source_event_id, kind, title, summary, agency, actor_user_id, actor_organisation_id, actor_agency, actor_role, details,
                                                source_event_type, source_topic, occurred_at, recorded_at
                                           FROM timeline.timeline_entries WHERE case_id = $1 ORDER BY seq`, [s.caseId]);
    const members = await q('timeline', `SELECT organisation_id, agency, reason, since_event_id, since_occurred_at FROM timeline.case_members WHERE case_id = $1 ORDER BY organisation_id`, [s.caseId]);
    const clock = await q('timeline', `SELECT source_event_id, type, data, occurred_at, recorded_at FROM timeline.case_clock_events WHERE case_id = $1
                                         ORDER BY occurred_at, recorded_at, source_event_id`, [s.caseId]);
    let text = JSON.stringify({ entries, members, clock });
    for (const [placeholder, id] of Object.entries(s.ids)) text = text.split(id).join(`<${placeholder}>`);
    s.items.forEach((item, i) => (text = text.split(item.e.id).join(`<event:${i}>`)));
    return JSON.parse(text) as { entries: Record<string, unknown>[]; members: unknown[]; clock: unknown[] };
  }

  /**
   * One case's events as the services publish them, every payload from the domain deciders: the LA's request,
   * decision and advice requests to education and health; health's and education's advice on their own topics and
   * the case's "advice received" for each.
   */
  function story(caseId: string, start: number) {
    const la: Actor = { userId: 'caseworker-1', organisationId: LA, agency: 'local-authority', role: 'case-officer' };
    const school: Actor = { userId: 'senco-1', organisationId: SCHOOL, agency: 'education', role: 'practitioner' };
    const nhs: Actor = { userId: 'paed-1', organisationId: 'nhs-trust-rlj', agency: 'health', role: 'practitioner' };
    const ids = { caseId, assessment: randomUUID(), education: randomUUID(), health: randomUUID(), adviceEdu: `adv-edu-${caseId}`, adviceMed: `adv-med-${caseId}`, child: `child:${caseId}` };
    const at = (days: number, h = 0) => new Date(start + days * 86_400_000 + h * 3_600_000).toISOString();
    const day = (days: number) => at(days).slice(0, 10);
    let state = ehcCaseDecider.initialState();
    const envelope = (type: string, time: string, actor: Actor, data: object): IntegrationEvent =>
      ({ id: randomUUID(), source: `/tio/${actor.agency}`, type, subject: caseId, time, data, correlationId: `corr-${caseId}`, actor, recordedAt: time });
    const ehc = (time: string, actor: Actor, command: Record<string, unknown>) => {
      const [e, ...more] = ehcCaseDecider.decide({ ...command, caseId } as EhcCommand, state);
      if (!e || more.length) throw new Error(`${String(command['type'])} did not produce one event`);
      state = ehcCaseDecider.evolve(state, e);
      return { topic: TOPICS.caseEvents as string, e: envelope(e.type, time, actor, e.data) };
    };
    const advice = (time: string, actor: Actor, requestId: string, adviceId: string, topic: string) => {
      const r = state.adviceRequests[requestId];
      const key = { caseId, assessmentId: r.assessmentId, agency: r.agency, adviceType: r.adviceType };
      const command: AdviceCommand = { ...key, type: 'SubmitAdvice', idempotencyKey: randomUUID(), at: time.slice(0, 10), by: { userRef: actor.userId, organisationRef: actor.organisationId },
        adviceId, request: { ...key, adviceRequestId: requestId }, sections: [{ heading: 'Needs', text: 'private text about the child' }] };
      const [e] = adviceDecider.decide(command, adviceDecider.initialState());
      return { topic, e: envelope(e.type, time, actor, e.data) };
    };
    const items = [
      ehc(at(0), la, { type: 'ReceiveRequest', at: day(0), childRef: ids.child, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }),
      ehc(at(21), la, { type: 'DecideToAssess', at: day(21), assessmentId: ids.assessment }),
      ehc(at(21, 1), la, { type: 'RequestAdvice', at: day(21), adviceRequestId: ids.education, adviceType: 'educational', agency: 'education', adviserRef: SCHOOL }),
      ehc(at(21, 2), la, { type: 'RequestAdvice', at: day(21), adviceRequestId: ids.health, adviceType: 'medical', agency: 'health', adviserRef: nhs.organisationId }),
    ];
    items.push(advice(at(40), nhs, ids.health, ids.adviceMed, TOPICS.healthEvents));
    items.push(ehc(at(40, 1), nhs, { type: 'RecordAdviceReceived', at: day(40), adviceRequestId: ids.health, adviceId: ids.adviceMed, version: 1, agency: 'health' }));
    items.push(advice(at(45), school, ids.education, ids.adviceEdu, TOPICS.educationEvents));
    items.push(ehc(at(45, 1), school, { type: 'RecordAdviceReceived', at: day(45), adviceRequestId: ids.education, adviceId: ids.adviceEdu, version: 1, agency: 'education' }));
    return { caseId, ids, items };
  }
});
