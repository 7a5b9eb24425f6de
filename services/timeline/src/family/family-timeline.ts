import type { Deadline, StatutoryStatus } from '@tio/ehc-domain';
import { earlyReviewsOf, type FamilyEarlyReview } from './early-reviews';
import { familyDecisions, type FamilyDecision } from './family-rule';
import { deadlineSentence, FAMILY_RESPONSIBLE, FAMILY_STAGES, familySentence, plainDate, WHO } from './family-text';
import { OrganisationDirectory } from '@tio/service-kit';

/** A timeline entry as the family read needs it. */
export interface SourceEntry {
  id: string;
  kind: string;
  agency: string;
  occurredAt: string;
  details: Record<string, unknown>;
  source: { type: string };
}

export interface FamilyDeadline {
  id: string;
  dueOn: string;
  responsible: string;
  who: string;
  status: string;
  daysLate?: number;
  text: string;
}

export interface FamilyTimeline {
  caseId: string;
  asOf: string;
  stage: { status: string; text: string };
  weekOfProcess: number | null;
  next: FamilyDeadline | null;
  due: FamilyDeadline[];
  late: FamilyDeadline[];
  entries: Array<{ id: string; kind: string; on: string; date: string; who: string; text: string }>;
  people: Array<{ agency: string; who: string }>;
  /** The organisations involved in the case, by name (from the organisation directory), else by what they are. */
  organisations: Array<{ agency: string; name: string }>;
  /** Requests for an early review and the council's answer to each (no statutory time limit applies to the answer). */
  earlyReviews: FamilyEarlyReview[];
}

/** Deadlines between health bodies are not the family's business (the commissioning body notice). */
const FAMILY_DEADLINE = (d: Deadline) => d.step !== 'commissioning-body-notice';

function deadline(d: Deadline, asOf: string, adviceTypes: ReadonlyMap<string, string>): FamilyDeadline {
  const adviceType = d.step === 'advice' ? adviceTypes.get(d.id.slice('advice:'.length)) : undefined;
  return {
    id: d.id, dueOn: d.dueOn, responsible: d.responsible, who: FAMILY_RESPONSIBLE[d.responsible] ?? 'Someone', status: d.status,
    ...(d.daysLate ? { daysLate: d.daysLate } : {}), text: deadlineSentence({ ...d, ...(adviceType ? { adviceType } : {}) }, asOf),
  };
}

/**
 * The family's view of a case, from the practitioners' entries and the same statutory clock (`statutoryStatus`):
 * the entries the rule lets them see, each as a sentence, where the process is, what is due and who is late.
 * Returns the decisions too, so the practitioners' preview can say what is held back and why.
 */
/** The stages the 20-week clock runs in (request to final plan); after them a week of 20 would read "week 71 of 20". */
const TWENTY_WEEK_STAGES = new Set(['requested', 'assessing', 'draft-issued']);

/** The week of the 20-week process while it runs, else null. */
export function weekOfProcessShown(status: Pick<StatutoryStatus, 'caseStatus' | 'weekOfProcess'>): number | null {
  return TWENTY_WEEK_STAGES.has(status.caseStatus) ? status.weekOfProcess ?? null : null;
}

/** An organisation involved in the case (the timeline's case members). */
export interface CaseOrganisation {
  organisationId: string;
  agency: string;
}

/** Each organisation once, by name or by what it is; descriptions of unknown ones are not repeated. */
function organisationsOf(members: readonly CaseOrganisation[], directory: OrganisationDirectory): Array<{ agency: string; name: string }> {
  const seen = new Set<string>();
  return members.flatMap((m) => {
    const name = directory.describe(m.organisationId, m.agency);
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ agency: m.agency, name: name.charAt(0).toUpperCase() + name.slice(1) }];
  });
}

export function familyTimeline(
  caseId: string, entries: readonly SourceEntry[], status: StatutoryStatus, directory: OrganisationDirectory = new OrganisationDirectory(), members: readonly CaseOrganisation[] = [],
): { view: FamilyTimeline; decisions: Map<string, FamilyDecision> } {
  const names = directory.names();
  const decisions = familyDecisions(entries.map((e) => ({ id: e.id, type: e.source.type, occurredAt: e.occurredAt, details: e.details })));
  const shown = entries.filter((e) => decisions.get(e.id)?.show);
  const deadlines = status.deadlines.filter(FAMILY_DEADLINE);
  const open = status.open.filter(FAMILY_DEADLINE);
  const late = status.overdue.filter(FAMILY_DEADLINE);
  // an advice deadline is `advice:<adviceRequestId>`: its request says which advice
  const adviceTypes = new Map(entries.filter((e) => e.source.type === 'ehc.advice-requested.v1').map((e) => [String(e.details['adviceRequestId']), String(e.details['adviceType'])]));
  const dl = (d: Deadline) => deadline(d, status.asOf, adviceTypes);
  const agencies = [...new Set(['local-authority', ...shown.map((e) => e.agency), ...deadlines.map((d) => d.responsible)])].filter((a) => a !== 'family' && WHO[a]);
  return {
    decisions,
    view: {
      caseId,
      asOf: status.asOf,
      stage: { status: status.caseStatus, text: FAMILY_STAGES[status.caseStatus] ?? FAMILY_STAGES['none'] },
      weekOfProcess: weekOfProcessShown(status),
      next: status.next && FAMILY_DEADLINE(status.next) ? dl(status.next) : (open[0] ? dl(open[0]) : null),
      due: open.map(dl),
      late: late.map(dl),
      entries: shown.map((e) => ({
        id: e.id, kind: e.kind, on: e.occurredAt, date: plainDate(e.occurredAt), who: FAMILY_RESPONSIBLE[e.agency as keyof typeof FAMILY_RESPONSIBLE] ?? 'Another adviser',
        text: familySentence(e.source.type, e.details, e.occurredAt, names),
      })),
      people: agencies.map((agency) => ({ agency, who: FAMILY_RESPONSIBLE[agency as keyof typeof FAMILY_RESPONSIBLE] })),
      organisations: organisationsOf(members, directory),
      earlyReviews: earlyReviewsOf(shown),
    },
  };
}
