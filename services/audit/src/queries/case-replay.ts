import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { AsOfSummary } from '../as-of/case-replay';
import type { TransferAudit } from '../as-of/transfers';
import { AuditService } from '../audit.service';
import type { HistoryEntry } from '../history/entry';
import type { IntegrityReport } from '../integrity/integrity';

/**
 * The case as it stood: `recordedAt` (its events recorded at or before that instant, replayed) or `businessDate` (what
 * was true on that day as far as is known now).
 */
export class CaseAsOfQuery extends Query<AsOfSummary> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
    readonly when: { recordedAt: string } | { businessDate: string },
  ) {
    super();
  }
}

@QueryHandler(CaseAsOfQuery)
export class CaseAsOfHandler implements IQueryHandler<CaseAsOfQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, when }: CaseAsOfQuery): Promise<AsOfSummary> {
    if ('businessDate' in when) {
      await this.audit.recordAccess(who, 'as-of', caseId, { businessDate: when.businessDate });
      return this.audit.asOfBusinessDate(caseId, when.businessDate);
    }
    await this.audit.recordAccess(who, 'as-of', caseId, { at: when.recordedAt });
    return this.audit.asOf(caseId, when.recordedAt);
  }
}

/** Each transfer of the case as it stood at `at`, with its steps, deadlines and who was responsible when. */
export class CaseTransfersQuery extends Query<TransferAudit[]> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
    readonly at: string,
  ) {
    super();
  }
}

@QueryHandler(CaseTransfersQuery)
export class CaseTransfersHandler implements IQueryHandler<CaseTransfersQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, at }: CaseTransfersQuery): Promise<TransferAudit[]> {
    await this.audit.recordAccess(who, 'transfers', caseId, { at });
    return this.audit.transfers(caseId, at);
  }
}

export interface CaseReportData {
  history: HistoryEntry[];
  integrity: IntegrityReport;
  asOf: AsOfSummary;
}

/** What the printable case-file report shows: the whole history, the case's integrity and the case as of `at`. */
export class CaseReportQuery extends Query<CaseReportData> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
    readonly at: string,
  ) {
    super();
  }
}

@QueryHandler(CaseReportQuery)
export class CaseReportHandler implements IQueryHandler<CaseReportQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, at }: CaseReportQuery): Promise<CaseReportData> {
    await this.audit.recordAccess(who, 'report', caseId, { at });
    const [history, integrity, asOf] = await Promise.all([this.audit.historyOrNotFound(caseId), this.audit.integrity(caseId), this.audit.asOf(caseId, at)]);
    return { history, integrity, asOf };
  }
}
