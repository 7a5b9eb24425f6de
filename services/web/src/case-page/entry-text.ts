/**
 * How a timeline entry reads on the case page. Pure: the timeline's entries in, the words a caseworker reads out.
 * - Date-only facts (YYYY-MM-DD in the timeline's words) are written as dates ("14 April 2025"), never with a time.
 * - An event type's name (`transfer.requested.v1`) never shows: an entry built by the timeline's generic fallback reads
 *   as its title and who recorded it.
 * - A transfer step says from whom, to whom, from which day, and who is responsible until then and after: the
 *   receiving side is named on the request, so the later steps of the same transfer borrow it from there.
 */
import { displayDate } from '../render';

/** A timeline entry as `GET /cases/:id/timeline` answers it (the fields read here). */
export interface TimelineEntry {
  id: string;
  kind: string;
  title: string;
  summary: string;
  agency: string;
  occurredAt: string;
  recordedAt: string;
  details?: Record<string, unknown>;
  source?: { type?: string } & Record<string, unknown>;
  sourceEventType?: string;
}

export interface ReadableEntry {
  id: string;
  kind: string;
  title: string;
  summary: string;
  /** "Local authority SEND team", "Health", ... */
  agency: string;
  /** The day it happened, as a date (the entries' facts are dates). */
  on: string;
  /** The same as YYYY-MM-DD, for <time datetime>. */
  onIso: string;
  /** Transfers: who is responsible when, in words. */
  responsibility?: string;
}

export const AGENCY_NAMES: Record<string, string> = {
  'local-authority': 'Local authority SEND team',
  education: 'Education',
  health: 'Health',
  'social-care': 'Social care',
  family: 'Family',
  other: 'Other adviser',
  system: 'System',
};

/** An event type name such as `transfer.requested.v1` or `ehc.plan-ceased.v1`. */
export const RAW_TYPE = /\b[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*\.v\d+\b/;
const RAW_TYPE_IN_BRACKETS = /\s*\(\s*[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*\.v\d+\s*\)/g;
const ISO_DAY = /\b(\d{4}-\d{2}-\d{2})(?![\dT]|:\d)/g;

/** Writes every YYYY-MM-DD in a text as a date and takes out any event type name. */
export function readableText(text: string): string {
  return text
    .replace(RAW_TYPE_IN_BRACKETS, '')
    .replace(new RegExp(RAW_TYPE.source, 'g'), 'an event')
    .replace(ISO_DAY, (iso: string) => displayDate(iso));
}

/** The day in England of an instant, as YYYY-MM-DD. */
export function londonDay(instant: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(instant)) return instant;
  const t = new Date(instant);
  if (Number.isNaN(t.getTime())) return instant;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const typeOf = (e: TimelineEntry) => e.sourceEventType ?? str(e.source?.type) ?? '';

interface TransferFacts {
  from?: string;
  to?: string;
  proposedOn?: string;
  moveOn?: string;
}

/** Who is responsible when, for one transfer step (undefined for entries that are not transfers). */
function responsibility(e: TimelineEntry, t: TransferFacts | undefined): string | undefined {
  const d = e.details ?? {};
  const type = typeOf(e);
  const date = (v: unknown) => (str(v) ? displayDate(v) : undefined);
  const from = t?.from ?? str(d['fromOrganisation']) ?? str(d['fromLocalAuthority']);
  const to = t?.to ?? str(d['toOrganisation']) ?? str(d['toLocalAuthority']);
  if (type === 'transfer.requested.v1' || (type === '' && d['fromOrganisation'])) {
    const when = date(d['moveOn']) ?? date(d['proposedOn']);
    return `${from ?? 'The sending organisation'} is responsible until the transfer completes${when ? ` (proposed for ${when})` : ''}; then ${to ?? 'the receiving organisation'}.`;
  }
  if (type === 'transfer.completed.v1') return `${to ?? 'The receiving organisation'} is responsible from ${date(d['completedOn']) ?? 'the day of the handover'} (before that, ${from ?? str(d['organisation']) ?? 'the sending organisation'}).`;
  if (type === 'transfer.cancelled.v1') return `${from ?? str(d['organisation']) ?? 'The sending organisation'} stays responsible.`;
  if (type === 'transfer.declined.v1') return `${from ?? 'The sending organisation'} stays responsible.`;
  if (type === 'transfer.accepted.v1') return `${from ?? 'The sending organisation'} stays responsible until it hands over to ${to ?? 'the receiving organisation'}.`;
  if (type === 'transfer.acknowledged.v1') return `${to ?? 'The receiving organisation'} confirmed it is responsible.`;
  if (type === 'ehc.assessment-transferred.v1') {
    return `${to ?? 'The new local authority'} is responsible from ${date(d['transferredOn']) ?? 'the move'} (before that, ${from ?? 'the old local authority'}); its own 20-week clock runs from ${date(d['clockStartsOn']) ?? 'that day'}, final plan due ${date(d['finalPlanDueOn']) ?? 'as recorded'}.`;
  }
  if (type === 'ehc.transfer-notified.v1') return `${from ?? 'The old local authority'} stays responsible until the plan is transferred (by ${date(d['transferDueOn']) ?? 'the day of the move'}); then ${to ?? 'the new local authority'}.`;
  if (type === 'ehc.plan-transferred.v1') return `${to ?? 'The new local authority'} maintains the plan from ${date(d['transferredOn']) ?? 'the transfer'}.`;
  return undefined;
}

/** Every entry as it reads on the page, in the order given. */
export function readableEntries(entries: TimelineEntry[]): ReadableEntry[] {
  const transfers = new Map<string, TransferFacts>();
  for (const e of entries) {
    const d = e.details ?? {};
    const id = str(d['transferId']);
    if (!id) continue;
    const known = transfers.get(id) ?? {};
    transfers.set(id, {
      from: known.from ?? str(d['fromOrganisation']) ?? str(d['fromLocalAuthority']),
      to: known.to ?? str(d['toOrganisation']) ?? str(d['toLocalAuthority']),
      proposedOn: known.proposedOn ?? str(d['proposedOn']),
      moveOn: known.moveOn ?? str(d['moveOn']),
    });
  }
  return entries.map((e) => readableEntry(e, transfers.get(str(e.details?.['transferId']) ?? '')));
}

export function readableEntry(e: TimelineEntry, transfer?: TransferFacts): ReadableEntry {
  const onIso = londonDay(e.occurredAt);
  const who = responsibility(e, transfer);
  return {
    id: e.id,
    kind: e.kind,
    title: readableText(e.title) || 'Recorded on the case',
    summary: readableText(e.summary),
    agency: AGENCY_NAMES[e.agency] ?? e.agency,
    on: displayDate(onIso),
    onIso,
    ...(who ? { responsibility: who } : {}),
  };
}

/** The moves mid-assessment among the entries (their details), for the clock of the authority responsible now. */
export function assessmentMoves(entries: TimelineEntry[]): Array<Record<string, string>> {
  return entries.filter((e) => typeOf(e) === 'ehc.assessment-transferred.v1' || (e.kind === 'transfer' && e.details?.['clockStartsOn'])).map((e) => e.details as Record<string, string>);
}
