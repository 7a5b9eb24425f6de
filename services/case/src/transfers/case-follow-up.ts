import type { EhcCaseState, EhcCommand } from '@tio/ehc-domain';
import type { TransferEvent, TransferState } from '@tio/transfer-domain';

/** Case statuses with an EHC needs assessment in progress and no plan: a move to another LA moves the assessment. */
const MID_ASSESSMENT = new Set<EhcCaseState['status']>(['assessing', 'draft-issued']);

export interface CaseFollowUpDecision {
  /** The case command that follows this transfer step (reg 15), if the case's own stream follows it. */
  command?: EhcCommand;
  /** Why the case's stream does not follow a move between LAs, for the API's answer. */
  reason?: string;
}

/**
 * What the case records when a transfer between local authorities takes a step (a pure decision, shared by the
 * durable reaction that records it and by the API, which checks it before the step is recorded). With a plan in
 * force, reg 15: the request notifies the case, completion transfers the plan, the new LA's decision on reassessment
 * is recorded; with an assessment in progress and no plan, completion moves the assessment to the new LA.
 * `transfer` is the transfer's state after the step; `kase` the case as it is now.
 */
export function caseFollowUp(event: TransferEvent, transfer: TransferState, kase: EhcCaseState): CaseFollowUpDecision {
  if (transfer.kind !== 'local-authority') return {};
  const { caseId, transferId } = event.data;
  const onCase = kase.transfers[transferId];
  const assessmentMoved = kase.assessmentTransfers?.some((a) => a.transferId === transferId) ?? false;
  switch (event.type) {
    case 'transfer.requested.v1': {
      const e = event.data;
      if (kase.status === 'plan-in-force') {
        return { command: { type: 'NotifyTransfer', caseId, at: e.learnedOn, transferId, toLocalAuthority: e.toOrganisation, moveOn: e.moveOn as string } };
      }
      return {
        reason: MID_ASSESSMENT.has(kase.status)
          ? `reg 15 transfers an EHC plan; the case is ${kase.status}, so the assessment itself moves when the transfer is completed (TransferAssessment: the new LA is responsible from the completion day)`
          : `reg 15 transfers an EHC plan and no assessment is in progress (the case is ${kase.status}), so its own stream keeps ${kase.localAuthority} (the transfer stream records who is responsible)`,
      };
    }
    case 'transfer.completed.v1': {
      const at = event.data.completedOn;
      if (onCase && !onCase.transferredOn) return { command: { type: 'TransferPlan', caseId, at, transferId } };
      if (!onCase && !assessmentMoved && MID_ASSESSMENT.has(kase.status) && kase.localAuthority === transfer.fromOrganisation) {
        return { command: { type: 'TransferAssessment', caseId, at, transferId, toLocalAuthority: transfer.toOrganisation as string } };
      }
      return { reason: notFollowed(kase, assessmentMoved, 'completion') };
    }
    case 'transfer.reassessment-decided.v1': {
      const e = event.data;
      if (onCase?.transferredOn && !onCase.reassessment) {
        return { command: { type: 'DecideReassessmentAfterTransfer', caseId, at: e.decidedOn, transferId, willReassess: e.willReassess, ...(e.reviewOn ? { reviewOn: e.reviewOn } : {}) } };
      }
      return { reason: notFollowed(kase, assessmentMoved, 'reassessment') };
    }
    default:
      return {};
  }
}

function notFollowed(kase: EhcCaseState, assessmentMoved: boolean, step: 'completion' | 'reassessment'): string {
  if (assessmentMoved) {
    return step === 'reassessment'
      ? 'the assessment moved mid-way (no plan): reg 15’s reassessment decision concerns a plan, so the case records nothing; the new LA continues the assessment'
      : 'the case already recorded this move of the assessment';
  }
  return `the case’s own stream did not record this transfer (no plan was in force when it was requested and no assessment was in progress to move; the case is ${kase.status})`;
}
