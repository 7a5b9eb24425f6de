import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { caseload, type CaseloadFilter, type CaseloadRow } from './caseload/caseload';
import { CaseViewHandler } from './case-page/case-page.query';
import { TimelineApi } from './timeline-api';

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

export const WEB_QUERY_HANDLERS = [CaseloadHandler, CaseViewHandler];
