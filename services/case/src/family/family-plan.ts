import { currentDraft, type EhcCaseState, type IsoDate, type PlanSectionContent, type PlanStage } from '@tio/ehc-domain';
import { OrganisationDirectory } from '@tio/service-kit';

/** The draft's comment window as the family sees it (reg 13(1): at least 15 days beginning with the day it was served). */
export interface FamilyDraftWindow {
  commentsDueOn: IsoDate;
  openForComments: boolean;
  responded: boolean;
  respondedOn?: IsoDate;
}

/**
 * A section as the family reads it: as recorded, and section I's school or college also by name (settingName) from the
 * organisation directory, else what it is with its reference ("a school (reference urn:school:100234)"), as the
 * timeline words an organisation the directory does not know.
 */
export type FamilyPlanSection = PlanSectionContent & { settingName?: string };

/** The plan now, for the family: the current version's sections A-K as the practitioners' route returns them. */
export interface FamilyPlan {
  stage: PlanStage;
  version?: number;
  issuedOn: IsoDate;
  sections: FamilyPlanSection[];
  draft?: FamilyDraftWindow;
}

/**
 * The current version of the plan (the draft, the final plan or an amended plan), or undefined before the first draft.
 * A draft or final plan issued without contents is still shown: its sections are empty. Personal budgets, the
 * version history and the council's working fields are not part of it; section text reads "[erased]" after erasure,
 * as the event store returns it.
 */
export function familyPlan(state: EhcCaseState, today: IsoDate, directory: OrganisationDirectory = new OrganisationDirectory()): FamilyPlan | undefined {
  const named = (sections: readonly PlanSectionContent[]): FamilyPlanSection[] =>
    sections.map((s) => (s.settingRef ? { ...s, settingName: directory.describeWithReference(s.settingRef, 'education') } : s));
  const current = state.planVersions?.at(-1);
  const draft = currentDraft(state);
  const final = state.finalPlan;
  // the draft is before the family until a final plan follows it (a later draft, on a reassessment, is before them again)
  const draftOpen = draft !== undefined && !(final && final.issuedOn >= draft.issuedOn);
  if (draft && draftOpen && (!current || current.stage === 'draft' || draft.issuedOn > current.recordedOn)) {
    const contents = current?.stage === 'draft' ? current : undefined;
    return {
      stage: 'draft', ...(contents ? { version: contents.version } : {}), issuedOn: draft.issuedOn, sections: named(contents?.sections ?? []),
      draft: {
        commentsDueOn: draft.commentsDueOn, openForComments: today <= draft.commentsDueOn, responded: draft.familyResponse !== undefined,
        ...(draft.familyResponse ? { respondedOn: draft.familyResponse.receivedOn } : {}),
      },
    };
  }
  if (current) return { stage: current.stage, version: current.version, issuedOn: current.recordedOn, sections: named(current.sections) };
  return final ? { stage: 'final', issuedOn: final.issuedOn, sections: [] } : undefined;
}
