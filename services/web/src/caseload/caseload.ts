import { stageClock } from '../case-page/clock';

/**
 * The caseload: the rows a caseworker scans (stage, week, next deadline, who must act, overdue), its filters, its
 * order and its CSV. Pure: the timeline service's case list in, rows out.
 */

/** A deadline as the timeline service's API answers it (@tio/ehc-domain's Deadline, the fields shown here). */
export interface ApiDeadline {
  what: string;
  dueOn: string;
  responsible: string;
  regulation: string;
  daysLate?: number;
}

/** One case of `GET /cases` of the timeline service. */
export interface ApiCase {
  caseId: string;
  caseStatus: string;
  weekOfProcess: number | null;
  next: ApiDeadline | null;
  overdueCount: number;
  overdueByResponsible: Record<string, ApiDeadline[]>;
  lastActivityAt: string;
}

export const STAGES: Record<string, string> = {
  none: 'Not started',
  requested: 'Request received',
  'assessment-refused': 'Assessment refused',
  assessing: 'Assessing',
  'plan-refused': 'Plan refused',
  'draft-issued': 'Draft plan issued',
  'plan-in-force': 'Plan in force',
  ceased: 'Plan ceased',
};

export const RESPONSIBLE: Record<string, string> = {
  'local-authority': 'Local authority',
  education: 'Education',
  health: 'Health',
  'social-care': 'Social care',
  other: 'Other adviser',
  family: 'Family',
};

export const DUE_FILTERS = ['overdue', 'next-2-weeks'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];
export const SORTS = ['urgency', 'due', 'week', 'case'] as const;
export type Sort = (typeof SORTS)[number];

export interface CaseloadFilter {
  stage?: string;
  due?: DueFilter;
  /** Cases waiting on this agency (or the family): it has an overdue deadline or the next one. */
  awaiting?: string;
  sort?: Sort;
}

export interface CaseloadRow {
  caseId: string;
  stage: string;
  stageKey: string;
  /** The week of the stage's own 20-week clock; null when none runs (a plan in force has no week of 20). */
  week: number | null;
  /** The stage's clock in words: "Week 7 of 20", or the stage's own words when the 20-week clock does not run. */
  clock: string;
  /** The overdue deadline that is latest, else the next open one. */
  deadline: { what: string; dueOn: string; regulation: string; responsible: string } | null;
  overdueCount: number;
  /** The most days any deadline of the case is overdue (0 when none). */
  daysOverdue: number;
  /** Who must act: the agencies with an overdue deadline, then whoever the next deadline is for. */
  mustAct: string[];
  /** The same, as the API's keys (`health`, `family`, ...). */
  mustActKeys: string[];
  lastActivityAt: string;
}

const label = (map: Record<string, string>, key: string) => map[key] ?? key;

export function caseloadRow(c: ApiCase): CaseloadRow {
  const clock = stageClock(c.caseStatus, c.weekOfProcess);
  const overdue = Object.values(c.overdueByResponsible ?? {}).flat();
  const worst = [...overdue].sort((a, b) => (b.daysLate ?? 0) - (a.daysLate ?? 0) || a.dueOn.localeCompare(b.dueOn))[0];
  const deadline = worst ?? c.next ?? null;
  const mustActKeys = [...new Set([...Object.keys(c.overdueByResponsible ?? {}), ...(c.next ? [c.next.responsible] : [])])];
  return {
    caseId: c.caseId,
    stage: label(STAGES, c.caseStatus),
    stageKey: c.caseStatus,
    week: clock.week,
    clock: clock.text,
    deadline: deadline ? { what: deadline.what, dueOn: deadline.dueOn, regulation: deadline.regulation, responsible: label(RESPONSIBLE, deadline.responsible) } : null,
    overdueCount: c.overdueCount,
    daysOverdue: overdue.reduce((m, d) => Math.max(m, d.daysLate ?? 0), 0),
    mustAct: mustActKeys.map((r) => label(RESPONSIBLE, r)),
    mustActKeys,
    lastActivityAt: c.lastActivityAt,
  };
}

/** Days from `from` to `to` (YYYY-MM-DD), calendar days. */
const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The rows the filter keeps, in the order asked (default: overdue first, most overdue first, then by next due date). */
export function caseload(cases: ApiCase[], filter: CaseloadFilter, today: string): CaseloadRow[] {
  const rows = cases.map(caseloadRow).filter((r) => {
    if (filter.stage && r.stageKey !== filter.stage) return false;
    if (filter.awaiting && !r.mustActKeys.includes(filter.awaiting)) return false;
    if (filter.due === 'overdue' && r.overdueCount === 0) return false;
    if (filter.due === 'next-2-weeks' && !(r.overdueCount === 0 && r.deadline && daysFrom(today, r.deadline.dueOn) <= 14)) return false;
    return true;
  });
  const due = (r: CaseloadRow) => r.deadline?.dueOn ?? '9999-12-31';
  const byCase = (a: CaseloadRow, b: CaseloadRow) => a.caseId.localeCompare(b.caseId);
  const orders: Record<Sort, (a: CaseloadRow, b: CaseloadRow) => number> = {
    urgency: (a, b) => Number(b.overdueCount > 0) - Number(a.overdueCount > 0) || b.daysOverdue - a.daysOverdue || due(a).localeCompare(due(b)) || byCase(a, b),
    due: (a, b) => due(a).localeCompare(due(b)) || byCase(a, b),
    week: (a, b) => (b.week ?? -1) - (a.week ?? -1) || byCase(a, b),
    case: byCase,
  };
  return rows.sort(orders[filter.sort ?? 'urgency']);
}

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
export function caseloadCsv(rows: CaseloadRow[]): string {
  const cell = (v: string | number | null | undefined) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = ['case_id', 'stage', 'week_of_process', 'deadline', 'due_on', 'regulation', 'responsible', 'overdue_count', 'days_overdue', 'must_act', 'last_activity_at'];
  const lines = rows.map((r) => [r.caseId, r.stage, r.week, r.deadline?.what, r.deadline?.dueOn, r.deadline?.regulation, r.deadline?.responsible, r.overdueCount, r.daysOverdue, r.mustAct.join('; '), r.lastActivityAt].map(cell).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
