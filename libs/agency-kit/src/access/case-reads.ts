import { HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { AccessLog, type AccessLogTable } from '@tio/service-kit';
import { ADVICE_ACCESS, type AdviceAccessPolicy } from '../options';

export const AGENCY_ACCESS_LOG = Symbol('AGENCY_ACCESS_LOG');
export const AGENCY_ACCESS_LOG_TABLE: AccessLogTable = { table: 'agency_access_log', migrationsTable: 'agency_access_log_migrations' };

/** What was read or attempted: the route's name in the access log. */
export type CaseAction = 'advice-requests' | 'advice' | 'advice-history' | 'advice-write' | 'social-care-assessments' | 'social-care-assessments-write' | 'commissioning-body-write';

/**
 * The finer rule of a route, after the service-wide involvement rule every case-scoped route already passed
 * (`CASE_SCOPE_CHECK`, which logged the read): the host's `AdviceAccessPolicy` for reads (e.g. the family's views in
 * the case service: the responsible LA only) and writes (this agency's own advice). Every refusal is recorded in the
 * hash-chained access log.
 */
@Injectable()
export class CaseReads {
  constructor(
    @Inject(AGENCY_ACCESS_LOG) private readonly log: AccessLog,
    @Optional() @Inject(ADVICE_ACCESS) private readonly policy?: AdviceAccessPolicy,
  ) {}

  async authorise(p: Principal, caseId: string, access: 'read' | 'write', action: CaseAction, reason?: string): Promise<void> {
    const record = (outcome: 'allowed' | 'denied', extra: Record<string, unknown> = {}) =>
      this.log.record({ userId: p.userId, organisationId: p.organisationId, agency: p.agency, roles: p.roles, action, caseId, detail: { outcome, ...(reason ? { reason } : {}), ...extra } });
    try {
      await this.policy?.authorise(p, caseId, access);
    } catch (err) {
      if (err instanceof HttpException && err.getStatus() === 403) await record('denied', { status: 403 });
      throw err;
    }
    // an allowed read was logged by the involvement rule; writes are recorded by the event store itself
  }
}
