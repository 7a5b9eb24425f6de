import { isAfter, type IsoDate } from '../../calendar';
import { adviceDuty } from '../../case/advice-types';
import type { AssessmentTransferState } from '../../case/state';
import * as T from '../../case/time-limits';
import { earliest, type DeadlineBook } from '../deadline-book';
import type { AppliedException } from '../statutory-clock';

/** reg 5(1): decide whether to assess within 6 weeks of the request. */
export function decisionToAssessDeadline(book: DeadlineBook, requestOn: IsoDate): void {
  book.add({
    id: 'decision-to-assess', step: 'decision-to-assess', what: 'Decide whether to carry out an EHC needs assessment and notify the family',
    regulation: 'reg 5(1)', responsible: 'local-authority', startsOn: requestOn, dueOn: T.decisionToAssessDue(requestOn),
    metOn: book.s.assessmentDecisions[0]?.decidedOn, exceptions: book.exceptionsFor('decision-to-assess'),
  });
}

/** reg 8(1): each adviser answers within 6 weeks of the LA's request. */
export function adviceDeadlines(book: DeadlineBook): void {
  for (const r of Object.values(book.s.adviceRequests)) {
    const duty = adviceDuty(r.agency, r.adviceType);
    book.add({
      // reg 8(1) binds the s.31 bodies; for the others it is the expected standard; the family's views are not advice under it
      id: `advice:${r.adviceRequestId}`, step: 'advice', what: `Give ${r.adviceType} advice`, regulation: 'reg 8(1)', responsible: r.agency,
      startsOn: r.requestedOn, ...(duty === 'not-applicable' ? { kind: 'expectation' as const } : {}),
      dueOn: T.adviceDue(r.requestedOn), metOn: r.firstAnsweredOn, exceptions: book.exceptionsFor('advice', r.adviceRequestId),
      refs: { adviceRequestId: r.adviceRequestId, adviceType: r.adviceType, agency: r.agency, duty },
    });
  }
}

/** The time one LA was responsible for the assessment, with its own 16- and 20-week limits. */
interface AssessmentPeriod {
  la?: string;
  from: IsoDate;
  /** The day responsibility passed to the next LA, if it did. */
  until?: IsoDate;
  decisionWhetherToIssueDue: IsoDate;
  finalPlanDue: IsoDate;
  /** `:<transferId>` for an LA that took over after a move; empty for the LA that received the request. */
  suffix: string;
  note: string;
  /** The decision not to assess that ends the period's limits. */
  refusedOn?: IsoDate;
  /** After a move: the new LA's own decision whether to assess (reg 5(1)(b)). */
  newAuthority?: { decision: AssessmentTransferState['newAuthorityDecision']; decisionDue: IsoDate };
}

function assessmentPeriods(book: DeadlineBook, requestOn: IsoDate): AssessmentPeriod[] {
  const { s } = book;
  const allMoves = s.assessmentTransfers ?? [];
  const moves = allMoves.filter((t) => book.done(t.transferredOn));
  const firstDecision = s.assessmentDecisions[0];
  return [
    {
      la: allMoves[0]?.fromLocalAuthority ?? s.localAuthority, from: requestOn, until: moves[0]?.transferredOn, suffix: '', note: '',
      decisionWhetherToIssueDue: T.decisionWhetherToIssueDue(requestOn), finalPlanDue: T.finalPlanDue(requestOn),
      refusedOn: firstDecision?.decision === 'not-assess' ? book.done(firstDecision.decidedOn) : undefined,
    },
    ...moves.map((t, i) => ({
      la: t.toLocalAuthority, from: t.transferredOn, until: moves[i + 1]?.transferredOn, suffix: `:${t.transferId}`,
      note: ` (${t.toLocalAuthority}, after the move; clock ${t.clock} from ${t.clockStartsOn})`,
      decisionWhetherToIssueDue: t.decisionWhetherToIssueDueOn, finalPlanDue: t.finalPlanDueOn,
      refusedOn: t.newAuthorityDecision?.decision === 'not-assess' ? book.done(t.newAuthorityDecision.decidedOn) : undefined,
      newAuthority: { decision: t.newAuthorityDecision, decisionDue: t.decisionToAssessDueOn ?? T.decisionToAssessDue(t.transferredOn) },
    })),
  ];
}

