import { statutoryStatus } from '../clock/statutory-clock';
import { DeciderSpecification } from '../testing/decider-specification';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import { CASE, cmd, history, steps } from './test-fixtures';

/**
 * Exceptions to the time limits as the SEND Regulations 2014 write them (regs 5(4), 8(2), 10(4), 13(3)).
 * The fixture case: request Monday 6 January 2025 (day 0), decision to assess 3 February 2025.
 *   reg 5(1) 6 weeks:  6 Jan + 42 days  = 17 Feb 2025
 *   reg 10(1) 16 weeks: 6 Jan + 112 days = 28 Apr 2025
 *   reg 13(2) 20 weeks: 6 Jan + 140 days = 26 May 2025
 */
const spec = DeciderSpecification(ehcCaseDecider);
const requested = () => history(steps.request());
const assessing = () => history(steps.request(), steps.assess());
const withAdvice = () => history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health', '2025-02-04'));
const exc = (over: Record<string, unknown>, at = '2025-03-01') =>
  cmd(at, { type: 'RecordException', exceptionId: 'ex-1', limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01', ...over } as never);
const closure = (over: Record<string, unknown>, at?: string) => exc({ reason: 'school-closure', ...over }, at);
const deadline = (events: EhcEvent[], id: string, asOf: string) => statutoryStatus(events, asOf).deadlines.find((d) => d.id === id);

describe('exceptions: the limbs differ by regulation', () => {
  it.each([
    ['decision-to-assess', 'school-closure', 'reg 5(4)(a)'], ['decision-to-assess', 'exceptional-personal-circumstances', 'reg 5(4)(b)'], ['decision-to-assess', 'absent-from-area', 'reg 5(4)(c)'],
    ['advice', 'exceptional-personal-circumstances', 'reg 8(2)(a)'], ['advice', 'absent-from-area', 'reg 8(2)(b)'], ['advice', 'missed-appointment', 'reg 8(2)(c)'],
    ['decision-whether-to-issue', 'exceptional-personal-circumstances', 'reg 10(4)(c)'], ['decision-whether-to-issue', 'absent-from-area', 'reg 10(4)(d)'],
    ['final-plan', 'exceptional-personal-circumstances', 'reg 13(3)(c)'], ['final-plan', 'absent-from-area', 'reg 13(3)(d)'],
  ])('the %s limit accepts a %s exception under %s', (limit, reason, limb) => {
    // 1 Feb - 1 Mar 2025 (29 days, >= 4 weeks) overlaps every limit's running; the advice request of 4 Feb runs to 18 Mar
    // a closure 1 Feb - 1 Mar: window 25 Jan .. 22 Feb (re-opens 2 Mar); advice asked 27 Jan; a missed appointment on 10 Feb
    const over = {
      limit, reason, ...(limit === 'advice' ? { adviceRequestId: 'req-med' } : {}), ...(reason === 'missed-appointment' ? { fromOn: '2025-02-10', toOn: undefined } : {}),
      ...(reason === 'school-closure' ? { adviceRequestedOn: '2025-01-27' } : {}),
    };
    spec.given(withAdvice()).when(exc(over)).thenMatches([{ type: 'ehc.exception-recorded.v1', data: { limit, reason, limb } }]);
  });

  it('reg 8(2) has no school-closure limb (ExceptionNotApplicableError)', () => {
    spec.given(withAdvice()).when(closure({ limit: 'advice', adviceRequestId: 'req-med', adviceRequestedOn: '2025-02-04' })).thenThrows(E.ExceptionNotApplicableError, /reg 8\(2\) allows no "school-closure/);
  });
  it.each(['decision-whether-to-issue', 'final-plan'])('regs 10(4) / 13(3) have no missed-appointment limb: the %s limit refuses one (ExceptionNotApplicableError)', (limit) => {
    // corrected: these used to be accepted (one was recorded on the final-plan limit)
    spec.given(assessing()).when(exc({ limit, reason: 'missed-appointment', toOn: undefined })).thenThrows(E.ExceptionNotApplicableError, /missed-appointment/);
  });
  it('reg 5(4) has no early-years closure limb; regs 10(4)(b) / 13(3)(b) do', () => {
    // early years setting closed 14 Apr - 11 May 2025 (28 days); it re-opens 12 May, so the window is 7 Apr .. 5 May
    spec.given(requested()).when(closure({ limit: 'decision-to-assess', closedSetting: 'early-years', fromOn: '2025-02-01', toOn: '2025-02-28', adviceRequestedOn: '2025-02-01' })).thenThrows(E.ExceptionNotApplicableError, /early-years/);
    spec.given(assessing()).when(closure({ closedSetting: 'early-years', fromOn: '2025-04-14', toOn: '2025-05-11', adviceRequestedOn: '2025-04-07' }))
      .thenMatches([{ data: { limb: 'reg 13(3)(b)', closedSetting: 'early-years', adviceRequestedOn: '2025-04-07' } }]);
  });
});

describe('exceptions: each limb meets its conditions', () => {
  // School closed Saturday 5 April - Sunday 4 May 2025 (30 days), re-opening Monday 5 May.
  // reg 13(3)(a) window: from one week before the closure (5 Apr - 7 = 29 Mar) to one week before it re-opens (5 May - 7 = 28 Apr).
  const easter = { fromOn: '2025-04-05', toOn: '2025-05-04' };
  it('reg 13(3)(a): the advice request must fall between one week before the closure and one week before re-opening', () => {
    spec.given(assessing()).when(closure({ ...easter, adviceRequestedOn: '2025-03-29' })).thenMatches([{ data: { limb: 'reg 13(3)(a)', closedSetting: 'school-or-post-16', adviceRequestedOn: '2025-03-29' } }]);
    spec.given(assessing()).when(closure({ ...easter, adviceRequestedOn: '2025-04-28' })).thenMatches([{ data: { limb: 'reg 13(3)(a)' } }]);
    // corrected: the rule used to be "after the closure"; a request the day before the window or after it is refused
    spec.given(assessing()).when(closure({ ...easter, adviceRequestedOn: '2025-03-28' })).thenThrows(E.ExceptionConditionNotMetError, /outside the closure window 2025-03-29\.\.2025-04-28/);
    spec.given(assessing()).when(closure({ ...easter, adviceRequestedOn: '2025-04-29' })).thenThrows(E.ExceptionConditionNotMetError, /outside the closure window/);
    spec.given(assessing()).when(closure({ ...easter, adviceRequestedOn: undefined })).thenThrows(E.ExceptionConditionNotMetError, /adviceRequestedOn/);
  });

  it('reg 13(3)(a): a July-September closure does not excuse a 20-week limit that ended on 26 May (ExceptionConditionNotMetError)', () => {
    // closed 19 Jul - 2 Sep 2025, advice asked 15 Jul (inside the window 12 Jul .. 27 Aug) but after the limit ran out on 26 May
    spec.given(assessing()).when(closure({ fromOn: '2025-07-19', toOn: '2025-09-02', adviceRequestedOn: '2025-07-15' }, '2025-09-05'))
      .thenThrows(E.ExceptionConditionNotMetError, /outside the running of the limit \(2025-01-06\.\.2025-05-26\)/);
  });

  it('reg 13(3)(d): an absence of 1-28 March is 4 weeks (28 days counted inclusively); 1-27 March is not', () => {
    // corrected: 1-28 March used to be refused (the days between were counted, 27)
    spec.given(assessing()).when(exc({ reason: 'absent-from-area', fromOn: '2025-03-01', toOn: '2025-03-28' })).thenMatches([{ data: { limb: 'reg 13(3)(d)', fromOn: '2025-03-01', toOn: '2025-03-28' } }]);
    spec.given(assessing()).when(exc({ reason: 'absent-from-area', fromOn: '2025-03-01', toOn: '2025-03-27' })).thenThrows(E.ExceptionConditionNotMetError, /at least 4 weeks/);
  });

  it('the other limbs need their facts during the running of the limit', () => {
    // reg 13(3)(c): circumstances 1-30 June 2025 start after the 20 weeks ended on 26 May
    spec.given(assessing()).when(exc({ fromOn: '2025-06-01', toOn: '2025-06-30' }, '2025-07-01')).thenThrows(E.ExceptionConditionNotMetError, /outside the running/);
    // reg 8(2)(c): an appointment missed on 3 Feb, the day before the advice was asked for (4 Feb; due 18 Mar)
    spec.given(withAdvice()).when(exc({ limit: 'advice', adviceRequestId: 'req-med', reason: 'missed-appointment', fromOn: '2025-02-03', toOn: undefined })).thenThrows(E.ExceptionConditionNotMetError, /2025-02-04\.\.2025-03-18/);
    // reg 5(4)(b): circumstances 17 Feb - 20 Mar overlap the 6 weeks (6 Jan .. 17 Feb) on their first day
    spec.given(requested()).when(exc({ limit: 'decision-to-assess', fromOn: '2025-02-17', toOn: '2025-03-20' }, '2025-02-17')).thenMatches([{ data: { limb: 'reg 5(4)(b)' } }]);
  });
});

describe('exceptions: an exception never makes a case "never overdue"', () => {
  // A one-week exception: circumstances 19-25 May 2025 (7 days) on the 20 weeks due 26 May: excused until 2 Jun (26 May + 7).
  const oneWeek = () => history(steps.request(), steps.assess(), exc({ fromOn: '2025-05-19', toOn: '2025-05-25' }, '2025-05-19'));

  it('reg 13(3): the limit is open while the excused week lasts, overdue the day after and a year later', () => {
    expect(deadline(oneWeek(), 'final-plan', '2025-06-02')).toMatchObject({ status: 'open', exceptionApplied: true, excusedUntil: '2025-06-02' });
    expect(deadline(oneWeek(), 'final-plan', '2025-06-03')).toMatchObject({ status: 'overdue', daysLate: 8, exceptionApplied: true });
    // corrected: a year later (26 May 2026) it used to be "open" and never overdue
    expect(deadline(oneWeek(), 'final-plan', '2026-05-26')).toMatchObject({ status: 'overdue', daysLate: 365 });
    expect(statutoryStatus(oneWeek(), '2026-05-26').overdue.map((d) => d.id)).toContain('final-plan');
  });

  it('overlapping exceptions count their days once: absence 1-28 Mar and circumstances 20 Mar - 5 Apr excuse 36 days (26 May -> 1 Jul)', () => {
    const events = history(steps.request(), steps.assess(), exc({ reason: 'absent-from-area', fromOn: '2025-03-01', toOn: '2025-03-28' }), exc({ exceptionId: 'ex-2', fromOn: '2025-03-20', toOn: '2025-04-05' }));
    // union 1 Mar .. 5 Apr = 36 days; 26 May + 36 days = 1 Jul 2025
    expect(deadline(events, 'final-plan', '2025-07-01')).toMatchObject({ status: 'open', excusedUntil: '2025-07-01' });
    expect(deadline(events, 'final-plan', '2025-07-02')).toMatchObject({ status: 'overdue' });
  });
});

describe('exceptions: the clock and SEN2 use only lawful exceptions', () => {
  // Histories written under the old rules hold exceptions the law does not allow: the clock ignores them, names them
  // and leaves the case in the SEN2 "excluding exceptions" measure.
  const recorded = (data: Record<string, unknown>): EhcEvent => ({
    type: 'ehc.exception-recorded.v1',
    data: { caseId: CASE, exceptionId: 'old-1', limit: 'final-plan', regulation: 'reg 13(3)', recordedOn: '2025-05-20', ...data } as never,
  });
  // final plan issued 2 Jun 2025: 147 days after the request, a week late
  const latePlan = (exception: EhcEvent) => [...history(steps.request(), steps.assess()), exception, ...history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-05-12'), steps.final('2025-06-02')).slice(2)];

  it('a missed-appointment exception on the final-plan limit (no such limb in reg 13(3)) is ignored', () => {
    const events = latePlan(recorded({ reason: 'missed-appointment', fromOn: '2025-05-20' }));
    const s = statutoryStatus(events, '2025-06-10');
    expect(s.deadlines.find((d) => d.id === 'final-plan')).toMatchObject({ status: 'late', daysLate: 7, exceptionApplied: false, exceptions: [], unlawfulExceptions: [{ exceptionId: 'old-1', defect: expect.stringMatching(/no "missed-appointment"/) }] });
    expect(s.sen2).toMatchObject({ withinTwentyWeeks: false, exceptionApplies: false, withinTwentyWeeksExcludingExceptions: false });
  });

  it('a July-September closure recorded on a case whose 20 weeks ended in May is ignored; a lawful absence takes the case out of the "excluding exceptions" figure', () => {
    const summer = latePlan(recorded({ reason: 'school-closure', fromOn: '2025-07-19', toOn: '2025-09-02', adviceRequestedOn: '2025-07-15' }));
    expect(statutoryStatus(summer, '2025-09-10').sen2).toMatchObject({ exceptionApplies: false, withinTwentyWeeksExcludingExceptions: false });
    const away = latePlan(recorded({ reason: 'absent-from-area', fromOn: '2025-03-01', toOn: '2025-03-28' }));
    expect(statutoryStatus(away, '2025-09-10').sen2).toMatchObject({ exceptionApplies: true, withinTwentyWeeksExcludingExceptions: null });
  });
});
