import { assertIsoDate, daysBetween, isAfter, weekOfProcess, type IsoDate } from '../calendar';
import { adviceDuty, type Responsible } from '../case/advice-types';
import type { AppealableDecision, EhcEvent, ExceptionLimit, ExceptionRecordedV1, RequestSource } from '../case/events';
import { exceptionDefect, excusedUntil } from '../case/exceptions';
import { localAuthorityOn, replay, type CaseStatus, type EhcCaseState } from '../case/state';
import * as T from '../case/time-limits';

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
  assessmentDecision?: 'assess' | 'not-assess';
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

const onOrBefore = (d: IsoDate | undefined, asOf: IsoDate): IsoDate | undefined => (d && !isAfter(d, asOf) ? d : undefined);
const earliest = (...dates: Array<IsoDate | undefined>): IsoDate | undefined =>
  dates.filter((d): d is IsoDate => !!d).sort((a, b) => daysBetween(b, a))[0];

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
  const done = (d: IsoDate | undefined) => onOrBefore(d, asOf);
  const exceptionsFor = (limit: ExceptionLimit, adviceRequestId?: string, tribunalOrderId?: string): AppliedException[] =>
    s.exceptions
      .filter((e) => e.limit === limit && (limit !== 'advice' || e.adviceRequestId === adviceRequestId) && (limit !== 'tribunal' || e.tribunalOrderId === tribunalOrderId) && !isAfter(e.recordedOn, asOf))
      .map((e) => ({ exceptionId: e.exceptionId, regulation: e.regulation, reason: e.reason, fromOn: e.fromOn, ...(e.toOn ? { toOn: e.toOn } : {}), ...(e.limb ? { limb: e.limb } : {}) }));
  const recordedException = new Map(s.exceptions.map((e) => [e.exceptionId, e]));
  const ceasedOn = done(s.ceased?.ceasedOn);

  const deadlines: Deadline[] = [];
  const add = (d: {
    id: string; step: DeadlineStep; what: string; regulation: string; responsible: Responsible; startsOn: IsoDate; dueOn: IsoDate;
    metOn?: IsoDate; kind?: Deadline['kind']; exceptions?: AppliedException[]; lapsedOn?: IsoDate; refs?: Record<string, string>;
  }) => {
    if (isAfter(d.startsOn, asOf)) return;
    const metOn = done(d.metOn);
    // Only a lawful exception counts, and only for the delay it excuses (the limb, its conditions, its dates).
    const running = { startsOn: d.startsOn, dueOn: d.dueOn };
    const exceptions: AppliedException[] = [];
    const unlawfulExceptions: Array<AppliedException & { defect: string }> = [];
    for (const a of d.exceptions ?? []) {
      const defect = exceptionDefect(recordedException.get(a.exceptionId) as ExceptionRecordedV1, running);
      if (defect) unlawfulExceptions.push({ ...a, defect });
      else exceptions.push(a);
    }
    const excused = exceptions.length ? excusedUntil(exceptions.map((a) => recordedException.get(a.exceptionId) as ExceptionRecordedV1), running) : undefined;
    const kind = d.kind ?? 'time-limit';
    let pastExpected = false;
    const lapsedOn = done(d.lapsedOn) ?? ceasedOn;
    let status: DeadlineStatus;
    let daysLate: number | undefined;
    if (metOn) {
      status = isAfter(metOn, d.dueOn) ? 'late' : 'met';
      if (status === 'late') daysLate = daysBetween(d.dueOn, metOn);
    } else if (lapsedOn) {
      status = 'lapsed';
    } else if (isAfter(asOf, d.dueOn)) {
      if (kind === 'minimum-period') status = 'ended';
      else if (kind === 'expectation') {
        status = 'open';
        pastExpected = true;
      } else if (excused && !isAfter(asOf, excused)) status = 'open';
      else {
        status = 'overdue';
        daysLate = daysBetween(d.dueOn, asOf);
      }
    } else status = 'open';
    deadlines.push({
      id: d.id, step: d.step, what: d.what, regulation: d.regulation, responsible: d.responsible, kind, startsOn: d.startsOn, dueOn: d.dueOn, status,
      ...(metOn ? { metOn } : {}), ...(daysLate !== undefined ? { daysLate } : {}),
      exceptionApplied: exceptions.length > 0, exceptions, ...(excused ? { excusedUntil: excused } : {}), ...(unlawfulExceptions.length ? { unlawfulExceptions } : {}),
      ...(pastExpected ? { pastExpected } : {}), ...(d.refs ? { refs: d.refs } : {}),
    });
  };

  const requestOn = s.requestReceivedOn;
  const firstDecision = s.assessmentDecisions[0];
  const draftsIssued = s.drafts.map((d) => d.issuedOn);

  // reg 5(1): decide whether to assess within 6 weeks of the request.
  add({ id: 'decision-to-assess', step: 'decision-to-assess', what: 'Decide whether to carry out an EHC needs assessment and notify the family', regulation: 'reg 5(1)', responsible: 'local-authority', startsOn: requestOn, dueOn: T.decisionToAssessDue(requestOn), metOn: firstDecision?.decidedOn, exceptions: exceptionsFor('decision-to-assess') });

  // reg 8(1): each adviser answers within 6 weeks of the LA's request.
  for (const r of Object.values(s.adviceRequests)) {
    add({
      // reg 8(1) binds the s.31 bodies; for the others it is the expected standard; the family's views are not advice under it
      id: `advice:${r.adviceRequestId}`, step: 'advice', what: `Give ${r.adviceType} advice`, regulation: 'reg 8(1)', responsible: r.agency, startsOn: r.requestedOn,
      ...(adviceDuty(r.agency, r.adviceType) === 'not-applicable' ? { kind: 'expectation' as const } : {}),
      dueOn: T.adviceDue(r.requestedOn), metOn: r.firstAnsweredOn, exceptions: exceptionsFor('advice', r.adviceRequestId),
      refs: { adviceRequestId: r.adviceRequestId, adviceType: r.adviceType, agency: r.agency, duty: adviceDuty(r.agency, r.adviceType) },
    });
  }

  // reg 10(1) / 13(2): the 16- and 20-week limits run from the request (day 0) and show from it; a decision not to assess
  // ends them (a tribunal order to assess then starts its own clocks, reg 44). A move to another LA during the assessment
  // ends the old LA's limits on the transfer day (lapsed unless met before it) and starts the new LA's own limits from
  // becoming responsible (regs 5(1)(b), 10(1), 13(2); CFA 2014 s.24): its own 6-week decision whether to assess, and the
  // 16/20-week pair counted per the transfer's clock; facts dated on or after the transfer day are the new LA's. Each
  // LA-owned limit then names the LA responsible for it (refs.responsibleAuthority).
  const refusedOn = firstDecision?.decision === 'not-assess' ? done(firstDecision.decidedOn) : undefined;
  {
    const allMoves = s.assessmentTransfers ?? [];
    const moves = allMoves.filter((t) => done(t.transferredOn));
    const periods = [
      { la: allMoves[0]?.fromLocalAuthority ?? s.localAuthority, from: requestOn, dwDue: T.decisionWhetherToIssueDue(requestOn), fpDue: T.finalPlanDue(requestOn), suffix: '', note: '', until: moves[0]?.transferredOn },
      ...moves.map((t, i) => ({
        la: t.toLocalAuthority, from: t.transferredOn, dwDue: t.decisionWhetherToIssueDueOn, fpDue: t.finalPlanDueOn, suffix: `:${t.transferId}`,
        note: ` (${t.toLocalAuthority}, after the move; clock ${t.clock} from ${t.clockStartsOn})`, until: moves[i + 1]?.transferredOn,
        refusedOn: t.newAuthorityDecision?.decision === 'not-assess' ? done(t.newAuthorityDecision.decidedOn) : undefined,
        decision: t.newAuthorityDecision, decisionDue: t.decisionToAssessDueOn ?? T.decisionToAssessDue(t.transferredOn),
      })),
    ];
    for (const p of periods) {
      if ('decisionDue' in p) {
        add({
          id: `decision-to-assess${p.suffix}`, step: 'decision-to-assess', what: `Decide whether to carry out an EHC needs assessment and notify the family${p.note}`, regulation: 'reg 5(1)(b)',
          responsible: 'local-authority', startsOn: p.from, dueOn: p.decisionDue, metOn: p.decision?.decidedOn, lapsedOn: p.until,
          refs: { responsibleAuthority: p.la as string, transferId: p.suffix.slice(1) },
        });
      }
      const periodRefusedOn = 'refusedOn' in p ? p.refusedOn : refusedOn;
      const within = (d: IsoDate | undefined) => (d && !isAfter(p.from, d) && (!p.until || isAfter(p.until, d)) ? d : undefined);
      const ofPeriod = (ex: AppliedException[]) => (allMoves.length ? ex.filter((e) => within(s.exceptions.find((x) => x.exceptionId === e.exceptionId)?.recordedOn)) : ex);
      const refs = allMoves.length ? { refs: { responsibleAuthority: p.la as string, ...(p.suffix ? { transferId: p.suffix.slice(1) } : {}) } } : {};
      add({
        id: `decision-whether-to-issue${p.suffix}`, step: 'decision-whether-to-issue', what: `Decide whether to issue a plan (notify a decision not to issue)${p.note}`, regulation: 'reg 10(1)', responsible: 'local-authority',
        startsOn: p.from, dueOn: p.dwDue, metOn: earliest(draftsIssued.find((d) => within(d)), within(s.decisionNotToIssueOn), within(s.finalPlan?.issuedOn)), lapsedOn: periodRefusedOn ?? p.until,
        exceptions: ofPeriod(exceptionsFor('decision-whether-to-issue')), ...refs,
      });
      const notIssue = within(s.decisionNotToIssueOn);
      add({
        id: `final-plan${p.suffix}`, step: 'final-plan', what: `Issue the final EHC plan${p.note}`, regulation: 'reg 13(2)', responsible: 'local-authority', startsOn: p.from,
        // a decision not to issue ends this limit; a tribunal order to make a plan then starts its own clock
        dueOn: p.fpDue, metOn: notIssue ? undefined : within(s.finalPlan?.issuedOn), lapsedOn: notIssue ?? periodRefusedOn ?? p.until, exceptions: ofPeriod(exceptionsFor('final-plan')), ...refs,
      });
    }
  }

  // reg 13(1): the family's 15 days on each draft (a minimum period the LA must allow).
  for (const d of s.drafts) {
    add({ id: `draft-comments:${d.planId}:${d.issuedOn}`, step: 'draft-comments', kind: 'minimum-period', what: 'Comment on the draft plan and ask for a school or setting', regulation: 'reg 13(1)', responsible: 'family', startsOn: d.issuedOn, dueOn: d.commentsDueOn, metOn: d.familyResponse?.receivedOn, lapsedOn: s.finalPlan?.issuedOn, refs: { planId: d.planId } });
  }
  // s.39(2) CFA 2014 consultation: the Code of Practice (9.79) expects an answer within 15 days; no statute sets a limit
  // (s.39(4) is the test for naming the school), so it is an expectation: "expected by", never overdue.
  for (const c of Object.values(s.consultations)) {
    add({ id: `setting-consultation:${c.consultationId}`, step: 'setting-consultation', kind: 'expectation', what: `Respond to the consultation on naming ${c.settingRef} (expected by ${c.responseDueOn})`, regulation: 'CFA 2014 s.39(2); CoP 9.79', responsible: 'education', startsOn: c.consultedOn, dueOn: c.responseDueOn, metOn: c.response?.respondedOn, refs: { consultationId: c.consultationId, settingRef: c.settingRef } });
  }

  // Tribunal orders (reg 44-45): new clocks from the date of the order, or under reg 45 from the LA's notice to the Tribunal.
  for (const o of Object.values(s.tribunalOrders)) {
    const from = o.tribunalNotifiedOn ?? o.orderOn;
    const after = (d: IsoDate | undefined) => (d && !isAfter(from, d) ? d : undefined);
    for (const step of T.TRIBUNAL_LIMITS[o.kind]) {
      let metOn: IsoDate | undefined;
      let lapsedOn: IsoDate | undefined;
      switch (step.step) {
        case 'confirm-assessment':
          metOn = s.assessmentDecisions.find((d) => d.tribunalOrderId === o.orderId)?.decidedOn;
          break;
        case 'decision-whether-to-issue':
          metOn = earliest(after(draftsIssued.find((d) => after(d))), after(s.decisionNotToIssueOn));
          break;
        case 'draft-plan':
          metOn = s.drafts.find((d) => d.tribunalOrderId === o.orderId)?.issuedOn;
          break;
        case 'final-plan':
          metOn = after(s.finalPlan?.issuedOn);
          if (o.kind === 'assess') lapsedOn = after(s.decisionNotToIssueOn);
          break;
        case 'amended-plan':
          metOn = Object.values(s.amendments).find((a) => a.tribunalOrderId === o.orderId)?.amendedOn;
          break;
        case 'cease-plan':
          metOn = after(s.ceased?.ceasedOn);
          break;
      }
      const what = o.regulation === 'reg 45' ? `${step.what} (appeal not opposed: from the LA's notice to the Tribunal)` : `${step.what} (tribunal order)`;
      add({ id: `tribunal:${o.orderId}:${step.step}`, step: 'tribunal', what, regulation: o.regulation === 'reg 45' ? 'reg 45' : 'reg 44(2)', responsible: 'local-authority', startsOn: from, dueOn: T.tribunalDue(from, step.weeks), metOn, lapsedOn, exceptions: exceptionsFor('tribunal', undefined, o.orderId), refs: { orderId: o.orderId, order: o.kind, orderStep: step.step } });
    }
  }

  // After the plan: annual reviews (CFA 2014 s.44(1); reg 20-21), amendments (reg 22), phase transfers (reg 18).
  const finalIssued = done(s.finalPlan?.issuedOn);
  if (finalIssued) {
    const held = Object.values(s.reviews)
      .filter((r) => done(r.heldOn))
      .sort((a, b) => daysBetween(b.heldOn as IsoDate, a.heldOn as IsoDate));
    const transfers = Object.values(s.transfers).filter((t) => done(t.transferredOn));
    let anchor = finalIssued;
    for (let i = 0; i <= held.length; i++) {
      const heldOn = held[i]?.heldOn;
      // reg 15: after a transfer, the new LA reviews within 12 months of the last review or 3 months of the transfer, whichever is later.
      const transfer = transfers.find((t) => !isAfter(anchor, t.transferredOn as IsoDate) && (!heldOn || !isAfter(t.transferredOn as IsoDate, heldOn)));
      const dueOn = transfer ? T.reviewDueAfterTransfer(anchor, transfer.transferredOn as IsoDate) : T.annualReviewDue(anchor);
      add({ id: `annual-review:${anchor}`, step: 'annual-review', what: 'Hold the annual review of the EHC plan', regulation: transfer ? 'CFA 2014 s.44(1); reg 15' : 'CFA 2014 s.44(1); reg 20-21', responsible: 'local-authority', startsOn: anchor, dueOn, metOn: heldOn });
      if (heldOn) anchor = heldOn;
    }
    // Reviews: the LA holds the reg 20/21 duties, also for school-based reviews (the head teacher acts at its request).
    for (const r of Object.values(s.reviews)) {
      add({ id: `review-notice:${r.reviewId}`, step: 'review-notice', what: 'Give everyone invited at least 2 weeks’ notice of the review meeting', regulation: 'reg 20(3) / 21(3)', responsible: 'local-authority', startsOn: r.scheduledOn, dueOn: T.reviewNoticeDue(r.meetingOn), metOn: r.scheduledOn, refs: { reviewId: r.reviewId, meetingOn: r.meetingOn } });
      add({ id: `review-papers:${r.reviewId}`, step: 'review-papers', what: 'Send advice and papers to everyone invited to the review', regulation: 'reg 20(4) / 21', responsible: 'local-authority', startsOn: r.scheduledOn, dueOn: r.papersDueOn, metOn: r.papersCirculatedOn, refs: { reviewId: r.reviewId } });
      if (r.heldOn && done(r.heldOn)) {
        add({ id: `review-report:${r.reviewId}`, step: 'review-report', what: 'Send the review report', regulation: 'reg 20(7) / 21', responsible: 'local-authority', startsOn: r.heldOn, dueOn: T.reviewReportDue(r.heldOn), metOn: r.reportSubmittedOn, refs: { reviewId: r.reviewId } });
        // R (L) v Devon CC [2022]: a decision to amend is made with the notice of the proposed amendments (reg 22(2)),
        // so it meets the 4 weeks only once the proposals for this review have been sent.
        const amend = r.decision?.decision === 'amend';
        const proposedOn = earliest(...Object.values(s.amendments).filter((a) => a.reviewId === r.reviewId).map((a) => a.proposedOn));
        const decidedOn = amend ? (proposedOn && r.decision ? (isAfter(proposedOn, r.decision.decidedOn) ? proposedOn : r.decision.decidedOn) : undefined) : r.decision?.decidedOn;
        add({
          id: `review-decision:${r.reviewId}`, step: 'review-decision', what: amend ? 'Decide to amend the plan and send the proposed amendments' : 'Decide to maintain, amend or cease the plan',
          regulation: amend ? 'reg 20(10) / 21; reg 22(2); R (L) v Devon CC [2022] EWHC 493 (Admin)' : 'reg 20(10) / 21', responsible: 'local-authority',
          startsOn: r.heldOn, dueOn: T.reviewDecisionDue(r.heldOn), metOn: decidedOn, refs: { reviewId: r.reviewId },
        });
      }
    }
    for (const a of Object.values(s.amendments)) {
      // Amendments after a review (or a phase transfer's review) follow reg 22; at any other time reg 28 (same periods).
      const outsideReview = !a.reviewId && a.trigger === 'change-of-circumstances';
      const [commentsReg, planReg] = outsideReview ? ['reg 28', 'reg 28'] : ['reg 22(2)', 'reg 22(3)'];
      const closedOn = a.amendedOn ?? a.notAmendedOn;
      add({ id: `amendment-comments:${a.amendmentId}`, step: 'amendment-comments', kind: 'minimum-period', what: 'Comment on the proposed amendments', regulation: a.reassessmentId ? 'reg 27(1); reg 13(1)' : commentsReg, responsible: 'family', startsOn: a.proposedOn, dueOn: a.commentsDueOn, lapsedOn: closedOn, refs: { amendmentId: a.amendmentId } });
      // after a reassessment the plan is due by the reassessment's own 14 weeks (reg 27(2)), counted below
      if (a.reassessmentId) continue;
      add({
        id: `amended-plan:${a.amendmentId}`, step: 'amended-plan', what: a.notAmendedOn ? 'Notify the decision not to amend the plan' : 'Issue the amended plan (or notify a decision not to amend)',
        regulation: a.notAmendedOn ? (outsideReview ? 'reg 28' : 'reg 22(4)') : planReg + (a.reviewId ? '; R (L) v Devon CC [2022]' : ''),
        responsible: 'local-authority', startsOn: a.proposedOn, dueOn: a.amendedPlanDueOn, metOn: closedOn, refs: { amendmentId: a.amendmentId },
      });
    }
    for (const p of Object.values(s.phaseTransfers)) {
      const metOn = earliest(...Object.values(s.amendments).filter((a) => a.phaseTransferId === p.phaseTransferId).map((a) => a.amendedOn));
      add({ id: `phase-transfer:${p.phaseTransferId}`, step: 'phase-transfer', what: `Review and amend the plan to name the new setting (${p.kind} transfer on ${p.transferOn})`, regulation: 'reg 18', responsible: 'local-authority', startsOn: p.scheduledOn, dueOn: p.amendDueOn, metOn, refs: { phaseTransferId: p.phaseTransferId } });
    }
  }

  // Transfers between LAs (reg 15) and NHS commissioning bodies (reg 16).
  for (const t of Object.values(s.transfers)) {
    add({ id: `transfer:${t.transferId}`, step: 'transfer', what: `Transfer the plan from ${t.fromLocalAuthority} to ${t.toLocalAuthority}`, regulation: 'reg 15', responsible: 'local-authority', startsOn: t.learnedOn, dueOn: t.transferDueOn, metOn: t.transferredOn, refs: { transferId: t.transferId, responsibleAuthority: t.fromLocalAuthority } });
    if (t.transferredOn && done(t.transferredOn)) {
      add({
        id: `transfer-reassessment:${t.transferId}`, step: 'transfer-reassessment', what: 'Tell the family whether the new LA will reassess and when it will review the plan', regulation: 'reg 15(4)',
        responsible: 'local-authority', startsOn: t.transferredOn, dueOn: T.transferReassessmentDue(t.transferredOn), metOn: t.reassessment?.decidedOn,
        refs: { transferId: t.transferId, responsibleAuthority: t.toLocalAuthority, ...(t.reassessment?.reviewOn ? { reviewOn: t.reassessment.reviewOn } : {}) },
      });
    }
  }
  for (const c of Object.values(s.commissioningChanges)) {
    // reg 16(2): the previous commissioning body notifies the new one (not the LA); the new body then holds the health provision
    add({ id: `commissioning-body-notice:${c.changeId}`, step: 'commissioning-body-notice', what: 'The previous NHS commissioning body notifies the new one', regulation: 'reg 16(2)', responsible: 'health', startsOn: c.learnedOn, dueOn: c.notifyDueOn, metOn: c.notifiedOn, refs: { changeId: c.changeId, newCommissioningBodyRef: c.newCommissioningBodyRef } });
  }

  // Reassessment (CFA 2014 s.44(2); regs 24-27): the decision within 15 days of the request, then the amended plan
  // within 14 weeks of the decision to reassess.
  for (const r of Object.values(s.reassessments ?? {})) {
    add({
      id: `reassessment-decision:${r.reassessmentId}`, step: 'reassessment-decision', what: 'Decide whether to reassess and tell the family', regulation: 'reg 25(1)',
      responsible: 'local-authority', startsOn: r.receivedOn, dueOn: r.decisionDueOn, metOn: r.decidedOn, refs: { reassessmentId: r.reassessmentId, requestedBy: r.requestedBy },
    });
    if (r.decision === 'reassess' && r.decidedOn && r.finalPlanDueOn) {
      const a = r.amendmentId ? s.amendments[r.amendmentId] : undefined;
      add({
        id: `reassessment-final-plan:${r.reassessmentId}`, step: 'reassessment-final-plan', what: 'Issue the finalised plan after the reassessment', regulation: 'reg 27(2)',
        responsible: 'local-authority', startsOn: r.decidedOn, dueOn: r.finalPlanDueOn, metOn: a?.amendedOn, lapsedOn: a?.notAmendedOn,
        refs: { reassessmentId: r.reassessmentId, ...(r.assessmentId ? { assessmentId: r.assessmentId } : {}), ...(r.amendmentId ? { amendmentId: r.amendmentId } : {}) },
      });
    }
  }

  // Mediation (CFA 2014 s.55; regs 33, 37, 39) and the family's appeal window (Tribunal Procedure Rules r.20).
  for (const m of Object.values(s.mediations ?? {})) {
    if (m.certificateDueOn) {
      add({ id: `mediation-certificate:${m.mediationId}`, step: 'mediation-certificate', what: 'The mediation adviser issues the certificate (the family chose not to mediate)', regulation: 'reg 33', responsible: 'other', startsOn: m.decidedOn, dueOn: m.certificateDueOn, metOn: m.certificate?.issuedOn, refs: { mediationId: m.mediationId, noticeId: m.noticeId } });
    }
    if (m.mediationDueOn) {
      add({ id: `mediation:${m.mediationId}`, step: 'mediation', what: 'Hold the mediation', regulation: 'reg 37', responsible: 'local-authority', startsOn: m.decidedOn, dueOn: m.mediationDueOn, metOn: m.held?.heldOn, refs: { mediationId: m.mediationId, noticeId: m.noticeId } });
    }
    if (m.held) {
      add({ id: `mediation-certificate:${m.mediationId}`, step: 'mediation-certificate', what: 'The mediator issues the certificate after the mediation', regulation: 'reg 39', responsible: 'other', startsOn: m.held.heldOn, dueOn: m.held.certificateDueOn, metOn: m.certificate?.issuedOn, refs: { mediationId: m.mediationId, noticeId: m.noticeId } });
    }
  }
  for (const n of Object.values(s.appealNotices ?? {})) {
    const certified = Object.values(s.mediations ?? {}).flatMap((m) => (m.noticeId === n.noticeId && m.certificate && done(m.certificate.issuedOn) ? [m.certificate.appealDueOn] : []));
    const dueOn = [n.appealDueOn, ...certified].sort().at(-1) as IsoDate;
    const registered = earliest(...Object.values(s.appeals ?? {}).filter((a) => a.noticeId === n.noticeId).map((a) => a.registeredOn));
    add({
      id: `appeal-window:${n.noticeId}`, step: 'appeal-window', kind: 'minimum-period', what: `Appeal to the First-tier Tribunal (SEND) against the decision (${n.decision}) of ${n.decidedOn}`,
      regulation: 'CFA 2014 s.51; Tribunal Procedure Rules r.20', responsible: 'family', startsOn: n.decidedOn, dueOn, metOn: registered, refs: { noticeId: n.noticeId, decision: n.decision },
    });
  }

  deadlines.sort((a, b) => daysBetween(b.dueOn, a.dueOn) || a.id.localeCompare(b.id));
  const open = deadlines.filter((d) => d.status === 'open' && !d.pastExpected);
  const overdue = deadlines.filter((d) => d.status === 'overdue');
  const overdueByResponsible: Partial<Record<Responsible, Deadline[]>> = {};
  for (const d of overdue) (overdueByResponsible[d.responsible] ??= []).push(d);

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
    ...currentLimit(deadlines, 'finalPlan', (d) => d.step === 'final-plan' || (d.step === 'tribunal' && d.refs?.orderStep === 'final-plan')),
    ...currentLimit(deadlines, 'decisionWhetherToIssue', (d) => d.step === 'decision-whether-to-issue' || (d.step === 'tribunal' && d.refs?.orderStep === 'decision-whether-to-issue')),
    sen2: sen2Timeliness(s, asOf),
    decisionsWithoutAppealNotice: decisionsWithoutAppealNotice(s, asOf),
  };
}

