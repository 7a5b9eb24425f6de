import type { EhcCommand, EhcCommandType } from './commands';
import * as E from './errors';
import type { EhcEvent } from './events';
import { evolve, initialState, type EhcCaseState } from './state';
import { recordAdviceReceived, requestAdvice, reuseAdvice, withdrawAdvice } from './decide/advice';
import { proceedWithoutAdvice, recordAdviceScope, recordFamilyAdviceRequest, recordFamilyInvolvement } from './decide/assessment-advice';
import {
  decideAppeal, issueMediationCertificate, notifyAppealRights, recordMediationDecision, recordMediationHeld, registerAppeal,
} from './decide/appeals';
import { ceasePlan, decideToCease, proposeCessation, recordCessationConsultation } from './decide/cessation';
import { notifyCommissioningBody, recordCommissioningBodyChange } from './decide/commissioning-body';
import { fail, notBefore, requireDate, requireText } from './decide/guards';
import { recordPersonalDataErasure } from './decide/personal-data';
import {
  consultSetting, decideNotToIssue, issueDraftPlan, issueFinalPlan, recordFamilyResponse, recordSettingResponse,
} from './decide/plan';
import { withAmendedContents, withDraftContents, withFinalContents } from './decide/plan-contents';
import { decidePersonalBudget, requestPersonalBudget, reviewPersonalBudget } from './decide/personal-budget';
import { decideOnReassessment, requestReassessment } from './decide/reassessment';
import { decideNotToAssess, decideToAssess, receiveRequest } from './decide/request';
import {
  amendPlan, circulateReviewPapers, decideNotToAmend, holdReviewMeeting, makeReviewDecision, proposeAmendment, scheduleReviewMeeting,
  submitReviewReport,
} from './decide/reviews-and-amendments';
import { recordException } from './decide/time-limit-exceptions';
import {
  decideReassessmentAfterTransfer, notifyTransfer, schedulePhaseTransfer, transferAssessment, transferPlan,
} from './decide/transfers';
import { recordTribunalOrder } from './decide/tribunal';
import {
  acceptFamilyInvitation, answerEarlyReviewRequest, askForAdvice, inviteFamilyMember, recordYoungPersonRights, requestEarlyReview, shareAdviceWithFamily, unlinkFamilyMember,
} from './decide/family';
export { INVITATION_DAYS } from './decide/family';

export { appealWindowEnd } from './decide/appeals';
export { openCessation } from './decide/cessation';
export { openReassessment } from './decide/reassessment';
export { isValidNhsNumber } from './decide/request';
export { reviewDueAfterPlanTransfer } from './decide/transfers';
export { pendingTribunalOrder } from './decide/tribunal';
export { adviceOnCase, completenessDefects, latestPlanVersion } from './decide/plan-contents';

type CommandHandler<K extends EhcCommandType> = (command: Extract<EhcCommand, { type: K }>, state: EhcCaseState) => EhcEvent[];

