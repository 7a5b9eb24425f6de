/**
 * What a linked family member sees of their case's timeline: a pure rule over the case's entries, in one place.
 *
 * 1. Entries about the process (requests, decisions, deadlines set, plans, reviews, appeals) are the family's to see.
 * 2. Advice from the agencies is shown from when the local authority sends the draft plan: it must send the advice
 *    it obtained with the draft (SEND Regulations 2014, reg 13; Code of Practice 9.77), or earlier, from when the
 *    local authority shares it (`ehc.advice-shared-with-family.v1`: the advice it names, by advice id). The family's
 *    own views (the views of the child and family, reg 6(1)(a)) are theirs from the start.
 * 3. Advice its agency marked `withheldFromFamily` is never shown to the family, before or after the draft: the
 *    marker's reason stays in the practitioners' timeline (the entry's details). The latest version decides, so a
 *    correction can lift or add the marker; the local authority's record of receiving that advice follows it.
 * 4. Internal and technical entries (NHS commissioning changes, data erasure, the advice-scope record, family
 *    invitations) are never shown.
 */

export type FamilyEntryClass = 'process' | 'advice' | 'internal';

/** Why an internal entry is never shown to the family. */
export const INTERNAL_ENTRY_TYPES: Record<string, string> = {
  'ehc.commissioning-body-changed.v1': 'a change of NHS commissioning body is an administrative matter between health bodies',
  'ehc.commissioning-body-notified.v1': 'a notice between health bodies',
  'ehc.personal-data-erased.v1': 'a technical record of erasure',
  'ehc.advice-scope-recorded.v1': "the local authority's working record of which advice it must seek",
  'ehc.family-member-invited.v1': 'holds the invitation and its contact details, not a step of the process',
};

/** Advice: shown from the draft (reg 13) and never when withheld. Everything else with family text is process. */
export const ADVICE_ENTRY_TYPES = new Set([
  'ehc.advice-received.v1', 'ehc.advice-reused.v1', 'ehc.advice-withdrawn.v1', 'advice.submitted.v1', 'advice.corrected.v1', 'advice.withdrawn.v1',
]);

export const classOf = (type: string): FamilyEntryClass => (type in INTERNAL_ENTRY_TYPES ? 'internal' : ADVICE_ENTRY_TYPES.has(type) ? 'advice' : 'process');

/** One timeline entry as the rule needs it. */
export interface RuleEntry {
  id: string;
  type: string;
  occurredAt: string;
  details: Record<string, unknown>;
}

export type FamilyDecision =
  | { show: true; basis: 'process' | 'family-views' | 'advice-with-draft' | 'advice-shared-early' }
  | { show: false; why: 'internal' | 'withheld' | 'before-draft'; reason?: string };

const isParentViews = (d: Record<string, unknown>) => d['adviceType'] === 'parent-views';
const withheldOf = (d: Record<string, unknown>): string | undefined => {
  const w = d['withheldFromFamily'];
  return w && typeof w === 'object' && typeof (w as Record<string, unknown>)['reason'] === 'string' ? ((w as Record<string, unknown>)['reason'] as string) : undefined;
};

/**
 * The decision for every entry of one case (the entries of the whole case: the draft and the latest advice versions
 * decide what earlier entries show).
 */
export function familyDecisions(entries: readonly RuleEntry[]): Map<string, FamilyDecision> {
  const draftIssued = entries.some((e) => e.type === 'ehc.draft-plan-issued.v1');
  // the advice the local authority shared before the draft (by the ids its agencies gave it)
  const sharedEarly = new Set(entries.filter((e) => e.type === 'ehc.advice-shared-with-family.v1')
    .flatMap((e) => (Array.isArray(e.details['adviceIds']) ? e.details['adviceIds'].map(String) : [])));
  // the latest version of each advice (by adviceId) decides whether it is withheld
  const latest = new Map<string, { version: number; reason?: string }>();
  for (const e of entries) {
    if (e.type !== 'advice.submitted.v1' && e.type !== 'advice.corrected.v1') continue;
    const adviceId = String(e.details['adviceId'] ?? '');
    const version = Number(e.details['version'] ?? 0);
    const seen = latest.get(adviceId);
    if (!seen || version >= seen.version) latest.set(adviceId, { version, reason: withheldOf(e.details) });
  }
  const decisions = new Map<string, FamilyDecision>();
  for (const e of entries) {
    const cls = classOf(e.type);
    if (cls === 'internal') {
      decisions.set(e.id, { show: false, why: 'internal', reason: INTERNAL_ENTRY_TYPES[e.type] });
      continue;
    }
    if (cls === 'process') {
      decisions.set(e.id, { show: true, basis: 'process' });
      continue;
    }
    if (isParentViews(e.details)) {
      decisions.set(e.id, { show: true, basis: 'family-views' });
      continue;
    }
    const adviceId = typeof e.details['adviceId'] === 'string' ? e.details['adviceId'] : undefined;
    const reason = adviceId && latest.has(adviceId) ? latest.get(adviceId)?.reason : withheldOf(e.details);
    if (reason) decisions.set(e.id, { show: false, why: 'withheld', reason });
    else if (draftIssued) decisions.set(e.id, { show: true, basis: 'advice-with-draft' });
    else if (adviceId && sharedEarly.has(adviceId)) decisions.set(e.id, { show: true, basis: 'advice-shared-early' });
    else decisions.set(e.id, { show: false, why: 'before-draft' });
  }
  return decisions;
}
