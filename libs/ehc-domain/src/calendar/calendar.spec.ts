import {
  addDays,
  addMonths,
  addWeeks,
  addWorkingDays,
  dayOfWeek,
  daysBetween,
  isIsoDate,
  isWorkingDay,
  lastDayOfMonthsStartingWith,
  londonDateOf,
  phaseTransferDeadline,
  weekOfProcess,
  workingDaysBetween,
  bankHolidaysOf,
  easterSunday,
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

});

/** GOV.UK's England and Wales list for 2024-2027 and the years 2028-2030 as the former fixed table had them. */
const PUBLISHED_2024_2030: Record<number, string[]> = {
  2024: ['2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26'],
  2025: ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26'],
  2026: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
  2027: ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28'],
  2028: ['2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26'],
  2029: ['2029-01-01', '2029-03-30', '2029-04-02', '2029-05-07', '2029-05-28', '2029-08-27', '2029-12-25', '2029-12-26'],
  2030: ['2030-01-01', '2030-04-19', '2030-04-22', '2030-05-06', '2030-05-27', '2030-08-26', '2030-12-25', '2030-12-26'],
};

describe('calendar: bank holidays derived from the rules for any year (reg 2(1) working days never refused)', () => {
  for (const year of Object.keys(PUBLISHED_2024_2030).map(Number)) {
    it(`${year}: the derived holidays equal the published table`, () => {
      expect(bankHolidaysOf(year).map(([d]) => d)).toEqual(PUBLISHED_2024_2030[year]);
      for (const d of PUBLISHED_2024_2030[year]) expect(isWorkingDay(d)).toBe(false);
    });
  }

  it('names substitute days the way GOV.UK does', () => {
    expect(bankHolidaysOf(2027).slice(-2)).toEqual([['2027-12-27', 'Christmas Day (substitute day)'], ['2027-12-28', 'Boxing Day (substitute day)']]);
    // Christmas on a Sunday: Boxing Day keeps Monday 26th, Christmas's substitute is Tuesday 27th
    expect(bankHolidaysOf(2022).filter(([d]) => d >= '2022-12-25')).toEqual([['2022-12-26', 'Boxing Day'], ['2022-12-27', 'Christmas Day (substitute day)']]);
    expect(bankHolidaysOf(2028)[0]).toEqual(['2028-01-03', "New Year's Day (substitute day)"]);
  });

  it('Easter from the Gregorian computus: 13 April 2031, 28 March 2032, 25 April 2038 (latest possible), 22 March 2285 (earliest)', () => {
    expect(easterSunday(2031)).toBe('2031-04-13');
    expect(easterSunday(2032)).toBe('2032-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2285)).toBe('2285-03-22');
  });

  it('2031: New Year Wed 1 Jan; Good Friday 11 Apr, Easter Monday 14 Apr (Easter 13 Apr); 5 May, 26 May, 25 Aug; Christmas Thu 25, Boxing Fri 26 Dec', () => {
    expect(bankHolidaysOf(2031).map(([d]) => d)).toEqual(['2031-01-01', '2031-04-11', '2031-04-14', '2031-05-05', '2031-05-26', '2031-08-25', '2031-12-25', '2031-12-26']);
  });

  it('one-off proclamations come from the table only: 2020 VE day move, 2022 jubilee and state funeral, 2023 coronation', () => {
    const dates = (y: number) => bankHolidaysOf(y).map(([d]) => d);
    expect(dates(2020)).toContain('2020-05-08');
    expect(dates(2020)).not.toContain('2020-05-04');
    expect(dates(2022)).toEqual(expect.arrayContaining(['2022-06-02', '2022-06-03', '2022-09-19']));
    expect(dates(2022)).not.toContain('2022-05-30');
    expect(dates(2023)).toEqual(['2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26']);
  });

  it('reg 15/16: a move learned of on Mon 23 Dec 2030: 15 working days beginning with it end on Wed 15 Jan 2031 (no refusal after the old table)', () => {
    // working days from 23 Dec 2030: 23, 24 (1-2); 25, 26 Dec holidays; 27 (3); 28-29 weekend; 30, 31 (4-5); 1 Jan 2031 holiday;
    // 2, 3 (6-7); 6-10 Jan (8-12); 13, 14, 15 Jan (13-15)
    expect(endOfWorkingDaysBeginningWith('2030-12-23', 15)).toBe('2031-01-15');
    expect(transferDue('2030-12-23', '2030-12-31')).toBe('2031-01-15');
    expect(commissioningNotifyDue('2030-12-23')).toBe('2031-01-15');
  });

  it('counts working days in any year, before or after 2024-2030', () => {
    expect(addWorkingDays('2031-01-02', 1)).toBe('2031-01-03');
    expect(isWorkingDay('2023-12-25')).toBe(false);
    // Easter 2035 is 25 March, so Good Friday 23 and Easter Monday 26 March: Thu 22 Mar + 1 working day -> Tue 27 Mar
    expect(addWorkingDays('2035-03-22', 1)).toBe('2035-03-27');
    // after Mon 24 Dec 2040 up to Wed 2 Jan 2041: 25/26 holidays, 27 Thu, 28 Fri, 29-30 weekend, 31 Mon, 1 Jan holiday, 2 Wed -> 4
    expect(workingDaysBetween('2040-12-24', '2041-01-02')).toBe(4);
  });
});

describe('calendar: phase transfers (reg 18)', () => {
  it('reg 18(1)(a): between school phases "before 15 February" of the year of transfer: the last compliant day is 14 February', () => {
    // September 2027 transfer: before 15 Feb 2027 -> 14 Feb 2027 (the Code of Practice's "by 15 February" is a day late)
    expect(phaseTransferDeadline('school-phase', '2027-09-01')).toBe('2027-02-14');
  });
  it('reg 18(1)(b): secondary to post-16 "before 31 March" of the year of transfer: the last compliant day is 30 March', () => {
    expect(phaseTransferDeadline('secondary-to-post-16', '2027-09-01')).toBe('2027-03-30');
  });
  it('between post-16 institutions: 5 months before the move, with 29 February handled', () => {
    expect(phaseTransferDeadline('post-16-institution', '2027-09-01')).toBe('2027-04-01');
    expect(phaseTransferDeadline('post-16-institution', '2028-07-31')).toBe('2028-02-29');
    expect(phaseTransferDeadline('post-16-institution', '2029-07-31')).toBe('2029-02-28');
  });
});
