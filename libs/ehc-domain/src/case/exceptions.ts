import { addDays, daysBetween, isAfter, isBefore, maxDate, type IsoDate } from '../calendar';
import type { ClosedSetting, ExceptionLimit, ExceptionReason, ExceptionRecordedV1 } from './events';
import type { EhcCaseState } from './state';
import * as T from './time-limits';

/**
 * The exceptions to the time limits, limb by limb ("need not comply ... if it is impractical to do so because ...").
 * The limbs differ by regulation: reg 8(2) has no school-closure limb, regs 10(4) / 13(3) have no missed-appointment
 * limb, reg 5(4) has neither missed appointments nor early-years closures.
 */
export const EXCEPTION_RULES: Readonly<Record<ExceptionLimit, {
  regulation: string; limbs: Readonly<Partial<Record<ExceptionReason, string>>>; closedSettings: readonly ClosedSetting[];
  /** The shortest absence from the area the limb accepts, in days counted inclusively (4 weeks unless stated). */
  minAbsenceDays?: number;
}>> = {
  'decision-to-assess': { regulation: 'reg 5(4)', limbs: { 'school-closure': '(a)', 'exceptional-personal-circumstances': '(b)', 'absent-from-area': '(c)' }, closedSettings: ['school-or-post-16'] },
  advice: { regulation: 'reg 8(2)', limbs: { 'exceptional-personal-circumstances': '(a)', 'absent-from-area': '(b)', 'missed-appointment': '(c)' }, closedSettings: [] },
  'decision-whether-to-issue': { regulation: 'reg 10(4)', limbs: { 'school-closure': '(a)', 'exceptional-personal-circumstances': '(c)', 'absent-from-area': '(d)' }, closedSettings: ['school-or-post-16', 'early-years'] },
  'final-plan': { regulation: 'reg 13(3)', limbs: { 'school-closure': '(a)', 'exceptional-personal-circumstances': '(c)', 'absent-from-area': '(d)' }, closedSettings: ['school-or-post-16', 'early-years'] },
  // reg 44(3) (applied to reg 45 by reg 45): exceptional personal circumstances; an absence of at least 2 weeks (not 4);
  // the closure circumstances of reg 10(4)(a)-(b). No missed-appointment limb.
  tribunal: { regulation: 'reg 44(3)', limbs: { 'exceptional-personal-circumstances': '(a)', 'absent-from-area': '(b)', 'school-closure': '(c)' }, closedSettings: ['school-or-post-16', 'early-years'], minAbsenceDays: 14 },
};

/** "A continuous period of not less than 4 weeks", counting the days inclusively: 1-28 March is 4 weeks. */
export const MIN_CONTINUOUS_DAYS = 28;

/** The period a time limit runs: from its start (day 0) to its due date. */
export interface LimitRunning {
  startsOn: IsoDate;
  dueOn: IsoDate;
}

/** The facts of an exception the law tests (an `ExceptionRecordedV1` fits). */
export type ExceptionFacts = Pick<ExceptionRecordedV1, 'limit' | 'reason' | 'fromOn' | 'toOn' | 'closedSetting' | 'adviceRequestedOn'>;

/** The limb relied on, e.g. `reg 13(3)(c)`; undefined when the regulation has no such limb. */
export function exceptionLimb(limit: ExceptionLimit, reason: ExceptionReason, closedSetting: ClosedSetting = 'school-or-post-16'): string | undefined {
  const rule = EXCEPTION_RULES[limit];
  const letter = rule.limbs[reason];
  if (!letter || (reason === 'school-closure' && !rule.closedSettings.includes(closedSetting))) return undefined;
  // regs 10(4)(b) / 13(3)(b): the same closure window for an early years provider
  const limb = reason === 'school-closure' && closedSetting === 'early-years' && limit !== 'tribunal' ? '(b)' : letter;
  return `${rule.regulation}${limb}`;
}

const inclusiveDays = (from: IsoDate, to: IsoDate) => daysBetween(from, to) + 1;
const within = (d: IsoDate, from: IsoDate, to: IsoDate) => !isBefore(d, from) && !isAfter(d, to);

/**
 * Why the exception is not lawful for a limit running over `running`, or undefined when it is. Shared by the decider
 * (which refuses it) and the statutory clock (which ignores an unlawful one found in an older history).
 */
