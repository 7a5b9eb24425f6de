import { Logger, type INestApplication, type Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { jsonDepthExceeds } from '@tio/event-store';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CORRELATION_ID_HEADER, correlationMiddleware } from './correlation';
import { requestScopeMiddleware } from './request-scope';
import { problemOf, SafeExceptionFilter } from './exception-filter';
import { writeProblem } from './problem-details';
import { JsonLogger } from './json-logger';
import { buildOpenApiDocument } from './openapi';
import { httpMetricsMiddleware, ServiceMetrics } from './metrics';
import { strictValidationPipe } from './validation';
import { IDEMPOTENT_REPLAYED, replayMarkerMiddleware } from './idempotency';
import { PREFERENCE_APPLIED } from './prefer';
import { weakETag } from './response-headers';

/** Bodies nested deeper than this are refused before validation (recursive validators would overflow the stack). */
export const MAX_BODY_DEPTH = 32;

function rejectDeepBodies(req: Parameters<typeof writeProblem>[0] & { body?: unknown }, res: Parameters<typeof writeProblem>[1], next: () => void): void {
  if (req.body !== undefined && jsonDepthExceeds(req.body, MAX_BODY_DEPTH)) {
    writeProblem(req, res, { status: 400, code: 'body-too-deep', detail: `Request body is nested deeper than ${MAX_BODY_DEPTH} levels` });
    return;
  }
  next();
}

/**
 * A body the parser refused (malformed JSON, over the size limit, an unsupported charset) is answered here as Problem
 * Details, before the framework turns it into a bare 400 that no longer says what was wrong.
 */
function answerBodyErrors(err: unknown, req: Parameters<typeof writeProblem>[0], res: Parameters<typeof writeProblem>[1], next: (err?: unknown) => void): void {
  const problem = problemOf(err);
  if (problem) writeProblem(req, res, problem);
  else next(err);
}

export interface ServiceDefinition {
  /** Short name used in logs and the OpenAPI title, e.g. `case`. */
  name: string;
  title: string;
  description: string;
  module: Type<unknown>;
  bodyLimit?: string;
}

/**
 * The app's metrics registry (CoreModule provides it); none for an app without CoreModule. Looked up in the module
 * container: a failed `app.get` would end the process (Nest's abort-on-error zone).
 */
function serviceMetricsOf(app: INestApplication): ServiceMetrics | undefined {
  for (const module of app.get(ModulesContainer).values()) {
    const instance = module.providers.get(ServiceMetrics)?.instance;
    if (instance instanceof ServiceMetrics) return instance;
  }
  return undefined;
}

export interface ServiceAppOptions {
  logger?: boolean;
  /** A middleware run before every other (tests record every response with it, even one refused by the body parser). */
  observe?: (req: never, res: never, next: () => void) => void;
}

/**
 * TRUSTED_PROXIES: the addresses or subnets (comma-separated, or express's names `loopback`, `linklocal`,
 * `uniquelocal`) whose X-Forwarded-For is believed. Unset or empty: none.
 */
export function trustedProxiesFrom(value: string | undefined): string[] | undefined {
  const list = (value ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

/** Applies what every service shares: HTTP metrics, JSON logs, correlation ids, strict validation, safe errors, OpenAPI at /docs. */
export async function createServiceApp(definition: ServiceDefinition, options: ServiceAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(definition.module, {
    logger: options.logger === false ? false : new JsonLogger(definition.name),
    bodyParser: false,
  });
  // Which peers may say who the client is (X-Forwarded-For), e.g. the web service or a gateway in front: the
  // per-address limits then count the family's address, not the forwarder's. Off by default, so nobody else can
  // spoof an address to escape a limit.
  const trustedProxies = trustedProxiesFrom(process.env['TRUSTED_PROXIES']);
  if (trustedProxies) app.set('trust proxy', trustedProxies);
  // conditional GET as Express's default weak ETag does, without a SHA-1 of every answer (see weakETag)
  app.set('etag', weakETag);
  if (options.observe) app.use(options.observe);
  // timed from the very start, so requests refused before routing (a body too large) count too
  const metrics = serviceMetricsOf(app);
  if (metrics) app.use(httpMetricsMiddleware(metrics.http));
  app.use(correlationMiddleware); // first, so that even a refused body answers with the caller's correlation id
  app.useBodyParser('json', { limit: definition.bodyLimit ?? '256kb' });
  app.use(answerBodyErrors);
  app.use(rejectDeepBodies);
  app.use(requestScopeMiddleware);
  // Security headers; pages that need a content security policy (the timeline page) set their own strict one,
  // the OpenAPI UI at /docs needs inline scripts.
  app.use(helmet({ contentSecurityPolicy: false }));
  // Idempotent-Replayed: true on a write answered as the replay of an earlier one
  app.use(replayMarkerMiddleware);
  // Cross-origin browser calls only from the origins named in CORS_ORIGINS (none by default).
  const origins = (process.env['CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  // and a page on such an origin may read the answers' own headers (a replay, an applied preference, the correlation id)
  app.enableCors({
    origin: origins.length ? origins : false,
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'prefer', CORRELATION_ID_HEADER, 'last-event-id'],
    exposedHeaders: [IDEMPOTENT_REPLAYED, PREFERENCE_APPLIED, CORRELATION_ID_HEADER],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new SafeExceptionFilter());
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, definition), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Starts a service as a process. When the run command starts it (TIO_WATCH_STDIN=1) the service also shuts down
 * cleanly when its parent goes away and its stdin closes, so no orphan is left behind.
 */
export async function runService(definition: ServiceDefinition, listen: { port: number; host: string }): Promise<INestApplication> {
  const app = await createServiceApp(definition);
  await app.listen(listen.port, listen.host);
  const logger = new Logger('bootstrap');
  logger.log({ msg: `${definition.name} service listening`, url: `http://${listen.host}:${listen.port}`, docs: `http://${listen.host}:${listen.port}/docs` });
  if (process.env['TIO_WATCH_STDIN'] === '1') {
    process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
    process.stdin.resume();
  }
  return app;
}
