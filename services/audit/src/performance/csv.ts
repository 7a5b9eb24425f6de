import { csvCell } from '../export/csv';
import type { DeadlineMeasure, PerformanceReport, PlanTimeliness } from './measures';

/** Long format: one row per figure, so every breakdown fits one sheet and pivots easily. */
export function performanceCsv(r: PerformanceReport): string {
  const rows: unknown[][] = [['measure', 'breakdown', 'group', 'metric', 'value']];
  const put = (measure: string, breakdown: string, group: string, obj: object) => {
    for (const [metric, value] of Object.entries(obj)) if (typeof value !== 'object' || value === null) rows.push([measure, breakdown, group, metric, value ?? '']);
  };
  rows.push(['period', '', '', 'from', r.period.from], ['period', '', '', 'to', r.period.to], ['period', '', '', 'asOf', r.asOf], ['period', '', '', 'localAuthority', r.localAuthority ?? '']);
  put('finalPlansWithin20Weeks', 'overall', '', r.finalPlansWithin20Weeks.overall);
  for (const [k, v] of Object.entries(r.finalPlansWithin20Weeks.byLocalAuthority)) put('finalPlansWithin20Weeks', 'localAuthority', k, v as PlanTimeliness);
  put('adviceWithin6Weeks', 'overall', '', r.adviceWithin6Weeks.overall);
  for (const [k, v] of Object.entries(r.adviceWithin6Weeks.byDuty)) put('adviceWithin6Weeks', 'duty', k, v);
  for (const [k, v] of Object.entries(r.adviceWithin6Weeks.byAgency)) put('adviceWithin6Weeks', 'agency', k, v as DeadlineMeasure);
  for (const [k, v] of Object.entries(r.adviceWithin6Weeks.byOrganisation)) put('adviceWithin6Weeks', 'organisation', k, v);
  put('decisionsWithin6Weeks', 'overall', '', r.decisionsWithin6Weeks.overall);
  for (const [k, v] of Object.entries(r.decisionsWithin6Weeks.byLocalAuthority)) put('decisionsWithin6Weeks', 'localAuthority', k, v as DeadlineMeasure);
  put('reassessmentDecisionsWithin15Days', 'overall', '', r.reassessments.decisionsWithin15Days);
  put('reassessmentPlansWithin14Weeks', 'overall', '', r.reassessments.amendedPlansWithin14Weeks);
  const counts = (breakdown: string, group: string, c: PerformanceReport['counts'] | PerformanceReport['counts']['byLocalAuthority'][string]) => {
    put('counts', breakdown, group, c);
    for (const [s, n] of Object.entries(c.requestsBySource)) rows.push(['counts', breakdown, group, `requestsBySource.${s}`, n]);
    for (const [s, n] of Object.entries(c.plansCeasedByReason)) rows.push(['counts', breakdown, group, `plansCeasedByReason.${s}`, n]);
    for (const [s, n] of Object.entries(c.appealsRegisteredByDecision)) rows.push(['counts', breakdown, group, `appealsRegisteredByDecision.${s}`, n]);
    for (const [s, n] of Object.entries(c.mediationsHeldByOutcome)) rows.push(['counts', breakdown, group, `mediationsHeldByOutcome.${s}`, n]);
    for (const [s, n] of Object.entries(c.reassessmentsRequestedBy)) rows.push(['counts', breakdown, group, `reassessmentsRequestedBy.${s}`, n]);
    for (const [s, n] of Object.entries(c.personalBudgetsAgreedByArrangement)) rows.push(['counts', breakdown, group, `personalBudgetsAgreedByArrangement.${s}`, n]);
    for (const [s, n] of Object.entries(c.directPaymentsRefusedByGround)) rows.push(['counts', breakdown, group, `directPaymentsRefusedByGround.${s}`, n]);
  };
  counts('overall', '', r.counts);
  for (const [k, v] of Object.entries(r.counts.byLocalAuthority)) counts('localAuthority', k, v);
  rows.push(['casesReplayed', 'overall', '', 'cases', r.casesReplayed], ['replayErrors', 'overall', '', 'errors', r.replayErrors.length]);
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
