import { londonDateOf, type IsoDate } from '@tio/ehc-domain';
import type { AuditSources } from '../stores/audit-sources';
import { sweepCases } from './case-sweep';
import { PerformanceAccumulator, type PerformanceReport } from './measures';

/** Sweeps every case in every event store and computes the measures for a period (nothing is stored). */
export class PerformanceService {
  constructor(private readonly sources: AuditSources) {}

  async report(q: { from: IsoDate; to: IsoDate; localAuthority?: string; asOf?: IsoDate }): Promise<PerformanceReport> {
    const acc = new PerformanceAccumulator({ from: q.from, to: q.to, asOf: q.asOf ?? londonDateOf(new Date()), ...(q.localAuthority ? { localAuthority: q.localAuthority } : {}) });
    for await (const c of sweepCases(this.sources.readers)) acc.addCase(c.caseId, c.events);
    return acc.result();
  }
}

/** The calendar year containing a date: the default period, SEN2's (the national 46.4% is the 2024 calendar year). */
export function calendarYearOf(d: IsoDate): { from: IsoDate; to: IsoDate } {
  const y = d.slice(0, 4);
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

/** The financial year (1 April to 31 March) containing a date: the period on request (`year=financial`). */
export function financialYearOf(d: IsoDate): { from: IsoDate; to: IsoDate } {
  const [y, m] = d.split('-').map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}
