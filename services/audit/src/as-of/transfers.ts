import type { SourcedEvent } from '../stores/store-reader';

/**
 * Transfer audit, from stored events only. Two families of events are understood:
 *  - the case service's reg 15 events: `ehc.transfer-notified.v1`, `ehc.plan-transferred.v1`,
 *    `ehc.transfer-reassessment-decided.v1` (these exist now);
 *  - a transfer process recorded by both sides as `transfer.<step>.v<n>` events carrying `transferId` (requested,
 *    accepted, declined, completed, cancelled …), being designed separately: any such event is folded generically
 *    (steps, who recorded each, from/to organisation fields, any `dueOn`/`…DueOn` date in the data).
 */
export function isTransferEvent(type: string): boolean {
  return type.startsWith('transfer.') || TRANSFER_EHC_TYPES.has(type);
}
const TRANSFER_EHC_TYPES = new Set(['ehc.transfer-notified.v1', 'ehc.plan-transferred.v1', 'ehc.transfer-reassessment-decided.v1']);

export interface TransferStep {
  step: string;
  eventId: string;
  type: string;
  source: string;
  /** Organisation that recorded the step. */
  recordedBy: string;
  occurredAt: string;
  recordedAt: string;
  /** The calendar date of the fact where the event carries one. */
  on?: string;
}

export interface TransferAudit {
  transferId: string;
  kind: 'local-authority (reg 15)' | string;
  from?: string;
  to?: string;
  steps: TransferStep[];
  deadlines: Array<{ what: string; dueOn: string; metOn?: string; status: 'met' | 'late' | 'open' | 'overdue'; daysLate?: number }>;
  /** Who was responsible, period by period (`until` absent: still responsible at the as-of instant). */
  responsibility: Array<{ organisation: string; from?: string; until?: string }>;
  /** Gaps, overlaps and delays found: plain sentences. */
  findings: string[];
  completed: boolean;
}

interface Working {
  transferId: string;
  kind: string;
  from?: string;
  to?: string;
  steps: TransferStep[];
  dueOn?: string;
  moveOn?: string;
  transferredOn?: string;
  reassessDecidedOn?: string;
  acceptedOn?: string;
  completedOn?: string;
  declinedOn?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const dayMs = 86_400_000;
const days = (from: string, to: string): number => Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / dayMs);
const addDays = (date: string, n: number): string => new Date(Date.parse(date.slice(0, 10)) + n * dayMs).toISOString().slice(0, 10);

export class TransferFolder {
  readonly transfers = new Map<string, Working>();

  apply(e: SourcedEvent): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const transferId = str(d['transferId']) ?? (e.type.startsWith('transfer.') ? `${e.streamName}` : undefined);
    if (!transferId) return;
    let t = this.transfers.get(transferId);
    if (!t) {
      t = { transferId, kind: e.type.startsWith('ehc.') ? 'local-authority (reg 15)' : str(d['kind']) ?? 'transfer', steps: [] };
      this.transfers.set(transferId, t);
    }
    const step = e.type.startsWith('transfer.') ? e.type.split('.')[1] ?? e.type : e.type.replace(/^ehc\./, '').replace(/\.v\d+$/, '');
    const on = str(d['transferredOn']) ?? str(d['learnedOn']) ?? str(d['decidedOn']) ?? str(d['acceptedOn']) ?? str(d['completedOn']) ?? str(d['declinedOn']) ?? str(d['requestedOn']);
    t.steps.push({
      step, eventId: e.metadata.eventId, type: e.type, source: e.source, recordedBy: e.metadata.actor?.organisationId,
      occurredAt: e.metadata.occurredAt, recordedAt: e.metadata.recordedAt, ...(on ? { on } : {}),
    });
    t.from ??= str(d['fromLocalAuthority']) ?? str(d['fromOrganisation']) ?? str(d['fromOrganisationId']) ?? str(d['from']);
    t.to ??= str(d['toLocalAuthority']) ?? str(d['toOrganisation']) ?? str(d['toOrganisationId']) ?? str(d['to']);
    const fact = on ?? e.metadata.occurredAt.slice(0, 10);
    switch (e.type) {
      case 'ehc.transfer-notified.v1':
        t.dueOn = str(d['transferDueOn']);
        t.moveOn = str(d['moveOn']);
        return;
      case 'ehc.plan-transferred.v1':
        t.transferredOn = fact;
        t.completedOn = fact;
        return;
      case 'ehc.transfer-reassessment-decided.v1':
        t.reassessDecidedOn = fact;
        return;
    }
    const due = Object.entries(d).find(([k, v]) => /dueOn$/i.test(k) && typeof v === 'string');
    if (due && !t.dueOn) t.dueOn = due[1] as string;
    if (step === 'accepted') t.acceptedOn ??= fact;
    if (step === 'completed') t.completedOn ??= fact;
    if (step === 'declined') t.declinedOn ??= fact;
  }
}

