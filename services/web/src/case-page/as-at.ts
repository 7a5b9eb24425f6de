/**
 * The "as at" picker: a GOV.UK date input and, for auditors, which reading. Pure: the query string in, the date
 * (or the reason it is not one) and the reading out.
 *  - `business`: the case as it stood on that day (facts that happened by then, as far as is known now: a correction
 *    recorded later counts); the statutory clock is read on that day.
 *  - `recorded`: the case as it had been recorded by the end of that day (what anyone looking then would have seen);
 *    auditors only (it is the audit service's reading).
 */
export type Reading = 'business' | 'recorded';

export interface AsAt {
  /** YYYY-MM-DD, when a valid date was given. */
  date?: string;
  reading: Reading;
  /** The date as typed, to show again in the boxes. */
  typed: { day: string; month: string; year: string };
  error?: { field: string; text: string };
}

const isRealDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

export function asAtFrom(query: Record<string, unknown>, today: string, mayReadRecorded: boolean): AsAt {
  const val = (k: string) => (typeof query[k] === 'string' ? String(query[k]).trim() : '');
  const typed = { day: val('asAt-day'), month: val('asAt-month'), year: val('asAt-year') };
  const reading: Reading = mayReadRecorded && val('reading') === 'recorded' ? 'recorded' : 'business';
  if (!typed.day && !typed.month && !typed.year) return { reading, typed };
  const missing = (['day', 'month', 'year'] as const).filter((p) => !typed[p]);
  if (missing.length) return { reading, typed, error: { field: `asAt-${missing[0]}`, text: `The date must include a ${missing.join(' and a ')}` } };
  if (![typed.day, typed.month, typed.year].every((v) => /^\d+$/.test(v)) || typed.year.length !== 4 || !isRealDate(Number(typed.year), Number(typed.month), Number(typed.day))) {
    return { reading, typed, error: { field: 'asAt-day', text: 'The date must be a real date, for example 7 11 2025' } };
  }
  const date = `${typed.year}-${typed.month.padStart(2, '0')}-${typed.day.padStart(2, '0')}`;
  if (date > today) return { reading, typed, error: { field: 'asAt-day', text: 'The date must be today or in the past' } };
  return { date, reading, typed };
}

/** The day after a YYYY-MM-DD. */
export function nextDay(day: string): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** The instant the day after `day` begins in England (the end of `day` there), as ISO 8601 UTC. */
export function endOfLondonDay(day: string): string {
  const midnightUtc = new Date(`${nextDay(day)}T00:00:00Z`);
  const londonHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(midnightUtc));
  // in summer time London is an hour ahead: its midnight is 23:00 UTC the day before
  return new Date(midnightUtc.getTime() - londonHour * 3_600_000).toISOString();
}

/** What each reading means, for the label beside the page's heading. */
export function readingMeaning(reading: Reading, displayDay: string): string {
  return reading === 'business'
    ? `As it stood on ${displayDay}: what had happened by the end of that day, as far as is known now (later corrections included). The clock is read on that day.`
    : `As recorded by the end of ${displayDay}: what the record showed then, before anything recorded later. For auditors.`;
}
