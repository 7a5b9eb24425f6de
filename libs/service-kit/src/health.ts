import { Controller, Get, HttpStatus, Inject, Injectable, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@tio/auth';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';

/** Something the service checks: resolves when usable, throws (or times out) when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** What the service needs to do its own job (its database): readiness depends on these. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
/** Shared infrastructure it talks to (Kafka): reported by /health/dependencies, never a reason to be unready. */
export const DEPENDENCY_CHECKS = Symbol('DEPENDENCY_CHECKS');
const CHECK_TIMEOUT_MS = 3000;

/** What a Kafka consumer says about itself (`EventConsumer.health()` in @tio/messaging has this shape). */
export interface ConsumerHealthReport {
  name: string;
  state: string;
  /** False when it cannot do its job (stalled on a record it cannot get past, or crashed for good). */
  ok: boolean;
  lag?: number;
  parked?: number;
  lastError?: { message: string; at: string; where?: string };
  topics?: string[];
  stats?: object;
}

export interface ConsumerHealthSource {
  health(): Promise<ConsumerHealthReport>;
}

/** The service's Kafka consumers, registered by whoever starts them; readiness and metrics ask them. */
@Injectable()
export class ConsumerHealthRegistry {
  private readonly sources = new Set<ConsumerHealthSource>();

  register(source: ConsumerHealthSource): void {
    this.sources.add(source);
  }

  unregister(source: ConsumerHealthSource): void {
    this.sources.delete(source);
  }

  async reports(): Promise<ConsumerHealthReport[]> {
    return Promise.all([...this.sources].map((s) => s.health()));
  }
}

/**
 * A part of the service that configuration may switch off or that may work only in part (e.g. family notifications:
 * off without a mail provider): /health/ready shows it under `components`, so an operator sees it; it makes the
 * service unready only when the deployment says it is `required` and it is `off`.
 */
export interface ComponentReport {
  name: string;
  status: 'on' | 'off' | 'degraded';
  required: boolean;
  /** What an operator should know (no personal data: the health routes answer without a token). */
  detail?: string;
}

export interface ComponentHealthSource {
  component(): Promise<ComponentReport>;
}

/** The service's switchable parts, registered by whoever owns them; readiness asks them. */
@Injectable()
export class ComponentHealthRegistry {
  private readonly sources = new Set<ComponentHealthSource>();

  register(source: ComponentHealthSource): void {
    this.sources.add(source);
  }

  async reports(): Promise<ComponentReport[]> {
    return Promise.all([...this.sources].map((s) => s.component()));
  }
}

const componentReady = (c: ComponentReport) => !c.required || c.status !== 'off';

type CheckResult = { name: string; status: 'up' | 'down'; error?: string };

async function runCheck(check: HealthCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, status: 'up' };
  } catch (err) {
    return { name: check.name, status: 'down', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const asEntries = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.name, r.error ? { status: r.status, error: r.error } : { status: r.status }]));

const CHECK_STATES = {
  type: 'object' as const,
  description: 'Each check by name',
  additionalProperties: { type: 'object' as const, required: ['status'], properties: { status: { type: 'string' as const, enum: ['up', 'down'] }, error: { type: 'string' as const } } },
  example: { postgres: { status: 'up' } },
};
const CONSUMER_STATES = { type: 'object', additionalProperties: true, description: 'Each consumer by name: its state, lag and last error time' } as const;

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'unavailable'], example: 'ok' })
  status!: 'ok' | 'unavailable';
  @ApiProperty(CHECK_STATES)
  checks!: Record<string, { status: 'up' | 'down'; error?: string }>;
  @ApiPropertyOptional(CONSUMER_STATES)
  consumers?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    description: 'Parts configuration may switch off (e.g. notifications): on, off or degraded, and whether the deployment requires them (an `off` required part makes the service unready)',
    additionalProperties: { type: 'object', required: ['status', 'required'], properties: { status: { type: 'string', enum: ['on', 'off', 'degraded'] }, required: { type: 'boolean' }, detail: { type: 'string' } } },
    example: { notifications: { status: 'off', required: false, detail: 'no NOTIFY_API_KEY or SMTP_URL: families are not sent messages' } },
  })
  components?: Record<string, { status: 'on' | 'off' | 'degraded'; required: boolean; detail?: string }>;
}

