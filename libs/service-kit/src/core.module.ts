import { Global, Inject, Logger, Module, type DynamicModule, type ExecutionContext, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AuthModule } from '@tio/auth';
import { survivePostgresRestarts } from '@tio/event-store';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { serviceConfig, type ServiceConfig } from './config';
import { SlidingLogRateLimitStorage } from './rate-limit-storage';
import { kafkaCheck, postgresCheck } from './dependency-checks';
import { MetricsController, registerConsumerMetrics, ServiceMetrics } from './metrics';
import { ComponentHealthRegistry, ConsumerHealthRegistry, DEPENDENCY_CHECKS, HEALTH_CHECKS, HealthController } from './health';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const PG_POOL = Symbol('PG_POOL');
const KAFKA_HEALTH = Symbol('KAFKA_HEALTH');

class PoolCloser implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_HEALTH) private readonly kafka: { close(): Promise<void> },
  ) {}
  async onApplicationShutdown() {
    await this.kafka.close();
    await this.pool.end();
  }
}

/**
 * The rate limiter's key for a request: the route (controller and handler), the throttler and the client, as the
 * throttler's default key but not hashed. It only names an entry of the in-process counter map and is never shown to
 * anyone, so the default's SHA-256 of it bought nothing and cost a hash per request.
 */
export function rateLimitKey(context: ExecutionContext, tracker: string, throttlerName: string): string {
  return `${context.getClass().name}-${context.getHandler().name}-${throttlerName}-${tracker}`;
}

/**
 * What every service has: its configuration, a PostgreSQL pool on its own database, /health endpoints (readiness:
 * its database and its consumers; /health/dependencies: Kafka), one metrics registry (ServiceMetrics) served at
 * /metrics, and a JWT on every other route (AuthModule).
 */
@Global()
@Module({})
export class CoreModule {
  static forService(name: string, defaultPort: number): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        AuthModule,
        // per client (address) and minute; RATE_LIMIT_PER_MINUTE=0 switches it off (e.g. behind a gateway that limits)
        ThrottlerModule.forRootAsync({
          useFactory: () => {
            const limit = Number(process.env['RATE_LIMIT_PER_MINUTE'] ?? 20_000);
            // the same sliding log as the default storage, without copying it per request (SlidingLogRateLimitStorage)
            return { throttlers: [{ name: 'per-minute', ttl: 60_000, limit }], skipIf: () => limit === 0, generateKey: rateLimitKey, storage: new SlidingLogRateLimitStorage() };
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useFactory: () => serviceConfig(name, defaultPort) },
        {
          provide: PG_POOL,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            survivePostgresRestarts(
              new Pool({ connectionString: config.databaseUrl, max: 20, application_name: `tio-${name}` }),
              (err, when) => new Logger('pg-pool').warn({ msg: `PostgreSQL connection lost (${when})`, err: err.message }),
            ),
        },
        { provide: KAFKA_HEALTH, inject: [SERVICE_CONFIG], useFactory: (config: ServiceConfig) => kafkaCheck(config.kafkaBrokers, `tio-${name}`) },
        { provide: HEALTH_CHECKS, inject: [PG_POOL], useFactory: (pool: Pool) => [postgresCheck(pool)] },
        { provide: DEPENDENCY_CHECKS, inject: [KAFKA_HEALTH], useFactory: (kafka: ReturnType<typeof kafkaCheck>) => [kafka] },
        ConsumerHealthRegistry,
        ComponentHealthRegistry,
        {
          provide: ServiceMetrics,
          inject: [ConsumerHealthRegistry],
          useFactory: (consumers: ConsumerHealthRegistry) => {
            const metrics = new ServiceMetrics();
            registerConsumerMetrics(metrics, consumers);
            return metrics;
          },
        },
        PoolCloser,
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
      exports: [SERVICE_CONFIG, PG_POOL, HEALTH_CHECKS, DEPENDENCY_CHECKS, ConsumerHealthRegistry, ComponentHealthRegistry, ServiceMetrics],
    };
  }
}
