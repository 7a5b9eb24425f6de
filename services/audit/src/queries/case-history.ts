import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { AuditService, type WhyAnswer } from '../audit.service';
import type { HistoryEntry } from '../history/entry';

export interface CaseHistory {
  entries: HistoryEntry[];
  /** The event stores the history was merged from. */
  stores: string[];
}

/** A case's history across every event store (as recorded at or before `at`, if given); 404 when no store holds the case. */
export class CaseHistoryQuery extends Query<CaseHistory> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
    readonly at: string | undefined,
    /** How it will be exported (`json`, `csv`): kept in the access log. */
    readonly format: string,
  ) {
    super();
  }
}

@QueryHandler(CaseHistoryQuery)
export class CaseHistoryHandler implements IQueryHandler<CaseHistoryQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, at, format }: CaseHistoryQuery): Promise<CaseHistory> {
    await this.audit.recordAccess(who, 'history', caseId, { format, ...(at ? { at } : {}) });
    return { entries: await this.audit.historyOrNotFound(caseId, at), stores: this.audit.storeNames };
  }
}

/** Why an event of the case happened: its causation chain back to the root cause, and its correlation. */
export class WhyQuery extends Query<WhyAnswer> {
  constructor(
    readonly who: Principal,
    readonly caseId: string,
    readonly eventId: string,
  ) {
    super();
  }
}

@QueryHandler(WhyQuery)
export class WhyHandler implements IQueryHandler<WhyQuery> {
  constructor(private readonly audit: AuditService) {}

  async execute({ who, caseId, eventId }: WhyQuery): Promise<WhyAnswer> {
    await this.audit.recordAccess(who, 'why', caseId, { eventId });
    return this.audit.why(caseId, eventId);
  }
}
