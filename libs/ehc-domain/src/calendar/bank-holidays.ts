/**
 * Bank and public holidays in England and Wales, 2024-2030.
 *
 * Source: GOV.UK "UK bank holidays" (https://www.gov.uk/bank-holidays, machine-readable at
 * https://www.gov.uk/bank-holidays.json, division "england-and-wales") for the years it publishes (2024-2027).
 * 2028-2030 are not yet proclaimed: they are derived from the standing rules (Banking and Financial Dealings Act
 * 1971 Sch 1 and the customary substitute days: a holiday on a Saturday or Sunday moves to the next weekday(s);
 * Good Friday and Christmas Day are common-law holidays), with Easter from the Gregorian computus. One-off holidays
 * (e.g. a coronation or jubilee) are added by royal proclamation: update this table when GOV.UK publishes a year.
 * `bank-holidays.spec.ts` checks the table against the rules.
 *
 * SEND Regulations 2014 reg 2(1): a "working day" is any day except a Saturday, Sunday, Christmas Day, Good Friday or a
 * bank holiday under the 1971 Act in England. Good Friday and Christmas Day are therefore included here even though
 * they are not bank holidays under the Act.
 */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS: Readonly<Record<number, ReadonlyArray<readonly [string, string]>>> = {
  2024: [
    ['2024-01-01', "New Year's Day"],
    ['2024-03-29', 'Good Friday'],
    ['2024-04-01', 'Easter Monday'],
    ['2024-05-06', 'Early May bank holiday'],
    ['2024-05-27', 'Spring bank holiday'],
    ['2024-08-26', 'Summer bank holiday'],
    ['2024-12-25', 'Christmas Day'],
    ['2024-12-26', 'Boxing Day'],
  ],
  2025: [
    ['2025-01-01', "New Year's Day"],
    ['2025-04-18', 'Good Friday'],
    ['2025-04-21', 'Easter Monday'],
    ['2025-05-05', 'Early May bank holiday'],
    ['2025-05-26', 'Spring bank holiday'],
    ['2025-08-25', 'Summer bank holiday'],
    ['2025-12-25', 'Christmas Day'],
    ['2025-12-26', 'Boxing Day'],
  ],
  2026: [
    ['2026-01-01', "New Year's Day"],
    ['2026-04-03', 'Good Friday'],
    ['2026-04-06', 'Easter Monday'],
    ['2026-05-04', 'Early May bank holiday'],
    ['2026-05-25', 'Spring bank holiday'],
    ['2026-08-31', 'Summer bank holiday'],
    ['2026-12-25', 'Christmas Day'],
    ['2026-12-28', 'Boxing Day (substitute day)'],
  ],
  2027: [
    ['2027-01-01', "New Year's Day"],
    ['2027-03-26', 'Good Friday'],
    ['2027-03-29', 'Easter Monday'],
    ['2027-05-03', 'Early May bank holiday'],
    ['2027-05-31', 'Spring bank holiday'],
    ['2027-08-30', 'Summer bank holiday'],
    ['2027-12-27', 'Christmas Day (substitute day)'],
    ['2027-12-28', 'Boxing Day (substitute day)'],
  ],
  2028: [
    ['2028-01-03', "New Year's Day (substitute day)"],
    ['2028-04-14', 'Good Friday'],
    ['2028-04-17', 'Easter Monday'],
    ['2028-05-01', 'Early May bank holiday'],
    ['2028-05-29', 'Spring bank holiday'],
    ['2028-08-28', 'Summer bank holiday'],
    ['2028-12-25', 'Christmas Day'],
    ['2028-12-26', 'Boxing Day'],
  ],
  2029: [
    ['2029-01-01', "New Year's Day"],
    ['2029-03-30', 'Good Friday'],
    ['2029-04-02', 'Easter Monday'],
    ['2029-05-07', 'Early May bank holiday'],
    ['2029-05-28', 'Spring bank holiday'],
    ['2029-08-27', 'Summer bank holiday'],
    ['2029-12-25', 'Christmas Day'],
    ['2029-12-26', 'Boxing Day'],
  ],
  2030: [
    ['2030-01-01', "New Year's Day"],
    ['2030-04-19', 'Good Friday'],
    ['2030-04-22', 'Easter Monday'],
    ['2030-05-06', 'Early May bank holiday'],
    ['2030-05-27', 'Spring bank holiday'],
    ['2030-08-26', 'Summer bank holiday'],
    ['2030-12-25', 'Christmas Day'],
    ['2030-12-26', 'Boxing Day'],
  ],
};

export const BANK_HOLIDAY_TABLE_FIRST_YEAR = 2024;
export const BANK_HOLIDAY_TABLE_LAST_YEAR = 2030;

const ALL = new Set(Object.values(ENGLAND_AND_WALES_BANK_HOLIDAYS).flatMap((year) => year.map(([d]) => d)));

/** True when the date is an England and Wales bank holiday (or Good Friday / Christmas Day) in the table. */
export function isBankHoliday(date: string): boolean {
  return ALL.has(date);
}
