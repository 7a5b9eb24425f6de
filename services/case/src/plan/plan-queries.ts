import { NotFoundException } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Caller } from '@tio/event-sourcing';
import { planVersionChanges, planView, PlanVersionNotFoundError, type PlanVersionChanges, type PlanView } from '@tio/ehc-domain';
import { GetCaseQuery } from '../case-queries';

/** The plan's contents (latest version, every version) and personal budgets; the case's read rule applies (GetCaseQuery). */
export class GetPlanQuery extends Query<PlanView & { caseId: string; revision: number }> {
  constructor(
    readonly caseId: string,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** What one version of the plan's contents changed against the one before (reg 22). */
export class GetPlanChangesQuery extends Query<PlanVersionChanges & { caseId: string }> {
  constructor(
    readonly caseId: string,
    readonly version: number,
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(GetPlanQuery)
export class GetPlanHandler implements IQueryHandler<GetPlanQuery> {
  constructor(private readonly queries: QueryBus) {}
  async execute({ caseId, caller }: GetPlanQuery) {
    const { state, revision } = await this.queries.execute(new GetCaseQuery(caseId, caller));
    return { caseId, revision, ...planView(state) };
  }
}

@QueryHandler(GetPlanChangesQuery)
export class GetPlanChangesHandler implements IQueryHandler<GetPlanChangesQuery> {
  constructor(private readonly queries: QueryBus) {}
  async execute({ caseId, version, caller }: GetPlanChangesQuery) {
    const { state } = await this.queries.execute(new GetCaseQuery(caseId, caller));
    try {
      return { caseId, ...planVersionChanges(state, version) };
    } catch (e) {
      if (e instanceof PlanVersionNotFoundError) throw new NotFoundException(e.message);
      throw e;
    }
  }
}

export const PLAN_QUERY_HANDLERS = [GetPlanHandler, GetPlanChangesHandler];
