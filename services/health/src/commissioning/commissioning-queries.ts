import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RecordNotFoundError } from '@tio/agency-kit';
import { EVENT_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { commissioningDecider, commissioningStream, type CommissioningState } from './commissioning-body';

/**
 * The responsible commissioning body of a case and every earlier one. Read rule: the service's involvement rule,
 * which every case-scoped route passed before (AuthGuard + CASE_SCOPE_CHECK); nothing finer.
 */
export class GetCommissioningBodyQuery extends Query<CommissioningState> {
  constructor(readonly caseId: string) {
    super();
  }
}

@QueryHandler(GetCommissioningBodyQuery)
export class GetCommissioningBodyHandler implements IQueryHandler<GetCommissioningBodyQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId }: GetCommissioningBodyQuery): Promise<CommissioningState> {
    const { state } = await loadState(this.store, commissioningStream(caseId), commissioningDecider);
    if (!state.current) throw new RecordNotFoundError(`no commissioning body is recorded for case ${caseId}`, { caseId });
    return state;
  }
}
