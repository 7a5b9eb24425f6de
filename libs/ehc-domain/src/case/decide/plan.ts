import { isAfter } from '../../calendar';
import type {
  ConsultSetting, DecideNotToIssue, IssueDraftPlan, IssueFinalPlan, RecordFamilyResponse, RecordSettingResponse,
} from '../commands';
import * as E from '../errors';
import type { EhcEvent } from '../events';
import { currentDraft, type EhcCaseState } from '../state';
import * as T from '../time-limits';
import { fail, notBefore, requireText, unique } from './guards';
import { pendingTribunalOrder } from './tribunal';
import { assertAdviceBeforeDraft } from './assessment-advice';

export function decideNotToIssue(command: DecideNotToIssue, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  if (state.status === 'draft-issued' || state.status === 'plan-in-force') {
    fail(E.DecisionNotToIssueAfterDraftError, 'A draft plan was already issued; the decision whether to issue was made (reg 10)');
  }
  if (state.status === 'plan-refused') fail(E.AlreadyRecordedError, 'A decision not to issue was already recorded');
  if (state.status !== 'assessing') {
    fail(E.AssessmentNotAgreedError, `No assessment is under way (status ${state.status}); reg 10 follows an assessment`);
  }
  return [{ type: 'ehc.decision-not-to-issue.v1', data: { caseId, decidedOn: at } }];
}

export function issueDraftPlan(command: IssueDraftPlan, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  requireText(command.planId, 'planId');
  let tribunalOrderId: string | undefined;
  if (state.status === 'plan-in-force') {
    fail(E.DraftAfterFinalPlanError, 'The final plan is issued; changes now go through amendment (reg 22)');
  }
  if (state.status === 'plan-refused') {
    // reg 44 / 45: an order to make a plan overrides a decision not to issue.
    tribunalOrderId = pendingTribunalOrder(state, 'make-plan');
    if (!tribunalOrderId) {
      fail(E.DraftPlanNotAllowedError, 'The LA decided not to issue a plan (reg 10); only a tribunal order to make a plan allows a draft');
    }
  } else if (state.status !== 'assessing' && state.status !== 'draft-issued') {
    fail(E.DraftPlanNotAllowedError, `A draft plan follows an EHC needs assessment (status ${state.status})`);
  }
  // reg 6(1), 6(4), 8(1): the advice sought or re-used, and received or recorded as not awaited (advice-checklist.ts)
  assertAdviceBeforeDraft(state);
  return [{
    type: 'ehc.draft-plan-issued.v1',
    data: {
      caseId, planId: command.planId, issuedOn: at, commentsDueOn: T.draftCommentsDue(at), ...(tribunalOrderId ? { tribunalOrderId } : {}),
    },
  }];
}

export function recordFamilyResponse(command: RecordFamilyResponse, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const draft = currentDraft(state);
  if (state.status !== 'draft-issued' || !draft) return fail(E.NoDraftPlanError, 'There is no draft plan to respond to (reg 13)');
  if (draft.familyResponse) fail(E.AlreadyRecordedError, `The family already responded to draft ${draft.planId}`);
  notBefore(at, draft.issuedOn, 'the draft plan');
  return [{
    type: 'ehc.family-response-received.v1',
    data: {
      caseId, planId: draft.planId, receivedOn: at,
      ...(command.preferredSettingRef ? { preferredSettingRef: command.preferredSettingRef } : {}),
      ...(command.commentsRef ? { commentsRef: command.commentsRef } : {}),
      ...(command.nothingMoreToSay === true ? { nothingMoreToSay: true } : {}),
      ...(command.meetingRequested === true ? { meetingRequested: true } : {}),
      ...(typeof command.comments === 'string' && command.comments.trim() ? { comments: command.comments.trim() } : {}),
    },
  }];
}

export function consultSetting(command: ConsultSetting, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  if (state.status !== 'draft-issued' && state.status !== 'plan-in-force') {
    fail(E.NoPlanToConsultOnError, 's.39 consultation needs a draft or a plan to send to the setting');
  }
  unique(state.consultations, command.consultationId, 'consultationId');
  requireText(command.settingRef, 'settingRef');
  return [{
    type: 'ehc.setting-consulted.v1',
    data: {
      caseId, consultationId: command.consultationId, settingRef: command.settingRef, consultedOn: at,
      responseDueOn: T.settingResponseDue(at),
    },
  }];
}

export function recordSettingResponse(command: RecordSettingResponse, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, consultationId } = command;
  const c = state.consultations[consultationId];
  if (!c) return fail(E.ConsultationNotFoundError, `No consultation ${consultationId}`);
  if (c.response) fail(E.ConsultationAlreadyAnsweredError, `Consultation ${consultationId} was answered on ${c.response.respondedOn}`);
  notBefore(at, c.consultedOn, 'the consultation');
  return [{
    type: 'ehc.setting-responded.v1',
    data: { caseId, consultationId, respondedOn: at, canMeetNeeds: command.canMeetNeeds === true },
  }];
}

export function issueFinalPlan(command: IssueFinalPlan, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, namedSettingRef } = command;
  requireText(command.planId, 'planId');
  if (state.status === 'plan-in-force') {
    fail(E.SecondFinalPlanError, `Final plan ${state.finalPlan?.planId} was already issued on ${state.finalPlan?.issuedOn}`);
  }
  const draft = currentDraft(state);
  if (state.status !== 'draft-issued' || !draft) {
    return fail(E.FinalPlanBeforeDraftError, `A final plan needs a draft first (reg 13; status ${state.status})`);
  }
  notBefore(at, draft.issuedOn, 'the draft plan');
  // reg 13(1), s.38: the family has at least 15 days beginning with the day the draft was served (its last day is
  // commentsDueOn, so the final plan is possible from day 16), even if they have responded, unless they said they
  // had nothing more to say.
  if (!draft.familyResponse?.nothingMoreToSay && !isAfter(at, draft.commentsDueOn)) {
    const message = `The family has until ${draft.commentsDueOn} to comment on the draft (reg 13(1)); `
      + `the final plan may follow from ${T.endOfDaysBeginningWith(draft.commentsDueOn, 2)}`;
    fail(E.FinalPlanDuringCommentPeriodError, message, { commentsDueOn: draft.commentsDueOn });
  }
  // s.39(2) CFA 2014: a school or setting is named only after the LA consulted it.
  if (namedSettingRef && !Object.values(state.consultations).some((c) => c.settingRef === namedSettingRef && !isAfter(c.consultedOn, at))) {
    fail(E.SettingNotConsultedError, `s.39(2) CFA 2014: consult ${namedSettingRef} before naming it in the plan`, { namedSettingRef });
  }
  return [{
    type: 'ehc.final-plan-issued.v1',
    data: { caseId, planId: command.planId, issuedOn: at, ...(namedSettingRef ? { namedSettingRef } : {}) },
  }];
}
