import { isBefore } from '../../calendar';
import type { RecordException } from '../commands';
import * as E from '../errors';
import { CLOSED_SETTINGS, EXCEPTION_LIMITS, EXCEPTION_REASONS, type EhcEvent } from '../events';
import { EXCEPTION_RULES, exceptionDefect, exceptionLimb, limitRunning, type LimitRunning } from '../exceptions';
import type { EhcCaseState } from '../state';
import { fail, optionalDate, requireDate, requireOneOf, requireText } from './guards';

/** The limb of the regulation the exception relies on; there is none for a reason the regulation does not allow. */
function applicableLimb(command: RecordException): string {
  const limb = exceptionLimb(command.limit, command.reason, command.closedSetting);
  if (!limb) {
    const what = command.reason === 'school-closure' ? `school-closure (${command.closedSetting ?? 'school-or-post-16'})` : command.reason;
    const message = `${EXCEPTION_RULES[command.limit].regulation} allows no "${what}" exception to the ${command.limit} limit`;
    fail(E.ExceptionNotApplicableError, message, { limit: command.limit, reason: command.reason });
  }
  return limb as string;
}

/** An advice exception names its advice request and a tribunal exception its order; no other exception names either. */
function assertNamesWhatItAppliesTo(command: RecordException, state: EhcCaseState): void {
  if (command.limit === 'advice') {
    if (!command.adviceRequestId || !state.adviceRequests[command.adviceRequestId]) {
      fail(E.AdviceNotRequestedError, 'reg 8(2): an advice exception names the advice request it applies to');
    }
  } else if (command.adviceRequestId) {
    fail(E.InvalidCommandError, 'adviceRequestId belongs only to an advice exception');
  }
  if (command.limit === 'tribunal') {
    if (!command.tribunalOrderId || !state.tribunalOrders[command.tribunalOrderId]) {
      fail(E.TribunalOrderNotApplicableError, 'reg 44(3): a tribunal exception names the order whose limits it applies to');
    }
  } else if (command.tribunalOrderId) {
    fail(E.InvalidCommandError, 'tribunalOrderId belongs only to a tribunal exception');
  }
  const afterAssessment = command.limit === 'decision-whether-to-issue' || command.limit === 'final-plan';
  if (afterAssessment && !state.assessmentDecisions.some((d) => d.decision === 'assess')) {
    fail(E.ExceptionNotApplicableError, `The ${command.limit} limit applies only once the LA has decided to assess`);
  }
}

/** reg 5(4), 8(2), 10(4), 13(3), 44(3): a lawful exception to a time limit, with its limb and dates. */
export function recordException(command: RecordException, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  requireOneOf(command.limit, EXCEPTION_LIMITS, 'limit');
  requireOneOf(command.reason, EXCEPTION_REASONS, 'reason');
  if (state.exceptions.some((e) => e.exceptionId === command.exceptionId)) {
    fail(E.DuplicateIdError, `exceptionId ${command.exceptionId} is already used`);
  }
  requireText(command.exceptionId, 'exceptionId');
  const limb = applicableLimb(command);
  if (command.closedSetting !== undefined) requireOneOf(command.closedSetting, CLOSED_SETTINGS, 'closedSetting');
  const fromOn = requireDate(command.fromOn, 'fromOn');
  const toOn = optionalDate(command.toOn, 'toOn');
  const adviceRequestedOn = optionalDate(command.adviceRequestedOn, 'adviceRequestedOn');
  if (toOn && isBefore(toOn, fromOn)) fail(E.InvalidCommandError, 'toOn is before fromOn');
  if (command.reason !== 'school-closure' && (command.closedSetting !== undefined || adviceRequestedOn)) {
    fail(E.InvalidCommandError, 'closedSetting and adviceRequestedOn belong only to a school-closure exception');
  }
  assertNamesWhatItAppliesTo(command, state);
  // The limb's conditions: the closure window around the advice request, 4 continuous weeks, facts during the limit.
  const facts = { limit: command.limit, reason: command.reason, fromOn, toOn, closedSetting: command.closedSetting, adviceRequestedOn };
  const running = limitRunning(state, command.limit, command.adviceRequestId, command.tribunalOrderId) as LimitRunning;
  const defect = exceptionDefect(facts, running);
  if (defect) {
    fail(E.ExceptionConditionNotMetError, defect, { limit: command.limit, reason: command.reason, fromOn, toOn, adviceRequestedOn });
  }
  return [{
    type: 'ehc.exception-recorded.v1',
    data: {
      caseId, exceptionId: command.exceptionId, limit: command.limit, regulation: EXCEPTION_RULES[command.limit].regulation,
      ...(command.adviceRequestId ? { adviceRequestId: command.adviceRequestId } : {}),
      ...(command.tribunalOrderId ? { tribunalOrderId: command.tribunalOrderId } : {}),
      reason: command.reason, fromOn, ...(toOn ? { toOn } : {}), recordedOn: at, limb,
      ...(command.reason === 'school-closure' ? { closedSetting: command.closedSetting ?? 'school-or-post-16', adviceRequestedOn } : {}),
    },
  }];
}
