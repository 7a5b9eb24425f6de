import { isAfter, isBefore, isIsoDate, type IsoDate } from '../calendar';
import { ADVICE_TYPES, AGENCIES, agencyMayGive } from './advice-types';
import type { EhcCommand } from './commands';
import * as E from './errors';
import {
  APPEAL_OUTCOMES, APPEALABLE_DECISIONS, REASSESSMENT_DECISIONS, REASSESSMENT_REQUESTERS, ASSESSMENT_TRANSFER_CLOCKS, CEASE_REASONS, CESSATION_CONSULTEES, MEDIATION_CHOICES, MEDIATION_OUTCOMES, CLOSED_SETTINGS, ERASURE_GROUNDS, EXCEPTION_LIMITS, EXCEPTION_REASONS, REQUEST_SOURCES, TRIBUNAL_ORDER_KINDS,
  type AppealableDecision, type ChildDetails, type EhcEvent, type TribunalOrderKind,
} from './events';
import type { NotifyAppealRights } from './commands';
import { EXCEPTION_RULES, exceptionDefect, exceptionLimb, limitRunning, type LimitRunning } from './exceptions';
import { currentDraft, evolve, initialState, type AppealNoticeState, type AssessmentTransferState, type CessationState, type EhcCaseState, type ReassessmentState } from './state';
import * as T from './time-limits';

const fail = (Err: new (message: string, details?: Record<string, unknown>) => E.DomainError, message: string, details?: Record<string, unknown>): never => {
  throw new Err(message, details);
};

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') fail(E.InvalidCommandError, `${field} is required`, { field });
}
function requireDate(value: unknown, field: string): IsoDate {
  if (!isIsoDate(value)) fail(E.InvalidCommandError, `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`, { field });
  return value as IsoDate;
}
function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value as T)) fail(E.InvalidCommandError, `${field} must be one of ${allowed.join(', ')}`, { field, value });
}
function notBefore(at: IsoDate, earlier: IsoDate | undefined, what: string): void {
  if (earlier && isBefore(at, earlier)) fail(E.ChronologyError, `${at} is before ${what} (${earlier})`, { at, earlier });
}
function unique(record: Record<string, unknown>, id: string, what: string): void {
  requireText(id, what);
  if (Object.hasOwn(record, id)) fail(E.DuplicateIdError, `${what} ${id} is already used on this case`, { id });
}

/** The tribunal order of `kind` not yet complied with, if any. */
/** The case status each kind of tribunal order answers (reg 43(2), 44(2)): an order to cease follows an appeal against a decision to cease, the plan being maintained meanwhile. */
const TRIBUNAL_ORDER_APPLIES_TO: Readonly<Record<TribunalOrderKind, readonly EhcCaseState['status'][]>> = {
  assess: ['assessment-refused'],
  'make-plan': ['plan-refused'],
  'amend-plan': ['plan-in-force'],
  'amend-placement': ['plan-in-force'],
  'continue-to-maintain': ['plan-in-force', 'ceased'],
  cease: ['plan-in-force'],
};

export function pendingTribunalOrder(state: EhcCaseState, kind: 'assess' | 'make-plan' | 'amend-plan'): string | undefined {
  const complied = new Set<string | undefined>([
    ...state.assessmentDecisions.map((d) => d.tribunalOrderId),
    ...state.drafts.map((d) => d.tribunalOrderId),
    ...Object.values(state.amendments).map((a) => a.tribunalOrderId),
  ]);
  return Object.values(state.tribunalOrders).find((o) => o.kind === kind && !complied.has(o.orderId))?.orderId;
}

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

/** The reassessment decided on and not yet finished by its amended plan (or a decision not to amend), if any. */
export function openReassessment(state: EhcCaseState): ReassessmentState | undefined {
  return Object.values(state.reassessments ?? {}).find((r) => {
    if (r.decision !== 'reassess') return false;
    const a = r.amendmentId ? state.amendments[r.amendmentId] : undefined;
    return !a?.amendedOn && !a?.notAmendedOn;
  });
}

/** The last move of the assessment to another LA, while that LA has not yet made its own reg 5(1)(b) decision. */
function awaitingNewAuthorityDecision(state: EhcCaseState): AssessmentTransferState | undefined {
  const last = state.assessmentTransfers?.at(-1);
  return last && !last.newAuthorityDecision && (state.status === 'assessing' || state.status === 'draft-issued') ? last : undefined;
}

/** reg 15(5): the review after a plan transfer, from the last review held before the transfer (or the plan). */
export function reviewDueAfterPlanTransfer(state: EhcCaseState, transferredOn: IsoDate): IsoDate {
  const heldBefore = Object.values(state.reviews).flatMap((r) => (r.heldOn && !isAfter(r.heldOn, transferredOn) ? [r.heldOn] : [])).sort();
  return T.reviewDueAfterTransfer(heldBefore.at(-1) ?? (state.finalPlan?.issuedOn as IsoDate), transferredOn);
}

function assertPlanInForce(state: EhcCaseState, step: string): void {
  if (state.status !== 'plan-in-force') fail(E.PlanNotInForceError, `${step}: there is no final EHC plan in force (status ${state.status})`);
}

/** NHS numbers: 10 digits whose last is the modulus 11 check digit of the first nine. */
export function isValidNhsNumber(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === Number(value[9]);
}

function childDetails(child: ChildDetails, receivedOn: IsoDate): ChildDetails {
  if (typeof child !== 'object' || child === null) fail(E.InvalidCommandError, 'child must be an object with dateOfBirth', { field: 'child' });
  const dateOfBirth = requireDate(child.dateOfBirth, 'child.dateOfBirth');
  if (isAfter(dateOfBirth, receivedOn)) fail(E.InvalidCommandError, `child.dateOfBirth ${dateOfBirth} is after the request (${receivedOn})`, { field: 'child.dateOfBirth' });
  if (child.name !== undefined) requireText(child.name, 'child.name');
  if (child.nhsNumber !== undefined && !isValidNhsNumber(child.nhsNumber)) {
    fail(E.InvalidCommandError, 'child.nhsNumber must be 10 digits with a valid check digit', { field: 'child.nhsNumber' });
  }
  return { dateOfBirth, ...(child.name !== undefined ? { name: child.name.trim() } : {}), ...(child.nhsNumber !== undefined ? { nhsNumber: child.nhsNumber } : {}) };
}


