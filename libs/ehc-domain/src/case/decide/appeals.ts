import { isAfter, type IsoDate } from '../../calendar';
import type {
  DecideAppeal, IssueMediationCertificate, NotifyAppealRights, RecordMediationDecision, RecordMediationHeld, RegisterAppeal,
} from '../commands';
import * as E from '../errors';
import {
  APPEAL_OUTCOMES, APPEALABLE_DECISIONS, MEDIATION_CHOICES, MEDIATION_OUTCOMES, type AppealableDecision, type EhcEvent,
} from '../events';
import type { AppealNoticeState, EhcCaseState, MediationState } from '../state';
import * as T from '../time-limits';
import { fail, notBefore, optionalDate, requireDate, requireOneOf, unique } from './guards';

/** What a notice of an appealable decision must tell the family (regs 5(3), 10(3), 14, 22(4), 31; CFA 2014 s.51-55). */
const APPEAL_NOTICE_CONTENTS = ['rightOfAppeal', 'mediation', 'disagreementResolution', 'informationAdviceSupport'] as const;

type DecisionRef = Pick<NotifyAppealRights, 'decision' | 'amendmentId' | 'cessationId' | 'reassessmentId'>;

/** The ids on a notice belong only to the decisions they identify. */
function assertIdsFitDecision(c: DecisionRef): void {
  if (c.cessationId && c.decision !== 'cease') fail(E.InvalidCommandError, 'cessationId belongs only to a decision to cease');
  if (c.amendmentId && c.decision !== 'plan-contents' && c.decision !== 'not-to-amend') {
    fail(E.InvalidCommandError, 'amendmentId belongs only to an amended plan or a decision not to amend');
  }
  if (c.reassessmentId && c.decision !== 'not-to-reassess') {
    fail(E.InvalidCommandError, 'reassessmentId belongs only to a decision not to reassess');
  }
}

/** The day of the appealable decision a notice is for, or why there is none (regs 5(3), 10(3), 14, 22(4), 31). */
function appealableDecisionOn(state: EhcCaseState, c: DecisionRef): IsoDate {
  const none = (what: string): never =>
    fail(E.AppealableDecisionNotFoundError, `There is no ${what} on this case to notify`, { decision: c.decision });
  const amendment = c.amendmentId ? state.amendments[c.amendmentId] : undefined;
  if (c.amendmentId && !amendment) none(`amendment ${c.amendmentId}`);
  assertIdsFitDecision(c);
  switch (c.decision as AppealableDecision) {
    case 'not-to-assess':
      return state.assessmentDecisions.filter((d) => d.decision === 'not-assess').at(-1)?.decidedOn ?? none('decision not to assess');
    case 'not-to-issue':
      return state.decisionNotToIssueOn ?? none('decision not to issue a plan');
    case 'plan-contents':
      return (amendment ? amendment.amendedOn : state.finalPlan?.issuedOn)
        ?? none(amendment ? `amended plan for amendment ${c.amendmentId}` : 'final plan');
    case 'not-to-amend':
      if (!amendment) return fail(E.InvalidCommandError, 'A decision not to amend names its amendmentId', { field: 'amendmentId' });
      return amendment.notAmendedOn ?? none(`decision not to amend for amendment ${c.amendmentId}`);
    case 'cease': {
      const cessation = c.cessationId ? state.cessations?.[c.cessationId] : undefined;
      if (!cessation) {
        const message = `A notice of a decision to cease names its cessation (cessationId); ${c.cessationId ?? 'none'} is not on this case`;
        return fail(E.CessationNotFoundError, message);
      }
      return cessation.decidedOn ?? none(`decision to cease for cessation ${c.cessationId}`);
    }
    case 'not-to-reassess': {
      // CFA 2014 s.51(2)(d); reg 25: a decision not to reassess is notified with the right of appeal
      const r = c.reassessmentId ? state.reassessments?.[c.reassessmentId] : undefined;
      if (!r) {
        const message = 'A notice of a decision not to reassess names its reassessment (reassessmentId); '
          + `${c.reassessmentId ?? 'none'} is not on this case`;
        return fail(E.ReassessmentNotFoundError, message);
      }
      return (r.decision === 'not-reassess' ? r.decidedOn : undefined)
        ?? none(`decision not to reassess for reassessment ${c.reassessmentId}`);
    }
  }
}

function notice(state: EhcCaseState, noticeId: string): AppealNoticeState {
  return state.appealNotices?.[noticeId]
    ?? fail(E.AppealableDecisionNotFoundError, `No notice of an appealable decision ${noticeId} on this case`, { noticeId });
}

/** Tribunal Procedure Rules r.20: the later of 2 months from the decision and 1 month from a mediation certificate on it. */
export function appealWindowEnd(state: EhcCaseState, noticeId: string): IsoDate {
  const n = notice(state, noticeId);
  const certified = Object.values(state.mediations ?? {})
    .filter((m) => m.noticeId === noticeId && m.certificate)
    .map((m) => m.certificate?.appealDueOn as IsoDate);
  return certified.reduce((a, b) => (isAfter(b, a) ? b : a), n.appealDueOn);
}