/** One function per command, grouped by lifecycle area (each in its own module under `decide/`). */
const HANDLERS: { readonly [K in EhcCommandType]: CommandHandler<K> } = {
  // request and decision to assess (regs 3-5)
  ReceiveRequest: receiveRequest,
  DecideToAssess: decideToAssess,
  DecideNotToAssess: decideNotToAssess,
  // advice (regs 6-8)
  RequestAdvice: requestAdvice,
  RecordAdviceReceived: recordAdviceReceived,
  ReuseAdvice: reuseAdvice,
  WithdrawAdvice: withdrawAdvice,
  // what the assessment needs before a draft (regs 6(1)(b), (g), (h), 6(2), 7, 8(1), 9)
  RecordAdviceScope: recordAdviceScope,
  RecordFamilyAdviceRequest: recordFamilyAdviceRequest,
  ProceedWithoutAdvice: proceedWithoutAdvice,
  RecordFamilyInvolvement: recordFamilyInvolvement,
  // draft and final plan (regs 10-14; CFA 2014 s.38-39)
  DecideNotToIssue: decideNotToIssue,
  IssueDraftPlan: withDraftContents(issueDraftPlan),
  RecordFamilyResponse: recordFamilyResponse,
  ConsultSetting: consultSetting,
  RecordSettingResponse: recordSettingResponse,
  IssueFinalPlan: withFinalContents(issueFinalPlan),
  // reviews and amendments (regs 18-22, 28)
  ProposeAmendment: proposeAmendment,
  AmendPlan: withAmendedContents(amendPlan),
  DecideNotToAmend: decideNotToAmend,
  ScheduleReviewMeeting: scheduleReviewMeeting,
  CirculateReviewPapers: circulateReviewPapers,
  HoldReviewMeeting: holdReviewMeeting,
  SubmitReviewReport: submitReviewReport,
  MakeReviewDecision: makeReviewDecision,
  // transfers: phase (reg 18), plan to another LA (reg 15), assessment to another LA (CFA 2014 s.24), NHS body (reg 16)
  SchedulePhaseTransfer: schedulePhaseTransfer,
  NotifyTransfer: notifyTransfer,
  TransferPlan: transferPlan,
  DecideReassessmentAfterTransfer: decideReassessmentAfterTransfer,
  TransferAssessment: transferAssessment,
  RecordCommissioningBodyChange: recordCommissioningBodyChange,
  NotifyCommissioningBody: notifyCommissioningBody,
  // reassessment (regs 24-27)
  RequestReassessment: requestReassessment,
  DecideOnReassessment: decideOnReassessment,
  // cessation (CFA 2014 s.45; regs 29-31)
  ProposeCessation: proposeCessation,
  RecordCessationConsultation: recordCessationConsultation,
  DecideToCease: decideToCease,
  CeasePlan: ceasePlan,
  // appeal rights, mediation and appeals (CFA 2014 s.51-55; regs 32-39), tribunal orders (regs 44-45)
  NotifyAppealRights: notifyAppealRights,
  RecordMediationDecision: recordMediationDecision,
  RecordMediationHeld: recordMediationHeld,
  IssueMediationCertificate: issueMediationCertificate,
  RegisterAppeal: registerAppeal,
  DecideAppeal: decideAppeal,
  RecordTribunalOrder: recordTribunalOrder,
  // personal budgets (CFA 2014 s.49; Personal Budgets Regulations 2014); plan contents (reg 12) ride on the plan steps above
  RequestPersonalBudget: requestPersonalBudget,
  DecidePersonalBudget: decidePersonalBudget,
  ReviewPersonalBudget: reviewPersonalBudget,
  // exceptions to the time limits (regs 5(4), 8(2), 10(4), 13(3), 44(3))
  RecordException: recordException,
  // personal data
  RecordPersonalDataErasure: recordPersonalDataErasure,
  // the family on the case (issue #21): invitations, links, the young person's rights; the family's own requests
  InviteFamilyMember: inviteFamilyMember,
  AcceptFamilyInvitation: acceptFamilyInvitation,
  UnlinkFamilyMember: unlinkFamilyMember,
  RecordYoungPersonRights: recordYoungPersonRights,
  RequestEarlyReview: requestEarlyReview,
  AskForAdvice: askForAdvice,
  AnswerEarlyReviewRequest: answerEarlyReviewRequest,
  ShareAdviceWithFamily: shareAdviceWithFamily,
};

/** Notices, mediation and appeals go on after a plan ceased (an appeal against the decision to cease may follow). */
const DISAGREEMENT_COMMANDS: readonly EhcCommandType[] = [
  'NotifyAppealRights', 'RecordMediationDecision', 'RecordMediationHeld', 'IssueMediationCertificate', 'RegisterAppeal', 'DecideAppeal',
];

/** The case the command is for exists, is this one and (unless the command may follow a ceased plan) is not closed. */
function assertCaseOpenFor(command: EhcCommand, state: EhcCaseState): void {
  if (state.status === 'none') throw new E.CaseNotFoundError(command.caseId);
  if (state.caseId !== command.caseId) fail(E.WrongCaseError, `Command for case ${command.caseId} sent to case ${state.caseId}`);
  if (command.type === 'RecordPersonalDataErasure') return;
  // reg 44(2): an order to continue to maintain a ceased plan restores it at once; nothing else happens on a ceased plan
  const restoring = command.type === 'RecordTribunalOrder' && command.kind === 'continue-to-maintain';
  if (state.status === 'ceased' && !restoring && !DISAGREEMENT_COMMANDS.includes(command.type)) {
    fail(E.CaseClosedError, `The plan for case ${command.caseId} ceased on ${state.ceased?.ceasedOn}`);
  }
}

function handlerFor(command: EhcCommand): CommandHandler<EhcCommandType> {
  const type = (command as { type: string }).type;
  if (!Object.hasOwn(HANDLERS, type)) fail(E.InvalidCommandError, `Unknown command ${type}`);
  return HANDLERS[command.type] as CommandHandler<EhcCommandType>;
}

/**
 * decide(command, state) -> events. Pure: every date comes in on the command. Throws a specific DomainError for every
 * illegal step.
 */
export function decide(command: EhcCommand, state: EhcCaseState): EhcEvent[] {
  requireText(command.caseId, 'caseId');
  const at = requireDate(command.at, 'at');
  if (command.type === 'ReceiveRequest') return receiveRequest(command, state);
  assertCaseOpenFor(command, state);
  // erasure is allowed whatever the status (it usually comes long after the plan ceased) and checks its own dates
  if (command.type === 'RecordPersonalDataErasure') return recordPersonalDataErasure(command, state);
  notBefore(at, state.requestReceivedOn, 'the request');
  return handlerFor(command)(command as never, state);
}

/** The EHC case decider (Emmett style); structurally an `@tio/event-sourcing` Decider. */
export const ehcCaseDecider = { decide, evolve, initialState };
