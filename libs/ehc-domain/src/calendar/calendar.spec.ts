import {
  addDays,
  addMonths,
  addWeeks,
  addWorkingDays,
  CalendarRangeError,
  dateFromParts,
  dayOfWeek,
  daysBetween,
  isIsoDate,
  isWorkingDay,
  lastDayOfMonthsStartingWith,
  londonDateOf,
  phaseTransferDeadline,
  weekOfProcess,
  workingDaysBetween,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  BANK_HOLIDAY_TABLE_FIRST_YEAR,
  BANK_HOLIDAY_TABLE_LAST_YEAR,
  assertIsoDate,
  InvalidDateError,
} from './index';
import { endOfWorkingDaysBeginningWith, transferDue, commissioningNotifyDue, draftCommentsDue, annualReviewDue } from '../case/time-limits';

describe('calendar: date-only values', () => {
  it('accepts real calendar dates only, including 29 February in leap years', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate('2025-01-06T00:00:00Z')).toBe(false);
    expect(() => assertIsoDate('06/01/2025')).toThrow(InvalidDateError);
  });

  it('is UTC-safe across British Summer Time changes (no day lost or gained)', () => {
    expect(addDays('2025-03-29', 2)).toBe('2025-03-31'); // clocks go forward on 30 March 2025
    expect(addDays('2025-10-25', 2)).toBe('2025-10-27'); // clocks go back on 26 October 2025
    expect(daysBetween('2025-03-01', '2025-04-01')).toBe(31);
  });

  it('turns an instant into the date in England (Europe/London), for services converting timestamps', () => {
    expect(londonDateOf('2025-06-30T23:30:00Z')).toBe('2025-07-01'); // 00:30 BST
    expect(londonDateOf('2025-01-31T23:30:00Z')).toBe('2025-01-31'); // GMT
  });

  it('knows the day of the week', () => {
    expect(dayOfWeek('2025-01-04')).toBe(6); // Saturday
    expect(dayOfWeek('2025-01-05')).toBe(0); // Sunday
    expect(dayOfWeek('2028-02-29')).toBe(2); // Tuesday
  });

  it('crosses year boundaries', () => {
    expect(addWeeks('2025-12-01', 6)).toBe('2026-01-12');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
  });
});

describe('calendar: statutory weeks are calendar periods', () => {
  it('reg 5(1), 8(1), 10(1), 13(2): "N weeks" from day 0 ends on day 7N', () => {
    expect(addWeeks('2025-01-06', 6)).toBe('2025-02-17');
    expect(addWeeks('2025-01-06', 16)).toBe('2025-04-28');
    expect(addWeeks('2025-01-06', 20)).toBe('2025-05-26');
  });

  it('reg 13(2): a 20-week deadline landing on a Saturday stays on that Saturday — the SEND Regulations 2014 count calendar weeks and do not extend a limit to the next working day', () => {
    const due = addWeeks('2025-01-04', 20);
    expect(due).toBe('2025-05-24');
    expect(dayOfWeek(due)).toBe(6);
  });

  it('reg 8(1): a 6-week advice deadline landing on a Sunday stays on that Sunday (not extended)', () => {
    expect(addWeeks('2025-03-02', 6)).toBe('2025-04-13');
    expect(dayOfWeek('2025-04-13')).toBe(0);
  });

  it('reg 13(2): a deadline landing on a bank holiday stays on the bank holiday (summer bank holiday 25 Aug 2025)', () => {
    expect(addWeeks('2025-04-07', 20)).toBe('2025-08-25');
  });

  it('29 February: a request received on 29 Feb 2028 has its 20-week final plan limit on 18 July 2028 (140 days; weeks are exact)', () => {
    expect(addWeeks('2028-02-29', 20)).toBe('2028-07-18');
    expect(addWeeks('2028-02-29', 6)).toBe('2028-04-11');
    expect(addWeeks('2028-02-29', 16)).toBe('2028-06-20');
  });

  it('reg 13(1): 15 days beginning with the day the draft is served ends on day 14', () => {
    expect(draftCommentsDue('2025-05-01')).toBe('2025-05-15');
  });

  it('counts the week of the process so that an N-week limit falls in week N', () => {
    expect(weekOfProcess('2025-01-06', '2025-01-06')).toBe(0);
    expect(weekOfProcess('2025-01-06', '2025-01-07')).toBe(1);
    expect(weekOfProcess('2025-01-06', '2025-01-13')).toBe(1);
    expect(weekOfProcess('2025-01-06', '2025-01-14')).toBe(2);
    expect(weekOfProcess('2025-01-06', '2025-05-26')).toBe(20);
    expect(weekOfProcess('2025-01-06', '2025-05-27')).toBe(21);
  });
});

describe('calendar: months (corresponding-date rule)', () => {
  it('29 Feb 2028 + 12 months is 28 Feb 2029 (no corresponding day: last day of the month, Dodds v Walker)', () => {
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2028-02-29', 48)).toBe('2032-02-29');
  });

  it('CFA 2014 s.44(1): the 12-month review period starting with 29 Feb 2028 ends on 28 Feb 2029', () => {
    expect(lastDayOfMonthsStartingWith('2028-02-29', 12)).toBe('2029-02-28');
    expect(annualReviewDue('2028-02-29')).toBe('2029-02-28');
  });

  it('CFA 2014 s.44(1): a 12-month period starting with 10 March 2025 ends on 9 March 2026 (the start day counts)', () => {
    expect(annualReviewDue('2025-03-10')).toBe('2026-03-09');
    expect(annualReviewDue('2027-03-01')).toBe('2028-02-29');
    expect(annualReviewDue('2025-01-31')).toBe('2026-01-30');
  });

  it('clamps the 31st to shorter months, both directions', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2028-03-31', -1)).toBe('2028-02-29');
  });
});