/** Every appealable decision made by `asOf` and whether a notice with appeal rights was recorded for it by then. */
export function decisionsWithoutAppealNotice(s: EhcCaseState, asOf: IsoDate): UnnotifiedDecision[] {
  const made: UnnotifiedDecision[] = [
    ...s.assessmentDecisions.filter((d) => d.decision === 'not-assess').map((d) => ({ decision: 'not-to-assess' as const, decidedOn: d.decidedOn, regulation: 'reg 5(3)' })),
    ...(s.decisionNotToIssueOn ? [{ decision: 'not-to-issue' as const, decidedOn: s.decisionNotToIssueOn, regulation: 'reg 10(3)' }] : []),
    ...(s.finalPlan ? [{ decision: 'plan-contents' as const, decidedOn: s.finalPlan.issuedOn, regulation: 'reg 14' }] : []),
    ...Object.values(s.amendments).flatMap((a) => [
      ...(a.amendedOn ? [{ decision: 'plan-contents' as const, decidedOn: a.amendedOn, regulation: 'reg 14; reg 22', amendmentId: a.amendmentId }] : []),
      ...(a.notAmendedOn ? [{ decision: 'not-to-amend' as const, decidedOn: a.notAmendedOn, regulation: 'reg 22(4)', amendmentId: a.amendmentId }] : []),
    ]),
    ...Object.values(s.cessations ?? {}).flatMap((c) => (c.decidedOn ? [{ decision: 'cease' as const, decidedOn: c.decidedOn, regulation: 'reg 31', cessationId: c.cessationId }] : [])),
    ...Object.values(s.reassessments ?? {}).flatMap((r) => (r.decision === 'not-reassess' && r.decidedOn ? [{ decision: 'not-to-reassess' as const, decidedOn: r.decidedOn, regulation: 'CFA 2014 s.51(2)(d); reg 25', reassessmentId: r.reassessmentId }] : [])),
  ];
  const notices = Object.values(s.appealNotices ?? {}).filter((n) => !isAfter(n.notifiedOn, asOf));
  return made.filter(
    (d) => !isAfter(d.decidedOn, asOf) && !notices.some((n) => n.decision === d.decision && n.decidedOn === d.decidedOn && n.amendmentId === d.amendmentId && n.cessationId === d.cessationId && n.reassessmentId === d.reassessmentId),
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
  const exceptionApplies = s.exceptions.some((e) => e.limit === 'final-plan' && !isAfter(e.recordedOn, asOf) && !exceptionDefect(e, running));
  const days = finalOn ? daysBetween(requestOn, finalOn) : undefined;
  const within = days === undefined ? null : days <= T.TIME_LIMITS.finalPlanWeeks * 7;
  let outcome: Sen2Timeliness['outcome'] = 'pending';
  if (finalOn) outcome = 'plan-issued';
  else if (s.decisionNotToIssueOn && onOrBefore(s.decisionNotToIssueOn, asOf)) outcome = 'assessed-no-plan';
  else if (decidedOn && decision.decision === 'not-assess' && !s.assessmentDecisions.some((d) => d.decision === 'assess' && onOrBefore(d.decidedOn, asOf))) outcome = 'not-assessed';
  return {
    requestReceivedOn: requestOn,
    source: s.source,
    ...(decidedOn ? { assessmentDecision: decision.decision, assessmentDecidedOn: decidedOn, decisionWithinSixWeeks: !isAfter(decidedOn, T.decisionToAssessDue(requestOn)) } : {}),
    outcome,
    ...(finalOn ? { finalPlanIssuedOn: finalOn, daysFromRequestToFinalPlan: days } : {}),
    withinTwentyWeeks: within,
    exceptionApplies,
    withinTwentyWeeksExcludingExceptions: exceptionApplies ? null : within,
    tribunalOrdered: Object.values(s.tribunalOrders).some((o) => !isAfter(o.orderOn, asOf) && (o.kind === 'assess' || o.kind === 'make-plan')),
  };
}
