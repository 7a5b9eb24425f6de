import { ADVICE_TYPES, AGENCIES, agencyMayGive } from '../advice-types';
import type { RecordAdviceReceived, RequestAdvice, ReuseAdvice, WithdrawAdvice } from '../commands';
import * as E from '../errors';
import type { EhcEvent } from '../events';
import type { EhcCaseState } from '../state';
import * as T from '../time-limits';
import { fail, notBefore, requireOneOf, requirePositiveVersion, requireText, unique } from './guards';
import { openReassessment } from './reassessment';
import { assertReusable } from './assessment-advice';

/** reg 6(4): everyone who must agree that existing advice is sufficient before it is re-used. */
const ADVICE_REUSE_AGREEMENT = ['adviser', 'localAuthority', 'parentOrYoungPerson'] as const;

function assertAssessing(state: EhcCaseState, step: string): void {
  // reg 26: a reassessment runs the assessment steps (advice, regs 6-10) while the plan stays in force
  if (state.status === 'plan-in-force' && openReassessment(state)) return;
  switch (state.status) {
    case 'assessing':
      return;
    case 'requested':
      return fail(E.AssessmentNotAgreedError, `${step}: the LA has not yet decided to assess (reg 5)`);
    case 'assessment-refused':
      return fail(E.AdviceForRefusedAssessmentError, `${step}: the LA decided not to assess, so no advice is sought (reg 5, reg 6)`);
    default:
      return fail(E.AssessmentClosedError, `${step}: the assessment is over (status ${state.status})`);
  }
}

function assertAgencyGives(command: Pick<RequestAdvice, 'agency' | 'adviceType'>, details?: Record<string, unknown>): void {
  if (!agencyMayGive(command.agency, command.adviceType)) {
    fail(E.AdviceAgencyMismatchError, `${command.agency} does not give ${command.adviceType} advice (reg 6(1))`, details);
  }
}

/** reg 6(1) / 6(4): the same advice is not asked for twice, nor asked for when agreed re-use already provides it. */
function assertNotAlreadySought(command: RequestAdvice, state: EhcCaseState): void {
  const { adviceType, agency } = command;
  const repeatable = adviceType === 'other' || adviceType === 'requested-by-family';
  const open = Object.values(state.adviceRequests).find(
    (r) => r.assessmentId === state.assessmentId && r.adviceType === adviceType && r.agency === agency && !repeatable,
  );
  if (open) {
    fail(E.AdviceAlreadyRequestedError, `${adviceType} advice was already requested from ${agency} (${open.adviceRequestId})`, {
      adviceRequestId: open.adviceRequestId,
    });
  }
  // reg 6(4): the LA must not seek advice that is already available and agreed to be sufficient for this assessment
  // (a reassessment seeks its own advice, reg 26: an agreement made for the earlier assessment does not stop it).
  const reused = Object.values(state.reusedAdvice)
    .find((r) => r.adviceType === adviceType && r.agency === agency && (r.assessmentId === undefined || r.assessmentId === state.assessmentId));
  if (reused) {
    const message = `${adviceType} advice from ${agency} is already available by agreed re-use (${reused.adviceId}); `
      + 'reg 6(4) forbids asking again';
    fail(E.AdviceAlreadyProvidedError, message, { adviceId: reused.adviceId });
  }
}

export function requestAdvice(command: RequestAdvice, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertAssessing(state, 'Requesting advice');
  requireOneOf(command.adviceType, ADVICE_TYPES, 'adviceType');
  requireOneOf(command.agency, AGENCIES, 'agency');
  unique(state.adviceRequests, command.adviceRequestId, 'adviceRequestId');
  assertAgencyGives(command, { agency: command.agency, adviceType: command.adviceType });
  assertNotAlreadySought(command, state);
  return [{
    type: 'ehc.advice-requested.v1',
    data: {
      caseId, assessmentId: state.assessmentId as string, adviceRequestId: command.adviceRequestId, adviceType: command.adviceType,
      agency: command.agency, ...(command.adviserRef ? { adviserRef: command.adviserRef } : {}), requestedOn: at, dueOn: T.adviceDue(at),
    },
  }];
}

