/**
 * How each integration event becomes a timeline entry: ONE table keyed by CloudEvents type. To support a new event,
 * add a line here (and a test in entry-builders.spec.ts). An event whose type has no builder still gets an entry
 * from the generic fallback: the timeline never drops an event.
 *
 * Builders are pure functions of the event: a rebuild must produce byte-identical entries. They keep only ids,
 * dates and codes from the payload, never free text about the child (advice text stays with its agency).
 */
import type { ConsumedEvent } from '@tio/messaging';
import type { EntryKind } from '../read-model/entities';

export interface MemberDraft {
  organisationId: string;
  agency: string;
  reason: string;
}

export interface EntryDraft {
  kind: EntryKind;
  title: string;
  summary: string;
  /** The agency the entry is about. */
  agency: string;
  details: Record<string, unknown>;
  /** When the source recorded it; defaults to the event time (the envelope does not carry recorded-at yet). */
  recordedAt?: string;
  /** Organisations the event makes involved in the case, besides its actor. */
  members?: MemberDraft[];
}

type Data = Record<string, unknown>;
export type EntryBuilder = (event: ConsumedEvent<Data>) => EntryDraft;

export const AGENCY_LABELS: Record<string, string> = {
  'local-authority': 'Local authority SEND team',
  education: 'Education',
  health: 'Health',
  'social-care': 'Social care',
  family: 'Family',
  system: 'System',
};

const label = (agency: unknown) => AGENCY_LABELS[String(agency)] ?? String(agency ?? 'Unknown agency');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const day = (v: unknown): string | undefined => (str(v) ? String(v).slice(0, 10) : undefined);
const pick = (data: Data, keys: string[]): Data => Object.fromEntries(keys.filter((k) => data[k] !== undefined && data[k] !== null).map((k) => [k, data[k]]));
const headings = (sections: unknown): string[] => (Array.isArray(sections) ? sections.map((s) => str((s as Data)?.['heading'])).filter((h): h is string => !!h) : []);

/** Organisations an advice request names (when the case service names one; otherwise only the agency is known). */
function namedOrganisations(data: Data, agency: string): MemberDraft[] {
  const ids = [str(data['organisationId']), str(data['adviserOrganisationId']), str((data['organisation'] as Data | undefined)?.['id'])].filter((x): x is string => !!x);
  return [...new Set(ids)].map((organisationId) => ({ organisationId, agency, reason: 'asked for advice' }));
}

