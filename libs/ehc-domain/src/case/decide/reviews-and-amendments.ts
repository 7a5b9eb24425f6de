import { isAfter, type IsoDate } from '../../calendar';
import type {
  AmendPlan, CirculateReviewPapers, DecideNotToAmend, HoldReviewMeeting, MakeReviewDecision, ProposeAmendment, ScheduleReviewMeeting,
  SubmitReviewReport,
} from '../commands';
import * as E from '../errors';
import { AMENDMENT_TRIGGERS, REVIEW_DECISIONS, type EhcEvent, type TribunalOrderKind } from '../events';
import type { AmendmentState, EhcCaseState, ReviewState } from '../state';
import * as T from '../time-limits';
import { assertPlanInForce, fail, notBefore, requireDate, requireOneOf, unique } from './guards';

/** The orders a proposed amendment can comply with (reg 44(2)(e)-(f)). */
const AMENDING_ORDER_KINDS: readonly TribunalOrderKind[] = ['amend-plan', 'amend-placement'];

/** What a proposal says it follows (a reassessment, a review, a phase transfer, an order) must be on the case. */
function assertProposalGrounds(command: ProposeAmendment, state: EhcCaseState): void {
  const reassessment = command.reassessmentId ? state.reassessments?.[command.reassessmentId] : undefined;
  if ((command.trigger === 'reassessment') !== !!command.reassessmentId) {
    fail(E.InvalidCommandError, 'An amendment after a reassessment names its reassessmentId (trigger reassessment), and only then', {
      field: 'reassessmentId',
    });
  }
  if (command.reassessmentId && reassessment?.decision !== 'reassess') {
    fail(E.ReassessmentNotFoundError, `No decision to reassess ${command.reassessmentId} on this case`);
  }
  if (reassessment?.amendmentId) {
    fail(E.AlreadyRecordedError, `Reassessment ${reassessment.reassessmentId} already has its amendment ${reassessment.amendmentId}`);
  }
  if (command.reviewId && !state.reviews[command.reviewId]) fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
  if (command.phaseTransferId && !state.phaseTransfers[command.phaseTransferId]) {
    fail(E.PhaseTransferNotFoundError, `No phase transfer ${command.phaseTransferId}`);
  }
  if (command.tribunalOrderId && !AMENDING_ORDER_KINDS.includes(state.tribunalOrders[command.tribunalOrderId]?.kind)) {
    fail(E.TribunalOrderNotApplicableError, `No tribunal order to amend ${command.tribunalOrderId}`);
  }
}

export function proposeAmendment(command: ProposeAmendment, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Proposing an amendment');
  unique(state.amendments, command.amendmentId, 'amendmentId');
  requireOneOf(command.trigger, AMENDMENT_TRIGGERS, 'trigger');
  assertProposalGrounds(command, state);
  const reassessment = command.reassessmentId ? state.reassessments?.[command.reassessmentId] : undefined;
  const reviewHeldOn = command.reviewId ? state.reviews[command.reviewId]?.heldOn : undefined;
  return [{
    type: 'ehc.amendment-proposed.v1',
    data: {
      caseId, amendmentId: command.amendmentId, trigger: command.trigger, proposedOn: at, commentsDueOn: T.amendmentCommentsDue(at),
      // reg 27(2): after a reassessment the reassessment's 14 weeks govern, not reg 22(3) / 28
      amendedPlanDueOn: reassessment?.finalPlanDueOn ?? T.amendedPlanDue(at, reviewHeldOn),
      ...(command.reassessmentId ? { reassessmentId: command.reassessmentId } : {}),
      ...(command.reviewId ? { reviewId: command.reviewId } : {}),
      ...(command.phaseTransferId ? { phaseTransferId: command.phaseTransferId } : {}),
      ...(command.tribunalOrderId ? { tribunalOrderId: command.tribunalOrderId } : {}),
    },
  }];
}

function proposedAmendment(state: EhcCaseState, amendmentId: string, missing: string): AmendmentState {
  const a = state.amendments[amendmentId];
  if (!a) return fail(E.AmendmentNotProposedError, missing);
  if (a.amendedOn) fail(E.AmendmentAlreadyMadeError, `Amendment ${amendmentId} was made on ${a.amendedOn}`);
  return a;
}

