/**
 * The freshness bench's raw same-work pipeline (infra/bench/freshness.ts): the least code that carries a command from
 * HTTP to a timeline SSE client through the same infrastructure as the real system, as two Node processes standing
 * for the case service and the timeline service. It is the floor the real pipeline is compared with, not a design.
 *
 *  - RAW_ROLE=command: `node:http`; `POST /cases/:id/exceptions` reads the body, JSON-parses it, verifies the bearer
 *    token with the services' own TokenVerifier (same cost: signature checked once per token, then remembered), takes
 *    the exceptionId, INSERTs one row (autocommit) into `raw_events` (the event store's events table: same columns,
 *    same indexes, the real event's data/metadata/hash/MAC texts with this command's ids), answers 201 with the real
 *    service's response body, then publishes the real CloudEvents record (same key, value and headers, this command's
 *    ids) with an idempotent KafkaJS producer (acks all, one send in flight, whatever queued meanwhile goes in the next
 *    send) to a topic with the real case topic's partitions.
 *  - RAW_ROLE=read: a KafkaJS consumer group on that topic (partitions consumed concurrently); per batch it JSON-parses
 *    each record, builds the real timeline entry's JSON (this event's ids), INSERTs the batch's entries in one
 *    statement into `raw_timeline_entries` (the timeline's entries table: same columns, same constraints and index),
 *    then writes each entry to its case's SSE clients (`GET /cases/:id/timeline/stream`, token verified as above).
 *
 * Not done, on purpose (the real system's guarantees the floor does without): idempotency keys, expected revision and
 * reading the case's stream, validation beyond JSON, decide/evolve, hash chain and MACs computed (the texts are copied),
 * the transactional outbox (published after the reply, lost on a crash), access log, read-after-commit of the entry,
 * membership checks, personal-data encryption.
 *
 * Env: RAW_ROLE, PORT, DATABASE_URL, KAFKA_BROKERS, RAW_TOPIC, RAW_GROUP (read), RAW_PARTITIONS (read, default 3),
 * RAW_TEMPLATE_FILE (JSON, RawTemplate), JWT_PUBLIC_KEY. Prints `RAW_READY` when it takes requests; ends when its
 * stdin ends.
 */
import '@tio/messaging'; // the services' KafkaJS idle-loop fix, installed before any client exists, as in every service
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { Pool } from 'pg';
import { authConfigFromEnv, TokenVerifier } from '@tio/auth';

/** What the real system wrote and sent for one exception command, captured by the bench from the real run. */
export interface RawTemplate {
  /** The ids in the texts below, replaced by each command's own. */
  ids: { caseId: string; exceptionId: string; eventId: string };
  event: { type: string; schemaVersion: number; data: string; metadata: string; hash: string; previousHash: string | null; mac: string | null };
  record: { key: string; value: string; headers: Record<string, string> };
  /** The entry's `data:` JSON on the real timeline stream. */
  entry: string;
  /** The real command's 201 body. */
  response: string;
}

const env = process.env;
const template = JSON.parse(readFileSync(env['RAW_TEMPLATE_FILE'] as string, 'utf8')) as RawTemplate;
const topic = env['RAW_TOPIC'] as string;
const pool = new Pool({ connectionString: env['DATABASE_URL'], max: 16 });
pool.on('error', () => undefined); // an idle connection lost must not end the process
const verifier = new TokenVerifier(authConfigFromEnv());
const kafka = new Kafka({ clientId: `raw-${env['RAW_ROLE']}`, brokers: (env['KAFKA_BROKERS'] as string).split(','), logLevel: logLevel.NOTHING });

