import { assertIsoDate, daysBetween, isAfter, weekOfProcess, type IsoDate } from '../calendar';
import type { Responsible } from '../case/advice-types';
import type { AppealableDecision, AssessmentDecision, EhcEvent, ExceptionRecordedV1, RequestSource } from '../case/events';
import { exceptionDefect } from '../case/exceptions';
import { localAuthorityOn, replay, type CaseStatus, type EhcCaseState } from '../case/state';
import * as T from '../case/time-limits';
import { DeadlineBook, onOrBefore } from './deadline-book';
import { afterPlanDeadlines } from './deadlines/after-plan';
import { adviceDeadlines, assessmentLimits, decisionToAssessDeadline } from './deadlines/assessment';
import { appealWindows, mediationDeadlines } from './deadlines/disagreement';
import { draftCommentDeadlines, settingConsultationExpectations } from './deadlines/plan';
import { reassessmentDeadlines } from './deadlines/reassessment';
import { commissioningBodyDeadlines, planTransferDeadlines } from './deadlines/transfers';
import { tribunalDeadlines } from './deadlines/tribunal';

export type DeadlineStep =
  | 'decision-to-assess'
  | 'advice'
  | 'decision-whether-to-issue'
  | 'final-plan'
  | 'draft-comments'
  | 'setting-consultation'
  | 'annual-review'
  | 'review-notice'
  | 'review-papers'
  | 'review-report'
  | 'review-decision'
  | 'amendment-comments'
  | 'amended-plan'
  | 'phase-transfer'
  | 'tribunal'
  | 'transfer'
  | 'transfer-reassessment'
  | 'commissioning-body-notice'
  | 'mediation'
  | 'mediation-certificate'
  | 'appeal-window'
  | 'reassessment-decision'
  | 'reassessment-final-plan';

/**
 * - `open`: not done yet and not past due (or past due but within the delay a lawful exception excuses, `excusedUntil`;
 *   or an expectation past its expected day, `pastExpected`)
 * - `overdue`: not done and past due, with no lawful exception or past the delay it excuses
 * - `met`: done on or before the due date; `late`: done after it
 * - `ended`: a minimum period (e.g. the family's 15 days) ran out without a response; nobody is in breach
 * - `lapsed`: the step is no longer required (e.g. the final-plan limit after a decision not to issue, or a plan ceased)
 */
export type DeadlineStatus = 'open' | 'overdue' | 'met' | 'late' | 'ended' | 'lapsed';

export interface AppliedException {
  exceptionId: string;
  regulation: string;
  reason: ExceptionRecordedV1['reason'];
  fromOn: IsoDate;
  toOn?: IsoDate;
  /** The limb relied on, e.g. `reg 13(3)(c)`. */
  limb?: string;
}

export interface Deadline {
  /** Stable id, e.g. `final-plan`, `advice:<adviceRequestId>`, `tribunal:<orderId>:final-plan`. */
  id: string;
  step: DeadlineStep;
  what: string;
  regulation: string;
  /** Who must act. */
  responsible: Responsible;
  /**
   * A time limit someone must meet, a minimum period someone must be given, or an expectation (a standard from the Code
   * of Practice, shown as "expected by", never as a breach of law: e.g. a school's 15 days to answer a consultation).
   */
  kind: 'time-limit' | 'minimum-period' | 'expectation';
  /** An expectation not met by its day (never `overdue`: not a statutory breach). */
  pastExpected?: boolean;
  startsOn: IsoDate;
  dueOn: IsoDate;
  status: DeadlineStatus;
  metOn?: IsoDate;
  /** Days past due (overdue: as of the query date; late: when it was done). */
  daysLate?: number;
  /** True when a lawful exception (reg 5(4), 8(2), 10(4), 13(3)) applies to this limit for this case. */
  exceptionApplied: boolean;
  /** The lawful exceptions: the limb exists for this limit and its facts meet its conditions. */
  exceptions: AppliedException[];
  /** The day to which the lawful exceptions excuse the delay (due date + the days their facts lasted); overdue after it. */
  excusedUntil?: IsoDate;
  /** Exceptions recorded for this limit that the law does not allow (e.g. from an older history), with why. */
  unlawfulExceptions?: Array<AppliedException & { defect: string }>;
  refs?: Record<string, string>;
}

