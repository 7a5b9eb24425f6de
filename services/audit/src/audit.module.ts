import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { AccessLog, CoreModule, PG_POOL, ServiceMetrics, migrateAccessLog, type AccessLogTable } from '@tio/service-kit';
import { ACCESS_LOG, AUDIT_SOURCES, AuditService, TIMELINE_SOURCE } from './audit.service';
import { auditConfig, type AuditConfig } from './config';
import { DEFAULT_PORT } from './default-port';
import { PostgresTimelineSource, type TimelineSource } from './drift/drift';
import { AuditController } from './http/audit.controller';
import { INTEGRITY_ANCHORS, integrityAnchors } from './integrity/anchors';
import { CheckpointKeeper } from './integrity/checkpoint-keeper';
import { auditKeyStore, AuditSources } from './stores/audit-sources';
import { PerformanceController } from './performance/performance.controller';
import { PerformanceService } from './performance/performance.service';
import { AUDIT_QUERY_HANDLERS } from './queries';

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
const AUDIT_ACCESS_LOG: AccessLogTable = { table: 'audit_access_log', migrationsTable: 'audit_migrations' };

class AuditLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(AUDIT_SOURCES) private readonly sources: AuditSources,
    @Inject(TIMELINE_SOURCE) private readonly timeline: TimelineSource | null,
  ) {}
  async onModuleInit(): Promise<void> {
    await migrateAccessLog(this.pool, AUDIT_ACCESS_LOG);
  }
  async onApplicationShutdown(): Promise<void> {
    await this.sources.close();
    await this.timeline?.close();
  }
}

@Module({
  // the query bus: the controllers dispatch every read as a query (./queries)
  imports: [CoreModule.forService('audit', DEFAULT_PORT), CqrsModule.forRoot()],
  controllers: [AuditController, PerformanceController],
  providers: [
    { provide: AUDIT_CONFIG, useFactory: () => auditConfig() },
    { provide: AUDIT_SOURCES, inject: [AUDIT_CONFIG], useFactory: async (c: AuditConfig) => AuditSources.open(c, await auditKeyStore()) },
    { provide: TIMELINE_SOURCE, inject: [AUDIT_CONFIG], useFactory: (c: AuditConfig) => (c.timelineDatabaseUrl ? new PostgresTimelineSource(c.timelineDatabaseUrl) : null) },
    { provide: ACCESS_LOG, inject: [PG_POOL, ServiceMetrics], useFactory: (pool: Pool, metrics: ServiceMetrics) => new AccessLog(pool, AUDIT_ACCESS_LOG, metrics.accessLog) },
    { provide: INTEGRITY_ANCHORS, inject: [PG_POOL], useFactory: (pool: Pool) => integrityAnchors(pool) },
    CheckpointKeeper,
    AuditService,
    { provide: PerformanceService, inject: [AUDIT_SOURCES], useFactory: (s: AuditSources) => new PerformanceService(s) },
    AuditLifecycle,
    ...AUDIT_QUERY_HANDLERS,
  ],
})
export class AuditModule {}
