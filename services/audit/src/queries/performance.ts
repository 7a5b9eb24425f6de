import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { AuditService } from '../audit.service';
import type { PerformanceReport } from '../performance/measures';
import type { ResolvedPeriod } from '../performance/period';
import { PerformanceService } from '../performance/performance.service';

/** Statutory performance for a period, computed from every event store. */
export class PerformanceReportQuery extends Query<PerformanceReport> {
  constructor(
    readonly who: Principal,
    readonly period: ResolvedPeriod,
    /** How it will be shown (`json`, `csv`, `html`): kept in the access log. */
    readonly format: string,
  ) {
    super();
  }
}

@QueryHandler(PerformanceReportQuery)
export class PerformanceReportHandler implements IQueryHandler<PerformanceReportQuery> {
  constructor(
    private readonly audit: AuditService,
    private readonly performance: PerformanceService,
  ) {}

  async execute({ who, period, format }: PerformanceReportQuery): Promise<PerformanceReport> {
    await this.audit.recordAccess(who, 'performance', null, { ...period, format });
    return this.performance.report(period);
  }
}
