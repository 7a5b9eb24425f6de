import { isAfter, isIsoDate, type IsoDate } from '../../calendar';
import { adviceChecklist, adviceTimeOver } from '../advice-checklist';
import type { ProceedWithoutAdvice, RecordAdviceScope, RecordFamilyAdviceRequest, RecordFamilyInvolvement } from '../assessment-advice-commands';
import * as A from '../assessment-advice-errors';
import {
  ADVICE_NOT_AWAITED_REASONS, FAMILY_ADVICE_DECLINE_REASONS, FAMILY_INVOLVEMENT_KINDS, FAMILY_MEMBERS, INVOLVEMENT_METHODS, INVOLVEMENT_PROVIDERS,
} from '../assessment-advice-events';
import * as E from '../errors';
import type { EhcEvent } from '../events';
import type { EhcCaseState } from '../state';
import { fail, requireOneOf, requireText, unique } from './guards';
import { openReassessment } from './reassessment';

/** The assessment advice is sought for: the first one while assessing, or a reassessment under way (reg 26). */
export function assessmentUnderWay(state: EhcCaseState, step: string): string {
  const reassessment = state.status === 'plan-in-force' ? openReassessment(state) : undefined;
  if (reassessment?.assessmentId) return reassessment.assessmentId;
  if (state.status === 'assessing' && state.assessmentId) return state.assessmentId;
  if (state.status === 'requested') return fail(E.AssessmentNotAgreedError, `${step}: the LA has not yet decided to assess (reg 5)`);
  if (state.status === 'assessment-refused') return fail(E.AdviceForRefusedAssessmentError, `${step}: the LA decided not to assess (reg 5)`);
  return fail(E.AssessmentClosedError, `${step}: no assessment is under way (status ${state.status})`);
}

/**
 * reg 6(1)(g): in or beyond year 9 on `day`. In England a child is in year 9 in the school year (1 September to 31
 * August) in which they turn 14, so from 1 September of the year they are 13 on the previous 31 August. A young
 * person (16-25) is beyond year 9 by this rule too.
 */
export function inOrBeyondYear9(dateOfBirth: IsoDate, day: IsoDate): boolean {
  const [y, m] = day.split('-').map(Number);
  const schoolYearStarts = m >= 9 ? y : y - 1;
  return dateOfBirth <= `${schoolYearStarts - 13}-08-31`;
}

export function recordAdviceScope(command: RecordAdviceScope, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const assessmentId = assessmentUnderWay(state, 'Recording what the advice must cover');
  if (typeof command.visionOrHearingImpaired !== 'boolean') fail(E.InvalidCommandError, 'visionOrHearingImpaired must be true or false', { field: 'visionOrHearingImpaired' });
  const dob = state.child?.dateOfBirth;
  let inOrBeyond: boolean;
  if (typeof command.inOrBeyondYear9 === 'boolean') inOrBeyond = command.inOrBeyondYear9;
  else if (isIsoDate(dob)) inOrBeyond = inOrBeyondYear9(dob, at);
  else {
    return fail(A.YearGroupUnknownError, 'reg 6(1)(g): say whether the child is in or beyond year 9; the case has no date of birth to tell from', { field: 'inOrBeyondYear9' });
  }
  return [{
    type: 'ehc.advice-scope-recorded.v1',
    data: {
      caseId, assessmentId, inOrBeyondYear9: inOrBeyond, yearGroupFrom: typeof command.inOrBeyondYear9 === 'boolean' ? 'local-authority' : 'date-of-birth',
      visionOrHearingImpaired: command.visionOrHearingImpaired, recordedOn: at,
    },
  }];
}

export function recordFamilyAdviceRequest(command: RecordFamilyAdviceRequest, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const assessmentId = assessmentUnderWay(state, 'Recording the family’s request for advice');
  unique(state.familyAdviceRequests ?? {}, command.familyRequestId, 'familyRequestId');
  requireText(command.adviserRef, 'adviserRef');
  if (typeof command.reasonable !== 'boolean') fail(E.InvalidCommandError, 'reasonable must be true or false', { field: 'reasonable' });
  if (command.reasonable && command.declineReason !== undefined) {
    fail(E.InvalidCommandError, 'declineReason: a request found reasonable has no reason for declining it', { field: 'declineReason' });
  }
  if (!command.reasonable) requireOneOf(command.declineReason, FAMILY_ADVICE_DECLINE_REASONS, 'declineReason');
  return [{
    type: 'ehc.family-advice-request-recorded.v1',
    data: {
      caseId, assessmentId, familyRequestId: command.familyRequestId, adviserRef: command.adviserRef, requestedOn: at, reasonable: command.reasonable,
      ...(command.reasonable ? {} : { declineReason: command.declineReason }),
    },
  }];
}

/**
 * The LA goes on without advice it sought: each request must be unanswered; `adviser-did-not-respond` only once the
 * adviser's 6 weeks are over (reg 8(1)); `family-declined-to-give-views` only for the family's own advice (reg
 * 6(1)(a)); `appointment-not-kept` (reg 8(2)(c)) only for an adviser's advice.
 */
