/**
 * The statutory clock of a case, computed from its timeline entries (which keep the facts of each event).
 *
 * `@tio/ehc-domain` (the case domain library with its own clock) had not landed when this was written; this is a
 * small, pure, read-side computation from the events the timeline holds, with the regulation cited per deadline
 * (SEND Regulations 2014, SI 2014/1530). Limits run in calendar days/weeks (DOMAIN.md); dates are days in
 * Europe/London. Exceptions (reg 5(4), 8(2), 10(4), 13(3)) are shown when recorded but do not yet lift a deadline.
 * When the domain library exports its clock, replace `statutoryStatus` with a call to it over the same entries.
 */

export interface StatusEntry {
  kind: string;
  agency: string;
  occurredAt: Date;
  details: Record<string, unknown>;
}

export type DeadlineState = 'met' | 'met-late' | 'open' | 'overdue';

export interface Deadline {
  key: string;
  what: string;
  agency: string;
  dueBy: string;
  regulation: string;
  state: DeadlineState;
  metOn?: string;
  daysOverdue?: number;
}

export interface StatutoryStatus {
  requestReceivedOn: string | null;
  /** Week of the process (1 = the week the request was received); null before a request or after the final plan. */
  week: number | null;
  stage: string;
  finalPlanDueBy: string | null;
  nextDeadline: Deadline | null;
  deadlines: Deadline[];
  overdueByAgency: Record<string, Deadline[]>;
  overdueCount: number;
  computedAt: string;
  computedBy: string;
}

const DAY = 86_400_000;
const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A calendar day (YYYY-MM-DD) in England. */
export function dayOf(value: Date | string): string {
  return londonDay.format(typeof value === 'string' ? new Date(value) : value);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export function statutoryStatus(entries: StatusEntry[], at: Date = new Date()): StatutoryStatus {
  const today = dayOf(at);
  const sorted = [...entries].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const first = (kind: string) => sorted.find((e) => e.kind === kind);
  const whenOf = (e: StatusEntry, key: string) => dayOf(str(e.details[key]) ?? e.occurredAt);

  const request = first('request');
  const received = request ? whenOf(request, 'receivedAt') : null;
  const decision = first('decision');
  const finalPlan = first('final-plan');
  const notAssessing = decision?.details['decision'] === 'not-assess';
  const deadlines: Deadline[] = [];
  const deadline = (d: Omit<Deadline, 'state' | 'daysOverdue'>): void => {
    const state: DeadlineState = d.metOn ? (d.metOn <= d.dueBy ? 'met' : 'met-late') : today > d.dueBy ? 'overdue' : 'open';
    deadlines.push({ ...d, state, ...(state === 'overdue' ? { daysOverdue: daysBetween(d.dueBy, today) } : {}) });
  };

  if (received) {
    deadline({
      key: 'decision-to-assess', what: 'Decide whether to assess and tell the family', agency: 'local-authority',
      dueBy: addDays(received, 42), regulation: 'reg 5(1): 6 weeks from the request', metOn: decision ? whenOf(decision, 'decidedAt') : undefined,
    });
  }
  for (const req of sorted.filter((e) => e.kind === 'advice-requested')) {
    const id = str(req.details['adviceRequestId']);
    const answer = sorted.find((e) => e.kind === 'advice-submitted' && id && e.details['adviceRequestId'] === id);
    const agency = str(req.details['agency']) ?? req.agency;
    deadline({
      key: `advice:${id ?? dayOf(req.occurredAt)}`, what: `${str(req.details['adviceType']) ?? 'Requested'} advice from ${agency}`, agency,
      dueBy: str(req.details['dueBy'])?.slice(0, 10) ?? addDays(dayOf(req.occurredAt), 42), regulation: 'reg 8(1): 6 weeks from the request for advice',
      metOn: answer ? whenOf(answer, 'submittedAt') : undefined,
    });
  }
  const draft = first('draft-plan');
  if (draft && str(draft.details['responseDueBy'])) {
    deadline({
      key: 'draft-response', what: 'Family comments on the draft plan', agency: 'family', dueBy: String(draft.details['responseDueBy']).slice(0, 10),
      regulation: 'reg 13(1): at least 15 days to comment', metOn: finalPlan ? whenOf(finalPlan, 'issuedAt') : undefined,
    });
  }
  if (received && !notAssessing) {
    deadline({
      key: 'final-plan', what: 'Issue the final EHC plan', agency: 'local-authority', dueBy: addDays(received, 140),
      regulation: 'reg 13(2): 20 weeks from the request', metOn: finalPlan ? whenOf(finalPlan, 'issuedAt') : undefined,
    });
  }

  const overdue = deadlines.filter((d) => d.state === 'overdue');
  const overdueByAgency: Record<string, Deadline[]> = {};
  for (const d of overdue) (overdueByAgency[d.agency] ??= []).push(d);
  const pending = deadlines.filter((d) => d.state === 'open' || d.state === 'overdue').sort((a, b) => a.dueBy.localeCompare(b.dueBy) || a.key.localeCompare(b.key));
  const closed = !!finalPlan || notAssessing;
  return {
    requestReceivedOn: received,
    week: received && !closed ? Math.floor(daysBetween(received, today) / 7) + 1 : null,
    stage: finalPlan ? 'final plan issued' : notAssessing ? 'decided not to assess' : draft ? 'draft plan issued' : decision ? 'assessment under way' : received ? 'deciding whether to assess' : 'no request recorded',
    finalPlanDueBy: received && !notAssessing ? addDays(received, 140) : null,
    nextDeadline: pending[0] ?? null,
    deadlines,
    overdueByAgency,
    overdueCount: overdue.length,
    computedAt: at.toISOString(),
    computedBy: 'timeline read model (services/timeline/src/status/statutory.ts); @tio/ehc-domain clock not yet available',
  };
}
