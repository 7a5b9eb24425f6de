import { planChanges, type SectionChange } from './plan-diff';
import { PlanVersionNotFoundError } from './plan-errors';
import type { PlanSection } from './plan-events';
import type { PersonalBudgetState, PlanVersionState } from './plan-state';
import type { EhcCaseState } from './state';

/** The plan now: its latest version's sections, every version with what changed, and the personal budgets. */
export interface PlanView {
  current?: PlanVersionState;
  versions: Array<Omit<PlanVersionState, 'sections'>>;
  personalBudgets: PersonalBudgetState[];
}

export function planView(state: EhcCaseState): PlanView {
  const versions = state.planVersions ?? [];
  return {
    ...(versions.length ? { current: versions[versions.length - 1] } : {}),
    versions: versions.map(({ sections: _s, ...v }) => v),
    personalBudgets: Object.values(state.personalBudgets ?? {}),
  };
}

/** What version `version` changed against the one before it (reg 22: what the amended plan changed); after erasure the sections it recorded as changed are still listed, their text "[erased]". */
export interface PlanVersionChanges {
  version: number;
  previousVersion?: number;
  stage: PlanVersionState['stage'];
  recordedOn: string;
  amendmentId?: string;
  changedSections: PlanSection[];
  changes: SectionChange[];
}

export function planVersionChanges(state: EhcCaseState, version: number): PlanVersionChanges {
  const versions = state.planVersions ?? [];
  const index = versions.findIndex((v) => v.version === version);
  if (index < 0) throw new PlanVersionNotFoundError(`No version ${version} of the plan's contents (the case has ${versions.length})`, { version });
  const v = versions[index];
  const previous = index > 0 ? versions[index - 1] : undefined;
  const changes = planChanges(previous?.sections, v.sections, v.changedSections);
  return {
    version: v.version, ...(previous ? { previousVersion: previous.version } : {}), stage: v.stage, recordedOn: v.recordedOn,
    ...(v.amendmentId ? { amendmentId: v.amendmentId } : {}), changedSections: changes.map((c) => c.section), changes,
  };
}
