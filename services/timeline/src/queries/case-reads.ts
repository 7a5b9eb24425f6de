import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { CasesQueryDto, TimelineQueryDto } from '../api/dto';
import { TimelineService } from '../api/timeline.service';

type CasesPage = Awaited<ReturnType<TimelineService['cases']>>;
type TimelinePage = Awaited<ReturnType<TimelineService['timeline']>>;
type CaseStatus = Awaited<ReturnType<TimelineService['status']>>;

/** The caller's cases (auditors: every case) with stage, next deadline and overdue counts; the listing is logged. */
export class ListCasesQuery extends Query<CasesPage> {
  constructor(
    readonly principal: Principal,
    readonly filter: CasesQueryDto,
  ) {
    super();
  }
}

@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery> {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}
  execute({ principal, filter }: ListCasesQuery): Promise<CasesPage> {
    return this.timeline.cases(principal, filter);
  }
}

/** A page of a case's timeline, after the involvement check (logged as `timeline`). */
export class CaseTimelineQuery extends Query<TimelinePage> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
    readonly filter: TimelineQueryDto,
  ) {
    super();
  }
}

@QueryHandler(CaseTimelineQuery)
export class CaseTimelineHandler implements IQueryHandler<CaseTimelineQuery> {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}
  execute({ principal, caseId, filter }: CaseTimelineQuery): Promise<TimelinePage> {
    return this.timeline.timeline(principal, caseId, filter);
  }
}

/** A case's statutory status on a day (default today in England), after the involvement check (logged as `status`). */
export class CaseStatusQuery extends Query<CaseStatus> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
    readonly asOf: string | undefined,
  ) {
    super();
  }
}

@QueryHandler(CaseStatusQuery)
export class CaseStatusHandler implements IQueryHandler<CaseStatusQuery> {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}
  execute({ principal, caseId, asOf }: CaseStatusQuery): Promise<CaseStatus> {
    return this.timeline.status(principal, caseId, asOf);
  }
}

type FamilyTimelinePage = Awaited<ReturnType<TimelineService['familyTimeline']>>;
type FamilyCasesPage = Awaited<ReturnType<TimelineService['familyCases']>>;

/** The case as its family sees it (plain English, the withholding rule, the statutory clock), after the access check (logged as `family-timeline`). */
export class FamilyTimelineQuery extends Query<FamilyTimelinePage> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
    readonly asOf: string | undefined,
  ) {
    super();
  }
}

@QueryHandler(FamilyTimelineQuery)
export class FamilyTimelineHandler implements IQueryHandler<FamilyTimelineQuery> {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}
  execute({ principal, caseId, asOf }: FamilyTimelineQuery): Promise<FamilyTimelinePage> {
    return this.timeline.familyTimeline(principal, caseId, asOf);
  }
}

/** A family member's cases (logged as `family-cases`). */
export class FamilyCasesQuery extends Query<FamilyCasesPage> {
  constructor(readonly principal: Principal) {
    super();
  }
}

@QueryHandler(FamilyCasesQuery)
export class FamilyCasesHandler implements IQueryHandler<FamilyCasesQuery> {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}
  execute({ principal }: FamilyCasesQuery): Promise<FamilyCasesPage> {
    return this.timeline.familyCases(principal);
  }
}
