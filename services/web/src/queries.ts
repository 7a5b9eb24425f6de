import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { caseload, type CaseloadFilter, type CaseloadRow } from './caseload/caseload';
import { TimelineApi, type ApiEntry, type CaseStatusView } from './timeline-api';

/** The signed-in user's caseload, filtered and sorted. */
export class CaseloadQuery extends Query<{ asOf: string; total: number; rows: CaseloadRow[] }> {
  constructor(readonly accessToken: string, readonly filter: CaseloadFilter) {
    super();
  }
}

@QueryHandler(CaseloadQuery)
export class CaseloadHandler implements IQueryHandler<CaseloadQuery> {
  constructor(@Inject(TimelineApi) private readonly api: TimelineApi) {}
  async execute({ accessToken, filter }: CaseloadQuery) {
    const { asOf, cases } = await this.api.cases(accessToken);
    return { asOf, total: cases.length, rows: caseload(cases, filter, asOf) };
  }
}

/** A case's timeline entries and statutory status, read together. */
export class CasePageQuery extends Query<{ entries: ApiEntry[]; entryCount: number; more: boolean; status: CaseStatusView }> {
  constructor(readonly accessToken: string, readonly caseId: string) {
    super();
  }
}

@QueryHandler(CasePageQuery)
export class CasePageHandler implements IQueryHandler<CasePageQuery> {
  constructor(@Inject(TimelineApi) private readonly api: TimelineApi) {}
  async execute({ accessToken, caseId }: CasePageQuery) {
    // the timeline first: its access check answers 403 for a case the caller's organisation is not involved in
    const timeline = await this.api.timeline(accessToken, caseId);
    const status = await this.api.status(accessToken, caseId);
    return { entries: timeline.entries, entryCount: timeline.entryCount, more: timeline.nextCursor !== null, status };
  }
}

export const WEB_QUERY_HANDLERS = [CaseloadHandler, CasePageHandler];
