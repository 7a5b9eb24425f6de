import { isAfter, PHASE_TRANSFER_KINDS, type IsoDate } from '../../calendar';
import type { DecideReassessmentAfterTransfer, NotifyTransfer, SchedulePhaseTransfer, TransferAssessment, TransferPlan } from '../commands';
import * as E from '../errors';
import { ASSESSMENT_TRANSFER_CLOCKS, type EhcEvent } from '../events';
import { currentDraft, type EhcCaseState, type TransferState } from '../state';
import * as T from '../time-limits';
import { assertPlanInForce, fail, notBefore, optionalDate, requireDate, requireOneOf, requireText, unique } from './guards';

/** reg 18: a move between phases or institutions; the plan must name the new setting by the reg 18 date. */
export function schedulePhaseTransfer(command: SchedulePhaseTransfer, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, phaseTransferId, kind } = command;
  assertPlanInForce(state, 'Scheduling a phase transfer');
  unique(state.phaseTransfers, phaseTransferId, 'phaseTransferId');
  requireOneOf(kind, PHASE_TRANSFER_KINDS, 'kind');
  const transferOn = requireDate(command.transferOn, 'transferOn');
  return [{
    type: 'ehc.phase-transfer-scheduled.v1',
    data: { caseId, phaseTransferId, kind, scheduledOn: at, transferOn, amendDueOn: T.phaseTransferAmendDue(kind, transferOn) },
  }];
}

/** reg 15(5): the review after a plan transfer, from the last review held before the transfer (or the plan). */
export function reviewDueAfterPlanTransfer(state: EhcCaseState, transferredOn: IsoDate): IsoDate {
  const heldBefore = Object.values(state.reviews)
    .flatMap((r) => (r.heldOn && !isAfter(r.heldOn, transferredOn) ? [r.heldOn] : []))
    .sort();
  return T.reviewDueAfterTransfer(heldBefore.at(-1) ?? (state.finalPlan?.issuedOn as IsoDate), transferredOn);
}

/** reg 15: the LA learned the family is moving to another LA with the plan. */
export function notifyTransfer(command: NotifyTransfer, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, transferId, toLocalAuthority } = command;
  assertPlanInForce(state, 'Transferring the plan');
  unique(state.transfers, transferId, 'transferId');
  requireText(toLocalAuthority, 'toLocalAuthority');
  if (toLocalAuthority === state.localAuthority) fail(E.InvalidCommandError, 'The new LA is the current LA');
  const moveOn = requireDate(command.moveOn, 'moveOn');
  return [{
    type: 'ehc.transfer-notified.v1',
    data: {
      caseId, transferId, fromLocalAuthority: state.localAuthority as string, toLocalAuthority, learnedOn: at, moveOn,
      transferDueOn: T.transferDue(at, moveOn),
    },
  }];
}

export function transferPlan(command: TransferPlan, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, transferId } = command;
  const t = state.transfers[transferId];
  if (!t) return fail(E.TransferNotFoundError, `No transfer ${transferId}`);
  if (t.transferredOn) fail(E.TransferAlreadyCompletedError, `Transfer ${transferId} happened on ${t.transferredOn}`);
  notBefore(at, t.learnedOn, 'learning of the move');
  return [{
    type: 'ehc.plan-transferred.v1',
    data: { caseId, transferId: t.transferId, toLocalAuthority: t.toLocalAuthority, transferredOn: at },
  }];
}

/** reg 15(4)(a): the day the new LA will review the plan, which must be within the reg 15(5) limit. */
function reviewOnAfterTransfer(command: DecideReassessmentAfterTransfer, state: EhcCaseState, t: TransferState): IsoDate | undefined {
  const reviewOn = optionalDate(command.reviewOn, 'reviewOn');
  if (!reviewOn) return undefined;
  const transferredOn = t.transferredOn as IsoDate;
  notBefore(reviewOn, transferredOn, 'the transfer');
  const reviewDue = reviewDueAfterPlanTransfer(state, transferredOn);
  if (isAfter(reviewOn, reviewDue)) {
    fail(E.InvalidCommandError, `reg 15(5): the new LA must review by ${reviewDue}; ${reviewOn} is later`, {
      field: 'reviewOn', reviewDue,
    });
  }
  return reviewOn;
}

export function decideReassessmentAfterTransfer(command: DecideReassessmentAfterTransfer, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, transferId } = command;
  const t = state.transfers[transferId];
  if (!t?.transferredOn) return fail(E.TransferNotFoundError, `No completed transfer ${transferId}`);
  if (t.reassessment) fail(E.AlreadyRecordedError, `The new LA already decided on ${t.reassessment.decidedOn}`);
  notBefore(at, t.transferredOn, 'the transfer');
  const reviewOn = reviewOnAfterTransfer(command, state, t);
  return [{
    type: 'ehc.transfer-reassessment-decided.v1',
    data: {
      caseId, transferId: t.transferId, willReassess: command.willReassess === true, decidedOn: at, ...(reviewOn ? { reviewOn } : {}),
    },
  }];
}

/** reg 15 transfers a plan; a move during the assessment passes the duties to the new LA (CFA 2014 s.24). */
function assertAssessmentInProgress(state: EhcCaseState): void {
  if (state.status === 'plan-in-force') {
    fail(E.NoAssessmentInProgressError, 'A plan is in force: transfer the plan (reg 15: NotifyTransfer, TransferPlan)');
  }
  if (state.status !== 'assessing' && state.status !== 'draft-issued') {
    fail(E.NoAssessmentInProgressError, `There is no EHC needs assessment in progress to transfer (status ${state.status})`, {
      status: state.status,
    });
  }
}

export function transferAssessment(command: TransferAssessment, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, transferId, toLocalAuthority } = command;
  assertAssessmentInProgress(state);
  requireText(transferId, 'transferId');
  if (Object.hasOwn(state.transfers, transferId) || (state.assessmentTransfers ?? []).some((t) => t.transferId === transferId)) {
    fail(E.DuplicateIdError, `transferId ${transferId} is already used on this case`, { id: transferId });
  }
  requireText(toLocalAuthority, 'toLocalAuthority');
  if (toLocalAuthority === state.localAuthority) fail(E.SameLocalAuthorityError, `${toLocalAuthority} is already responsible for the case`);
  const clock = command.clock ?? 'from-transfer';
  requireOneOf(clock, ASSESSMENT_TRANSFER_CLOCKS, 'clock');
  notBefore(at, state.requestReceivedOn, 'the request');
  notBefore(at, state.assessmentDecisions.filter((d) => d.decision === 'assess').at(-1)?.decidedOn, 'the decision to assess');
  notBefore(at, currentDraft(state)?.issuedOn, 'the draft plan');
  notBefore(at, state.assessmentTransfers?.at(-1)?.transferredOn, 'the previous transfer of the assessment');
  return [{
    type: 'ehc.assessment-transferred.v1',
    data: {
      caseId, transferId, assessmentId: state.assessmentId as string, fromLocalAuthority: state.localAuthority as string,
      toLocalAuthority, transferredOn: at, clock, ...T.assessmentTransferClock(clock, state.requestReceivedOn as IsoDate, at),
      decisionToAssessDueOn: T.decisionToAssessDue(at),
    },
  }];
}
