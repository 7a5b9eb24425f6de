import { HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { AccessLog, type AccessLogTable } from '@tio/service-kit';
import { ADVICE_ACCESS, type AdviceAccessPolicy } from '../options';

export const AGENCY_ACCESS_LOG = Symbol('AGENCY_ACCESS_LOG');
export const AGENCY_ACCESS_LOG_TABLE: AccessLogTable = { table: 'agency_access_log', migrationsTable: 'agency_access_log_migrations' };

/** What was read or attempted: the route's name in the access log. */
export type CaseAction = 'advice-requests' | 'advice' | 'advice-history' | 'advice-write' | 'social-care-assessments' | 'social-care-assessments-write';

/**
 * Every read of a case, and every refusal, through the service's access rule, recorded in its hash-chained access
 * log (who, when, what, why if the caller said: the `X-Access-Reason` header).
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
    // writes are recorded by the event store itself; the log is for reads (and every refusal)
    if (access === 'read') await record('allowed');
  }
}
