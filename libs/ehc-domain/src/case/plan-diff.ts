import { PLAN_SECTIONS, type PlanSection, type PlanSectionContent } from './plan-events';

export type SectionChangeKind = 'added' | 'removed' | 'changed';

/** How one section differs between two versions of the plan; item ids show which needs, outcomes or provision moved. */
export interface SectionChange {
  section: PlanSection;
  change: SectionChangeKind;
  before?: PlanSectionContent;
  after?: PlanSectionContent;
  items: { added: string[]; removed: string[]; changed: string[] };
}

/** A stable comparison key: the same content (whatever its key order) gives the same string. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const bySection = (sections: readonly PlanSectionContent[]) => new Map(sections.map((s) => [s.section, s]));

function itemChanges(before: PlanSectionContent | undefined, after: PlanSectionContent | undefined): SectionChange['items'] {
  const was = new Map((before?.items ?? []).map((i) => [i.itemId, canonical(i)]));
  const now = new Map((after?.items ?? []).map((i) => [i.itemId, canonical(i)]));
  return {
    added: [...now.keys()].filter((id) => !was.has(id)),
    removed: [...was.keys()].filter((id) => !now.has(id)),
    changed: [...now.keys()].filter((id) => was.has(id) && was.get(id) !== now.get(id)),
  };
}

/**
 * The per-section differences from `previous` to `current` (in section order A-K), unchanged sections left out
 * except those in `recordedAsChanged` (what the version recorded when it was made: after erasure the text of both
 * versions reads "[erased]", yet the section did change). Pure: the amended plan's "what changed" (reg 22) is
 * computed from the two recorded versions.
 */
export function planChanges(
  previous: readonly PlanSectionContent[] | undefined,
  current: readonly PlanSectionContent[],
  recordedAsChanged: readonly PlanSection[] = [],
): SectionChange[] {
  const was = bySection(previous ?? []);
  const now = bySection(current);
  const changes: SectionChange[] = [];
  for (const section of PLAN_SECTIONS) {
    const before = was.get(section);
    const after = now.get(section);
    if (!before && !after) continue;
    if (before && after && canonical(before) === canonical(after) && !recordedAsChanged.includes(section)) continue;
    const change: SectionChangeKind = !before ? 'added' : !after ? 'removed' : 'changed';
    changes.push({ section, change, ...(before ? { before } : {}), ...(after ? { after } : {}), items: itemChanges(before, after) });
  }
  return changes;
}

/** The sections that differ (what `ehc.plan-contents-recorded.v1` carries as `changedSections`). */
export const changedSections = (previous: readonly PlanSectionContent[] | undefined, current: readonly PlanSectionContent[]): PlanSection[] =>
  planChanges(previous, current).map((c) => c.section);