function fill(text: string, caseId: string, exceptionId: string, eventId: string): string {
  return text.replaceAll(template.ids.caseId, caseId).replaceAll(template.ids.exceptionId, exceptionId).replaceAll(template.ids.eventId, eventId);
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

async function authorised(req: IncomingMessage): Promise<boolean> {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m ? verifier.verify(m[1] as string).then(() => true, () => false) : false;
}

function answer(res: ServerResponse, status: number, text = ''): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function commandRole(): Promise<() => Promise<void>> {
  await pool.query(`CREATE TABLE IF NOT EXISTS raw_events (
    global_position bigserial PRIMARY KEY, transaction_id xid8 NOT NULL, event_id uuid NOT NULL UNIQUE,
    stream_name text NOT NULL, category text NOT NULL, revision bigint NOT NULL, type text NOT NULL,
    schema_version integer NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, hash text NOT NULL,
    previous_hash text, recorded_at timestamptz NOT NULL, mac text, UNIQUE (stream_name, revision))`);
  await pool.query('CREATE INDEX IF NOT EXISTS raw_events_category_position_idx ON raw_events (category, global_position)');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const queue: Message[] = [];
  let sending = false;
  const flush = (): void => {
    if (sending || queue.length === 0) return;
    sending = true;
    producer.send({ topic, acks: -1, messages: queue.splice(0) }).catch((err: Error) => console.error(`raw publish: ${err.message}`)).finally(() => {
      sending = false;
      flush();
    });
  };
  const revisions = new Map<string, number>();
  const server = createServer((req, res) => {
    const m = req.method === 'POST' ? /^\/cases\/([0-9a-f-]{36})\/exceptions$/.exec(req.url ?? '') : null;
    if (!m) return answer(res, 404);
    const caseId = m[1] as string;
    void (async () => {
      const command = JSON.parse(await body(req)) as { exceptionId?: unknown };
      if (!(await authorised(req))) return answer(res, 401);
      if (typeof command.exceptionId !== 'string') return answer(res, 400);
      const eventId = randomUUID();
      const revision = revisions.get(caseId) ?? 2; // the request and the decision to assess come first
      revisions.set(caseId, revision + 1);
      const e = template.event;
      const f = (text: string) => fill(text, caseId, command.exceptionId as string, eventId);
      await pool.query(
        `INSERT INTO raw_events (transaction_id, event_id, stream_name, category, revision, type, schema_version, data, metadata, hash, previous_hash, recorded_at, mac)
         VALUES (pg_current_xact_id(), $1, $2, 'case', $3, $4, $5, $6, $7, $8, $9, now(), $10)`,
        [eventId, `case-${caseId}`, revision, e.type, e.schemaVersion, f(e.data), f(e.metadata), e.hash, e.previousHash, e.mac],
      );
      answer(res, 201, f(template.response));
      const r = template.record;
      queue.push({ key: f(r.key), value: f(r.value), headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, f(v)])) });
      flush();
    })().catch((err: Error) => {
      console.error(`raw command: ${err.message}`);
      if (!res.headersSent) answer(res, 500);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(Number(env['PORT']), '127.0.0.1', resolve));
  return async () => {
    server.close();
    server.closeAllConnections();
    await producer.disconnect();
  };
}

async function readRole(): Promise<() => Promise<void>> {
  await pool.query(`CREATE TABLE IF NOT EXISTS raw_timeline_entries (
    source_event_id text COLLATE "C" PRIMARY KEY, case_id text COLLATE "C" NOT NULL, seq integer NOT NULL, arrival integer NOT NULL,
    kind text NOT NULL, title text NOT NULL, summary text NOT NULL, agency text NOT NULL, actor_user_id text NOT NULL,
    actor_organisation_id text NOT NULL, actor_agency text NOT NULL, actor_role text NOT NULL, occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL, details jsonb NOT NULL, source_event_type text NOT NULL, source_topic text NOT NULL,
    source_partition integer NOT NULL, source_offset bigint NOT NULL, projected_at timestamptz NOT NULL,
    CONSTRAINT raw_timeline_entries_case_seq UNIQUE (case_id, seq) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT raw_timeline_entries_case_arrival UNIQUE (case_id, arrival))`);
  await pool.query('CREATE INDEX IF NOT EXISTS raw_timeline_entries_order ON raw_timeline_entries (case_id, occurred_at, recorded_at, source_event_id)');
  const clients = new Map<string, Set<ServerResponse>>();
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const m = req.method === 'GET' ? /^\/cases\/([0-9a-f-]{36})\/timeline\/stream$/.exec(req.url ?? '') : null;
    if (!m) return answer(res, 404);
    const caseId = m[1] as string;
    void authorised(req).then((ok) => {
      if (!ok) return answer(res, 401);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('retry: 2000\n\n');
      const set = clients.get(caseId) ?? new Set<ServerResponse>();
      clients.set(caseId, set.add(res));
      res.on('close', () => set.delete(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(env['PORT']), '127.0.0.1', resolve));
  const consumer = kafka.consumer({ groupId: env['RAW_GROUP'] as string });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: Number(env['RAW_PARTITIONS'] ?? 3),
    eachBatch: async ({ batch }) => {
      const entries = batch.messages.map((message) => {
        const caseId = message.key?.toString() as string;
        const data = JSON.parse(message.value?.toString() ?? '{}') as { exceptionId?: string }; // CloudEvents binary mode: the value is the data
        const eventId = message.headers?.['ce_id']?.toString() ?? '';
        const arrival = (arrivals.get(caseId) ?? 0) + 1;
        arrivals.set(caseId, arrival);
        const view = { ...(JSON.parse(fill(template.entry, caseId, data.exceptionId ?? '', eventId)) as Record<string, unknown>), arrival };
        return { caseId, eventId, arrival, offset: message.offset, view };
      });
      if (entries.length === 0) return;
      const params: unknown[] = [];
      const tuples = entries.map((e) => {
        const v = e.view as Record<string, unknown> & { who?: Record<string, unknown>; source?: Record<string, unknown> };
        const p = params.push(e.eventId, e.caseId, e.arrival, e.arrival, v['kind'] ?? '', v['title'] ?? '', v['summary'] ?? '', v['agency'] ?? '',
          v.who?.['userId'] ?? '', v.who?.['organisationId'] ?? '', v.who?.['agency'] ?? '', v.who?.['role'] ?? '', v['occurredAt'] ?? new Date(), v['recordedAt'] ?? new Date(),
          JSON.stringify(v['details'] ?? {}), v.source?.['type'] ?? '', batch.topic, batch.partition, e.offset) - 19;
        return `(${Array.from({ length: 19 }, (_, i) => `$${p + i + 1}`).join(', ')}, now())`;
      });
      await pool.query(`INSERT INTO raw_timeline_entries (source_event_id, case_id, seq, arrival, kind, title, summary, agency, actor_user_id, actor_organisation_id,
        actor_agency, actor_role, occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, source_offset, projected_at) VALUES ${tuples.join(', ')}`, params);
      for (const e of entries) {
        const sse = `id: 1-${e.arrival}\nevent: entry\ndata: ${JSON.stringify(e.view)}\n\n`;
        for (const res of clients.get(e.caseId) ?? []) res.write(sse);
      }
    },
  });
  await joined;
  return async () => {
    server.close();
    server.closeAllConnections();
    await consumer.disconnect();
  };
}

async function main(): Promise<void> {
  const stop = env['RAW_ROLE'] === 'read' ? await readRole() : await commandRole();
  console.log('RAW_READY');
  const end = () => void stop().finally(() => pool.end()).finally(() => process.exit(0));
  process.stdin.on('end', end).resume();
  process.on('SIGTERM', end);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
