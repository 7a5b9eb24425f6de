import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { AccessLogEntry, AccessLogVerification } from '@tio/service-kit';
import { AuditService } from '../audit.service';

export interface AccessLogPage {
  entries: AccessLogEntry[];
  verification: AccessLogVerification;
}

/** Who read which case, when (one case, or every case): a page after `afterSeq`, with the verification of the whole chain. */
export class ReadAccessLogQuery extends Query<AccessLogPage> {
  constructor(
    readonly who: Principal,
    readonly caseId: string | undefined,
    readonly afterSeq: number | undefined,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(ReadAccessLogQuery)
export class ReadAccessLogHandler implements IQueryHandler<ReadAccessLogQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, afterSeq, limit }: ReadAccessLogQuery): Promise<AccessLogPage> {
    await this.audit.recordAccess(who, 'access-log', null, { ...(caseId ? { caseId } : {}) });
    const [entries, verification] = await Promise.all([this.audit.accessLog.list({ caseId, afterSeq, limit }), this.audit.accessLog.verify()]);
    return { entries, verification };
  }
}
