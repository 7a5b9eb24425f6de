import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { serviceConfig, type ServiceConfig } from './config';
import { kafkaCheck, postgresCheck } from './dependency-checks';
import { HEALTH_CHECKS, HealthController } from './health';

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
 * What every service has: its configuration, a PostgreSQL pool on its own database, and /health endpoints that
 * check PostgreSQL and Kafka.
 */
@Global()
@Module({})
export class CoreModule {
  static forService(name: string, defaultPort: number): DynamicModule {
    return {
      module: CoreModule,
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_CONFIG, useFactory: () => serviceConfig(name, defaultPort) },
        {
          provide: PG_POOL,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => new Pool({ connectionString: config.databaseUrl, max: 10, application_name: `tio-${name}` }),
        },
        { provide: KAFKA_HEALTH, inject: [SERVICE_CONFIG], useFactory: (config: ServiceConfig) => kafkaCheck(config.kafkaBrokers, `tio-${name}`) },
        { provide: HEALTH_CHECKS, inject: [PG_POOL, KAFKA_HEALTH], useFactory: (pool: Pool, kafka: ReturnType<typeof kafkaCheck>) => [postgresCheck(pool), kafka] },
        PoolCloser,
      ],
      exports: [SERVICE_CONFIG, PG_POOL, HEALTH_CHECKS],
    };
  }
}
