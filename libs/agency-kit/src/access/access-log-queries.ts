import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { AccessLog, AccessLogEntry, AccessLogVerification } from '@tio/service-kit';
import { AGENCY_ACCESS_LOG } from './case-reads';

export interface AccessLogPage {
  entries: AccessLogEntry[];
  verification: AccessLogVerification;
}

/** An auditor's page of this service's access log (the read is itself logged first), with the whole chain verified. */
export class GetAccessLogQuery extends Query<AccessLogPage> {
  constructor(
    readonly caller: Principal,
    readonly page: { caseId?: string; afterSeq?: number; limit: number },
  ) {
    super();
  }
}

@QueryHandler(GetAccessLogQuery)
export class GetAccessLogHandler implements IQueryHandler<GetAccessLogQuery, AccessLogPage> {
  constructor(@Inject(AGENCY_ACCESS_LOG) private readonly log: AccessLog) {}

  async execute({ caller, page }: GetAccessLogQuery): Promise<AccessLogPage> {
    await this.log.record({ userId: caller.userId, organisationId: caller.organisationId, agency: caller.agency, roles: caller.roles, action: 'access-log', caseId: page.caseId ?? null, detail: {} });
    const [entries, verification] = await Promise.all([this.log.list(page), this.log.verify()]);
    return { entries, verification };
  }
}