export interface Sen2Timeliness {
  requestReceivedOn: IsoDate;
  source?: RequestSource;
  assessmentDecision?: AssessmentDecision;
  assessmentDecidedOn?: IsoDate;
  /** reg 5(1) */
  decisionWithinSixWeeks?: boolean;
  outcome: 'pending' | 'not-assessed' | 'assessed-no-plan' | 'plan-issued';
  finalPlanIssuedOn?: IsoDate;
  daysFromRequestToFinalPlan?: number;
  /** reg 13(2): final plan within 20 weeks (140 days) of the request, all cases; null until a plan is issued. */
  withinTwentyWeeks: boolean | null;
  /** A lawful reg 13(3) exception was recorded (limb and conditions met): SEN2 reports timeliness with and without such cases. */
  exceptionApplies: boolean;
  /** Timeliness for the "excluding exceptions" measure: null when this is an exception case or no plan yet. */
  withinTwentyWeeksExcludingExceptions: boolean | null;
  /** The plan followed a tribunal order (reg 44/45). */
  tribunalOrdered: boolean;
}

export interface StatutoryStatus {
  caseId?: string;
  asOf: IsoDate;
  caseStatus: CaseStatus;
  localAuthority?: string;
  requestReceivedOn?: IsoDate;
  daysSinceRequest?: number;
  /** Week N ends on day 7N (day 0 = the request), so an N-week limit falls on the last day of week N. */
  weekOfProcess?: number;
  /** Every deadline that has started by `asOf`, ordered by due date. */
  deadlines: Deadline[];
  /** Not yet done and not overdue (including limits lifted by an exception), by due date. */
  open: Deadline[];
  overdue: Deadline[];
  /** The open deadline due soonest. */
  next?: Deadline;
  overdueByResponsible: Partial<Record<Responsible, Deadline[]>>;
  /**
   * The 20-week final-plan limit (reg 13(2), or a tribunal's reg 44/45 final-plan limit) of the LA responsible now, from
   * day 0: the latest one not lapsed (after a move mid-assessment, the new LA's, not the old LA's lapsed one).
   */
  finalPlan?: Deadline;
  /** The same for the 16-week limit to notify a decision not to issue a plan (reg 10(1)). */
  decisionWhetherToIssue?: Deadline;
  sen2?: Sen2Timeliness;
  /**
   * Appealable decisions made by `asOf` with no notice of the right of appeal, mediation, disagreement resolution and
   * the information, advice and support service recorded (regs 5(3), 10(3), 14, 22(4), 31).
   */
  decisionsWithoutAppealNotice: UnnotifiedDecision[];
}

export interface UnnotifiedDecision {
  decision: AppealableDecision;
  decidedOn: IsoDate;
  regulation: string;
  amendmentId?: string;
  cessationId?: string;
  reassessmentId?: string;
}

/** The parts of the clock, in the order they add their deadlines (the list is then ordered by due date). */
const PARTS: ReadonlyArray<(book: DeadlineBook, requestOn: IsoDate) => void> = [
  decisionToAssessDeadline,
  adviceDeadlines,
  assessmentLimits,
  draftCommentDeadlines,
  settingConsultationExpectations,
  tribunalDeadlines,
  afterPlanDeadlines,
  planTransferDeadlines,
  commissioningBodyDeadlines,
  reassessmentDeadlines,
  mediationDeadlines,
  appealWindows,
];

