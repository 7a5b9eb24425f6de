/**
 * Retention (DOMAIN.md "Data protection"): a case's personal data is kept until the child's date of birth plus a
 * configurable number of years (commonly 31, the schools' and LAs' SEND file schedule), then erased.
 */
export const DEFAULT_RETENTION_YEARS_AFTER_BIRTH = 31;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RETENTION_YEARS_AFTER_BIRTH, default 31; a whole number of years from 1 to 150. */
export function retentionYearsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['RETENTION_YEARS_AFTER_BIRTH'];
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_YEARS_AFTER_BIRTH;
  const years = Number(raw);
  if (!Number.isInteger(years) || years < 1 || years > 150) throw new Error(`RETENTION_YEARS_AFTER_BIRTH=${raw} must be a whole number of years from 1 to 150`);
  return years;
}

/**
 * The day the personal data may be erased: the `years`th anniversary of the birth. Someone born on 29 February
 * reaches it on 1 March in a common year (the later day: retention is never cut short).
 */
export function retentionEndsOn(dateOfBirth: string, years: number): string {
  const m = ISO_DATE.exec(dateOfBirth);
  if (!m) throw new Error(`date of birth ${JSON.stringify(dateOfBirth)} is not an ISO date (YYYY-MM-DD)`);
  const [y, mo, d] = [Number(m[1]) + years, Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  // 29 February in a common year rolls over to 1 March by itself
  return date.toISOString().slice(0, 10);
}

/** Whether the retention period has ended on `today` (an ISO date, England). */
export function isRetentionOver(dateOfBirth: string, years: number, today: string): boolean {
  return retentionEndsOn(dateOfBirth, years) <= today;
}