export function proceedWithoutAdvice(command: ProceedWithoutAdvice, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assessmentUnderWay(state, 'Going on without advice');
  requireOneOf(command.reason, ADVICE_NOT_AWAITED_REASONS, 'reason');
  const ids = command.adviceRequestIds;
  if (!Array.isArray(ids) || ids.length === 0 || new Set(ids).size !== ids.length) {
    fail(E.InvalidCommandError, 'adviceRequestIds must list each advice request once', { field: 'adviceRequestIds' });
  }
  const items = ids.map((id) => {
    const r = state.adviceRequests[id];
    if (!r) return fail(E.AdviceNotRequestedError, `No advice request ${id} on this case`, { adviceRequestId: id });
    if (r.current || state.adviceNotAwaited?.[id]) {
      fail(A.AdviceAlreadyResolvedError, `Advice request ${id} is already ${r.current ? 'answered' : 'recorded as not awaited'}`, { adviceRequestId: id });
    }
    const familyViews = r.adviceType === 'parent-views';
    if (command.reason === 'family-declined-to-give-views' && !familyViews) {
      fail(E.InvalidCommandError, `${id} is ${r.adviceType} advice: only the family’s own views (reg 6(1)(a)) can be declined by the family`, { adviceRequestId: id });
    }
    if (command.reason === 'appointment-not-kept' && familyViews) {
      fail(E.InvalidCommandError, `${id} is the family’s own views: reg 8(2)(c) is about an adviser’s examination or test`, { adviceRequestId: id });
    }
    if (command.reason === 'adviser-did-not-respond' && !adviceTimeOver(r, at)) {
      const message = `reg 8(1): the adviser has until ${r.dueOn} to give ${r.adviceType} advice (${id}); the LA may go on without it from the day after`;
      fail(A.AdviceStillDueError, message, { adviceRequestId: id, dueOn: r.dueOn });
    }
    if (isAfter(r.requestedOn, at)) fail(E.ChronologyError, `${at} is before the request for advice ${id} (${r.requestedOn})`);
    return { adviceRequestId: id, adviceType: r.adviceType, agency: r.agency, dueOn: r.dueOn };
  });
  return [{ type: 'ehc.advice-not-awaited.v1', data: { caseId, decidedOn: at, reason: command.reason, items } }];
}

/** reg 7(a) "throughout the process of assessment and production of an EHC plan"; reg 9 during the assessment. */
export function recordFamilyInvolvement(command: RecordFamilyInvolvement, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const during = state.status === 'assessing' || state.status === 'draft-issued' || (state.status === 'plan-in-force' && !!openReassessment(state));
  if (!during) assessmentUnderWay(state, 'Recording the family’s involvement in the assessment');
  unique(Object.fromEntries((state.familyInvolvement ?? []).map((i) => [i.involvementId, i])), command.involvementId, 'involvementId');
  requireOneOf(command.kind, FAMILY_INVOLVEMENT_KINDS, 'kind');
  requireOneOf(command.providedBy, INVOLVEMENT_PROVIDERS, 'providedBy');
  requireOneOf(command.method, INVOLVEMENT_METHODS, 'method');
  const who = command.who;
  if (!Array.isArray(who) || who.length === 0 || new Set(who).size !== who.length) {
    fail(E.InvalidCommandError, 'who must name each person once (child, parent, young-person)', { field: 'who' });
  }
  who.forEach((w) => requireOneOf(w, FAMILY_MEMBERS, 'who'));
  return [{
    type: 'ehc.family-involvement-recorded.v1',
    data: { caseId, involvementId: command.involvementId, kind: command.kind, who: [...who], providedBy: command.providedBy, method: command.method, on: at },
  }];
}

/**
 * Before the first draft after an assessment: every item of reg 6(1) that applies sought or re-used (reg 6(4)), and
 * every advice sought received or recorded as not awaited (see advice-checklist.ts for why). Refused with
 * `advice-missing` naming each missing item.
 */
export function assertAdviceBeforeDraft(state: EhcCaseState): void {
  if (state.status !== 'assessing') return;
  const { missing } = adviceChecklist(state);
  if (!missing.length) return;
  const names = missing.map((m) => `${m.item} (${m.regulation}): ${m.problem.replace(/-/g, ' ')}`);
  fail(A.AdviceMissingError, `A draft plan needs the advice of reg 6(1) first; missing: ${names.join('; ')}`, { missing });
}

/** reg 6(4) applies to the advice of reg 6(1)(b)-(h); the family's own advice (a) is given for this assessment. */
export function assertReusable(adviceType: string): void {
  if (adviceType === 'parent-views') {
    fail(A.AdviceNotReusableError, 'reg 6(4) covers the advice of reg 6(1)(b) to (h): the parent’s or young person’s own advice and information (a) is sought for this assessment', { adviceType });
  }
}