export function foldTransfers(folder: TransferFolder, at: string): TransferAudit[] {
  const asOf = at.slice(0, 10);
  const out: TransferAudit[] = [];
  for (const t of folder.transfers.values()) {
    const deadlines: TransferAudit['deadlines'] = [];
    const deadline = (what: string, dueOn: string, metOn?: string) => {
      if (metOn) deadlines.push({ what, dueOn, metOn, status: metOn <= dueOn ? 'met' : 'late', ...(metOn > dueOn ? { daysLate: days(dueOn, metOn) } : {}) });
      else deadlines.push({ what, dueOn, status: asOf > dueOn ? 'overdue' : 'open', ...(asOf > dueOn ? { daysLate: days(dueOn, asOf) } : {}) });
    };
    if (t.dueOn) deadline(t.kind.startsWith('local-authority') ? 'Transfer the plan to the new local authority (reg 15)' : 'Complete the transfer', t.dueOn, t.completedOn);
    // reg 15: the new LA tells the family within 6 weeks of the transfer whether it will reassess
    if (t.transferredOn) deadline('New local authority decides whether to reassess (reg 15)', addDays(t.transferredOn, 42), t.reassessDecidedOn);
    const findings: string[] = [];
    const responsibility: TransferAudit['responsibility'] = [];
    if (t.from) responsibility.push({ organisation: t.from, ...(t.completedOn ? { until: t.completedOn } : {}) });
    if (t.to && t.completedOn) responsibility.push({ organisation: t.to, from: t.completedOn });
    if (t.moveOn && t.transferredOn && t.transferredOn > t.moveOn) findings.push(`the plan was transferred ${days(t.moveOn, t.transferredOn)} day(s) after the move on ${t.moveOn}`);
    if (t.completedOn && t.steps.some((s) => s.step === 'requested' || s.step === 'accepted') && !t.acceptedOn) findings.push('completed without an acceptance recorded by the receiving organisation');
    if (t.acceptedOn && t.completedOn && t.acceptedOn > t.completedOn) findings.push(`gap: responsibility was handed over on ${t.completedOn} but the receiving organisation accepted only on ${t.acceptedOn}`);
    if (t.declinedOn && t.completedOn) findings.push(`overlap/conflict: the transfer was declined on ${t.declinedOn} and also completed on ${t.completedOn}`);
    if (t.declinedOn && !t.completedOn && t.from) findings.push(`declined on ${t.declinedOn}: ${t.from} stays responsible`);
    if (!t.from) findings.push('no originating organisation recorded: responsibility before the transfer cannot be shown');
    for (const d of deadlines) if (d.status === 'overdue' || d.status === 'late') findings.push(`${d.what}: due ${d.dueOn}, ${d.status}${d.daysLate ? ` by ${d.daysLate} day(s)` : ''}`);
    out.push({ transferId: t.transferId, kind: t.kind, ...(t.from ? { from: t.from } : {}), ...(t.to ? { to: t.to } : {}), steps: t.steps, deadlines, responsibility, findings, completed: !!t.completedOn });
  }
  return out;
}
