import { isAfter, type IsoDate } from '../../calendar';
import type { DecideNotToAssess, DecideToAssess, ReceiveRequest } from '../commands';
import * as E from '../errors';
import { REQUEST_SOURCES, type ChildDetails, type EhcEvent } from '../events';
import type { AssessmentTransferState, EhcCaseState } from '../state';
import { fail, notBefore, requireDate, requireOneOf, requireText } from './guards';
import { pendingTribunalOrder } from './tribunal';

/** NHS numbers: 10 digits whose last is the modulus 11 check digit of the first nine. */
export function isValidNhsNumber(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === Number(value[9]);
}

function childDetails(child: ChildDetails, receivedOn: IsoDate): ChildDetails {
  if (typeof child !== 'object' || child === null) {
    fail(E.InvalidCommandError, 'child must be an object with dateOfBirth', { field: 'child' });
  }
  const dateOfBirth = requireDate(child.dateOfBirth, 'child.dateOfBirth');
  if (isAfter(dateOfBirth, receivedOn)) {
    fail(E.InvalidCommandError, `child.dateOfBirth ${dateOfBirth} is after the request (${receivedOn})`, { field: 'child.dateOfBirth' });
  }
  if (child.name !== undefined) requireText(child.name, 'child.name');
  if (child.nhsNumber !== undefined && !isValidNhsNumber(child.nhsNumber)) {
    fail(E.InvalidCommandError, 'child.nhsNumber must be 10 digits with a valid check digit', { field: 'child.nhsNumber' });
  }
  return {
    dateOfBirth,
    ...(child.name !== undefined ? { name: child.name.trim() } : {}),
    ...(child.nhsNumber !== undefined ? { nhsNumber: child.nhsNumber } : {}),
  };
}

/** The last move of the assessment to another LA, while that LA has not yet made its own reg 5(1)(b) decision. */
function awaitingNewAuthorityDecision(state: EhcCaseState): AssessmentTransferState | undefined {
  const last = state.assessmentTransfers?.at(-1);
  return last && !last.newAuthorityDecision && (state.status === 'assessing' || state.status === 'draft-issued') ? last : undefined;
}

export function receiveRequest(command: ReceiveRequest, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  if (state.status !== 'none') throw new E.CaseAlreadyRequestedError(caseId);
  requireText(command.childRef, 'childRef');
  requireText(command.localAuthority, 'localAuthority');
  requireOneOf(command.source, REQUEST_SOURCES, 'source');
  requireText(command.requestedBy?.role, 'requestedBy.role');
  const child = command.child === undefined ? undefined : childDetails(command.child, at);
  // reg 3; CFA 2014 s.36(1): the request starts the statutory clock on the day the LA receives it (day 0).
  return [{
    type: 'ehc.request-received.v1',
    data: {
      caseId, childRef: command.childRef, ...(child ? { child } : {}), localAuthority: command.localAuthority, source: command.source,
      requestedBy: { ...command.requestedBy }, receivedOn: at,
    },
  }];
}

export function decideToAssess(command: DecideToAssess, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, assessmentId } = command;
  requireText(assessmentId, 'assessmentId');
  if (state.status === 'requested') {
    return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'assess', assessmentId, decidedOn: at } }];
  }
  // reg 5(1)(b): an LA that became responsible mid-assessment (CFA 2014 s.24) makes its own decision whether to assess.
  const moved = awaitingNewAuthorityDecision(state);
  if (moved) {
    notBefore(at, moved.transferredOn, 'the transfer to the new LA');
    return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'assess', assessmentId, decidedOn: at } }];
  }
  // reg 44(2) / 45: after a refusal, only a tribunal order to assess lets the LA now agree to assess.
  const orderId = state.status === 'assessment-refused' ? pendingTribunalOrder(state, 'assess') : undefined;
  if (!orderId) return fail(E.AssessmentAlreadyDecidedError, `The decision whether to assess was already made (status ${state.status})`);
  notBefore(at, state.tribunalOrders[orderId].orderOn, 'the tribunal order');
  return [{
    type: 'ehc.decision-to-assess.v1',
    data: { caseId, decision: 'assess', assessmentId, decidedOn: at, tribunalOrderId: orderId },
  }];
}

export function decideNotToAssess(command: DecideNotToAssess, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const moved = awaitingNewAuthorityDecision(state);
  if (state.status !== 'requested' && !moved) {
    fail(E.AssessmentAlreadyDecidedError, `The decision whether to assess was already made (status ${state.status})`);
  }
  notBefore(at, moved?.transferredOn, 'the transfer to the new LA');
  return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'not-assess', decidedOn: at } }];
}