describe('calendar: working days (SEND Regulations 2014 reg 2(1), reg 15-16)', () => {
  it('skips weekends', () => {
    expect(addWorkingDays('2025-01-03', 1)).toBe('2025-01-06'); // Fri -> Mon
    expect(addWorkingDays('2025-01-06', 5)).toBe('2025-01-13');
    expect(addWorkingDays('2025-01-06', -1)).toBe('2025-01-03');
  });

  it('skips Good Friday and Easter Monday', () => {
    expect(addWorkingDays('2025-04-17', 1)).toBe('2025-04-22');
    expect(isWorkingDay('2025-04-18')).toBe(false);
    expect(isWorkingDay('2025-04-21')).toBe(false);
  });

  it('skips Christmas, Boxing Day and substitute days across the year boundary', () => {
    expect(addWorkingDays('2025-12-24', 1)).toBe('2025-12-29');
    expect(addWorkingDays('2026-12-24', 3)).toBe('2026-12-31'); // 28 Dec 2026 is the Boxing Day substitute
    expect(addWorkingDays('2027-12-24', 1)).toBe('2027-12-29'); // 27 and 28 Dec 2027 are substitutes
    expect(addWorkingDays('2027-12-30', 2)).toBe('2028-01-04'); // 3 Jan 2028 is the New Year substitute
  });

  it('reg 15/16: 15 working days beginning with a day in mid-December 2025 end on 7 January 2026', () => {
    expect(endOfWorkingDaysBeginningWith('2025-12-15', 15)).toBe('2026-01-07');
    expect(commissioningNotifyDue('2025-12-15')).toBe('2026-01-07');
    expect(workingDaysBetween('2025-12-14', '2026-01-07')).toBe(15);
  });

  it('reg 15: with at least 15 working days notice the plan transfers on the day of the move; with less, within 15 working days of learning of it', () => {
    expect(transferDue('2025-06-02', '2025-07-31')).toBe('2025-07-31');
    expect(transferDue('2025-07-28', '2025-07-31')).toBe('2025-08-15');
  });

  it('refuses to count working days outside the bank holiday table rather than guess', () => {
    expect(() => addWorkingDays('2031-01-02', 1)).toThrow(CalendarRangeError);
    expect(() => isWorkingDay('2023-12-25')).toThrow(CalendarRangeError);
  });
});

/** Independent derivation of the England and Wales bank holidays from the rules, to check the table. */
function easterSunday(year: number): string {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return dateFromParts(year, month, day);
}
function mondayOnOrAfter(date: string): string {
  let d = date;
  while (dayOfWeek(d) !== 1) d = addDays(d, 1);
  return d;
}
function lastMonday(year: number, month: number): string {
  let d = addDays(addMonths(dateFromParts(year, month, 1), 1), -1);
  while (dayOfWeek(d) !== 1) d = addDays(d, -1);
  return d;
}
function rulesFor(year: number): string[] {
  const weekday = (d: string) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6;
  let newYear = dateFromParts(year, 1, 1);
  while (!weekday(newYear)) newYear = addDays(newYear, 1);
  const easter = easterSunday(year);
  const christmasAndBoxing: string[] = [];
  let d = dateFromParts(year, 12, 25);
  for (let n = 0; n < 2; ) {
    if (weekday(d)) {
      christmasAndBoxing.push(d);
      n++;
    }
    d = addDays(d, 1);
  }
  return [newYear, addDays(easter, -2), addDays(easter, 1), mondayOnOrAfter(dateFromParts(year, 5, 1)), lastMonday(year, 5), lastMonday(year, 8), ...christmasAndBoxing];
}

describe('calendar: the bank holiday table (GOV.UK 2024-2027, derived 2028-2030)', () => {
  for (let year = BANK_HOLIDAY_TABLE_FIRST_YEAR; year <= BANK_HOLIDAY_TABLE_LAST_YEAR; year++) {
    it(`${year} matches the standing rules (Easter computus, first/last Mondays, substitute days)`, () => {
      expect(ENGLAND_AND_WALES_BANK_HOLIDAYS[year].map(([d]) => d)).toEqual(rulesFor(year));
      for (const [d] of ENGLAND_AND_WALES_BANK_HOLIDAYS[year]) expect(isWorkingDay(d)).toBe(false);
    });
  }
});

describe('calendar: phase transfers (reg 18)', () => {
  it('between school phases: by 15 February of the year of transfer', () => {
    expect(phaseTransferDeadline('school-phase', '2027-09-01')).toBe('2027-02-15');
  });
  it('secondary to post-16: by 31 March of the year of transfer', () => {
    expect(phaseTransferDeadline('secondary-to-post-16', '2027-09-01')).toBe('2027-03-31');
  });
  it('between post-16 institutions: 5 months before the move, with 29 February handled', () => {
    expect(phaseTransferDeadline('post-16-institution', '2027-09-01')).toBe('2027-04-01');
    expect(phaseTransferDeadline('post-16-institution', '2028-07-31')).toBe('2028-02-29');
    expect(phaseTransferDeadline('post-16-institution', '2029-07-31')).toBe('2029-02-28');
  });
});
