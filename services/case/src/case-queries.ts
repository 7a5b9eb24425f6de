import { ForbiddenException, Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadState, type Caller } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { CaseNotFoundError, ehcCaseDecider, type EhcCaseState } from '@tio/ehc-domain';
import { caseStream } from './case-aggregate';

/**
 * The case as its events describe it. Read rule (after the route's involvement check): auditors and services read
 * any case; everyone else only a case of their own local authority.
 */
export class GetCaseQuery extends Query<{ state: EhcCaseState; revision: number }> {
  constructor(
    readonly caseId: string,
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId, caller }: GetCaseQuery): Promise<{ state: EhcCaseState; revision: number }> {
    const { state, revision } = await loadState(this.store, caseStream(caseId), ehcCaseDecider);
    if (state.status === 'none') throw new CaseNotFoundError(caseId);
    if (!caller.roles.includes('auditor') && !caller.roles.includes('service') && caller.organisationId !== state.localAuthority) {
      throw new ForbiddenException(`case ${caseId} is the responsibility of ${state.localAuthority}; the token is for ${caller.organisationId}`);
    }
    return { state, revision };
  }
}
