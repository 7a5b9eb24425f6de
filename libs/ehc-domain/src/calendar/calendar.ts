import { isBankHoliday } from './bank-holidays';

/**
 * A calendar date with no time and no time zone, ISO 8601 `YYYY-MM-DD`. Statutory time limits count whole days, so
 * the domain works in dates only; all arithmetic is done on UTC day numbers, so the machine's time zone and British
 * Summer Time can never shift a date.
 */
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `status` and `expose` (the convention body-parser and http-errors use): a service answering a request that carried
 * this date says 400/422 with the message instead of 500.
 */
export class InvalidDateError extends Error {
  readonly status = 400;
  readonly expose = true;
  constructor(readonly value: unknown) {
    super(`Not a valid calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
    this.name = 'InvalidDateError';
  }
}

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function assertIsoDate(value: unknown): IsoDate {
  if (!isIsoDate(value)) throw new InvalidDateError(value);
  return value;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1-12). */
export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Days since 1970-01-01 (UTC day number). */
// The clock turns the same few hundred dates back and forth for every deadline of every case on every answer:
// both conversions are remembered (valid dates only; forgotten wholesale past a bound).
const MAX_REMEMBERED_DATES = 100_000;
const dayNumbers = new Map<string, number>();
const isoDates = new Map<number, IsoDate>();

export function toDayNumber(date: IsoDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  assertIsoDate(date);
  const [y, m, d] = date.split('-').map(Number);
  const day = Date.UTC(y, m - 1, d) / MS_PER_DAY;
  if (dayNumbers.size >= MAX_REMEMBERED_DATES) dayNumbers.clear();
  dayNumbers.set(date, day);
  return day;
}

export function fromDayNumber(day: number): IsoDate {
  const known = isoDates.get(day);
  if (known !== undefined) return known;
  const date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (isoDates.size >= MAX_REMEMBERED_DATES) isoDates.clear();
  isoDates.set(day, date);
  return date;
}

export function dateFromParts(year: number, month: number, day: number): IsoDate {
  return assertIsoDate(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

export function yearOf(date: IsoDate): number {
  return Number(assertIsoDate(date).slice(0, 4));
}

/** The date in England (Europe/London) at a given instant: how a service turns a timestamp into a domain date. */
// one formatter for every call: constructing an Intl.DateTimeFormat costs ~100x a format
const LONDON_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

export function londonDateOf(instant: string | Date): IsoDate {
  const when = typeof instant === 'string' ? new Date(instant) : instant;
  const ms = when.getTime();
  if (Number.isNaN(ms)) throw new InvalidDateError(instant);
  // Since 1972 England's offset from UTC is 0 or 1 whole hour, changed on the hour: the date is the same through any
  // UTC hour, so the last hour's answer is remembered (every request asks for today's date)
  const hour = Math.floor(ms / 3_600_000);
  if (hour === lastLondonHour.hour) return lastLondonHour.date;
  const parts = LONDON_DAY.formatToParts(when);
  const get = (t: string) => parts.find((p) => p.type === t)?.value;
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  if (ms >= SINCE_WHOLE_HOUR_OFFSETS) lastLondonHour = { hour, date };
  return date;
}
const SINCE_WHOLE_HOUR_OFFSETS = Date.UTC(1972, 0, 1);
let lastLondonHour = { hour: NaN, date: '' };

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Calendar weeks: exactly 7 days each. "Within N weeks of" day D means on or before D + 7N days; the day D itself is
 * day 0. A limit ending on a Saturday, Sunday or bank holiday is NOT extended: the SEND Regulations 2014 count time
 * limits in weeks and days (e.g. reg 5(1), 8(1), 10(1), 13(2)) and only reg 15-16 use "working days".
 */
export function addWeeks(date: IsoDate, weeks: number): IsoDate {
  return addDays(date, weeks * 7);
}

/**
 * The corresponding date N calendar months later (or earlier, for negative N). When that month has no such day
 * (29 February in a common year, 31st in a 30-day month) the result is the last day of that month: the
 * corresponding-date rule (Dodds v Walker [1981] 1 WLR 1027, HL; "month" means calendar month, Interpretation Act
 * 1978 Sch 1). So 29 Feb 2028 + 12 months = 28 Feb 2029.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = assertIsoDate(date).split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return dateFromParts(year, month, Math.min(d, daysInMonth(year, month)));
}

/** True when N months after `date` there is no corresponding day (e.g. from 29 Feb, 31 Jan, 31 Mar). */
function hasNoCorrespondingDay(date: IsoDate, months: number): boolean {
  return Number(addMonths(date, months).slice(8)) !== Number(date.slice(8));
}

/**
 * The last day of a period of N months *starting with* `date` (the wording of the Children and Families Act 2014
 * s.44(1) for annual reviews: "the period of 12 months starting with the date on which the plan was first made").
 * The start day counts, so the period ends the day before the corresponding date; where there is no corresponding
 * date it ends on the last day of that month (29 Feb 2028 -> 28 Feb 2029, not 27 Feb).
 */
export function lastDayOfMonthsStartingWith(date: IsoDate, months: number): IsoDate {
  const corresponding = addMonths(date, months);
  return hasNoCorrespondingDay(date, months) ? corresponding : addDays(corresponding, -1);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return toDayNumber(a) - toDayNumber(b);
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) > 0;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return isAfter(a, b) ? a : b;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: IsoDate): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

/**
 * SEND Regulations 2014 reg 2(1): not a Saturday, Sunday, Christmas Day, Good Friday or bank holiday in England.
 * Bank holidays are derived from the standing rules for any year (see bank-holidays.ts), so no date is refused.
 */
export function isWorkingDay(date: IsoDate): boolean {
  assertIsoDate(date);
  return !isWeekend(date) && !isBankHoliday(date);
}

/**
 * N working days after `date` (negative N counts backwards): the day the Nth working day falls on, not counting
 * `date` itself. Used by reg 15 ("15 working days") and reg 16.
 */
export function addWorkingDays(date: IsoDate, workingDays: number): IsoDate {
  assertIsoDate(date);
  const step = workingDays < 0 ? -1 : 1;
  let remaining = Math.abs(workingDays);
  let day = date;
  while (remaining > 0) {
    day = addDays(day, step);
    if (isWorkingDay(day)) remaining--;
  }
  return day;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  let n = 0;
  for (let day = addDays(from, 1); !isAfter(day, to); day = addDays(day, 1)) if (isWorkingDay(day)) n++;
  return n;
}

/**
 * What kind of transfer between phases or institutions (SEND Regulations 2014 reg 18):
 * - `school-phase`: between phases of school education, e.g. early years -> primary, primary -> secondary: before 15 February
 * - `secondary-to-post-16`: from secondary school to a post-16 institution: before 31 March
 * - `post-16-institution`: between post-16 institutions: at least 5 months before the move
 */
export const PHASE_TRANSFER_KINDS = ['school-phase', 'secondary-to-post-16', 'post-16-institution'] as const;
export type PhaseTransferKind = (typeof PHASE_TRANSFER_KINDS)[number];

/**
 * The last day on which the plan can be reviewed and amended to name the new school or institution (reg 18, as
 * amended). The regulation says "before 15 February" / "before 31 March" in the calendar year of the transfer, so the
 * last compliant days are 14 February and 30 March (the Code of Practice's "by" is one day too generous: the
 * regulation wins). For a move between post-16 institutions, "at least 5 months before" the move: the corresponding
 * date 5 months earlier.
 */
export function phaseTransferDeadline(kind: PhaseTransferKind, transferDate: IsoDate): IsoDate {
  const year = yearOf(transferDate);
  switch (kind) {
    case 'school-phase':
      return dateFromParts(year, 2, 14);
    case 'secondary-to-post-16':
      return dateFromParts(year, 3, 30);
    case 'post-16-institution':
      return addMonths(transferDate, -5);
  }
}

/**
 * Week of the process on `asOf` for a process that started on `start` (day 0): week N ends on day 7N, so a limit of
 * "N weeks" falls on the last day of week N. Day 0 is week 0; days 1-7 are week 1; day 140 is the end of week 20.
 */
export function weekOfProcess(start: IsoDate, asOf: IsoDate): number {
  return Math.max(0, Math.ceil(daysBetween(start, asOf) / 7));
}
