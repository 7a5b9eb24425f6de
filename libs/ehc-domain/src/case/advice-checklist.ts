import { isAfter, type IsoDate } from '../calendar';
import { ADVICE_TYPE_RULES, ADVICE_TYPES, type AdviceType } from './advice-types';
import type { AdviceScopeRecordedV1, FamilyInvolvementRecordedV1 } from './assessment-advice-events';
import { openReassessment } from './decide/reassessment';
import type { AdviceRequestState, EhcCaseState, ReusedAdviceState } from './state';

/**
 * What an EHC needs assessment has of the advice of SEND Regulations 2014 reg 6(1), item by item, and what a draft
 * plan still lacks. Pure: a function of the case's state (and, for `awaited` items, of the day asked about).
 *
 * What is enforced before a draft (decide/assessment-advice.ts `assertAdviceBeforeDraft`), and why:
 * - reg 6(1) is a duty to SEEK: every item below that applies must have been sought (an advice request) or, for
 *   (b)-(h), lawfully re-used instead under reg 6(4) (the adviser, the LA and the parent/young person agree it is
 *   sufficient). An item neither sought nor re-used refuses the draft (`not-sought`).
 * - Advice sought must also have ARRIVED, or the LA must have recorded that it goes on without it
 *   (`ehc.advice-not-awaited.v1`, with its reason): reg 11 asks the plan to take the advice into account, but the
 *   adviser's duty is only to answer within 6 weeks (reg 8(1), with the exceptions of 8(2)) and the LA keeps its
 *   own 16- and 20-week limits (regs 10(1), 13(2)), which reg 8's exceptions do not lift. So the LA may go on
 *   without a late adviser's advice, but only once the adviser's 6 weeks are over (or the family declined to give
 *   their views, or missed the adviser's appointment, reg 8(2)(c)), and only by recording it. An item sought and
 *   neither answered nor so recorded refuses the draft (`not-received`).
 * - The scope must be recorded first (`scope-not-recorded`): whether the child is in or beyond year 9 (reg 6(1)(g))
 *   and whether they are vision or hearing impaired (reg 6(1)(b) with 6(2)).
 * - A request for advice the family made themselves (`ehc.family-advice-asked.v1`, reg 6(1)(h)) needs the LA's
 *   finding (`ehc.family-advice-request-recorded.v1` with the same familyRequestId: reasonable, or declined with a
 *   reason) before a draft (`finding-not-recorded`): until the LA has decided, it cannot know whether (h) applies.
 *
 * Which items apply: (a) the parent's or young person's advice, (b) educational, (c) medical, (d) psychological and
 * (e) social care always; the qualified teacher of the vision/hearing impaired when the scope says so; (g)
 * preparing for adulthood from year 9; (h) one item for each request of the family the LA found reasonable; (f)
 * whatever other advice the LA chose to seek (each request it made must be answered or recorded as not awaited).
 */

export type AdviceItemStatus = 'not-required' | 'not-sought' | 'awaited' | 'received' | 'reused' | 'not-awaited';
export type MissingAdviceProblem = 'scope-not-recorded' | 'not-sought' | 'not-received' | 'finding-not-recorded';

export interface AdviceChecklistItem {
  adviceType: AdviceType;
  regulation: string;
  required: boolean;
  status: AdviceItemStatus;
  adviceRequestIds: string[];
  reuseIds: string[];
  /** For `awaited`: the latest date an outstanding adviser's 6 weeks end (reg 8(1)). */
  dueOn?: IsoDate;
}

export interface MissingAdvice {
  /** An advice type of reg 6(1), or `advice-scope`. */
  item: AdviceType | 'advice-scope';
  regulation: string;
  problem: MissingAdviceProblem;
  /** For `not-received`: the requests still unanswered, and whether the LA may now record going on without them. */
  adviceRequestIds?: string[];
  dueOn?: IsoDate;
  /** For (h): the family's reasonable requests not yet sought (`not-sought`), or their own requests awaiting the LA's finding (`finding-not-recorded`). */
  familyRequestIds?: string[];
}

export interface AdviceChecklist {
  assessmentId?: string;
  scope?: Pick<AdviceScopeRecordedV1, 'inOrBeyondYear9' | 'yearGroupFrom' | 'visionOrHearingImpaired' | 'recordedOn'>;
  items: AdviceChecklistItem[];
  familyRequests: Array<{ familyRequestId: string; requestedOn: IsoDate; reasonable: boolean; sought: boolean }>;
  /** reg 6(1)(h): requests the family made themselves that the LA has not yet found reasonable or declined. */
  familyAsksAwaitingFinding: Array<{ familyRequestId: string; askedOn: IsoDate; adviser: { name: string; role: string } }>;
  /** What a draft plan still needs (empty: it may be issued). */
  missing: MissingAdvice[];
  /** reg 7: consultations of the child and family; reg 9: information, advice and support given. */
  consultations: FamilyInvolvementRecordedV1[];
  informationAdviceSupport: FamilyInvolvementRecordedV1[];
}

/** The assessment the checklist is about: a reassessment under way (reg 26), otherwise the first assessment (and a new LA's, s.24). */
function inThisAssessment(state: EhcCaseState): (assessmentId: string | undefined) => boolean {
  const open = openReassessment(state);
  if (open) return (id) => id === open.assessmentId;
  const reassessments = new Set(Object.values(state.reassessments ?? {}).map((r) => r.assessmentId).filter(Boolean));
  return (id) => !reassessments.has(id);
}

