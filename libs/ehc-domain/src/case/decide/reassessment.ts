import { isAfter } from '../../calendar';
import type { DecideOnReassessment, RequestReassessment } from '../commands';
import * as E from '../errors';
import { REASSESSMENT_DECISIONS, REASSESSMENT_REQUESTERS, type EhcEvent } from '../events';
import type { EhcCaseState, ReassessmentState } from '../state';
import * as T from '../time-limits';
import { assertPlanInForce, fail, notBefore, requireOneOf, requireText, unique } from './guards';

/** The reassessment decided on and not yet finished by its amended plan (or a decision not to amend), if any. */
export function openReassessment(state: EhcCaseState): ReassessmentState | undefined {
  return Object.values(state.reassessments ?? {}).find((r) => {
    if (r.decision !== 'reassess') return false;
    const a = r.amendmentId ? state.amendments[r.amendmentId] : undefined;
    return !a?.amendedOn && !a?.notAmendedOn;
  });
}

export function requestReassessment(command: RequestReassessment, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Requesting a reassessment');
  unique(state.reassessments ?? {}, command.reassessmentId, 'reassessmentId');
  requireOneOf(command.requestedBy, REASSESSMENT_REQUESTERS, 'requestedBy');
  notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
  return [{
    type: 'ehc.reassessment-requested.v1',
    data: {
      caseId, reassessmentId: command.reassessmentId, requestedBy: command.requestedBy, receivedOn: at,
      decisionDueOn: T.reassessmentDecisionDue(at),
    },
  }];
}

function assessmentIdUsed(state: EhcCaseState, assessmentId: string | undefined): boolean {
  return assessmentId === state.assessmentId
    || state.assessmentDecisions.some((d) => d.assessmentId === assessmentId)
    || Object.values(state.reassessments ?? {}).some((x) => x.assessmentId === assessmentId);
}

export function decideOnReassessment(command: DecideOnReassessment, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Deciding on a reassessment');
  const r = state.reassessments?.[command.reassessmentId];
  if (!r) return fail(E.ReassessmentNotFoundError, `No request for reassessment ${command.reassessmentId} on this case`);
  if (r.decidedOn) fail(E.AlreadyRecordedError, `The LA already decided on ${r.decidedOn} (${r.decision})`);
  requireOneOf(command.decision, REASSESSMENT_DECISIONS, 'decision');
  notBefore(at, r.receivedOn, 'the request for reassessment');
  const inTime = !isAfter(at, r.decisionDueOn);
  if (command.decision === 'not-reassess') {
    if (command.assessmentId !== undefined) {
      fail(E.InvalidCommandError, 'assessmentId belongs only to a decision to reassess', { field: 'assessmentId' });
    }
    return [{
      type: 'ehc.reassessment-decided.v1',
      data: { caseId, reassessmentId: r.reassessmentId, decision: 'not-reassess', decidedOn: at, inTime },
    }];
  }
  const open = openReassessment(state);
  if (open) {
    fail(E.AlreadyRecordedError, `Reassessment ${open.reassessmentId} (decided ${open.decidedOn}) is still running`, {
      reassessmentId: open.reassessmentId,
    });
  }
  requireText(command.assessmentId, 'assessmentId');
  if (assessmentIdUsed(state, command.assessmentId)) {
    fail(E.DuplicateIdError, `assessmentId ${command.assessmentId} is already used on this case`, { id: command.assessmentId });
  }
  return [{
    type: 'ehc.reassessment-decided.v1',
    data: {
      caseId, reassessmentId: r.reassessmentId, decision: 'reassess', decidedOn: at, inTime, assessmentId: command.assessmentId as string,
      finalPlanDueOn: T.reassessmentFinalPlanDue(at),
    },
  }];
}
