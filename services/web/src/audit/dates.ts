/**
 * The GOV.UK date input pattern's three fields (`<name>-day`, `<name>-month`, `<name>-year`) read as a calendar date,
 * or the message the error summary shows (the pattern's own wording), and the "as recorded by" instant of a date and
 * time in England.
 */

export interface DateField {
  /** YYYY-MM-DD when the fields make a real date. */
  value?: string;
  error?: string;
  /** What was typed, to put back in the fields. */
  parts: { day: string; month: string; year: string };
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export function dateFromParts(query: Record<string, unknown>, name: string, label: string): DateField {
  const parts = { day: text(query[`${name}-day`]), month: text(query[`${name}-month`]), year: text(query[`${name}-year`]) };
  const missing = (['day', 'month', 'year'] as const).filter((k) => !parts[k]);
  if (missing.length === 3) return { parts, error: `Enter ${label}` };
  if (missing.length) return { parts, error: `${label[0]?.toUpperCase()}${label.slice(1)} must include a ${missing.join(' and a ')}` };
  if (!/^\d{1,2}$/.test(parts.day) || !/^\d{1,2}$/.test(parts.month) || !/^\d{4}$/.test(parts.year)) return { parts, error: `${label[0]?.toUpperCase()}${label.slice(1)} must be a real date, for example 7 11 2025` };
  const [y, m, d] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { parts, error: `${label[0]?.toUpperCase()}${label.slice(1)} must be a real date, for example 7 11 2025` };
  return { parts, value: date.toISOString().slice(0, 10) };
}

const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** The wall-clock reading in England of an instant, as YYYY-MM-DDTHH:MM:SS. */
function londonWallClock(t: number): string {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}:${p['second']}`;
}

/**
 * The instant a date and time in England (HH:MM, or the end of the day when no time is given) stands for, as ISO 8601
 * in UTC. England is UTC+0 or UTC+1: the offset whose wall clock matches is the one that applied then.
 */
export function londonInstant(date: string, time?: string): string {
  const wall = `${date}T${time ? `${time}:00` : '23:59:59'}`;
  const asUtc = Date.parse(`${wall}Z`);
  for (const offsetHours of [0, 1]) {
    const t = asUtc - offsetHours * 3_600_000;
    if (londonWallClock(t) === wall) return new Date(t).toISOString();
  }
  // the hour skipped when the clocks go forward: the first instant after it
  return new Date(asUtc).toISOString();
}

/** A time typed as HH:MM (24-hour), or the message for the error summary. */
export function timeField(value: unknown): { value?: string; error?: string; typed: string } {
  const typed = text(value);
  if (!typed) return { typed };
  const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(typed);
  return m ? { typed, value: `${(m[1] as string).padStart(2, '0')}:${m[2]}` } : { typed, error: 'Enter the time as hours and minutes on the 24-hour clock, for example 17:30' };
}