/** Every deadline of the case that has started by `asOf`, ordered by due date (then id). */
function deadlinesOf(s: EhcCaseState, requestOn: IsoDate, asOf: IsoDate): Deadline[] {
  const book = new DeadlineBook(s, asOf);
  for (const part of PARTS) part(book, requestOn);
  return book.deadlines.sort((a, b) => daysBetween(b.dueOn, a.dueOn) || a.id.localeCompare(b.id));
}

/**
 * The statutory clock of one case on `asOf`. A pure function of the events (or the state folded from them), so a
 * replay gives the same answer. Facts dated after `asOf` are ignored, so it also answers "what was due on that day".
 */
export function statutoryStatus(input: readonly EhcEvent[] | EhcCaseState, asOf: IsoDate): StatutoryStatus {
  assertIsoDate(asOf);
  const s: EhcCaseState = Array.isArray(input) ? replay(input as EhcEvent[]) : (input as EhcCaseState);
  if (s.status === 'none' || !s.requestReceivedOn) {
    return { asOf, caseStatus: s.status, deadlines: [], open: [], overdue: [], overdueByResponsible: {}, decisionsWithoutAppealNotice: [] };
  }
  const requestOn = s.requestReceivedOn;
  const deadlines = deadlinesOf(s, requestOn, asOf);
  const open = deadlines.filter((d) => d.status === 'open' && !d.pastExpected);
  const overdue = deadlines.filter((d) => d.status === 'overdue');
  const overdueByResponsible: Partial<Record<Responsible, Deadline[]>> = {};
  for (const d of overdue) (overdueByResponsible[d.responsible] ??= []).push(d);
  const orderedTo = (step: string) => (d: Deadline) => d.step === step || (d.step === 'tribunal' && d.refs?.orderStep === step);
  return {
    caseId: s.caseId,
    asOf,
    caseStatus: s.status,
    localAuthority: localAuthorityOn(s, asOf),
    requestReceivedOn: requestOn,
    daysSinceRequest: daysBetween(requestOn, asOf),
    weekOfProcess: weekOfProcess(requestOn, asOf),
    deadlines,
    open,
    overdue,
    ...(open[0] ? { next: open[0] } : {}),
    overdueByResponsible,
    ...currentLimit(deadlines, 'finalPlan', orderedTo('final-plan')),
    ...currentLimit(deadlines, 'decisionWhetherToIssue', orderedTo('decision-whether-to-issue')),
    sen2: sen2Timeliness(s, asOf),
    decisionsWithoutAppealNotice: decisionsWithoutAppealNotice(s, asOf),
  };
}

/** Every appealable decision made by `asOf` and whether a notice with appeal rights was recorded for it by then. */
export function decisionsWithoutAppealNotice(s: EhcCaseState, asOf: IsoDate): UnnotifiedDecision[] {
  const made: UnnotifiedDecision[] = [
    ...s.assessmentDecisions
      .filter((d) => d.decision === 'not-assess')
      .map((d) => ({ decision: 'not-to-assess' as const, decidedOn: d.decidedOn, regulation: 'reg 5(3)' })),
    ...(s.decisionNotToIssueOn ? [{ decision: 'not-to-issue' as const, decidedOn: s.decisionNotToIssueOn, regulation: 'reg 10(3)' }] : []),
    ...(s.finalPlan ? [{ decision: 'plan-contents' as const, decidedOn: s.finalPlan.issuedOn, regulation: 'reg 14' }] : []),
    ...Object.values(s.amendments).flatMap((a) => [
      ...(a.amendedOn
        ? [{ decision: 'plan-contents' as const, decidedOn: a.amendedOn, regulation: 'reg 14; reg 22', amendmentId: a.amendmentId }]
        : []),
      ...(a.notAmendedOn
        ? [{ decision: 'not-to-amend' as const, decidedOn: a.notAmendedOn, regulation: 'reg 22(4)', amendmentId: a.amendmentId }]
        : []),
    ]),
    ...Object.values(s.cessations ?? {}).flatMap((c) =>
      c.decidedOn ? [{ decision: 'cease' as const, decidedOn: c.decidedOn, regulation: 'reg 31', cessationId: c.cessationId }] : []),
    ...Object.values(s.reassessments ?? {}).flatMap((r) =>
      r.decision === 'not-reassess' && r.decidedOn
        ? [{
          decision: 'not-to-reassess' as const, decidedOn: r.decidedOn, regulation: 'CFA 2014 s.51(2)(d); reg 25',
          reassessmentId: r.reassessmentId,
        }]
        : []),
  ];
  const notices = Object.values(s.appealNotices ?? {}).filter((n) => !isAfter(n.notifiedOn, asOf));
  return made.filter(
    (d) => !isAfter(d.decidedOn, asOf) && !notices.some((n) => n.decision === d.decision && n.decidedOn === d.decidedOn
      && n.amendmentId === d.amendmentId && n.cessationId === d.cessationId && n.reassessmentId === d.reassessmentId),
  );
}

