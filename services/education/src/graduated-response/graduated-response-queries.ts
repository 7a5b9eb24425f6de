import { ForbiddenException, Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AGENCY_ACCESS_LOG, RecordNotFoundError } from '@tio/agency-kit';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import type { AccessLog } from '@tio/service-kit';
import { graduatedResponseDecider, graduatedResponseStream, type GraduatedResponseState } from './graduated-response';

/**
 * A pupil's graduated response at a school. The record is the school's own (summaries are personal data): the
 * school itself, auditors and the service identity read it; anyone else gets the same 403 whether or not a record
 * exists. Every read and refusal is in the access log, with the reason the caller gave (X-Access-Reason).
 */
export class GetGraduatedResponseQuery extends Query<GraduatedResponseState> {
  constructor(
    readonly schoolUrn: string,
    readonly childRef: string,
    readonly caller: Principal,
    readonly reason?: string,
  ) {
    super();
  }
}

@QueryHandler(GetGraduatedResponseQuery)
export class GetGraduatedResponseHandler implements IQueryHandler<GetGraduatedResponseQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AGENCY_ACCESS_LOG) private readonly accessLog: AccessLog,
  ) {}

  async execute({ schoolUrn, childRef, caller, reason }: GetGraduatedResponseQuery): Promise<GraduatedResponseState> {
    const allowed = caller.organisationId === schoolUrn || caller.roles.includes('auditor') || caller.roles.includes('service');
    await this.accessLog.record({
      userId: caller.userId, organisationId: caller.organisationId, agency: caller.agency, roles: caller.roles, action: 'graduated-response', caseId: null,
      detail: { outcome: allowed ? 'allowed' : 'denied', schoolUrn, childRef, ...(reason ? { reason } : {}) },
    });
    if (!allowed) throw new ForbiddenException(`only ${schoolUrn}, auditors and the service identity read ${schoolUrn}'s graduated response records; the token is for ${caller.organisationId}`);
    const { state } = await loadState(this.store, graduatedResponseStream(schoolUrn, childRef), graduatedResponseDecider);
    if (state.cycles.length === 0) throw new RecordNotFoundError(`${schoolUrn} has no graduated response record for ${childRef}`, { schoolUrn, childRef });
    return state;
  }
}
