import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { createServiceApp, type ServiceDefinition } from '@tio/service-kit';
import { testKeys } from './tokens';
import { OpenApiConformance, servedOpenApi, type ObservedResponse } from './openapi';

type RecordingResponse = { statusCode: number; getHeader(name: string): unknown; send(body?: unknown): unknown; on(event: 'finish', listener: () => void): unknown };
type RecordingRequest = { method: string; route?: { path?: string }; originalUrl?: string };

/**
 * Records every response the application gives (route template, status, media type, body) so that the test can
 * validate them against the document the service serves.
 */
function recordResponses(observed: ObservedResponse[]) {
  return (req: RecordingRequest, res: RecordingResponse, next: () => void) => {
    let sent: unknown;
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (sent === undefined) sent = body;
      return send(body);
    };
    res.on('finish', () => {
      // refused before routing (a body over the limit, malformed JSON): the URL's path, matched to a template later
      const url = (req.originalUrl ?? '').split('?')[0];
      const path = req.route?.path ?? url;
      if (!path || url.startsWith('/docs')) return;
      const contentType = String(res.getHeader('content-type') ?? '');
      let body: unknown = sent;
      if (/json/.test(contentType) && (typeof sent === 'string' || Buffer.isBuffer(sent))) {
        try {
          body = JSON.parse(sent.toString());
        } catch {
          body = sent;
        }
      }
      observed.push({ method: req.method, path, routed: req.route?.path !== undefined, status: res.statusCode, contentType, body });
    });
    next();
  };
}

export interface TestService {
  app: INestApplication;
  /** The HTTP server to hand to supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  databaseUrl: string;
  /** Every response the service gave so far (route template, status, media type, body). */
  observed: ObservedResponse[];
  /** Validates every response given so far against the served OpenAPI document (status listed, body valid). */
  conformance(): Promise<OpenApiConformance>;
  close(): Promise<void>;
}

/**
 * Boots a real service (its NestJS module, real PostgreSQL database of its own, the real Kafka broker) on a random
 * port for an end-to-end test. Needs DATABASE_URL (cluster) and KAFKA_BROKERS from the Jest global setup.
 */
export interface TestServiceOptions {
  /**
   * Record every response for `conformance()` (default true). A benchmark turns it off: recording parses and keeps
   * every body, which a real process does not pay for.
   */
  recordResponses?: boolean;
}

export async function startTestService(definition: ServiceDefinition, extraEnv: Record<string, string> = {}, options: TestServiceOptions = {}): Promise<TestService> {
  const clusterUrl = process.env['TIO_CLUSTER_URL'] ?? (process.env['DATABASE_URL'] as string);
  process.env['TIO_CLUSTER_URL'] = clusterUrl;
  const dbName = `test_${definition.name.replace(/-/g, '_')}_${randomUUID().slice(0, 8)}`;
  const databaseUrl = await ensureDatabase(clusterUrl, dbName);
  const saved = { ...process.env };
  const { publicKeyPem } = await testKeys();
  // a topic prefix of its own unless the test shares one between several services on purpose
  const topicPrefix = `t-${randomUUID().slice(0, 8)}.`;
  Object.assign(process.env, { DATABASE_URL: databaseUrl, JWT_PUBLIC_KEY: publicKeyPem, KAFKA_TOPIC_PREFIX: topicPrefix, ...extraEnv });
  try {
    const observed: ObservedResponse[] = [];
    const observe = options.recordResponses === false ? undefined : (recordResponses(observed) as never);
    const app = await createServiceApp(definition, { logger: process.env['TEST_LOGS'] === '1', observe });
    await app.listen(0, '127.0.0.1');
    return {
      app,
      server: app.getHttpServer(),
      databaseUrl,
      observed,
      async conformance() {
        const conformance = new OpenApiConformance(await servedOpenApi(app.getHttpServer()));
        for (const o of [...observed]) conformance.check(o);
        return conformance;
      },
      async close() {
        await app.close();
        await dropDatabase(clusterUrl, dbName);
      },
    };
  } finally {
    // back to what it was (a test may override a variable the global setup set, e.g. KAFKA_BROKERS)
    for (const key of [...Object.keys(extraEnv), 'KAFKA_TOPIC_PREFIX', 'DATABASE_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
