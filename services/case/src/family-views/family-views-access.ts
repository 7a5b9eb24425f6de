import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { AdviceAccessPolicy } from '@tio/agency-kit';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { ehcCaseDecider } from '@tio/ehc-domain';
import { caseStream } from '../case-aggregate';

/**
 * The views of the child and family belong to the local authority responsible for the case (today's, after any
 * transfer: read from the case's own stream, not from the read model). Writers are the LA's family caseworkers and
 * advocates (`practitioner`) and its case officers (`case-officer`), with agency `local-authority` and the
 * responsible LA as organisation; readers are the same people, auditors and services. A case the service does not
 * know is left to the kit (404 `unknown-case` / 409 `advice-not-requested`).
 */
@Injectable()
export class FamilyViewsAccess implements AdviceAccessPolicy {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async authorise(p: Principal, caseId: string, access: 'read' | 'write'): Promise<void> {
    if (access === 'read' && (p.roles.includes('auditor') || p.roles.includes('service'))) return;
    const { state } = await loadState(this.store, caseStream(caseId), ehcCaseDecider);
    if (state.status === 'none') return;
    if (p.agency !== 'local-authority' || p.organisationId !== state.localAuthority) {
      throw new ForbiddenException(`the views of the child and family on case ${caseId} are kept by ${state.localAuthority}; the token is for ${p.organisationId} (${p.agency})`);
    }
  }
}
