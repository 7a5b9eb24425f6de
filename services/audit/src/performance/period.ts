import { BadRequestException } from '@nestjs/common';
import { isAfter, londonDateOf } from '@tio/ehc-domain';
import { calendarYearOf, financialYearOf } from './performance.service';

export interface ResolvedPeriod { from: string; to: string; asOf: string; localAuthority?: string }

/**
 * Defaults and the from <= to check shared by the API and the page. A missing `from`/`to` comes from the year containing
 * the other (or today): the calendar year by default, as SEN2 counts it, or the financial year with `year=financial`.
 */
export function resolvePeriod(q: { from?: string; to?: string; asOf?: string; localAuthority?: string; year?: 'calendar' | 'financial' }): ResolvedPeriod {
  const today = londonDateOf(new Date());
  const fy = (q.year === 'financial' ? financialYearOf : calendarYearOf)(q.from ?? q.to ?? today);
  const from = q.from ?? fy.from;
  const to = q.to ?? fy.to;
  for (const d of [from, to, q.asOf]) if (d && Number.isNaN(Date.parse(`${d}T00:00:00Z`))) throw new BadRequestException(`${d} is not a calendar date`);
  if (isAfter(from, to)) throw new BadRequestException(`from (${from}) must be on or before to (${to})`);
  return { from, to, asOf: q.asOf ?? today, ...(q.localAuthority ? { localAuthority: q.localAuthority } : {}) };
}
