import type { AmendPlan, IssueDraftPlan, IssueFinalPlan } from '../commands';
import type { EhcEvent } from '../events';
import { changedSections } from '../plan-diff';
import { PlanContentsIncompleteError, PlanContentsInvalidError } from '../plan-errors';
import {
  NEED_SECTIONS, OUTCOME_AND_PROVISION_SECTIONS, PLAN_SECTIONS, SETTING_TYPES, type PlanSection, type PlanSectionContent, type PlanStage,
} from '../plan-events';
import type { PlanContentsInput } from '../plan-commands';
import type { EhcCaseState } from '../state';
import type { PlanVersionState } from '../plan-state';
import { fail } from './guards';

type Handler<C> = (command: C, state: EhcCaseState) => EhcEvent[];

const ITEM_SECTIONS: readonly PlanSection[] = [...NEED_SECTIONS, ...OUTCOME_AND_PROVISION_SECTIONS];
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The advice on the case section K may list: advice received (current versions) and advice re-used (reg 6(4)). */
export function adviceOnCase(state: EhcCaseState): Set<string> {
  return new Set([
    ...Object.values(state.adviceRequests).flatMap((r) => (r.current ? [r.current.adviceId] : [])),
    ...Object.values(state.reusedAdvice).map((r) => r.adviceId),
  ]);
}

/** The latest recorded version of the plan's contents. */
export const latestPlanVersion = (state: EhcCaseState): PlanVersionState | undefined => state.planVersions?.[state.planVersions.length - 1];

function sectionDefects(s: PlanSectionContent, advice: Set<string>, needIds: Set<string>, itemIds: Set<string>): string[] {
  const defects: string[] = [];
  const where = `section ${s.section}`;
  if (s.text !== undefined && !isText(s.text)) defects.push(`${where}: text must not be empty`);
  if (s.items !== undefined && !ITEM_SECTIONS.includes(s.section)) defects.push(`${where}: only B-D (needs), E (outcomes) and F-H2 (provision) have items`);
  for (const item of s.items ?? []) {
    if (!isText(item?.itemId)) defects.push(`${where}: every item needs an itemId`);
    else if (itemIds.has(item.itemId)) defects.push(`${where}: item ${item.itemId} is used twice in the plan`);
    else itemIds.add(item.itemId);
    if (!isText(item?.text)) defects.push(`${where}: item ${item?.itemId ?? '?'} needs its text`);
    if (item?.needIds !== undefined && !OUTCOME_AND_PROVISION_SECTIONS.includes(s.section)) defects.push(`${where}: only outcomes and provision refer to needs`);
    for (const needId of item?.needIds ?? []) if (!needIds.has(needId)) defects.push(`${where}: item ${item.itemId} refers to need ${needId}, which is not in B, C or D`);
  }
  if ((s.settingRef !== undefined || s.settingType !== undefined) && s.section !== 'I') defects.push(`${where}: only section I names a setting`);
  if (s.settingType !== undefined && !SETTING_TYPES.includes(s.settingType)) defects.push(`${where}: settingType must be one of ${SETTING_TYPES.join(', ')}`);
  if (s.adviceIds !== undefined && s.section !== 'K') defects.push(`${where}: only section K lists advice`);
  for (const adviceId of s.adviceIds ?? []) if (!advice.has(adviceId)) defects.push(`${where}: advice ${adviceId} is not recorded on this case`);
  const empty = !isText(s.text) && !(s.items?.length) && !s.settingRef && !s.settingType && !(s.adviceIds?.length);
  if (empty) defects.push(`${where}: is empty (say so in its text where there is nothing to record)`);
  return defects;
}

/** Structural checks of a whole version (every stage). Throws PlanContentsInvalidError listing every defect. */
export function assertWellFormed(sections: readonly PlanSectionContent[], state: EhcCaseState): void {
  if (!Array.isArray(sections)) fail(PlanContentsInvalidError, 'contents.sections must be a list of sections', { defects: ['sections is not a list'] });
  const defects: string[] = [];
  const seen = new Set<string>();
  for (const s of sections) {
    if (!PLAN_SECTIONS.includes(s?.section)) defects.push(`unknown section ${JSON.stringify(s?.section)} (reg 12: ${PLAN_SECTIONS.join(', ')})`);
    else if (seen.has(s.section)) defects.push(`section ${s.section} is given twice`);
    else seen.add(s.section);
  }
  const needIds = new Set(sections.filter((s) => NEED_SECTIONS.includes(s?.section)).flatMap((s) => (s.items ?? []).map((i) => i?.itemId)));
  const advice = adviceOnCase(state);
  const itemIds = new Set<string>();
  for (const s of sections) if (PLAN_SECTIONS.includes(s?.section)) defects.push(...sectionDefects(s, advice, needIds, itemIds));
  if (defects.length) fail(PlanContentsInvalidError, `The plan's contents are not well formed: ${defects.join('; ')}`, { defects });
}

/**
 * What a final or amended plan must have (reg 12(1)(a)-(k)): every section A-K (a section with nothing to record
 * says so in its text), and each special educational need in B met by at least one outcome in E and at least one
 * provision in F (reg 12(1)(e)-(f): the outcomes sought and the provision "required by" each need). Health and
 * social care needs (C, D) are not required to have provision: G and H cover only the provision "reasonably
 * required", which may be none.
 */