/** The day of the appealable decision a notice is for, or why there is none (regs 5(3), 10(3), 14, 22(4), 31). */
function appealableDecisionOn(state: EhcCaseState, c: Pick<NotifyAppealRights, 'decision' | 'amendmentId' | 'cessationId' | 'reassessmentId'>): IsoDate {
  const none = (what: string): never => fail(E.AppealableDecisionNotFoundError, `There is no ${what} on this case to notify`, { decision: c.decision });
  const amendment = c.amendmentId ? state.amendments[c.amendmentId] : undefined;
  if (c.amendmentId && !amendment) none(`amendment ${c.amendmentId}`);
  if (c.cessationId && c.decision !== 'cease') fail(E.InvalidCommandError, 'cessationId belongs only to a decision to cease');
  if (c.amendmentId && c.decision !== 'plan-contents' && c.decision !== 'not-to-amend') fail(E.InvalidCommandError, 'amendmentId belongs only to an amended plan or a decision not to amend');
  if (c.reassessmentId && c.decision !== 'not-to-reassess') fail(E.InvalidCommandError, 'reassessmentId belongs only to a decision not to reassess');
  switch (c.decision as AppealableDecision) {
    case 'not-to-assess':
      return state.assessmentDecisions.filter((d) => d.decision === 'not-assess').at(-1)?.decidedOn ?? none('decision not to assess');
    case 'not-to-issue':
      return state.decisionNotToIssueOn ?? none('decision not to issue a plan');
    case 'plan-contents':
      return (amendment ? amendment.amendedOn : state.finalPlan?.issuedOn) ?? none(amendment ? `amended plan for amendment ${c.amendmentId}` : 'final plan');
    case 'not-to-amend':
      if (!amendment) return fail(E.InvalidCommandError, 'A decision not to amend names its amendmentId', { field: 'amendmentId' });
      return amendment.notAmendedOn ?? none(`decision not to amend for amendment ${c.amendmentId}`);
    case 'cease': {
      const cessation = c.cessationId ? state.cessations?.[c.cessationId] : undefined;
      if (!cessation) return fail(E.CessationNotFoundError, `A notice of a decision to cease names its cessation (cessationId); ${c.cessationId ?? 'none'} is not on this case`);
      return cessation.decidedOn ?? none(`decision to cease for cessation ${c.cessationId}`);
    }
    case 'not-to-reassess': {
      // CFA 2014 s.51(2)(d); reg 25: a decision not to reassess is notified with the right of appeal
      const r = c.reassessmentId ? state.reassessments?.[c.reassessmentId] : undefined;
      if (!r) return fail(E.ReassessmentNotFoundError, `A notice of a decision not to reassess names its reassessment (reassessmentId); ${c.reassessmentId ?? 'none'} is not on this case`);
      return (r.decision === 'not-reassess' ? r.decidedOn : undefined) ?? none(`decision not to reassess for reassessment ${c.reassessmentId}`);
    }
  }
}

function notice(state: EhcCaseState, noticeId: string): AppealNoticeState {
  return state.appealNotices?.[noticeId] ?? fail(E.AppealableDecisionNotFoundError, `No notice of an appealable decision ${noticeId} on this case`, { noticeId });
}

/** Tribunal Procedure Rules r.20: the later of 2 months from the decision and 1 month from a mediation certificate on it. */
export function appealWindowEnd(state: EhcCaseState, noticeId: string): IsoDate {
  const n = notice(state, noticeId);
  const certified = Object.values(state.mediations ?? {}).filter((m) => m.noticeId === noticeId && m.certificate).map((m) => m.certificate?.appealDueOn as IsoDate);
  return certified.reduce((a, b) => (isAfter(b, a) ? b : a), n.appealDueOn);
}

/** The Tribunal's order to cease made since the plan was last maintained by order (reg 44(2)), if any. */
function ceaseOrder(state: EhcCaseState): { orderOn: IsoDate } | undefined {
  const orders = Object.values(state.tribunalOrders).filter((o) => o.kind === 'cease' || o.kind === 'continue-to-maintain').sort((a, b) => a.orderOn.localeCompare(b.orderOn));
  const last = orders.at(-1);
  return last?.kind === 'cease' ? last : undefined;
}

/** The decided cessation not yet carried out or overturned, if any. */
export function openCessation(state: EhcCaseState): CessationState | undefined {
  return Object.values(state.cessations ?? {}).find((c) => !c.ceasedOn && !c.overturnedOn);
}

/**
 * reg 31 (and CoP 9.210): after a decision to cease the LA keeps maintaining the plan until the time for appealing has
 * passed without an appeal, or an appeal has been concluded (dismissed, withdrawn, or an order to cease). Returns why
 * the plan may not cease yet on `at`, or undefined.
 */
function maintainedPendingAppeal(state: EhcCaseState, c: CessationState, at: IsoDate): string | undefined {
  const notices = Object.values(state.appealNotices ?? {}).filter((n) => n.cessationId === c.cessationId);
  if (!notices.length) return `reg 31: the decision to cease (${c.decidedOn}) has not been notified with the right of appeal`;
  const ids = new Set(notices.map((n) => n.noticeId));
  const appeals = Object.values(state.appeals ?? {}).filter((a) => ids.has(a.noticeId));
  const ceaseOrdered = Object.values(state.tribunalOrders).some((o) => o.kind === 'cease' && !isBefore(o.orderOn, c.decidedOn as IsoDate));
  if (ceaseOrdered) return undefined;
  const pending = appeals.find((a) => !a.outcome);
  if (pending) return `reg 31: the plan is maintained while the appeal ${pending.appealId} (registered ${pending.registeredOn}) is pending`;
  if (appeals.some((a) => a.outcome?.outcome === 'dismissed' || a.outcome?.outcome === 'withdrawn')) return undefined;
  const mediating = Object.values(state.mediations ?? {}).find((m) => ids.has(m.noticeId) && !m.certificate);
  if (mediating) return `reg 31: the family are in mediation (${mediating.mediationId}); the time for appealing runs from its certificate`;
  const windowEnd = notices.map((n) => appealWindowEnd(state, n.noticeId)).sort().at(-1) as IsoDate;
  if (!isAfter(at, windowEnd)) return `reg 31: the plan is maintained until the time for appealing has passed (${windowEnd})`;
  return undefined;
}

/**
 * decide(command, state) -> events. Pure: every date comes in on the command. Throws a specific DomainError for every
 * illegal step.
 */