export function exceptionDefect(e: ExceptionFacts, running: LimitRunning): string | undefined {
  const rule = EXCEPTION_RULES[e.limit];
  if (!rule.limbs[e.reason]) return `${rule.regulation} allows no "${e.reason}" exception to the ${e.limit} limit`;
  if (e.toOn && isBefore(e.toOn, e.fromOn)) return 'toOn is before fromOn';
  switch (e.reason) {
    case 'school-closure': {
      const setting = e.closedSetting ?? 'school-or-post-16';
      if (!rule.closedSettings.includes(setting)) return `${rule.regulation} has no closure limb for an ${setting} setting`;
      if (!e.toOn || inclusiveDays(e.fromOn, e.toOn) < MIN_CONTINUOUS_DAYS) return `${rule.regulation}: the setting must be closed for a continuous period of at least 4 weeks (fromOn..toOn, the last day closed)`;
      if (!e.adviceRequestedOn) return `${rule.regulation}: a closure exception needs the day the LA asked the setting for advice (adviceRequestedOn)`;
      // "a period beginning one week before [the closure] and ending one week before the date on which it re-opens"
      const windowFrom = addDays(e.fromOn, -7);
      const windowTo = addDays(addDays(e.toOn, 1), -7);
      if (!within(e.adviceRequestedOn, windowFrom, windowTo)) return `${rule.regulation}: advice asked on ${e.adviceRequestedOn} is outside the closure window ${windowFrom}..${windowTo}`;
      if (!within(e.adviceRequestedOn, running.startsOn, running.dueOn)) return `${rule.regulation}: advice asked on ${e.adviceRequestedOn} is outside the running of the limit (${running.startsOn}..${running.dueOn})`;
      return undefined;
    }
    case 'absent-from-area': {
      const min = rule.minAbsenceDays ?? MIN_CONTINUOUS_DAYS;
      if (!e.toOn || inclusiveDays(e.fromOn, e.toOn) < min) return `${rule.regulation}: the absence must be a continuous period of at least ${min / 7} weeks (fromOn..toOn, the last day away)`;
      break;
    }
    case 'exceptional-personal-circumstances':
    case 'missed-appointment':
      break;
  }
  const lastDay = e.toOn ?? e.fromOn;
  if (isAfter(e.fromOn, running.dueOn) || isBefore(lastDay, running.startsOn)) {
    return `${rule.regulation}: ${e.fromOn}..${lastDay} is outside the running of the limit (${running.startsOn}..${running.dueOn})`;
  }
  return undefined;
}

/**
 * The day to which lawful exceptions excuse a missed limit: the due date plus the days the exceptional facts lasted
 * from the start of the limit (their union, so overlapping exceptions count once). An exception without an end
 * counts its first day only; after that day the limit is overdue again, so no exception makes a case never overdue.
 */
export function excusedUntil(exceptions: readonly ExceptionFacts[], running: LimitRunning): IsoDate {
  const spans = exceptions
    .map((e) => ({ from: maxDate(e.fromOn, running.startsOn), to: e.toOn ?? e.fromOn }))
    .filter((p) => !isAfter(p.from, p.to))
    .sort((a, b) => daysBetween(b.from, a.from));
  let days = 0;
  let coveredTo: IsoDate | undefined;
  for (const p of spans) {
    const from = coveredTo && !isAfter(p.from, coveredTo) ? addDays(coveredTo, 1) : p.from;
    if (isAfter(from, p.to)) continue;
    days += inclusiveDays(from, p.to);
    if (!coveredTo || isAfter(p.to, coveredTo)) coveredTo = p.to;
  }
  return addDays(running.dueOn, days);
}

/**
 * The running of `limit` on this case now: reg 5(1) and the 16/20 weeks from the request (or, after a move during the
 * assessment, from the new LA's start), reg 8(1) from the advice request.
 */
export function limitRunning(state: EhcCaseState, limit: ExceptionLimit, adviceRequestId?: string, tribunalOrderId?: string): LimitRunning | undefined {
  const requestOn = state.requestReceivedOn;
  if (!requestOn) return undefined;
  const move = state.assessmentTransfers?.at(-1);
  switch (limit) {
    case 'decision-to-assess':
      return { startsOn: requestOn, dueOn: T.decisionToAssessDue(requestOn) };
    case 'advice': {
      const r = adviceRequestId ? state.adviceRequests[adviceRequestId] : undefined;
      return r && { startsOn: r.requestedOn, dueOn: r.dueOn };
    }
    case 'decision-whether-to-issue':
      return move ? { startsOn: move.transferredOn, dueOn: move.decisionWhetherToIssueDueOn } : { startsOn: requestOn, dueOn: T.decisionWhetherToIssueDue(requestOn) };
    case 'final-plan':
      return move ? { startsOn: move.transferredOn, dueOn: move.finalPlanDueOn } : { startsOn: requestOn, dueOn: T.finalPlanDue(requestOn) };
    case 'tribunal': {
      // from the order (reg 45: the LA's notice to the Tribunal) to the last of its limits
      const o = tribunalOrderId ? state.tribunalOrders[tribunalOrderId] : undefined;
      if (!o) return undefined;
      const from = o.tribunalNotifiedOn ?? o.orderOn;
      const weeks = Math.max(0, ...T.TRIBUNAL_LIMITS[o.kind].map((l) => l.weeks));
      return { startsOn: from, dueOn: T.tribunalDue(from, weeks) };
    }
  }
}