export function completenessDefects(sections: readonly PlanSectionContent[]) {
  const given = new Set(sections.map((s) => s.section));
  const missingSections = PLAN_SECTIONS.filter((s) => !given.has(s));
  const needs = sections.find((s) => s.section === 'B')?.items ?? [];
  const metBy = (section: PlanSection) => new Set(sections.filter((s) => s.section === section).flatMap((s) => (s.items ?? []).flatMap((i) => i.needIds ?? [])));
  const outcomes = metBy('E');
  const provision = metBy('F');
  return {
    missingSections,
    needsWithoutOutcome: needs.map((n) => n.itemId).filter((id) => !outcomes.has(id)),
    needsWithoutProvision: needs.map((n) => n.itemId).filter((id) => !provision.has(id)),
  };
}

function assertComplete(sections: readonly PlanSectionContent[], what: string): void {
  const d = completenessDefects(sections);
  if (d.missingSections.length || d.needsWithoutOutcome.length || d.needsWithoutProvision.length) {
    const parts = [
      d.missingSections.length ? `missing sections ${d.missingSections.join(', ')}` : '',
      d.needsWithoutOutcome.length ? `needs in B without an outcome in E: ${d.needsWithoutOutcome.join(', ')}` : '',
      d.needsWithoutProvision.length ? `needs in B without provision in F: ${d.needsWithoutProvision.join(', ')}` : '',
    ].filter(Boolean);
    fail(PlanContentsIncompleteError, `reg 12(1): ${what} ${parts.join('; ')}`, d);
  }
}

/** Section I with the setting named by the command (the name the s.39(2) consultation check applies to). */
function withNamedSetting(sections: PlanSectionContent[], namedSettingRef: string | undefined): PlanSectionContent[] {
  if (!namedSettingRef) return sections;
  const i = sections.find((s) => s.section === 'I');
  if (i?.settingRef && i.settingRef !== namedSettingRef) {
    fail(PlanContentsInvalidError, `Section I names ${i.settingRef} but the plan names ${namedSettingRef}`, { defects: ['section I and namedSettingRef differ'] });
  }
  const named: PlanSectionContent = { ...(i ?? { section: 'I' }), settingRef: namedSettingRef };
  return i ? sections.map((s) => (s.section === 'I' ? named : s)) : [...sections, named];
}

/** Section order A-K, whatever order they were given in. */
const ordered = (sections: PlanSectionContent[]) => [...sections].sort((a, b) => PLAN_SECTIONS.indexOf(a.section) - PLAN_SECTIONS.indexOf(b.section));

function inputSections(contents: PlanContentsInput | undefined): PlanSectionContent[] | undefined {
  if (contents === undefined) return undefined;
  if (!contents || !Array.isArray(contents.sections)) fail(PlanContentsInvalidError, 'contents.sections must be a list of sections', { defects: ['sections is not a list'] });
  return contents.sections;
}

function recorded(state: EhcCaseState, at: string, stage: PlanStage, sections: PlanSectionContent[], ids: { planId?: string; amendmentId?: string }): EhcEvent {
  const previous = latestPlanVersion(state);
  return {
    type: 'ehc.plan-contents-recorded.v1',
    data: {
      caseId: state.caseId as string, version: (state.planVersions?.length ?? 0) + 1, stage, recordedOn: at, ...ids,
      sections: ordered(sections), changedSections: changedSections(previous?.sections, sections),
    },
  };
}

/** A draft with contents (may be partial) records version n; CFA 2014 s.38(5): the draft names no school and no type of school. */
export const withDraftContents = (base: Handler<IssueDraftPlan>): Handler<IssueDraftPlan> => (command, state) => {
  const sections = inputSections(command.contents);
  if (sections) assertWellFormed(sections, state);
  const events = base(command, state);
  if (!sections) return events;
  const i = sections.find((s) => s.section === 'I');
  if (i?.settingRef || i?.settingType) {
    fail(PlanContentsInvalidError, 'CFA 2014 s.38(5): the draft plan must not name a school or other institution or specify a type of one', {
      defects: ['section I of a draft names a setting or a type'],
    });
  }
  return [...events, recorded(state, command.at, 'draft', sections, { planId: command.planId })];
};

/**
 * The final plan records its version: the contents given, or else the latest draft's carried forward (with the setting
 * named), complete under reg 12(1). A case without any contents (recorded before contents existed, or a caller that
 * does not send them) issues its final plan as before.
 */
export const withFinalContents = (base: Handler<IssueFinalPlan>): Handler<IssueFinalPlan> => (command, state) => {
  const given = inputSections(command.contents);
  const source = given ?? latestPlanVersion(state)?.sections;
  if (given) assertWellFormed(given, state);
  const events = base(command, state);
  if (!source) return events;
  const sections = withNamedSetting([...source], command.namedSettingRef);
  assertComplete(sections, given ? 'the final plan has' : "the final plan (the draft's contents carried forward) has");
  return [...events, recorded(state, command.at, 'final', sections, { planId: command.planId })];
};

/**
 * An amended plan records its version: the previous version with the sections given replacing theirs (reg 22: the
 * amendment changes only what it says), still complete under reg 12(1); `changedSections` says what changed.
 */
export const withAmendedContents = (base: Handler<AmendPlan>): Handler<AmendPlan> => (command, state) => {
  const given = inputSections(command.contents);
  const previous = latestPlanVersion(state);
  const events = base(command, state);
  if (!given && !previous) return events;
  const replaced = new Set((given ?? []).map((s) => s.section));
  const merged = [...(previous?.sections ?? []).filter((s) => !replaced.has(s.section)), ...(given ?? [])];
  assertWellFormed(merged, state);
  const sections = withNamedSetting(merged, command.namedSettingRef);
  assertComplete(sections, 'the amended plan has');
  return [...events, recorded(state, command.at, 'amended', sections, { amendmentId: command.amendmentId })];
};
