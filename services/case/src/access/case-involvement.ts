import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { ehcCaseDecider, familyAccessOf, londonDateOf, type EhcCaseState } from '@tio/ehc-domain';
import type { InvolvementGround, InvolvementRule } from '@tio/service-kit';
import { foldTransfer } from '@tio/transfer-domain';
import { caseStream } from '../case-aggregate';
import { asTransferEvent, TransferCommands } from '../transfers/transfer-commands.service';

/** Organisations the case's own stream names: the LAs it has had, the receiving LA of a move, consulted and named settings, commissioning bodies. */
function namedOnCase(state: EhcCaseState): Set<string> {
  const named = new Set<string>();
  const add = (org: string | undefined) => org && named.add(org);
  add(state.localAuthority);
  for (const t of Object.values(state.transfers)) [t.fromLocalAuthority, t.toLocalAuthority].forEach(add);
  for (const t of state.assessmentTransfers ?? []) [t.fromLocalAuthority, t.toLocalAuthority].forEach(add);
  for (const c of Object.values(state.consultations)) add(c.settingRef);
  add(state.namedSettingRef);
  add(state.finalPlan?.namedSettingRef);
  for (const c of Object.values(state.commissioningChanges)) add(c.newCommissioningBodyRef);
  return named;
}

/**
 * Who may see a case in the case service at all (every route with `:caseId` goes through it, see InvolvementCheck):
 * auditors and the service identity every case; the LA responsible now; an organisation the case names (an LA it
 * had or is moving to, a consulted or named setting, a commissioning body); a party to a transfer of responsibility
 * of the case; a family member linked to it who may see it (`linked-family-member`, issue #21). Nobody else, and
 * nobody for a case that does not exist: the refusal is the same either way. The routes keep their finer rules (only the responsible LA's case officers move the lifecycle, each transfer step by
 * its own side, the family's views by the responsible LA).
 */
@Injectable()
export class CaseInvolvement implements InvolvementRule {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TransferCommands) private readonly transfers: TransferCommands,
  ) {}

  async groundFor(p: Principal, caseId: string): Promise<InvolvementGround> {
    if (p.roles.includes('auditor')) return { ground: 'auditor' };
    if (p.roles.includes('service')) return { ground: 'service' };
    // an access decision, never shown: from this process's cached state of the case plus what followed it (a read all the same)
    const { state } = await loadState(this.store, caseStream(caseId), ehcCaseDecider, { cached: true });
    if (state.status === 'none') return undefined;
    // a family member: linked to this case and allowed to see it (familyAccessOf); never by organisation (theirs is `family`)
    if (p.roles.includes('family')) {
      const access = familyAccessOf(state, p.userId, londonDateOf(new Date()));
      return access.see ? { ground: 'linked-family-member', relationship: access.relationship, act: access.act } : undefined;
    }
    if (p.organisationId === state.localAuthority) return { ground: 'responsible-local-authority' };
    if (namedOnCase(state).has(p.organisationId)) return { ground: 'named-on-case' };
    // transfers of responsibility live in their own streams (a scan; only for callers not found above)
    for (const events of (await this.transfers.transfersOf(caseId)).values()) {
      const t = foldTransfer(events.map(asTransferEvent));
      if (t.fromOrganisation === p.organisationId || t.toOrganisation === p.organisationId) return { ground: 'transfer-party' };
    }
    return undefined;
  }
}