export class DependenciesResponse {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' })
  status!: 'ok' | 'degraded';
  @ApiProperty({ ...CHECK_STATES, example: { kafka: { status: 'up' } } })
  dependencies!: Record<string, { status: 'up' | 'down'; error?: string }>;
  @ApiPropertyOptional(CONSUMER_STATES)
  consumers?: Record<string, unknown>;
}

/**
 * Kubernetes conventions: liveness says the process serves HTTP (restart it otherwise); readiness says the service
 * can do its own job (its database answers, none of its consumers is stalled or crashed), so it is taken out of
 * rotation only for what it can fix by itself or not at all. Shared dependencies (Kafka) are reported apart, at
 * /health/dependencies: while Kafka is down the case service still takes writes (its forwarder catches up later),
 * the timeline and the audit service still answer reads.
 */
@ApiTags('health')
@Public()
@SkipThrottle({ 'per-minute': true })
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(DEPENDENCY_CHECKS) private readonly dependencies: HealthCheck[],
    @Inject(ConsumerHealthRegistry) private readonly consumers: ConsumerHealthRegistry,
    @Inject(ComponentHealthRegistry) private readonly components: ComponentHealthRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: LivenessResponse, description: 'The process serves HTTP' })
  live() {
    return { status: 'ok' };
  }

  @Get(['ready', ''])
  @ApiOkResponse({ type: ReadinessResponse, description: 'Ready: every check is up' })
  @ApiResponse({ status: 503, type: ReadinessResponse, description: 'Not ready: the checks say which is down' })
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness: the service can do its own job (its database answers, no consumer stalled or crashed, no required component off); 503 otherwise; components configuration may switch off are shown. Kafka is reported at /health/dependencies.' })
  async ready(@Res() res: Response) {
    const [results, consumers, components] = await Promise.all([Promise.all(this.checks.map(runCheck)), this.consumers.reports(), this.components.reports()]);
    const ok = results.every((r) => r.status === 'up') && consumers.every((c) => c.ok) && components.every(componentReady);
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: ok ? 'ok' : 'unavailable',
      checks: asEntries(results),
      ...(consumers.length ? { consumers: publicConsumers(consumers) } : {}),
      ...(components.length ? { components: Object.fromEntries(components.map(({ name, ...c }) => [name, c])) } : {}),
    });
  }

  @Get('dependencies')
  @ApiOkResponse({ type: DependenciesResponse, description: '`status` says whether every dependency is up' })
  @ApiOperation({ operationId: 'getDependencies', summary: 'Shared dependencies (Kafka) and the consumers in detail; always 200, `status` says whether all are up' })
  async dependencyDetail() {
    const [results, consumers] = await Promise.all([Promise.all(this.dependencies.map(runCheck)), this.consumers.reports()]);
    return {
      status: results.every((r) => r.status === 'up') ? 'ok' : 'degraded',
      dependencies: asEntries(results),
      ...(consumers.length ? { consumers: publicConsumers(consumers) } : {}),
    };
  }
}

/**
 * The health routes answer without a token, so a consumer's last error is shown by its time only: its message can
 * name a case or quote a record (the service's log has it in full, next to the correlation id).
 */
function publicConsumers(consumers: ConsumerHealthReport[]): Record<string, ConsumerHealthReport> {
  return Object.fromEntries(
    consumers.map((c) => [c.name, { ...c, lastError: c.lastError ? { message: 'see the service log', at: c.lastError.at } : undefined }]),
  );
}
