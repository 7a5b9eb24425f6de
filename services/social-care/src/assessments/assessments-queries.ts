import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseReads } from '@tio/agency-kit';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { assessmentsDecider, assessmentsStream, type AssessmentsState } from './assessment-references';

/**
 * The social care assessments referenced on a case. Read rule (after the service's involvement rule every
 * case-scoped route passed): the service's read policy for this route, whose refusals are in the access log.
 */
export class GetAssessmentsQuery extends Query<AssessmentsState> {
  constructor(
    readonly caseId: string,
    readonly caller: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetAssessmentsQuery)
export class GetAssessmentsHandler implements IQueryHandler<GetAssessmentsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CaseReads) private readonly access: CaseReads,
  ) {}

  async execute({ caseId, caller }: GetAssessmentsQuery): Promise<AssessmentsState> {
    await this.access.authorise(caller, caseId, 'read', 'social-care-assessments');
    return (await loadState(this.store, assessmentsStream(caseId), assessmentsDecider)).state;
  }
}
