import { emptyFamily, familyAccessOf, initialState, replay, type EhcEvent, type FamilyAccess, type IsoDate } from '@tio/ehc-domain';

/**
 * What a linked family member may read of one agency's advice, now: a pure rule, the same as the family's timeline
 * (services/timeline/src/family/family-rule.ts), applied to the advice's content rather than its entries.
 *
 * 1. The family's own views (`parent-views`, the views of the child and family, reg 6(1)(a)) are theirs from the start.
 * 2. Other advice is the family's from when the local authority issues the draft plan: it must send the advice it
 *    obtained with the draft (SEND Regulations 2014, reg 13; Code of Practice 9.77). A final plan (or an amended one)
 *    implies a draft was issued. Before that, only the advice the local authority shared early
 *    (`ehc.advice-shared-with-family.v1`, by advice id).
 * 3. Advice its agency marked `withheldFromFamily` is never shown, before or after the draft; the latest version
 *    decides, so a correction can lift or add the marker.
 * 4. Withdrawn advice the family may see is listed as withdrawn (its text no longer stands).
 */

/** The case's milestones the rule needs, from the case's published events. */
export interface FamilyAdviceCaseFacts {
  /** `ehc.draft-plan-issued.v1`, or a final or amended plan (which follows a draft). */
  draftIssued: boolean;
  /** The advice ids the local authority shared with the family before the draft. */
  sharedAdviceIds: ReadonlySet<string>;
}

/** One advice as the rule needs it: its latest version's marker, and whether it was withdrawn. */
export interface FamilyAdviceCandidate {
  adviceId: string;
  adviceType: string;
  /** The latest version's `withheldFromFamily.reason`, if any. */
  withheldReason?: string;
  withdrawn: boolean;
}

export type FamilyAdviceDecision =
  | { show: true; basis: 'family-views' | 'advice-with-draft' | 'advice-shared-early'; withdrawn: boolean }
  | { show: false; why: 'withheld' | 'before-draft' };

export function familyAdviceDecision(facts: FamilyAdviceCaseFacts, advice: FamilyAdviceCandidate): FamilyAdviceDecision {
  if (advice.withheldReason) return { show: false, why: 'withheld' };
  if (advice.adviceType === 'parent-views') return { show: true, basis: 'family-views', withdrawn: advice.withdrawn };
  if (facts.draftIssued) return { show: true, basis: 'advice-with-draft', withdrawn: advice.withdrawn };
  if (facts.sharedAdviceIds.has(advice.adviceId)) return { show: true, basis: 'advice-shared-early', withdrawn: advice.withdrawn };
  return { show: false, why: 'before-draft' };
}

/** The case events the kit keeps for the family (`agency_kit.case_family_events`). */
export const FAMILY_LINK_TYPES = ['ehc.family-member-linked.v1', 'ehc.family-member-unlinked.v1', 'ehc.young-person-rights-recorded.v1'] as const;
export const DRAFT_OR_PLAN_TYPES = ['ehc.draft-plan-issued.v1', 'ehc.final-plan-issued.v1', 'ehc.plan-amended.v1'] as const;
export const ADVICE_SHARED_TYPE = 'ehc.advice-shared-with-family.v1';
export const FAMILY_CASE_EVENT_TYPES: readonly string[] = [...FAMILY_LINK_TYPES, ...DRAFT_OR_PLAN_TYPES, ADVICE_SHARED_TYPE];

/** One kept case event, in the case's order. */
export interface FamilyCaseEventRow {
  type: string;
  data: Record<string, unknown>;
}

/** The milestones of the case from its kept events. */
export function familyAdviceCaseFacts(rows: readonly FamilyCaseEventRow[]): FamilyAdviceCaseFacts {
  return {
    draftIssued: rows.some((r) => (DRAFT_OR_PLAN_TYPES as readonly string[]).includes(r.type)),
    sharedAdviceIds: new Set(rows.filter((r) => r.type === ADVICE_SHARED_TYPE).flatMap((r) => (Array.isArray(r.data['adviceIds']) ? r.data['adviceIds'].map(String) : []))),
  };
}

/**
 * What a family member may do on the case, by the domain's own rule (`familyAccessOf`), from the case's published
 * family events in their order (as the timeline does: services/timeline/src/family/family-access.ts). The published
 * rights event says `lacksCapacity` where the stored one gives the reason: the rule needs only to know there is one.
 */
export function familyAccessFromEvents(rows: readonly FamilyCaseEventRow[], subject: string, today: IsoDate): FamilyAccess {
  const events = rows
    .filter((r) => (FAMILY_LINK_TYPES as readonly string[]).includes(r.type))
    .map((r) => {
      if (r.type !== 'ehc.young-person-rights-recorded.v1' || !r.data['lacksCapacity']) return { type: r.type, data: r.data };
      const { lacksCapacity: _lacksCapacity, ...data } = r.data;
      return { type: r.type, data: { ...data, capacityException: 'lacks capacity (the reason is kept by the case service)' } };
    });
  return familyAccessOf(replay(events as unknown as EhcEvent[], { ...initialState(), family: emptyFamily() }), subject, today);
}