export function recordAdviceReceived(command: RecordAdviceReceived, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, adviceRequestId } = command;
  if (state.status === 'assessment-refused') {
    fail(E.AdviceForRefusedAssessmentError, 'The LA decided not to assess; no advice was requested (reg 5)');
  }
  const request = state.adviceRequests[adviceRequestId];
  if (!request) return fail(E.AdviceNotRequestedError, `No advice request ${adviceRequestId} on this case`, { adviceRequestId });
  if (request.agency !== command.agency) {
    fail(E.AdviceAgencyMismatchError, `Advice request ${adviceRequestId} was made to ${request.agency}, not ${command.agency}`);
  }
  requireText(command.adviceId, 'adviceId');
  requirePositiveVersion(command.version);
  notBefore(at, request.requestedOn, 'the request for advice');
  const current = request.current;
  if (current && !current.reused && current.adviceId === command.adviceId) {
    if (current.version === command.version) return []; // a retried delivery of the same version: nothing new
    if (command.version < current.version) {
      fail(E.StaleAdviceVersionError, `Version ${command.version} is older than version ${current.version} already recorded`);
    }
  }
  return [{
    type: 'ehc.advice-received.v1',
    data: {
      caseId, assessmentId: request.assessmentId, adviceRequestId: request.adviceRequestId, adviceId: command.adviceId,
      version: command.version, agency: request.agency, adviceType: request.adviceType, receivedOn: at,
      ...(command.withheldFromFamily === true ? { withheldFromFamily: true as const } : {}),
    },
  }];
}

/** The advice request a re-use answers must be for the same advice and still unanswered. */
function assertReuseAnswers(command: ReuseAdvice, state: EhcCaseState): void {
  const id = command.adviceRequestId;
  if (!id) return;
  const request = state.adviceRequests[id];
  if (!request) fail(E.AdviceNotRequestedError, `No advice request ${id} on this case`);
  if (request.adviceType !== command.adviceType || request.agency !== command.agency) {
    fail(E.AdviceAgencyMismatchError, `Advice request ${id} is for ${request.adviceType} from ${request.agency}`);
  }
  if (request.current) fail(E.AdviceAlreadyProvidedError, `Advice request ${id} is already answered`);
}

export function reuseAdvice(command: ReuseAdvice, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertAssessing(state, 'Re-using advice');
  requireOneOf(command.adviceType, ADVICE_TYPES, 'adviceType');
  requireOneOf(command.agency, AGENCIES, 'agency');
  unique(state.reusedAdvice, command.reuseId, 'reuseId');
  requireText(command.adviceId, 'adviceId');
  requirePositiveVersion(command.version);
  assertReusable(command.adviceType);
  const missing = ADVICE_REUSE_AGREEMENT.filter((who) => command.agreement?.[who] !== true);
  if (missing.length) {
    const message = 'reg 6(4): existing advice is re-used only when the adviser, the LA and the parent/young person all agree it is '
      + `sufficient; missing: ${missing.join(', ')}`;
    fail(E.ReuseAgreementIncompleteError, message, { missing });
  }
  assertAgencyGives(command);
  assertReuseAnswers(command, state);
  return [{
    type: 'ehc.advice-reused.v1',
    data: {
      caseId, assessmentId: state.assessmentId as string, reuseId: command.reuseId, adviceType: command.adviceType, agency: command.agency,
      adviceId: command.adviceId, version: command.version,
      ...(command.adviceRequestId ? { adviceRequestId: command.adviceRequestId } : {}),
      ...(command.sourceCaseId ? { sourceCaseId: command.sourceCaseId } : {}),
      agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, agreedOn: at,
    },
  }];
}

export function withdrawAdvice(command: WithdrawAdvice, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, adviceRequestId, adviceId } = command;
  const request = state.adviceRequests[adviceRequestId];
  if (!request) return fail(E.AdviceNotRequestedError, `No advice request ${adviceRequestId} on this case`);
  if (request.current?.adviceId !== adviceId) {
    fail(E.AdviceNotReceivedError, `Advice ${adviceId} is not the current answer to ${adviceRequestId}`);
  }
  requireText(command.reason, 'reason');
  return [{ type: 'ehc.advice-withdrawn.v1', data: { caseId, adviceRequestId, adviceId, withdrawnOn: at, reason: command.reason } }];
}
