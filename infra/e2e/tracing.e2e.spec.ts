import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, freePort } from '@tio/local-infra';
import { testKeys, tokenFor, waitFor } from '@tio/testing';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

/** A span as the OTLP/HTTP JSON export carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/** OTLP JSON ids are hex; a protobuf-style JSON encoder would give base64: either way, hex. */
const hex = (id: string | undefined) => (!id ? undefined : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));

interface AnyValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/** A minimal OTLP/HTTP trace receiver (JSON encoding) on 127.0.0.1: every span it was sent. */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: { name: string; kind: number; traceId: string; spanId: string; parentSpanId?: string; attributes?: { key: string; value: AnyValue }[] }[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const service = String(valueOf(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service, name: s.name, kind: s.kind, traceId: hex(s.traceId) as string, spanId: hex(s.spanId) as string, parentSpanId: hex(s.parentSpanId),
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/v1/traces`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * One command's trace, across two service processes, exported over OTLP/HTTP (JSON) to a receiver this test runs:
 * the case service's HTTP server span, its command span, the event-store append and the Kafka publish, then the
 * timeline's consume and projection spans share one trace id, each the child of the one before it (the publish
 * continues the trace through the stored event's metadata, the consumer through the record's `traceparent`), and
 * the timeline's log line for the record carries that trace id.
 */
describe('tracing: one command\'s trace reaches the timeline consumer', () => {
  const LA = 'E10000028';
  const prefix = `trace-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const names = ['case', 'timeline'] as const;
  const running: Record<string, RunningService> = {};
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    const { publicKeyPem } = await testKeys();
    const logDir = mkdtempSync(join(tmpdir(), 'tio-tracing-e2e-'));
    const databases: Record<string, string> = {};
    for (const name of [...names, 'keys']) {
      const db = `trace_${name}_${randomUUID().slice(0, 6)}`;
      dbNames.push(db);
      databases[name] = await ensureDatabase(cluster, db);
    }
    const common = {
      ...process.env, KAFKA_TOPIC_PREFIX: prefix, JWT_PUBLIC_KEY: publicKeyPem, KEYSTORE_DATABASE_URL: databases['keys'], LOG_LEVEL: 'debug',
      OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    await Promise.all(names.map(async (name) => {
      const entry = SERVICES.find((s) => s.name === name)!;
      const port = await freePort();
      const extra = name === 'timeline' ? { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline` } : {};
      running[name] = await startService(entry, port, logDir, { ...common, ...extra, DATABASE_URL: databases[name] });
      url[name] = `http://127.0.0.1:${port}`;
    }));
    await Promise.all(Object.values(running).map((s) => waitReady(s, 120_000)));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(running).map(stopService));
    await receiver?.close();
    for (const db of dbNames) await dropDatabase(cluster, db);
  });

  it('links the HTTP request, command, append, publish, consume and projection spans, and the timeline\'s log line', async () => {
    const token = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    const caseId = randomUUID();
    const res = await fetch(`${url['case']}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `trace-e2e-${randomUUID()}` },
      body: JSON.stringify({ caseId, at: '2026-01-05', childRef: 'child:trace-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }),
    });
    expect(res.status).toBe(201);

    const server = await waitFor('the case service\'s HTTP server span', async () =>
      receiver.spans.find((s) => s.service === 'tio-case' && s.kind === 2 && s.attributes['http.route'] === '/cases' && (s.attributes['http.request.method'] ?? s.attributes['http.method']) === 'POST'), 30_000);
    const inTrace = () => receiver.spans.filter((s) => s.traceId === server.traceId);
    const project = await waitFor('the timeline\'s projection span in the same trace', async () => inTrace().find((s) => s.service === 'tio-timeline' && s.name === 'timeline project'), 30_000);

    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (service: string, test: (s: ReceivedSpan) => boolean) => {
      const found = spans.filter((s) => s.service === service && test(s));
      expect(found).toHaveLength(1);
      return found[0];
    };
    const command = one('tio-case', (s) => s.name === 'command ReceiveRequest' || (s.name.startsWith('command ') && s.attributes['tio.stream.category'] === 'case'));
    const append = one('tio-case', (s) => s.name === 'event-store append' && s.parentSpanId === command.spanId);
    const publish = one('tio-case', (s) => s.name.startsWith('publish ') && s.kind === 4);
    const consume = one('tio-timeline', (s) => s.name.startsWith('process ') && s.kind === 5 && s.attributes['messaging.message.id'] === publish.attributes['messaging.message.id']);

    // the command runs inside the request (through the route handler span), the append inside the command
    const ancestors = (s: ReceivedSpan): string[] => (s.parentSpanId && byId.has(s.parentSpanId) ? [s.parentSpanId, ...ancestors(byId.get(s.parentSpanId)!)] : []);
    expect(ancestors(command)).toContain(server.spanId);
    expect(append.parentSpanId).toBe(command.spanId);
    // the publish continues from the command span, through the stored event's metadata
    expect(publish.parentSpanId).toBe(command.spanId);
    // the consumer continues from the publish span, through the record's traceparent header
    expect(consume.parentSpanId).toBe(publish.spanId);
    expect(project.parentSpanId).toBe(consume.spanId);

    // the timeline's log line for that record carries the trace id
    const eventId = String(publish.attributes['messaging.message.id']);
    const line = await waitFor('the timeline\'s log line for the record', async () =>
      readFileSync(running['timeline'].logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l['msg'] === 'timeline entry projected' && l['eventId'] === eventId), 30_000);
    expect(line).toMatchObject({ traceId: server.traceId, spanId: consume.spanId });

    // for the report: the trace's spans, parent first
    const shown: string[] = [];
    const show = (s: ReceivedSpan, depth: number): void => {
      shown.push(`${'  '.repeat(depth)}${s.name}  [${s.service}]  span ${s.spanId}  parent ${s.parentSpanId ?? '-'}`);
      for (const child of spans.filter((c) => c.parentSpanId === s.spanId)) show(child, depth + 1);
    };
    for (const root of spans.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId))) show(root, 0);
    console.log(`trace ${server.traceId}:\n${shown.join('\n')}`);
  }, 90_000);
});