function periodLimits(book: DeadlineBook, p: AssessmentPeriod, moved: boolean): void {
  const { s } = book;
  if (p.newAuthority) {
    book.add({
      id: `decision-to-assess${p.suffix}`, step: 'decision-to-assess', regulation: 'reg 5(1)(b)', responsible: 'local-authority',
      what: `Decide whether to carry out an EHC needs assessment and notify the family${p.note}`,
      startsOn: p.from, dueOn: p.newAuthority.decisionDue, metOn: p.newAuthority.decision?.decidedOn, lapsedOn: p.until,
      refs: { responsibleAuthority: p.la as string, transferId: p.suffix.slice(1) },
    });
  }
  const within = (d: IsoDate | undefined) => (d && !isAfter(p.from, d) && (!p.until || isAfter(p.until, d)) ? d : undefined);
  const recordedOn = (e: AppliedException) => s.exceptions.find((x) => x.exceptionId === e.exceptionId)?.recordedOn;
  const ofPeriod = (ex: AppliedException[]) => (moved ? ex.filter((e) => within(recordedOn(e))) : ex);
  const refs = moved ? { refs: { responsibleAuthority: p.la as string, ...(p.suffix ? { transferId: p.suffix.slice(1) } : {}) } } : {};
  book.add({
    id: `decision-whether-to-issue${p.suffix}`, step: 'decision-whether-to-issue', regulation: 'reg 10(1)', responsible: 'local-authority',
    what: `Decide whether to issue a plan (notify a decision not to issue)${p.note}`, startsOn: p.from, dueOn: p.decisionWhetherToIssueDue,
    metOn: earliest(s.drafts.map((d) => d.issuedOn).find((d) => within(d)), within(s.decisionNotToIssueOn), within(s.finalPlan?.issuedOn)),
    lapsedOn: p.refusedOn ?? p.until, exceptions: ofPeriod(book.exceptionsFor('decision-whether-to-issue')), ...refs,
  });
  const notIssue = within(s.decisionNotToIssueOn);
  book.add({
    id: `final-plan${p.suffix}`, step: 'final-plan', what: `Issue the final EHC plan${p.note}`, regulation: 'reg 13(2)',
    responsible: 'local-authority',
    // a decision not to issue ends this limit; a tribunal order to make a plan then starts its own clock
    startsOn: p.from, dueOn: p.finalPlanDue, metOn: notIssue ? undefined : within(s.finalPlan?.issuedOn),
    lapsedOn: notIssue ?? p.refusedOn ?? p.until, exceptions: ofPeriod(book.exceptionsFor('final-plan')), ...refs,
  });
}

/**
 * reg 10(1) / 13(2): the 16- and 20-week limits run from the request (day 0) and show from it; a decision not to assess
 * ends them (a tribunal order to assess then starts its own clocks, reg 44). A move to another LA during the assessment
 * ends the old LA's limits on the transfer day (lapsed unless met before it) and starts the new LA's own limits from
 * becoming responsible (regs 5(1)(b), 10(1), 13(2); CFA 2014 s.24): its own 6-week decision whether to assess, and the
 * 16/20-week pair counted per the transfer's clock; facts dated on or after the transfer day are the new LA's. Each
 * LA-owned limit then names the LA responsible for it (refs.responsibleAuthority).
 */
export function assessmentLimits(book: DeadlineBook, requestOn: IsoDate): void {
  const moved = (book.s.assessmentTransfers ?? []).length > 0;
  for (const p of assessmentPeriods(book, requestOn)) periodLimits(book, p, moved);
}