export function decide(command: EhcCommand, state: EhcCaseState): EhcEvent[] {
  requireText(command.caseId, 'caseId');
  const at = requireDate(command.at, 'at');
  const caseId = command.caseId;

  if (command.type === 'ReceiveRequest') {
    if (state.status !== 'none') throw new E.CaseAlreadyRequestedError(caseId);
    requireText(command.childRef, 'childRef');
    requireText(command.localAuthority, 'localAuthority');
    requireOneOf(command.source, REQUEST_SOURCES, 'source');
    requireText(command.requestedBy?.role, 'requestedBy.role');
    const child = command.child === undefined ? undefined : childDetails(command.child, at);
    // reg 3; CFA 2014 s.36(1): the request starts the statutory clock on the day the LA receives it (day 0).
    return [{
      type: 'ehc.request-received.v1',
      data: { caseId, childRef: command.childRef, ...(child ? { child } : {}), localAuthority: command.localAuthority, source: command.source, requestedBy: { ...command.requestedBy }, receivedOn: at },
    }];
  }

  if (state.status === 'none') throw new E.CaseNotFoundError(caseId);
  if (state.caseId !== caseId) fail(E.WrongCaseError, `Command for case ${caseId} sent to case ${state.caseId}`);
  if (command.type === 'RecordPersonalDataErasure') {
    // allowed whatever the status (erasure usually comes long after the plan ceased); recorded once
    requireText(command.erasureId, 'erasureId');
    requireOneOf(command.ground, ERASURE_GROUNDS, 'ground');
    if (state.personalDataErased) return [];
    notBefore(at, state.requestReceivedOn, 'the request');
    return [{ type: 'ehc.personal-data-erased.v1', data: { caseId, erasureId: command.erasureId, erasedOn: at, ground: command.ground } }];
  }
  // reg 44(2): an order to continue to maintain a ceased plan restores it at once; nothing else happens on a ceased plan
  const restoring = command.type === 'RecordTribunalOrder' && command.kind === 'continue-to-maintain';
  // notices, mediation and appeals go on after a plan ceased (an appeal against the decision to cease may follow)
  const disagreement = ['NotifyAppealRights', 'RecordMediationDecision', 'RecordMediationHeld', 'IssueMediationCertificate', 'RegisterAppeal', 'DecideAppeal'].includes(command.type);
  if (state.status === 'ceased' && !restoring && !disagreement) fail(E.CaseClosedError, `The plan for case ${caseId} ceased on ${state.ceased?.ceasedOn}`);
  notBefore(at, state.requestReceivedOn, 'the request');

  switch (command.type) {
    case 'DecideToAssess': {
      requireText(command.assessmentId, 'assessmentId');
      if (state.status === 'requested') {
        return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'assess', assessmentId: command.assessmentId, decidedOn: at } }];
      }
      // reg 5(1)(b): an LA that became responsible mid-assessment (CFA 2014 s.24) makes its own decision whether to assess.
      const moved = awaitingNewAuthorityDecision(state);
      if (moved) {
        notBefore(at, moved.transferredOn, 'the transfer to the new LA');
        return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'assess', assessmentId: command.assessmentId, decidedOn: at } }];
      }
      // reg 44(2) / 45: after a refusal, only a tribunal order to assess lets the LA now agree to assess.
      const orderId = state.status === 'assessment-refused' ? pendingTribunalOrder(state, 'assess') : undefined;
      if (!orderId) return fail(E.AssessmentAlreadyDecidedError, `The decision whether to assess was already made (status ${state.status})`);
      notBefore(at, state.tribunalOrders[orderId].orderOn, 'the tribunal order');
      return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'assess', assessmentId: command.assessmentId, decidedOn: at, tribunalOrderId: orderId } }];
    }
    case 'DecideNotToAssess': {
      const moved = awaitingNewAuthorityDecision(state);
      if (state.status !== 'requested' && !moved) fail(E.AssessmentAlreadyDecidedError, `The decision whether to assess was already made (status ${state.status})`);
      notBefore(at, moved?.transferredOn, 'the transfer to the new LA');
      return [{ type: 'ehc.decision-to-assess.v1', data: { caseId, decision: 'not-assess', decidedOn: at } }];
    }

    case 'RequestAdvice': {
      assertAssessing(state, 'Requesting advice');
      requireOneOf(command.adviceType, ADVICE_TYPES, 'adviceType');
      requireOneOf(command.agency, AGENCIES, 'agency');
      unique(state.adviceRequests, command.adviceRequestId, 'adviceRequestId');
      if (!agencyMayGive(command.agency, command.adviceType)) {
        fail(E.AdviceAgencyMismatchError, `${command.agency} does not give ${command.adviceType} advice (reg 6(1))`, { agency: command.agency, adviceType: command.adviceType });
      }
      const open = Object.values(state.adviceRequests).find(
        (r) => r.assessmentId === state.assessmentId && r.adviceType === command.adviceType && r.agency === command.agency && (command.adviceType !== 'other' && command.adviceType !== 'requested-by-family'),
      );
      if (open) fail(E.AdviceAlreadyRequestedError, `${command.adviceType} advice was already requested from ${command.agency} (${open.adviceRequestId})`, { adviceRequestId: open.adviceRequestId });
      // reg 6(4): the LA must not seek advice that is already available and agreed to be sufficient.
      const reused = Object.values(state.reusedAdvice).find((r) => r.adviceType === command.adviceType && r.agency === command.agency);
      if (reused) fail(E.AdviceAlreadyProvidedError, `${command.adviceType} advice from ${command.agency} is already available by agreed re-use (${reused.adviceId}); reg 6(4) forbids asking again`, { adviceId: reused.adviceId });
      return [{
        type: 'ehc.advice-requested.v1',
        data: {
          caseId, assessmentId: state.assessmentId as string, adviceRequestId: command.adviceRequestId, adviceType: command.adviceType, agency: command.agency,
          ...(command.adviserRef ? { adviserRef: command.adviserRef } : {}), requestedOn: at, dueOn: T.adviceDue(at),
        },
      }];
    }
    case 'RecordAdviceReceived': {
      if (state.status === 'assessment-refused') fail(E.AdviceForRefusedAssessmentError, 'The LA decided not to assess; no advice was requested (reg 5)');
      const request = state.adviceRequests[command.adviceRequestId];
      if (!request) return fail(E.AdviceNotRequestedError, `No advice request ${command.adviceRequestId} on this case`, { adviceRequestId: command.adviceRequestId });
      if (request.agency !== command.agency) fail(E.AdviceAgencyMismatchError, `Advice request ${command.adviceRequestId} was made to ${request.agency}, not ${command.agency}`);
      requireText(command.adviceId, 'adviceId');
      if (!Number.isInteger(command.version) || command.version < 1) fail(E.InvalidCommandError, 'version must be a positive integer');
      notBefore(at, request.requestedOn, 'the request for advice');
      const current = request.current;
      if (current && !current.reused && current.adviceId === command.adviceId) {
        if (current.version === command.version) return []; // a retried delivery of the same version: nothing new
        if (command.version < current.version) fail(E.StaleAdviceVersionError, `Version ${command.version} is older than version ${current.version} already recorded`);
      }
      return [{
        type: 'ehc.advice-received.v1',
        data: { caseId, assessmentId: request.assessmentId, adviceRequestId: request.adviceRequestId, adviceId: command.adviceId, version: command.version, agency: request.agency, adviceType: request.adviceType, receivedOn: at },
      }];
    }
    case 'ReuseAdvice': {
      assertAssessing(state, 'Re-using advice');
      requireOneOf(command.adviceType, ADVICE_TYPES, 'adviceType');
      requireOneOf(command.agency, AGENCIES, 'agency');
      unique(state.reusedAdvice, command.reuseId, 'reuseId');
      requireText(command.adviceId, 'adviceId');
      if (!Number.isInteger(command.version) || command.version < 1) fail(E.InvalidCommandError, 'version must be a positive integer');
      const missing = (['adviser', 'localAuthority', 'parentOrYoungPerson'] as const).filter((who) => command.agreement?.[who] !== true);
      if (missing.length) {
        fail(E.ReuseAgreementIncompleteError, `reg 6(4): existing advice is re-used only when the adviser, the LA and the parent/young person all agree it is sufficient; missing: ${missing.join(', ')}`, { missing });
      }
      if (!agencyMayGive(command.agency, command.adviceType)) fail(E.AdviceAgencyMismatchError, `${command.agency} does not give ${command.adviceType} advice (reg 6(1))`);
      if (command.adviceRequestId) {
        const request = state.adviceRequests[command.adviceRequestId];
        if (!request) fail(E.AdviceNotRequestedError, `No advice request ${command.adviceRequestId} on this case`);
        if (request.adviceType !== command.adviceType || request.agency !== command.agency) fail(E.AdviceAgencyMismatchError, `Advice request ${command.adviceRequestId} is for ${request.adviceType} from ${request.agency}`);
        if (request.current) fail(E.AdviceAlreadyProvidedError, `Advice request ${command.adviceRequestId} is already answered`);
      }
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
    case 'WithdrawAdvice': {
      const request = state.adviceRequests[command.adviceRequestId];
      if (!request) return fail(E.AdviceNotRequestedError, `No advice request ${command.adviceRequestId} on this case`);
      if (request.current?.adviceId !== command.adviceId) fail(E.AdviceNotReceivedError, `Advice ${command.adviceId} is not the current answer to ${command.adviceRequestId}`);
      requireText(command.reason, 'reason');
      return [{ type: 'ehc.advice-withdrawn.v1', data: { caseId, adviceRequestId: command.adviceRequestId, adviceId: command.adviceId, withdrawnOn: at, reason: command.reason } }];
    }
    case 'DecideNotToIssue':
      if (state.status === 'draft-issued' || state.status === 'plan-in-force') fail(E.DecisionNotToIssueAfterDraftError, 'A draft plan was already issued; the decision whether to issue was made (reg 10)');
      if (state.status === 'plan-refused') fail(E.AlreadyRecordedError, 'A decision not to issue was already recorded');
      if (state.status !== 'assessing') fail(E.AssessmentNotAgreedError, `No assessment is under way (status ${state.status}); reg 10 follows an assessment`);
      return [{ type: 'ehc.decision-not-to-issue.v1', data: { caseId, decidedOn: at } }];

    case 'IssueDraftPlan': {
      requireText(command.planId, 'planId');
      let tribunalOrderId: string | undefined;
      if (state.status === 'plan-in-force') fail(E.DraftAfterFinalPlanError, 'The final plan is issued; changes now go through amendment (reg 22)');
      if (state.status === 'plan-refused') {
        // reg 44 / 45: an order to make a plan overrides a decision not to issue.
        tribunalOrderId = pendingTribunalOrder(state, 'make-plan');
        if (!tribunalOrderId) fail(E.DraftPlanNotAllowedError, 'The LA decided not to issue a plan (reg 10); only a tribunal order to make a plan allows a draft');
      } else if (state.status !== 'assessing' && state.status !== 'draft-issued') {
        fail(E.DraftPlanNotAllowedError, `A draft plan follows an EHC needs assessment (status ${state.status})`);
      }
      return [{ type: 'ehc.draft-plan-issued.v1', data: { caseId, planId: command.planId, issuedOn: at, commentsDueOn: T.draftCommentsDue(at), ...(tribunalOrderId ? { tribunalOrderId } : {}) } }];
    }
    case 'RecordFamilyResponse': {
      const draft = currentDraft(state);
      if (state.status !== 'draft-issued' || !draft) return fail(E.NoDraftPlanError, 'There is no draft plan to respond to (reg 13)');
      if (draft.familyResponse) fail(E.AlreadyRecordedError, `The family already responded to draft ${draft.planId}`);
      notBefore(at, draft.issuedOn, 'the draft plan');
      return [{
        type: 'ehc.family-response-received.v1',
        data: {
          caseId, planId: draft.planId, receivedOn: at, ...(command.preferredSettingRef ? { preferredSettingRef: command.preferredSettingRef } : {}), ...(command.commentsRef ? { commentsRef: command.commentsRef } : {}),
          ...(command.nothingMoreToSay === true ? { nothingMoreToSay: true } : {}),
        },
      }];
    }
    case 'ConsultSetting':
      if (state.status !== 'draft-issued' && state.status !== 'plan-in-force') fail(E.NoPlanToConsultOnError, 's.39 consultation needs a draft or a plan to send to the setting');
      unique(state.consultations, command.consultationId, 'consultationId');
      requireText(command.settingRef, 'settingRef');
      return [{ type: 'ehc.setting-consulted.v1', data: { caseId, consultationId: command.consultationId, settingRef: command.settingRef, consultedOn: at, responseDueOn: T.settingResponseDue(at) } }];

    case 'RecordSettingResponse': {
      const c = state.consultations[command.consultationId];
      if (!c) return fail(E.ConsultationNotFoundError, `No consultation ${command.consultationId}`);
      if (c.response) fail(E.ConsultationAlreadyAnsweredError, `Consultation ${command.consultationId} was answered on ${c.response.respondedOn}`);
      notBefore(at, c.consultedOn, 'the consultation');
      return [{ type: 'ehc.setting-responded.v1', data: { caseId, consultationId: command.consultationId, respondedOn: at, canMeetNeeds: command.canMeetNeeds === true } }];
    }
    case 'IssueFinalPlan': {
      requireText(command.planId, 'planId');
      if (state.status === 'plan-in-force') fail(E.SecondFinalPlanError, `Final plan ${state.finalPlan?.planId} was already issued on ${state.finalPlan?.issuedOn}`);
      const draft = currentDraft(state);
      if (state.status !== 'draft-issued' || !draft) return fail(E.FinalPlanBeforeDraftError, `A final plan needs a draft first (reg 13; status ${state.status})`);
      notBefore(at, draft.issuedOn, 'the draft plan');
      // reg 13(1), s.38: the family has at least 15 days beginning with the day the draft was served (its last day is
      // commentsDueOn, so the final plan is possible from day 16), even if they have responded, unless they said they
      // had nothing more to say.
      if (!draft.familyResponse?.nothingMoreToSay && !isAfter(at, draft.commentsDueOn)) {
        fail(E.FinalPlanDuringCommentPeriodError, `The family has until ${draft.commentsDueOn} to comment on the draft (reg 13(1)); the final plan may follow from ${T.endOfDaysBeginningWith(draft.commentsDueOn, 2)}`, { commentsDueOn: draft.commentsDueOn });
      }
      // s.39(2) CFA 2014: a school or setting is named only after the LA consulted it.
      if (command.namedSettingRef && !Object.values(state.consultations).some((c) => c.settingRef === command.namedSettingRef && !isAfter(c.consultedOn, at))) {
        fail(E.SettingNotConsultedError, `s.39(2) CFA 2014: consult ${command.namedSettingRef} before naming it in the plan`, { namedSettingRef: command.namedSettingRef });
      }
      return [{ type: 'ehc.final-plan-issued.v1', data: { caseId, planId: command.planId, issuedOn: at, ...(command.namedSettingRef ? { namedSettingRef: command.namedSettingRef } : {}) } }];
    }
    case 'ProposeAmendment': {
      assertPlanInForce(state, 'Proposing an amendment');
      unique(state.amendments, command.amendmentId, 'amendmentId');
      requireOneOf(command.trigger, ['annual-review', 'phase-transfer', 'tribunal-order', 'change-of-circumstances', 'reassessment'] as const, 'trigger');
      const reassessment = command.reassessmentId ? state.reassessments?.[command.reassessmentId] : undefined;
      if ((command.trigger === 'reassessment') !== !!command.reassessmentId) fail(E.InvalidCommandError, 'An amendment after a reassessment names its reassessmentId (trigger reassessment), and only then', { field: 'reassessmentId' });
      if (command.reassessmentId && reassessment?.decision !== 'reassess') fail(E.ReassessmentNotFoundError, `No decision to reassess ${command.reassessmentId} on this case`);
      if (reassessment?.amendmentId) fail(E.AlreadyRecordedError, `Reassessment ${reassessment.reassessmentId} already has its amendment ${reassessment.amendmentId}`);
      if (command.reviewId && !state.reviews[command.reviewId]) fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
      if (command.phaseTransferId && !state.phaseTransfers[command.phaseTransferId]) fail(E.PhaseTransferNotFoundError, `No phase transfer ${command.phaseTransferId}`);
      if (command.tribunalOrderId && !['amend-plan', 'amend-placement'].includes(state.tribunalOrders[command.tribunalOrderId]?.kind)) fail(E.TribunalOrderNotApplicableError, `No tribunal order to amend ${command.tribunalOrderId}`);
      return [{
        type: 'ehc.amendment-proposed.v1',
        data: {
          caseId, amendmentId: command.amendmentId, trigger: command.trigger, proposedOn: at, commentsDueOn: T.amendmentCommentsDue(at),
          // reg 27(2): after a reassessment the reassessment's 14 weeks govern, not reg 22(3) / 28
          amendedPlanDueOn: reassessment?.finalPlanDueOn ?? T.amendedPlanDue(at, command.reviewId ? state.reviews[command.reviewId]?.heldOn : undefined),
          ...(command.reassessmentId ? { reassessmentId: command.reassessmentId } : {}),
          ...(command.reviewId ? { reviewId: command.reviewId } : {}),
          ...(command.phaseTransferId ? { phaseTransferId: command.phaseTransferId } : {}),
          ...(command.tribunalOrderId ? { tribunalOrderId: command.tribunalOrderId } : {}),
        },
      }];
    }
    case 'AmendPlan': {
      assertPlanInForce(state, 'Amending the plan');
      const a = state.amendments[command.amendmentId];
      if (!a) return fail(E.AmendmentNotProposedError, `reg 22: amendments must be proposed to the family first; no proposal ${command.amendmentId}`);
      if (a.amendedOn) fail(E.AmendmentAlreadyMadeError, `Amendment ${command.amendmentId} was made on ${a.amendedOn}`);
      if (a.notAmendedOn) fail(E.AmendmentNotToBeMadeError, `reg 22(4): the LA decided on ${a.notAmendedOn} not to make amendment ${command.amendmentId}`);
      notBefore(at, a.proposedOn, 'the amendment proposal');
      // reg 22(2) / 28(2): not before the family's 15 days beginning with the proposals end (a tribunal's order of the
      // contents is complied with under reg 44 instead).
      if (!a.tribunalOrderId && !isAfter(at, a.commentsDueOn)) {
        fail(E.AmendmentDuringCommentPeriodError, `The family has until ${a.commentsDueOn} to comment on the proposed amendments (reg 22(2))`, { commentsDueOn: a.commentsDueOn });
      }
      return [{ type: 'ehc.plan-amended.v1', data: { caseId, amendmentId: command.amendmentId, amendedOn: at, ...(command.namedSettingRef ? { namedSettingRef: command.namedSettingRef } : {}) } }];
    }
    case 'DecideNotToAmend': {
      assertPlanInForce(state, 'Deciding not to amend');
      const a = state.amendments[command.amendmentId];
      if (!a) return fail(E.AmendmentNotProposedError, `No proposed amendment ${command.amendmentId}`);
      if (a.amendedOn) fail(E.AmendmentAlreadyMadeError, `Amendment ${command.amendmentId} was made on ${a.amendedOn}`);
      if (a.notAmendedOn) fail(E.AlreadyRecordedError, `The LA already decided not to amend on ${a.notAmendedOn}`);
      notBefore(at, a.proposedOn, 'the amendment proposal');
      return [{ type: 'ehc.decision-not-to-amend.v1', data: { caseId, amendmentId: command.amendmentId, decidedOn: at } }];
    }
    case 'ScheduleReviewMeeting': {
      assertPlanInForce(state, 'Scheduling a review');
      unique(state.reviews, command.reviewId, 'reviewId');
      const meetingOn = requireDate(command.meetingOn, 'meetingOn');
      return [{ type: 'ehc.review-meeting-scheduled.v1', data: { caseId, reviewId: command.reviewId, scheduledOn: at, meetingOn, papersDueOn: T.reviewPapersDue(meetingOn) } }];
    }
    case 'CirculateReviewPapers': {
      const r = state.reviews[command.reviewId];
      if (!r) return fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
      if (r.papersCirculatedOn) fail(E.AlreadyRecordedError, `Papers for review ${command.reviewId} went out on ${r.papersCirculatedOn}`);
      return [{ type: 'ehc.review-papers-circulated.v1', data: { caseId, reviewId: command.reviewId, circulatedOn: at } }];
    }
    case 'HoldReviewMeeting': {
      assertPlanInForce(state, 'Holding a review');
      const r = state.reviews[command.reviewId];
      if (!r) return fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
      if (r.heldOn) fail(E.ReviewAlreadyHeldError, `Review ${command.reviewId} was held on ${r.heldOn}`);
      notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
      return [{ type: 'ehc.review-meeting-held.v1', data: { caseId, reviewId: command.reviewId, heldOn: at } }];
    }
    case 'SubmitReviewReport': {
      const r = state.reviews[command.reviewId];
      if (!r) return fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
      if (!r.heldOn) fail(E.ReviewNotHeldError, `Review ${command.reviewId} has not been held`);
      if (r.reportSubmittedOn) fail(E.AlreadyRecordedError, `The report for review ${command.reviewId} was sent on ${r.reportSubmittedOn}`);
      notBefore(at, r.heldOn, 'the review meeting');
      return [{ type: 'ehc.review-report-submitted.v1', data: { caseId, reviewId: command.reviewId, submittedOn: at } }];
    }
    case 'MakeReviewDecision': {
      const r = state.reviews[command.reviewId];
      if (!r) return fail(E.ReviewNotScheduledError, `No review ${command.reviewId}`);
      if (!r.heldOn) fail(E.ReviewNotHeldError, `Review ${command.reviewId} has not been held`);
      if (r.decision) fail(E.ReviewAlreadyDecidedError, `Review ${command.reviewId} was decided on ${r.decision.decidedOn}`);
      requireOneOf(command.decision, ['maintain', 'amend', 'cease'] as const, 'decision');
      notBefore(at, r.heldOn, 'the review meeting');
      return [{ type: 'ehc.review-decision-made.v1', data: { caseId, reviewId: command.reviewId, decision: command.decision, decidedOn: at } }];
    }
    case 'SchedulePhaseTransfer': {
      assertPlanInForce(state, 'Scheduling a phase transfer');
      unique(state.phaseTransfers, command.phaseTransferId, 'phaseTransferId');
      requireOneOf(command.kind, ['school-phase', 'secondary-to-post-16', 'post-16-institution'] as const, 'kind');
      const transferOn = requireDate(command.transferOn, 'transferOn');
      return [{
        type: 'ehc.phase-transfer-scheduled.v1',
        data: { caseId, phaseTransferId: command.phaseTransferId, kind: command.kind, scheduledOn: at, transferOn, amendDueOn: T.phaseTransferAmendDue(command.kind, transferOn) },
      }];
    }
    case 'CeasePlan': {
      assertPlanInForce(state, 'Ceasing the plan');
      const open = openCessation(state);
      if (open && !open.decidedOn) {
        return fail(E.CessationNotFoundError, `Ceasing was proposed on ${open.proposedOn} (${open.cessationId}): consult and decide to cease first (reg 29-31)`, { cessationId: open.cessationId });
      }
      if (open) {
        if (command.reason !== undefined && command.reason !== open.reason) fail(E.InvalidCommandError, `The decision to cease gave the reason ${open.reason}`, { field: 'reason' });
        notBefore(at, open.decidedOn, 'the decision to cease');
        const why = maintainedPendingAppeal(state, open, at);
        if (why) fail(E.PlanMaintainedPendingAppealError, why, { cessationId: open.cessationId });
        return [{ type: 'ehc.plan-ceased.v1', data: { caseId, ceasedOn: at, reason: open.reason, cessationId: open.cessationId } }];
      }
      // regs 29-31: a plan ceases only after a decision to cease, or when the Tribunal ordered it (reg 44(2)).
      // Older histories hold plan-ceased events without either; evolve still accepts them.
      const order = ceaseOrder(state);
      if (!order) return fail(E.CessationNotDecidedError, 'regs 29-31: propose ceasing, consult the family and the institution and decide to cease first (or record the Tribunal\'s order to cease)');
      requireOneOf(command.reason, CEASE_REASONS, 'reason');
      notBefore(at, order.orderOn, 'the order to cease');
      return [{ type: 'ehc.plan-ceased.v1', data: { caseId, ceasedOn: at, reason: command.reason as NonNullable<typeof command.reason> } }];
    }
    case 'RequestReassessment': {
      assertPlanInForce(state, 'Requesting a reassessment');
      unique(state.reassessments ?? {}, command.reassessmentId, 'reassessmentId');
      requireOneOf(command.requestedBy, REASSESSMENT_REQUESTERS, 'requestedBy');
      notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
      return [{ type: 'ehc.reassessment-requested.v1', data: { caseId, reassessmentId: command.reassessmentId, requestedBy: command.requestedBy, receivedOn: at, decisionDueOn: T.reassessmentDecisionDue(at) } }];
    }
    case 'DecideOnReassessment': {
      assertPlanInForce(state, 'Deciding on a reassessment');
      const r = state.reassessments?.[command.reassessmentId];
      if (!r) return fail(E.ReassessmentNotFoundError, `No request for reassessment ${command.reassessmentId} on this case`);
      if (r.decidedOn) fail(E.AlreadyRecordedError, `The LA already decided on ${r.decidedOn} (${r.decision})`);
      requireOneOf(command.decision, REASSESSMENT_DECISIONS, 'decision');
      notBefore(at, r.receivedOn, 'the request for reassessment');
      const inTime = !isAfter(at, r.decisionDueOn);
      if (command.decision === 'not-reassess') {
        if (command.assessmentId !== undefined) fail(E.InvalidCommandError, 'assessmentId belongs only to a decision to reassess', { field: 'assessmentId' });
        return [{ type: 'ehc.reassessment-decided.v1', data: { caseId, reassessmentId: r.reassessmentId, decision: 'not-reassess', decidedOn: at, inTime } }];
      }
      const open = openReassessment(state);
      if (open) fail(E.AlreadyRecordedError, `Reassessment ${open.reassessmentId} (decided ${open.decidedOn}) is still running`, { reassessmentId: open.reassessmentId });
      requireText(command.assessmentId, 'assessmentId');
      if (command.assessmentId === state.assessmentId || state.assessmentDecisions.some((d) => d.assessmentId === command.assessmentId) || Object.values(state.reassessments ?? {}).some((x) => x.assessmentId === command.assessmentId)) {
        fail(E.DuplicateIdError, `assessmentId ${command.assessmentId} is already used on this case`, { id: command.assessmentId });
      }
      return [{
        type: 'ehc.reassessment-decided.v1',
        data: { caseId, reassessmentId: r.reassessmentId, decision: 'reassess', decidedOn: at, inTime, assessmentId: command.assessmentId as string, finalPlanDueOn: T.reassessmentFinalPlanDue(at) },
      }];
    }
    case 'ProposeCessation': {
      assertPlanInForce(state, 'Proposing to cease the plan');
      unique(state.cessations ?? {}, command.cessationId, 'cessationId');
      requireOneOf(command.reason, CEASE_REASONS, 'reason');
      const open = openCessation(state);
      if (open) fail(E.AlreadyRecordedError, `Ceasing is already under way (${open.cessationId}, proposed ${open.proposedOn})`, { cessationId: open.cessationId });
      notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
      return [{ type: 'ehc.cessation-proposed.v1', data: { caseId, cessationId: command.cessationId, proposedOn: at, reason: command.reason } }];
    }
    case 'RecordCessationConsultation': {
      assertPlanInForce(state, 'Consulting on ceasing the plan');
      const c = state.cessations?.[command.cessationId];
      if (!c) return fail(E.CessationNotFoundError, `No proposal to cease ${command.cessationId}`);
      if (c.decidedOn) fail(E.AlreadyRecordedError, `The LA already decided to cease on ${c.decidedOn}`);
      requireOneOf(command.consultee, CESSATION_CONSULTEES, 'consultee');
      if (c.consulted[command.consultee]) fail(E.AlreadyRecordedError, `The ${command.consultee} was consulted on ${c.consulted[command.consultee]}`);
      if (command.institutionRef !== undefined) requireText(command.institutionRef, 'institutionRef');
      notBefore(at, c.proposedOn, 'the proposal to cease');
      return [{
        type: 'ehc.cessation-consulted.v1',
        data: { caseId, cessationId: c.cessationId, consultee: command.consultee, consultedOn: at, ...(command.institutionRef ? { institutionRef: command.institutionRef } : {}) },
      }];
    }
    case 'DecideToCease': {
      assertPlanInForce(state, 'Deciding to cease the plan');
      const c = state.cessations?.[command.cessationId];
      if (!c) return fail(E.CessationNotFoundError, `No proposal to cease ${command.cessationId}`);
      if (c.decidedOn) fail(E.AlreadyRecordedError, `The LA already decided to cease on ${c.decidedOn}`);
      // reg 29: the parent or young person and the institution are consulted before the decision
      const missing = CESSATION_CONSULTEES.filter((who) => !c.consulted[who]);
      if (missing.length) fail(E.CessationNotConsultedError, `reg 29: consult the ${missing.join(' and the ')} before deciding to cease`, { missing });
      for (const on of Object.values(c.consulted)) notBefore(at, on, 'the consultation');
      return [{ type: 'ehc.decision-to-cease.v1', data: { caseId, cessationId: c.cessationId, decidedOn: at, reason: c.reason } }];
    }
    case 'NotifyAppealRights': {
      unique(state.appealNotices ?? {}, command.noticeId, 'noticeId');
      requireOneOf(command.decision, APPEALABLE_DECISIONS, 'decision');
      const missing = (['rightOfAppeal', 'mediation', 'disagreementResolution', 'informationAdviceSupport'] as const).filter((k) => command.includes?.[k] !== true);
      if (missing.length) {
        fail(E.AppealNoticeIncompleteError, `The notice must tell the family of the right of appeal, the mediation requirement, disagreement resolution and the information, advice and support service; missing: ${missing.join(', ')}`, { missing });
      }
      const decidedOn = appealableDecisionOn(state, command);
      const same = Object.values(state.appealNotices ?? {}).find((n) => n.decision === command.decision && n.decidedOn === decidedOn && n.amendmentId === command.amendmentId && n.cessationId === command.cessationId && n.reassessmentId === command.reassessmentId);
      if (same) fail(E.AlreadyRecordedError, `That decision was notified on ${same.notifiedOn} (${same.noticeId})`, { noticeId: same.noticeId });
      notBefore(at, decidedOn, 'the decision');
      return [{
        type: 'ehc.appeal-rights-notified.v1',
        data: {
          caseId, noticeId: command.noticeId, decision: command.decision, decidedOn, notifiedOn: at,
          ...(command.amendmentId ? { amendmentId: command.amendmentId } : {}), ...(command.cessationId ? { cessationId: command.cessationId } : {}),
          ...(command.reassessmentId ? { reassessmentId: command.reassessmentId } : {}),
          includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true },
          // Tribunal Procedure (HESC) Rules r.20(1): 2 months after the written notice of the decision was sent
          appealDueOn: T.appealDue(at),
        },
      }];
    }
    case 'RecordMediationDecision': {
      const n = notice(state, command.noticeId);
      unique(state.mediations ?? {}, command.mediationId, 'mediationId');
      requireOneOf(command.choice, MEDIATION_CHOICES, 'choice');
      const adviceGivenOn = requireDate(command.adviceGivenOn, 'adviceGivenOn');
      const other = Object.values(state.mediations ?? {}).find((m) => m.noticeId === n.noticeId);
      if (other) fail(E.AlreadyRecordedError, `The family already chose on ${other.decidedOn} (${other.mediationId})`, { mediationId: other.mediationId });
      notBefore(adviceGivenOn, n.decidedOn, 'the decision');
      notBefore(at, adviceGivenOn, 'the mediation advice');
      return [{
        type: 'ehc.mediation-decided.v1',
        data: {
          caseId, mediationId: command.mediationId, noticeId: n.noticeId, adviceGivenOn, choice: command.choice, decidedOn: at,
          // reg 33: a certificate within 3 working days of hearing the family do not wish to mediate; reg 37: mediation within 30 days
          ...(command.choice === 'not-mediate' ? { certificateDueOn: T.mediationCertificateDue(at) } : { mediationDueOn: T.mediationDue(at) }),
        },
      }];
    }
    case 'RecordMediationHeld': {
      const m = state.mediations?.[command.mediationId];
      if (!m) return fail(E.MediationNotFoundError, `No mediation ${command.mediationId}`);
      if (m.choice !== 'mediate') fail(E.InvalidCommandError, `The family chose not to mediate (${m.decidedOn})`);
      if (m.held) fail(E.AlreadyRecordedError, `Mediation ${m.mediationId} was held on ${m.held.heldOn}`);
      requireOneOf(command.outcome, MEDIATION_OUTCOMES, 'outcome');
      notBefore(at, m.decidedOn, 'the family’s choice to mediate');
      return [{ type: 'ehc.mediation-held.v1', data: { caseId, mediationId: m.mediationId, heldOn: at, outcome: command.outcome, certificateDueOn: T.mediationCertificateDue(at) } }];
    }
    case 'IssueMediationCertificate': {
      const m = state.mediations?.[command.mediationId];
      if (!m) return fail(E.MediationNotFoundError, `No mediation ${command.mediationId}`);
      if (m.certificate) fail(E.AlreadyRecordedError, `The certificate was issued on ${m.certificate.issuedOn}`);
      if (m.choice === 'mediate' && !m.held) fail(E.MediationNotFoundError, `Mediation ${m.mediationId} has not been held; its certificate follows it (reg 39)`);
      notBefore(at, m.held?.heldOn ?? m.decidedOn, m.held ? 'the mediation' : 'the family’s choice');
      const n = notice(state, m.noticeId);
      return [{ type: 'ehc.mediation-certificate-issued.v1', data: { caseId, mediationId: m.mediationId, issuedOn: at, appealDueOn: T.appealDueAfterCertificate(n.notifiedOn, at) } }];
    }
    case 'RegisterAppeal': {
      const n = notice(state, command.noticeId);
      unique(state.appeals ?? {}, command.appealId, 'appealId');
      const pending = Object.values(state.appeals ?? {}).find((a) => a.noticeId === n.noticeId && !a.outcome);
      if (pending) fail(E.AlreadyRecordedError, `An appeal against that decision is pending (${pending.appealId})`, { appealId: pending.appealId });
      const hearingOn = command.hearingOn === undefined ? undefined : requireDate(command.hearingOn, 'hearingOn');
      notBefore(at, n.decidedOn, 'the decision');
      if (hearingOn) notBefore(hearingOn, at, 'the registration');
      const appealDueOn = appealWindowEnd(state, n.noticeId);
      return [{
        type: 'ehc.appeal-registered.v1',
        data: { caseId, appealId: command.appealId, noticeId: n.noticeId, decision: n.decision, registeredOn: at, appealDueOn, inTime: !isAfter(at, appealDueOn), ...(hearingOn ? { hearingOn } : {}) },
      }];
    }
    case 'DecideAppeal': {
      const a = state.appeals?.[command.appealId];
      if (!a) return fail(E.AppealNotFoundError, `No appeal ${command.appealId}`);
      if (a.outcome) fail(E.AlreadyRecordedError, `Appeal ${a.appealId} was ${a.outcome.outcome} on ${a.outcome.decidedOn}`);
      requireOneOf(command.outcome, APPEAL_OUTCOMES, 'outcome');
      const hearingOn = command.hearingOn === undefined ? undefined : requireDate(command.hearingOn, 'hearingOn');
      notBefore(at, a.registeredOn, 'the registration of the appeal');
      if (hearingOn) {
        notBefore(hearingOn, a.registeredOn, 'the registration of the appeal');
        if (isAfter(hearingOn, at)) fail(E.ChronologyError, `The hearing (${hearingOn}) is after the decision (${at})`);
      }
      return [{ type: 'ehc.appeal-decided.v1', data: { caseId, appealId: a.appealId, decidedOn: at, outcome: command.outcome, ...(hearingOn ? { hearingOn } : {}) } }];
    }

    case 'RecordException': {
      requireOneOf(command.limit, EXCEPTION_LIMITS, 'limit');
      requireOneOf(command.reason, EXCEPTION_REASONS, 'reason');
      if (state.exceptions.some((e) => e.exceptionId === command.exceptionId)) fail(E.DuplicateIdError, `exceptionId ${command.exceptionId} is already used`);
      requireText(command.exceptionId, 'exceptionId');
      const rule = EXCEPTION_RULES[command.limit];
      const limb = exceptionLimb(command.limit, command.reason, command.closedSetting);
      if (!limb) {
        const what = command.reason === 'school-closure' ? `school-closure (${command.closedSetting ?? 'school-or-post-16'})` : command.reason;
        fail(E.ExceptionNotApplicableError, `${rule.regulation} allows no "${what}" exception to the ${command.limit} limit`, { limit: command.limit, reason: command.reason });
      }
      if (command.closedSetting !== undefined) requireOneOf(command.closedSetting, CLOSED_SETTINGS, 'closedSetting');
      const fromOn = requireDate(command.fromOn, 'fromOn');
      const toOn = command.toOn === undefined ? undefined : requireDate(command.toOn, 'toOn');
      const adviceRequestedOn = command.adviceRequestedOn === undefined ? undefined : requireDate(command.adviceRequestedOn, 'adviceRequestedOn');
      if (toOn && isBefore(toOn, fromOn)) fail(E.InvalidCommandError, 'toOn is before fromOn');
      if (command.reason !== 'school-closure' && (command.closedSetting !== undefined || adviceRequestedOn)) {
        fail(E.InvalidCommandError, 'closedSetting and adviceRequestedOn belong only to a school-closure exception');
      }
      if (command.limit === 'advice') {
        if (!command.adviceRequestId || !state.adviceRequests[command.adviceRequestId]) fail(E.AdviceNotRequestedError, 'reg 8(2): an advice exception names the advice request it applies to');
      } else if (command.adviceRequestId) {
        fail(E.InvalidCommandError, 'adviceRequestId belongs only to an advice exception');
      }
      if (command.limit === 'tribunal') {
        if (!command.tribunalOrderId || !state.tribunalOrders[command.tribunalOrderId]) fail(E.TribunalOrderNotApplicableError, 'reg 44(3): a tribunal exception names the order whose limits it applies to');
      } else if (command.tribunalOrderId) {
        fail(E.InvalidCommandError, 'tribunalOrderId belongs only to a tribunal exception');
      }
      if ((command.limit === 'decision-whether-to-issue' || command.limit === 'final-plan') && !state.assessmentDecisions.some((d) => d.decision === 'assess')) {
        fail(E.ExceptionNotApplicableError, `The ${command.limit} limit applies only once the LA has decided to assess`);
      }
      // The limb's conditions: the closure window around the advice request, 4 continuous weeks, facts during the limit.
      const facts = { limit: command.limit, reason: command.reason, fromOn, toOn, closedSetting: command.closedSetting, adviceRequestedOn };
      const defect = exceptionDefect(facts, limitRunning(state, command.limit, command.adviceRequestId, command.tribunalOrderId) as LimitRunning);
      if (defect) fail(E.ExceptionConditionNotMetError, defect, { limit: command.limit, reason: command.reason, fromOn, toOn, adviceRequestedOn });
      return [{
        type: 'ehc.exception-recorded.v1',
        data: {
          caseId, exceptionId: command.exceptionId, limit: command.limit, regulation: rule.regulation,
          ...(command.adviceRequestId ? { adviceRequestId: command.adviceRequestId } : {}),
          ...(command.tribunalOrderId ? { tribunalOrderId: command.tribunalOrderId } : {}),
          reason: command.reason, fromOn, ...(toOn ? { toOn } : {}), recordedOn: at, limb: limb as string,
          ...(command.reason === 'school-closure' ? { closedSetting: command.closedSetting ?? 'school-or-post-16', adviceRequestedOn } : {}),
        },
      }];
    }
    case 'RecordTribunalOrder': {
      unique(state.tribunalOrders, command.orderId, 'orderId');
      requireOneOf(command.kind, TRIBUNAL_ORDER_KINDS, 'kind');
      requireOneOf(command.regulation, ['reg 44', 'reg 45'] as const, 'regulation');
      const applicable = TRIBUNAL_ORDER_APPLIES_TO[command.kind];
      if (!applicable.includes(state.status)) fail(E.TribunalOrderNotApplicableError, `An order to ${command.kind} needs the case to be ${applicable.join(' or ')} (it is ${state.status})`);
      // reg 45: the LA did not oppose the appeal, so no order is made: `at` is its notice to the Tribunal, which starts the clocks
      return [{
        type: 'ehc.tribunal-order-received.v1',
        data: { caseId, orderId: command.orderId, regulation: command.regulation, kind: command.kind, orderOn: at, ...(command.regulation === 'reg 45' ? { tribunalNotifiedOn: at } : {}) },
      }];
    }
    case 'NotifyTransfer': {
      assertPlanInForce(state, 'Transferring the plan');
      unique(state.transfers, command.transferId, 'transferId');
      requireText(command.toLocalAuthority, 'toLocalAuthority');
      if (command.toLocalAuthority === state.localAuthority) fail(E.InvalidCommandError, 'The new LA is the current LA');
      const moveOn = requireDate(command.moveOn, 'moveOn');
      return [{
        type: 'ehc.transfer-notified.v1',
        data: { caseId, transferId: command.transferId, fromLocalAuthority: state.localAuthority as string, toLocalAuthority: command.toLocalAuthority, learnedOn: at, moveOn, transferDueOn: T.transferDue(at, moveOn) },
      }];
    }
    case 'TransferPlan': {
      const t = state.transfers[command.transferId];
      if (!t) return fail(E.TransferNotFoundError, `No transfer ${command.transferId}`);
      if (t.transferredOn) fail(E.TransferAlreadyCompletedError, `Transfer ${command.transferId} happened on ${t.transferredOn}`);
      notBefore(at, t.learnedOn, 'learning of the move');
      return [{ type: 'ehc.plan-transferred.v1', data: { caseId, transferId: t.transferId, toLocalAuthority: t.toLocalAuthority, transferredOn: at } }];
    }
    case 'DecideReassessmentAfterTransfer': {
      const t = state.transfers[command.transferId];
      if (!t?.transferredOn) return fail(E.TransferNotFoundError, `No completed transfer ${command.transferId}`);
      if (t.reassessment) fail(E.AlreadyRecordedError, `The new LA already decided on ${t.reassessment.decidedOn}`);
      notBefore(at, t.transferredOn, 'the transfer');
      // reg 15(4)(a): the new LA also tells the family when it will review the plan, which must be within the reg 15(5) limit.
      const reviewOn = command.reviewOn === undefined ? undefined : requireDate(command.reviewOn, 'reviewOn');
      if (reviewOn) {
        notBefore(reviewOn, t.transferredOn, 'the transfer');
        const reviewDue = reviewDueAfterPlanTransfer(state, t.transferredOn);
        if (isAfter(reviewOn, reviewDue)) fail(E.InvalidCommandError, `reg 15(5): the new LA must review by ${reviewDue}; ${reviewOn} is later`, { field: 'reviewOn', reviewDue });
      }
      return [{ type: 'ehc.transfer-reassessment-decided.v1', data: { caseId, transferId: t.transferId, willReassess: command.willReassess === true, decidedOn: at, ...(reviewOn ? { reviewOn } : {}) } }];
    }
    case 'TransferAssessment': {
      // reg 15 transfers a plan; a move during the assessment passes the duties to the new LA (CFA 2014 s.24).
      if (state.status === 'plan-in-force') fail(E.NoAssessmentInProgressError, 'A plan is in force: transfer the plan (reg 15: NotifyTransfer, TransferPlan)');
      if (state.status !== 'assessing' && state.status !== 'draft-issued') {
        fail(E.NoAssessmentInProgressError, `There is no EHC needs assessment in progress to transfer (status ${state.status})`, { status: state.status });
      }
      requireText(command.transferId, 'transferId');
      if (Object.hasOwn(state.transfers, command.transferId) || (state.assessmentTransfers ?? []).some((t) => t.transferId === command.transferId)) {
        fail(E.DuplicateIdError, `transferId ${command.transferId} is already used on this case`, { id: command.transferId });
      }
      requireText(command.toLocalAuthority, 'toLocalAuthority');
      if (command.toLocalAuthority === state.localAuthority) fail(E.SameLocalAuthorityError, `${command.toLocalAuthority} is already responsible for the case`);
      const clock = command.clock ?? 'from-transfer';
      requireOneOf(clock, ASSESSMENT_TRANSFER_CLOCKS, 'clock');
      notBefore(at, state.requestReceivedOn, 'the request');
      const assess = state.assessmentDecisions.filter((d) => d.decision === 'assess').at(-1);
      notBefore(at, assess?.decidedOn, 'the decision to assess');
      notBefore(at, currentDraft(state)?.issuedOn, 'the draft plan');
      notBefore(at, state.assessmentTransfers?.at(-1)?.transferredOn, 'the previous transfer of the assessment');
      return [{
        type: 'ehc.assessment-transferred.v1',
        data: {
          caseId, transferId: command.transferId, assessmentId: state.assessmentId as string, fromLocalAuthority: state.localAuthority as string,
          toLocalAuthority: command.toLocalAuthority, transferredOn: at, clock, ...T.assessmentTransferClock(clock, state.requestReceivedOn as IsoDate, at),
          decisionToAssessDueOn: T.decisionToAssessDue(at),
        },
      }];
    }
    case 'RecordCommissioningBodyChange':
      unique(state.commissioningChanges, command.changeId, 'changeId');
      requireText(command.newCommissioningBodyRef, 'newCommissioningBodyRef');
      return [{
        type: 'ehc.commissioning-body-changed.v1',
        data: { caseId, changeId: command.changeId, newCommissioningBodyRef: command.newCommissioningBodyRef, learnedOn: at, notifyDueOn: T.commissioningNotifyDue(at) },
      }];
    case 'NotifyCommissioningBody': {
      const c = state.commissioningChanges[command.changeId];
      if (!c) return fail(E.CommissioningChangeNotFoundError, `No commissioning body change ${command.changeId}`);
      if (c.notifiedOn) fail(E.AlreadyRecordedError, `Already notified on ${c.notifiedOn}`);
      return [{ type: 'ehc.commissioning-body-notified.v1', data: { caseId, changeId: c.changeId, notifiedOn: at } }];
    }
    default: {
      const unknown: never = command;
      return fail(E.InvalidCommandError, `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

/** The EHC case decider (Emmett style); structurally an `@tio/event-sourcing` Decider. */
export const ehcCaseDecider = { decide, evolve, initialState };