const ALWAYS: readonly AdviceType[] = ['parent-views', 'educational', 'medical', 'psychological', 'social-care'];

function resolved(state: EhcCaseState, r: AdviceRequestState): boolean {
  return !!r.current || !!state.adviceNotAwaited?.[r.adviceRequestId];
}

function itemStatus(state: EhcCaseState, required: boolean, requests: AdviceRequestState[], reuses: ReusedAdviceState[]): AdviceItemStatus {
  if (requests.some((r) => !resolved(state, r))) return 'awaited';
  if (requests.some((r) => r.current && !r.current.reused)) return 'received';
  if (reuses.length) return 'reused';
  if (requests.length) return 'not-awaited';
  return required ? 'not-sought' : 'not-required';
}

export function adviceChecklist(state: EhcCaseState): AdviceChecklist {
  const here = inThisAssessment(state);
  const assessmentId = openReassessment(state)?.assessmentId ?? state.assessmentId;
  const scope = Object.values(state.adviceScopes ?? {}).filter((s) => here(s.assessmentId)).at(-1);
  const requests = Object.values(state.adviceRequests).filter((r) => here(r.assessmentId));
  const reuses = Object.values(state.reusedAdvice).filter((r) => here(r.assessmentId));
  const familyAsked = Object.values(state.familyAdviceRequests ?? {}).filter((f) => here(f.assessmentId));
  const reasonable = familyAsked.filter((f) => f.reasonable);
  const awaitingFinding = Object.entries(state.family?.adviceAsked ?? {})
    .filter(([id, ask]) => here(ask.assessmentId) && !state.familyAdviceRequests?.[id])
    .map(([familyRequestId, ask]) => ({ familyRequestId, askedOn: ask.askedOn, adviser: ask.adviser }));
  const missing: MissingAdvice[] = [];
  if (!scope) missing.push({ item: 'advice-scope', regulation: 'reg 6(1)(b), 6(1)(g), 6(2)', problem: 'scope-not-recorded' });

  const familySought = requests.filter((r) => r.adviceType === 'requested-by-family').length
    + reuses.filter((r) => r.adviceType === 'requested-by-family').length;
  const items = ADVICE_TYPES.map((adviceType): AdviceChecklistItem => {
    const mine = requests.filter((r) => r.adviceType === adviceType);
    const reused = reuses.filter((r) => r.adviceType === adviceType);
    const required = ALWAYS.includes(adviceType)
      || (adviceType === 'vision-hearing' && scope?.visionOrHearingImpaired === true)
      || (adviceType === 'preparing-for-adulthood' && scope?.inOrBeyondYear9 === true)
      || (adviceType === 'requested-by-family' && reasonable.length > 0)
      || (adviceType === 'other' && mine.length + reused.length > 0);
    let status = itemStatus(state, required, mine, reused);
    // reg 6(1)(h): one item for each reasonable request of the family, in the order they asked
    const unsought = adviceType === 'requested-by-family' ? reasonable.slice(familySought) : [];
    if (unsought.length && status !== 'awaited') status = 'not-sought';
    const outstanding = mine.filter((r) => !resolved(state, r));
    const dueOn = outstanding.map((r) => r.dueOn).sort().at(-1);
    const regulation = ADVICE_TYPE_RULES[adviceType].regulation;
    if ((required && mine.length + reused.length === 0) || unsought.length) {
      missing.push({ item: adviceType, regulation, problem: 'not-sought', ...(unsought.length ? { familyRequestIds: unsought.map((f) => f.familyRequestId) } : {}) });
    }
    if (adviceType === 'requested-by-family' && awaitingFinding.length) {
      missing.push({ item: adviceType, regulation, problem: 'finding-not-recorded', familyRequestIds: awaitingFinding.map((f) => f.familyRequestId) });
    }
    if (outstanding.length) {
      missing.push({ item: adviceType, regulation, problem: 'not-received', adviceRequestIds: outstanding.map((r) => r.adviceRequestId), ...(dueOn ? { dueOn } : {}) });
    }
    return {
      adviceType, regulation, required, status, adviceRequestIds: mine.map((r) => r.adviceRequestId), reuseIds: reused.map((r) => r.reuseId),
      ...(status === 'awaited' && dueOn ? { dueOn } : {}),
    };
  });
  const involvement = state.familyInvolvement ?? [];
  return {
    ...(assessmentId ? { assessmentId } : {}),
    ...(scope ? { scope: { inOrBeyondYear9: scope.inOrBeyondYear9, yearGroupFrom: scope.yearGroupFrom, visionOrHearingImpaired: scope.visionOrHearingImpaired, recordedOn: scope.recordedOn } } : {}),
    items,
    familyRequests: familyAsked.map((f) => ({
      familyRequestId: f.familyRequestId, requestedOn: f.requestedOn, reasonable: f.reasonable,
      sought: f.reasonable && reasonable.indexOf(f) < familySought,
    })),
    familyAsksAwaitingFinding: awaitingFinding,
    missing,
    consultations: involvement.filter((i) => i.kind === 'consulted'),
    informationAdviceSupport: involvement.filter((i) => i.kind === 'information-advice-support'),
  };
}

/** True when the adviser's 6 weeks for this request (reg 8(1)) are over on `day`. */
export function adviceTimeOver(request: AdviceRequestState, day: IsoDate): boolean {
  return isAfter(day, request.dueOn);
}