export const ENTRY_BUILDERS: Record<string, EntryBuilder> = {
  'ehc.request-received.v1': (e) => ({
    kind: 'request',
    title: 'Request for an EHC needs assessment received',
    summary: `Requested by ${str(e.data['requesterRole']) ?? 'unknown requester'}; the 20-week statutory clock starts.`,
    agency: 'local-authority',
    details: pick(e.data, ['receivedAt', 'requesterRole', 'localAuthority']),
  }),
  'ehc.decision-to-assess.v1': (e) => ({
    kind: 'decision',
    title: e.data['decision'] === 'not-assess' ? 'Decided not to assess' : 'Decided to carry out an EHC needs assessment',
    summary: e.data['decision'] === 'not-assess' ? 'The family has been told of the decision and their right to appeal.' : 'Advice will now be sought from each agency.',
    agency: 'local-authority',
    details: pick(e.data, ['decision', 'decidedAt']),
  }),
  'ehc.advice-requested.v1': (e) => ({
    kind: 'advice-requested',
    title: `${label(e.data['agency'])} advice requested`,
    summary: `${str(e.data['adviceType']) ?? 'Advice'} advice requested from ${label(e.data['agency']).toLowerCase()}, due by ${day(e.data['dueBy']) ?? 'unknown date'}.`,
    agency: str(e.data['agency']) ?? e.actor.agency,
    details: pick(e.data, ['adviceRequestId', 'agency', 'adviceType', 'dueBy', 'organisationId']),
    members: namedOrganisations(e.data, str(e.data['agency']) ?? e.actor.agency),
  }),
  'advice.submitted.v1': (e) => {
    const h = headings(e.data['sections']);
    return {
      kind: 'advice-submitted',
      title: `${label(e.data['agency'] ?? e.actor.agency)} advice submitted`,
      summary: `${h.length} section(s)${h.length ? `: ${h.join(', ')}` : ''}.`,
      agency: str(e.data['agency']) ?? e.actor.agency,
      details: { ...pick(e.data, ['adviceRequestId', 'adviceId', 'agency', 'submittedAt']), sectionHeadings: h },
    };
  },
  'advice.corrected.v1': (e) => ({
    kind: 'advice-corrected',
    title: `${label(e.data['agency'] ?? e.actor.agency)} advice corrected`,
    summary: `Corrects version ${String(e.data['correctsVersion'] ?? '?')}: ${str(e.data['reason']) ?? 'no reason given'}. The earlier version stays in the record.`,
    agency: str(e.data['agency']) ?? e.actor.agency,
    details: { ...pick(e.data, ['adviceId', 'correctsVersion', 'correctedAt']), sectionHeadings: headings(e.data['sections']) },
  }),
  'ehc.draft-plan-issued.v1': (e) => ({
    kind: 'draft-plan',
    title: 'Draft EHC plan issued',
    summary: `The family has until ${day(e.data['responseDueBy']) ?? 'the due date'} to comment and ask for a particular school.`,
    agency: 'local-authority',
    details: pick(e.data, ['planId', 'issuedAt', 'responseDueBy']),
  }),
  'ehc.final-plan-issued.v1': (e) => ({
    kind: 'final-plan',
    title: 'Final EHC plan issued',
    summary: str(e.data['namedPlacement']) ? `Names ${String(e.data['namedPlacement'])}.` : 'The final plan has been issued.',
    agency: 'local-authority',
    details: pick(e.data, ['planId', 'issuedAt', 'namedPlacement']),
  }),
  'transfer.requested.v1': (e) => ({
    kind: 'transfer',
    title: 'Transfer to another local authority requested',
    summary: `From ${str(e.data['fromLocalAuthority']) ?? '?'} to ${str(e.data['toLocalAuthority']) ?? '?'}.`,
    agency: 'local-authority',
    details: pick(e.data, ['fromLocalAuthority', 'toLocalAuthority', 'requestedAt']),
    members: str(e.data['toLocalAuthority']) ? [{ organisationId: String(e.data['toLocalAuthority']), agency: 'local-authority', reason: 'receiving local authority' }] : [],
  }),
};

const KIND_HINTS: [RegExp, EntryKind][] = [
  [/advice.*correct/, 'advice-corrected'], [/advice.*(submit|receiv|given)/, 'advice-submitted'], [/advice.*request/, 'advice-requested'],
  [/request/, 'request'], [/decision|decided/, 'decision'], [/draft/, 'draft-plan'], [/final/, 'final-plan'], [/transfer/, 'transfer'],
  [/famil.*view|views/, 'family-views'], [/deadline|overdue|due/, 'deadline'], [/exception/, 'exception'], [/tribunal|appeal/, 'tribunal'], [/review/, 'review'],
];

/** For any type without a builder: a neutral entry that still says what happened, who did it and when. */
export const fallbackEntry: EntryBuilder = (e) => {
  const name = e.type.replace(/\.v\d+$/, '');
  const words = name.split(/[.-]/).filter(Boolean).join(' ');
  const ids = Object.fromEntries(
    Object.entries(e.data ?? {}).filter(([k, v]) => /(Id|At|By|Date|agency|decision|status)$/.test(k) && ['string', 'number', 'boolean'].includes(typeof v)),
  );
  return {
    kind: KIND_HINTS.find(([re]) => re.test(name))?.[1] ?? 'other',
    title: words.charAt(0).toUpperCase() + words.slice(1),
    summary: `Recorded by ${label(e.actor.agency).toLowerCase()} (${e.type}).`,
    agency: str((e.data ?? {})['agency']) ?? e.actor.agency,
    details: ids,
  };
};

/** The entry an event becomes: its builder's, or the fallback's. */
export function buildEntry(event: ConsumedEvent<Data>): EntryDraft {
  const builder = ENTRY_BUILDERS[event.type] ?? fallbackEntry;
  const draft = builder({ ...event, data: (event.data ?? {}) as Data });
  return { ...draft, recordedAt: draft.recordedAt ?? str((event.data as Data | undefined)?.['recordedAt']) };
}
