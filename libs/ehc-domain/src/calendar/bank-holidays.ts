/**
 * Bank and public holidays in England and Wales, derived from the standing rules for any year, so that working days
 * can always be counted (a notice in late December 2030 runs into 2031 like any other):
 *
 * - New Year's Day, 1 January; on a Saturday or Sunday, the next Monday (substitute day);
 * - Good Friday and Easter Monday, from the Gregorian Easter computus;
 * - the early May bank holiday, the first Monday in May; the spring bank holiday, the last Monday in May; the summer
 *   bank holiday, the last Monday in August (Banking and Financial Dealings Act 1971 Sch 1, as proclaimed each year);
 * - Christmas Day and Boxing Day; when either falls on a weekend, the next weekdays are substitute days.
 *
 * One-off holidays and moved holidays are made by royal proclamation; they are the only table (`PROCLAIMED_CHANGES`).
 * Add an entry when GOV.UK (https://www.gov.uk/bank-holidays.json, division "england-and-wales") publishes one.
 *
 * SEND Regulations 2014 reg 2(1): a "working day" is any day except a Saturday, Sunday, Christmas Day, Good Friday or a
 * bank holiday under the 1971 Act in England. Good Friday and Christmas Day are therefore included here even though
 * they are not bank holidays under the Act.
 */

// plain UTC day arithmetic here: calendar.ts builds on this file, so it cannot be imported from it
const MS_PER_DAY = 86_400_000;
const isoDateOf = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
const addDaysToDate = (date: string, days: number) => new Date((dayNumber(date) + days) * MS_PER_DAY).toISOString().slice(0, 10);
/** 0 = Sunday ... 6 = Saturday. */
const dayOfWeekOf = (date: string) => (((dayNumber(date) + 4) % 7) + 7) % 7;

export type BankHoliday = readonly [date: string, name: string];

/** A proclamation for one year: holidays it moved (`from` -> `to`) and holidays it added. */
interface ProclaimedChange {
  moved?: ReadonlyArray<{ from: string; to: string }>;
  added?: readonly BankHoliday[];
}

/** One-off proclamations (GOV.UK's England and Wales list and the London Gazette). */
export const PROCLAIMED_CHANGES: Readonly<Record<number, ProclaimedChange>> = {
  1995: { moved: [{ from: '1995-05-01', to: '1995-05-08' }] }, // 50th anniversary of VE Day
  1999: { added: [['1999-12-31', 'Millennium Day']] },
  2002: { moved: [{ from: '2002-05-27', to: '2002-06-04' }], added: [['2002-06-03', 'Golden Jubilee']] },
  2011: { added: [['2011-04-29', 'Royal wedding']] },
  2012: { moved: [{ from: '2012-05-28', to: '2012-06-04' }], added: [['2012-06-05', 'Queen’s Diamond Jubilee']] },
  2020: { moved: [{ from: '2020-05-04', to: '2020-05-08' }] }, // 75th anniversary of VE Day
  2022: {
    moved: [{ from: '2022-05-30', to: '2022-06-02' }],
    added: [['2022-06-03', 'Platinum Jubilee bank holiday'], ['2022-09-19', 'Bank Holiday for the State Funeral of Queen Elizabeth II']],
  },
  2023: { added: [['2023-05-08', 'Bank holiday for the coronation of King Charles III']] },
};

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDateOf(year, month, day);
}

const isWeekendDay = (date: string) => dayOfWeekOf(date) === 0 || dayOfWeekOf(date) === 6;

function firstMonday(year: number, month: number): string {
  const first = isoDateOf(year, month, 1);
  return addDaysToDate(first, (8 - dayOfWeekOf(first)) % 7);
}

function lastMonday(year: number, month: number): string {
  const lastDay = addDaysToDate(month === 12 ? isoDateOf(year + 1, 1, 1) : isoDateOf(year, month + 1, 1), -1);
  return addDaysToDate(lastDay, -((dayOfWeekOf(lastDay) + 6) % 7));
}

/** Christmas Day and Boxing Day, each on its own weekday: a weekend one moves to the next free weekday. */
function christmasHolidays(year: number): BankHoliday[] {
  const taken: string[] = [];
  const out: BankHoliday[] = [];
  for (const [day, name] of [[25, 'Christmas Day'], [26, 'Boxing Day']] as const) {
    const date = isoDateOf(year, 12, day);
    if (!isWeekendDay(date)) {
      taken.push(date);
      out.push([date, name]);
    }
  }
  for (const [day, name] of [[25, 'Christmas Day'], [26, 'Boxing Day']] as const) {
    if (!isWeekendDay(isoDateOf(year, 12, day))) continue;
    let substitute = isoDateOf(year, 12, 27);
    while (isWeekendDay(substitute) || taken.includes(substitute)) substitute = addDaysToDate(substitute, 1);
    taken.push(substitute);
    out.push([substitute, `${name} (substitute day)`]);
  }
  return out.sort(([a], [b]) => a.localeCompare(b));
}

/** The holidays the standing rules give for a year, before any proclamation. */
function standingHolidays(year: number): BankHoliday[] {
  const newYear = isoDateOf(year, 1, 1);
  const easter = easterSunday(year);
  return [
    isWeekendDay(newYear) ? [firstMonday(year, 1), "New Year's Day (substitute day)"] : [newYear, "New Year's Day"],
    [addDaysToDate(easter, -2), 'Good Friday'],
    [addDaysToDate(easter, 1), 'Easter Monday'],
    [firstMonday(year, 5), 'Early May bank holiday'],
    [lastMonday(year, 5), 'Spring bank holiday'],
    [lastMonday(year, 8), 'Summer bank holiday'],
    ...christmasHolidays(year),
  ];
}

const cache = new Map<number, readonly BankHoliday[]>();

/** Every England and Wales bank holiday of `year` (plus Good Friday and Christmas Day), in date order. */
export function bankHolidaysOf(year: number): readonly BankHoliday[] {
  const cached = cache.get(year);
  if (cached) return cached;
  const change = PROCLAIMED_CHANGES[year] ?? {};
  const holidays = standingHolidays(year)
    .map(([date, name]): BankHoliday => [change.moved?.find((m) => m.from === date)?.to ?? date, name])
    .concat(change.added ?? [])
    .sort(([a], [b]) => a.localeCompare(b));
  cache.set(year, holidays);
  return holidays;
}

/** True when the date (`YYYY-MM-DD`) is an England and Wales bank holiday, Good Friday or Christmas Day. */
export function isBankHoliday(date: string): boolean {
  return bankHolidaysOf(Number(date.slice(0, 4))).some(([d]) => d === date);
}