/** The latest-starting limit of a kind that has not lapsed (else the latest one), under `key`. */
function currentLimit<K extends string>(deadlines: Deadline[], key: K, isKind: (d: Deadline) => boolean): Partial<Record<K, Deadline>> {
  const ofKind = deadlines.filter(isKind).sort((a, b) => daysBetween(b.startsOn, a.startsOn));
  const chosen = [...ofKind].reverse().find((d) => d.status !== 'lapsed') ?? ofKind.at(-1);
  return chosen ? ({ [key]: chosen } as Partial<Record<K, Deadline>>) : {};
}

/** The SEN2 timeliness facts of the case on `asOf` (DfE SEN2 guide: 20 weeks from request to final plan). */
export function sen2Timeliness(s: EhcCaseState, asOf: IsoDate): Sen2Timeliness {
  const requestOn = s.requestReceivedOn as IsoDate;
  const decision = s.assessmentDecisions[0];
  const decidedOn = decision && onOrBefore(decision.decidedOn, asOf);
  const finalOn = onOrBefore(s.finalPlan?.issuedOn, asOf);
  // Only a lawful reg 13(3) exception takes a case out of the "excluding exceptions" measure (SEN2 counts from the request).
  const running = { startsOn: requestOn, dueOn: T.finalPlanDue(requestOn) };
  const exceptionApplies = s.exceptions.some(
    (e) => e.limit === 'final-plan' && !isAfter(e.recordedOn, asOf) && !exceptionDefect(e, running),
  );
  const days = finalOn ? daysBetween(requestOn, finalOn) : undefined;
  const within = days === undefined ? null : days <= T.TIME_LIMITS.finalPlanWeeks * 7;
  let outcome: Sen2Timeliness['outcome'] = 'pending';
  if (finalOn) outcome = 'plan-issued';
  else if (s.decisionNotToIssueOn && onOrBefore(s.decisionNotToIssueOn, asOf)) outcome = 'assessed-no-plan';
  else if (decidedOn && decision.decision === 'not-assess'
    && !s.assessmentDecisions.some((d) => d.decision === 'assess' && onOrBefore(d.decidedOn, asOf))) outcome = 'not-assessed';
  return {
    requestReceivedOn: requestOn,
    source: s.source,
    ...(decidedOn ? {
      assessmentDecision: decision.decision, assessmentDecidedOn: decidedOn,
      decisionWithinSixWeeks: !isAfter(decidedOn, T.decisionToAssessDue(requestOn)),
    } : {}),
    outcome,
    ...(finalOn ? { finalPlanIssuedOn: finalOn, daysFromRequestToFinalPlan: days } : {}),
    withinTwentyWeeks: within,
    exceptionApplies,
    withinTwentyWeeksExcludingExceptions: exceptionApplies ? null : within,
    tribunalOrdered: Object.values(s.tribunalOrders)
      .some((o) => !isAfter(o.orderOn, asOf) && (o.kind === 'assess' || o.kind === 'make-plan')),
  };
}
