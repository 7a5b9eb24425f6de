/**
 * Which clock the case page and the caseload show. Pure: the timeline's status (the domain's statutory clock) in,
 * the words out. The 20-week clock belongs to the assessment stages only; after a move mid-assessment the clock is the
 * new local authority's (its own 20 weeks from the day it became responsible, DOMAIN.md, regs 5(1)(b), 10(1), 13(2)),
 * and a limit of the old authority that lapsed with the move is shown as no longer running, never as overdue.
 */

/** A deadline as the timeline's status answers it (the fields used here). */
export interface ClockDeadline {
  id: string;
  what: string;
  regulation: string;
  responsible: string;
  kind?: string;
  startsOn?: string;
  dueOn: string;
  status: string;
  metOn?: string;
  daysLate?: number;
}

export interface ClockStatus {
  asOf: string;
  caseStatus: string;
  localAuthority?: string;
  requestReceivedOn?: string;
  weekOfProcess?: number | null;
  deadlines: ClockDeadline[];
  finalPlan?: ClockDeadline;
  decisionWhetherToIssue?: ClockDeadline;
}

/** What an assessment transfer entry of the timeline carries (`ehc.assessment-transferred.v1`). */
export interface AssessmentMove {
  fromLocalAuthority?: string;
  toLocalAuthority?: string;
  transferredOn?: string;
  clockStartsOn?: string;
  finalPlanDueOn?: string;
  decisionWhetherToIssueDueOn?: string;
}

/** The stages the 20-week clock (request to final plan, reg 13(2)) runs in. */
const ASSESSMENT_STAGES = new Set(['requested', 'assessing', 'draft-issued']);
const TWENTY_WEEKS = 20;

const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
/** Week N ends on day 7N (day 0 = the start), as the domain counts it. */
const weekFrom = (start: string, asOf: string) => Math.max(1, Math.ceil(days(start, asOf) / 7));

export interface StageClock {
  /** "Week 7 of 20", "Week 23 (past the 20 weeks)", or the stage's own words when the 20-week clock does not run. */
  text: string;
  /** The week of the clock that runs (null when none does): what the caseload sorts by. */
  week: number | null;
  /** Whose clock it is, when it is not simply the request's: "the new local authority's, from 3 March 2025". */
  from?: string;
}

/**
 * The clock of the stage the case is in: the 20 weeks for the assessment stages (from the request, or from the day a
 * new local authority became responsible after a move), and no week count once a plan is in force, refused or ceased.
 */
export function stageClock(caseStatus: string, weekOfProcess: number | null | undefined, asOf?: string, move?: AssessmentMove): StageClock {
  if (!ASSESSMENT_STAGES.has(caseStatus)) {
    const words: Record<string, string> = {
      'plan-in-force': 'Plan in force: no 20-week clock (reviews and amendments have their own deadlines)',
      'plan-refused': 'Decided not to issue a plan: the 20-week clock has stopped',
      'assessment-refused': 'Decided not to assess: the 20-week clock has stopped',
      ceased: 'Plan ceased: no clock runs',
      none: 'Not started',
    };
    return { text: words[caseStatus] ?? 'No 20-week clock at this stage', week: null };
  }
  let week = weekOfProcess ?? null;
  let from: string | undefined;
  if (move?.clockStartsOn && asOf && days(move.clockStartsOn, asOf) >= 0) {
    week = weekFrom(move.clockStartsOn, asOf);
    from = move.clockStartsOn;
  }
  if (week === null) return { text: 'Week not known', week: null };
  const text = week > TWENTY_WEEKS ? `Week ${week} (past the ${TWENTY_WEEKS} weeks)` : `Week ${week} of ${TWENTY_WEEKS}`;
  return { text, week, ...(from ? { from } : {}) };
}

export interface ResponsibleClock {
  localAuthority?: string;
  /** The final plan limit of the authority responsible now (reg 13(2)), never a lapsed one. */
  finalPlan?: ClockDeadline;
  decisionWhetherToIssue?: ClockDeadline;
  /** The deadlines that still run, by due date. */
  running: ClockDeadline[];
  /** Limits that stopped running when responsibility moved (the old authority's): shown apart, never as overdue. */
  lapsed: ClockDeadline[];
  /** The move that gave the clock to the authority responsible now, if there was one. */
  move?: AssessmentMove;
}

const isFinalPlan = (d: ClockDeadline) => /final-plan/.test(d.id);
const isDecisionWhetherToIssue = (d: ClockDeadline) => /decision-whether-to-issue/.test(d.id);

/** The newest of the moves mid-assessment (by the day the new LA became responsible), if any happened by `asOf`. */
export function latestMove(moves: AssessmentMove[], asOf: string): AssessmentMove | undefined {
  return moves
    .filter((m) => !m.transferredOn || days(m.transferredOn, asOf) >= 0)
    .sort((a, b) => String(a.transferredOn ?? '').localeCompare(String(b.transferredOn ?? '')))
    .at(-1);
}

/**
 * The clock of the local authority responsible now: its final-plan and decision limits (the newest that has not
 * lapsed; after a move, the new authority's dates as the move recorded them when the status has none of its own),
 * and the other deadlines split into those still running and those that lapsed with the move.
 */
export function responsibleClock(status: ClockStatus, moves: AssessmentMove[] = []): ResponsibleClock {
  const move = latestMove(moves, status.asOf);
  const lapsed = status.deadlines.filter((d) => d.status === 'lapsed');
  const running = status.deadlines.filter((d) => d.status !== 'lapsed').sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id));
  const newest = (pick: (d: ClockDeadline) => boolean, given?: ClockDeadline) => {
    const candidates = running.filter(pick).sort((a, b) => String(a.startsOn ?? '').localeCompare(String(b.startsOn ?? '')));
    if (given && given.status !== 'lapsed') return given;
    return candidates.at(-1);
  };
  let finalPlan = newest(isFinalPlan, status.finalPlan);
  let decisionWhetherToIssue = newest(isDecisionWhetherToIssue, status.decisionWhetherToIssue);
  // a move recorded by the new authority carries its own limits: use them when the status still shows the old ones
  if (move?.finalPlanDueOn && (!finalPlan || (move.clockStartsOn && String(finalPlan.startsOn ?? '') < move.clockStartsOn))) {
    finalPlan = { id: 'final-plan:after-move', what: 'Final EHC plan issued', regulation: 'reg 13(2)', responsible: 'local-authority', startsOn: move.clockStartsOn, dueOn: move.finalPlanDueOn, status: 'open' };
  }
  if (move?.decisionWhetherToIssueDueOn && (!decisionWhetherToIssue || (move.clockStartsOn && String(decisionWhetherToIssue.startsOn ?? '') < move.clockStartsOn))) {
    decisionWhetherToIssue = { id: 'decision-whether-to-issue:after-move', what: 'Decision whether to issue a plan', regulation: 'reg 10(1)', responsible: 'local-authority', startsOn: move.clockStartsOn, dueOn: move.decisionWhetherToIssueDueOn, status: 'open' };
  }
  return {
    localAuthority: status.localAuthority ?? move?.toLocalAuthority,
    ...(finalPlan ? { finalPlan } : {}),
    ...(decisionWhetherToIssue ? { decisionWhetherToIssue } : {}),
    running,
    lapsed,
    ...(move ? { move } : {}),
  };
}