export function amendPlan(command: AmendPlan, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, amendmentId } = command;
  assertPlanInForce(state, 'Amending the plan');
  const a = proposedAmendment(state, amendmentId, `reg 22: amendments must be proposed to the family first; no proposal ${amendmentId}`);
  if (a.notAmendedOn) {
    fail(E.AmendmentNotToBeMadeError, `reg 22(4): the LA decided on ${a.notAmendedOn} not to make amendment ${amendmentId}`);
  }
  notBefore(at, a.proposedOn, 'the amendment proposal');
  // reg 22(2) / 28(2): not before the family's 15 days beginning with the proposals end (a tribunal's order of the
  // contents is complied with under reg 44 instead).
  if (!a.tribunalOrderId && !isAfter(at, a.commentsDueOn)) {
    fail(E.AmendmentDuringCommentPeriodError, `The family has until ${a.commentsDueOn} to comment on the proposed amendments (reg 22(2))`, {
      commentsDueOn: a.commentsDueOn,
    });
  }
  return [{
    type: 'ehc.plan-amended.v1',
    data: { caseId, amendmentId, amendedOn: at, ...(command.namedSettingRef ? { namedSettingRef: command.namedSettingRef } : {}) },
  }];
}

export function decideNotToAmend(command: DecideNotToAmend, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, amendmentId } = command;
  assertPlanInForce(state, 'Deciding not to amend');
  const a = proposedAmendment(state, amendmentId, `No proposed amendment ${amendmentId}`);
  if (a.notAmendedOn) fail(E.AlreadyRecordedError, `The LA already decided not to amend on ${a.notAmendedOn}`);
  notBefore(at, a.proposedOn, 'the amendment proposal');
  return [{ type: 'ehc.decision-not-to-amend.v1', data: { caseId, amendmentId, decidedOn: at } }];
}

export function scheduleReviewMeeting(command: ScheduleReviewMeeting, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, reviewId } = command;
  assertPlanInForce(state, 'Scheduling a review');
  unique(state.reviews, reviewId, 'reviewId');
  const meetingOn = requireDate(command.meetingOn, 'meetingOn');
  return [{
    type: 'ehc.review-meeting-scheduled.v1',
    data: { caseId, reviewId, scheduledOn: at, meetingOn, papersDueOn: T.reviewPapersDue(meetingOn) },
  }];
}

function scheduledReview(state: EhcCaseState, reviewId: string): ReviewState {
  return state.reviews[reviewId] ?? fail(E.ReviewNotScheduledError, `No review ${reviewId}`);
}

/** A review that was held (the report and the decision follow the meeting). */
function heldReview(state: EhcCaseState, reviewId: string): ReviewState & { heldOn: IsoDate } {
  const r = scheduledReview(state, reviewId);
  if (!r.heldOn) fail(E.ReviewNotHeldError, `Review ${reviewId} has not been held`);
  return r as ReviewState & { heldOn: IsoDate };
}

export function circulateReviewPapers(command: CirculateReviewPapers, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, reviewId } = command;
  const r = scheduledReview(state, reviewId);
  if (r.papersCirculatedOn) fail(E.AlreadyRecordedError, `Papers for review ${reviewId} went out on ${r.papersCirculatedOn}`);
  return [{ type: 'ehc.review-papers-circulated.v1', data: { caseId, reviewId, circulatedOn: at } }];
}

export function holdReviewMeeting(command: HoldReviewMeeting, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, reviewId } = command;
  assertPlanInForce(state, 'Holding a review');
  const r = scheduledReview(state, reviewId);
  if (r.heldOn) fail(E.ReviewAlreadyHeldError, `Review ${reviewId} was held on ${r.heldOn}`);
  notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
  return [{ type: 'ehc.review-meeting-held.v1', data: { caseId, reviewId, heldOn: at } }];
}

export function submitReviewReport(command: SubmitReviewReport, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, reviewId } = command;
  const r = heldReview(state, reviewId);
  if (r.reportSubmittedOn) fail(E.AlreadyRecordedError, `The report for review ${reviewId} was sent on ${r.reportSubmittedOn}`);
  notBefore(at, r.heldOn, 'the review meeting');
  return [{ type: 'ehc.review-report-submitted.v1', data: { caseId, reviewId, submittedOn: at } }];
}

export function makeReviewDecision(command: MakeReviewDecision, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, reviewId } = command;
  const r = heldReview(state, reviewId);
  if (r.decision) fail(E.ReviewAlreadyDecidedError, `Review ${reviewId} was decided on ${r.decision.decidedOn}`);
  requireOneOf(command.decision, REVIEW_DECISIONS, 'decision');
  notBefore(at, r.heldOn, 'the review meeting');
  return [{ type: 'ehc.review-decision-made.v1', data: { caseId, reviewId, decision: command.decision, decidedOn: at } }];
}