export function notifyAppealRights(command: NotifyAppealRights, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  unique(state.appealNotices ?? {}, command.noticeId, 'noticeId');
  requireOneOf(command.decision, APPEALABLE_DECISIONS, 'decision');
  const missing = APPEAL_NOTICE_CONTENTS.filter((k) => command.includes?.[k] !== true);
  if (missing.length) {
    const message = 'The notice must tell the family of the right of appeal, the mediation requirement, disagreement resolution and the '
      + `information, advice and support service; missing: ${missing.join(', ')}`;
    fail(E.AppealNoticeIncompleteError, message, { missing });
  }
  const decidedOn = appealableDecisionOn(state, command);
  const same = Object.values(state.appealNotices ?? {}).find(
    (n) => n.decision === command.decision && n.decidedOn === decidedOn && n.amendmentId === command.amendmentId
      && n.cessationId === command.cessationId && n.reassessmentId === command.reassessmentId,
  );
  if (same) {
    fail(E.AlreadyRecordedError, `That decision was notified on ${same.notifiedOn} (${same.noticeId})`, { noticeId: same.noticeId });
  }
  notBefore(at, decidedOn, 'the decision');
  return [{
    type: 'ehc.appeal-rights-notified.v1',
    data: {
      caseId, noticeId: command.noticeId, decision: command.decision, decidedOn, notifiedOn: at,
      ...(command.amendmentId ? { amendmentId: command.amendmentId } : {}),
      ...(command.cessationId ? { cessationId: command.cessationId } : {}),
      ...(command.reassessmentId ? { reassessmentId: command.reassessmentId } : {}),
      includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true },
      // Tribunal Procedure (HESC) Rules r.20(1): 2 months after the written notice of the decision was sent
      appealDueOn: T.appealDue(at),
    },
  }];
}

export function recordMediationDecision(command: RecordMediationDecision, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const n = notice(state, command.noticeId);
  unique(state.mediations ?? {}, command.mediationId, 'mediationId');
  requireOneOf(command.choice, MEDIATION_CHOICES, 'choice');
  const adviceGivenOn = requireDate(command.adviceGivenOn, 'adviceGivenOn');
  const other = Object.values(state.mediations ?? {}).find((m) => m.noticeId === n.noticeId);
  if (other) {
    fail(E.AlreadyRecordedError, `The family already chose on ${other.decidedOn} (${other.mediationId})`, {
      mediationId: other.mediationId,
    });
  }
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

function mediation(state: EhcCaseState, mediationId: string): MediationState {
  return state.mediations?.[mediationId] ?? fail(E.MediationNotFoundError, `No mediation ${mediationId}`);
}

export function recordMediationHeld(command: RecordMediationHeld, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const m = mediation(state, command.mediationId);
  if (m.choice !== 'mediate') fail(E.InvalidCommandError, `The family chose not to mediate (${m.decidedOn})`);
  if (m.held) fail(E.AlreadyRecordedError, `Mediation ${m.mediationId} was held on ${m.held.heldOn}`);
  requireOneOf(command.outcome, MEDIATION_OUTCOMES, 'outcome');
  notBefore(at, m.decidedOn, 'the family’s choice to mediate');
  return [{
    type: 'ehc.mediation-held.v1',
    data: { caseId, mediationId: m.mediationId, heldOn: at, outcome: command.outcome, certificateDueOn: T.mediationCertificateDue(at) },
  }];
}

export function issueMediationCertificate(command: IssueMediationCertificate, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const m = mediation(state, command.mediationId);
  if (m.certificate) fail(E.AlreadyRecordedError, `The certificate was issued on ${m.certificate.issuedOn}`);
  if (m.choice === 'mediate' && !m.held) {
    fail(E.MediationNotFoundError, `Mediation ${m.mediationId} has not been held; its certificate follows it (reg 39)`);
  }
  notBefore(at, m.held?.heldOn ?? m.decidedOn, m.held ? 'the mediation' : 'the family’s choice');
  const n = notice(state, m.noticeId);
  return [{
    type: 'ehc.mediation-certificate-issued.v1',
    data: { caseId, mediationId: m.mediationId, issuedOn: at, appealDueOn: T.appealDueAfterCertificate(n.notifiedOn, at) },
  }];
}

export function registerAppeal(command: RegisterAppeal, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const n = notice(state, command.noticeId);
  unique(state.appeals ?? {}, command.appealId, 'appealId');
  const pending = Object.values(state.appeals ?? {}).find((a) => a.noticeId === n.noticeId && !a.outcome);
  if (pending) {
    fail(E.AlreadyRecordedError, `An appeal against that decision is pending (${pending.appealId})`, { appealId: pending.appealId });
  }
  const hearingOn = optionalDate(command.hearingOn, 'hearingOn');
  notBefore(at, n.decidedOn, 'the decision');
  if (hearingOn) notBefore(hearingOn, at, 'the registration');
  const appealDueOn = appealWindowEnd(state, n.noticeId);
  return [{
    type: 'ehc.appeal-registered.v1',
    data: {
      caseId, appealId: command.appealId, noticeId: n.noticeId, decision: n.decision, registeredOn: at, appealDueOn,
      inTime: !isAfter(at, appealDueOn), ...(hearingOn ? { hearingOn } : {}),
    },
  }];
}

export function decideAppeal(command: DecideAppeal, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const a = state.appeals?.[command.appealId];
  if (!a) return fail(E.AppealNotFoundError, `No appeal ${command.appealId}`);
  if (a.outcome) fail(E.AlreadyRecordedError, `Appeal ${a.appealId} was ${a.outcome.outcome} on ${a.outcome.decidedOn}`);
  requireOneOf(command.outcome, APPEAL_OUTCOMES, 'outcome');
  const hearingOn = optionalDate(command.hearingOn, 'hearingOn');
  notBefore(at, a.registeredOn, 'the registration of the appeal');
  if (hearingOn) {
    notBefore(hearingOn, a.registeredOn, 'the registration of the appeal');
    if (isAfter(hearingOn, at)) fail(E.ChronologyError, `The hearing (${hearingOn}) is after the decision (${at})`);
  }
  return [{
    type: 'ehc.appeal-decided.v1',
    data: { caseId, appealId: a.appealId, decidedOn: at, outcome: command.outcome, ...(hearingOn ? { hearingOn } : {}) },
  }];
}
