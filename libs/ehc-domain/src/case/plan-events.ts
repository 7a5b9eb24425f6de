import type { IsoDate } from '../calendar';

/**
 * The plan's contents (SEND Regulations 2014 reg 12: sections A-K) and personal budgets (CFA 2014 s.49; the Special
 * Educational Needs (Personal Budgets) Regulations 2014, SI 2014/1652). Free text about the child (section text, each
 * need, outcome and provision, the reasons for a refusal) is personal data: the services store it encrypted with the
 * case's key (`@tio/personal-data` PERSONAL_FIELDS), and it reads as "[erased]" after erasure. Ids, section letters,
 * setting references and amounts stay in clear.
 */

export const PLAN_SECTIONS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K'] as const;
/**
 * reg 12(1)(a)-(k): A views, interests and aspirations; B special educational needs; C health needs; D social care
 * needs; E outcomes; F special educational provision; G health provision; H1 social care provision under s.2 CSDPA
 * 1970; H2 other social care provision; I the school or other institution (name and type); J the personal budget;
 * K the advice and information gathered (listed).
 */
export type PlanSection = (typeof PLAN_SECTIONS)[number];

/** Sections whose items are needs (B, C, D); outcomes (E) and provision (F, G, H1, H2) refer to them by `needIds`. */
export const NEED_SECTIONS: readonly PlanSection[] = ['B', 'C', 'D'];
export const OUTCOME_AND_PROVISION_SECTIONS: readonly PlanSection[] = ['E', 'F', 'G', 'H1', 'H2'];
export const PROVISION_SECTIONS: readonly PlanSection[] = ['F', 'G', 'H1', 'H2'];

export const PLAN_STAGES = ['draft', 'final', 'amended'] as const;
export type PlanStage = (typeof PLAN_STAGES)[number];

export const SETTING_TYPES = [
  'mainstream', 'resourced-provision', 'special', 'independent-special', 'post-16', 'early-years', 'education-otherwise', 'other',
] as const;
/** The type of school or setting named in section I (SEN2 reports placements by type). */
export type SettingType = (typeof SETTING_TYPES)[number];

/** One need (B, C, D), outcome (E) or provision (F, G, H1, H2). `text` is personal data. */
export interface PlanItem {
  itemId: string;
  text: string;
  /** For outcomes and provision: the needs (item ids in B, C or D) they meet. */
  needIds?: string[];
}

/** One section of the plan. Which fields a section uses depends on its letter (I: setting; K: advice ids). */
export interface PlanSectionContent {
  section: PlanSection;
  /** The section's narrative (personal data). */
  text?: string;
  /** B-D needs, E outcomes, F-H2 provision. */
  items?: PlanItem[];
  /** I: the school or other institution named (an opaque reference; consulted first, CFA 2014 s.39(2)). */
  settingRef?: string;
  /** I: the type of school or institution. */
  settingType?: SettingType;
  /** K: the advice recorded on the case that the plan lists (advice ids of advice received or re-used). */
  adviceIds?: string[];
}

/** A version of the plan's contents: the draft, the final plan or an amended plan (reg 11-14, 22). */
export interface PlanContentsRecordedV1 {
  caseId: string;
  /** 1, 2, ... across the case's drafts, final plan and amendments. */
  version: number;
  stage: PlanStage;
  recordedOn: IsoDate;
  /** The draft or final plan document (draft, final). */
  planId?: string;
  /** The amendment (amended). */
  amendmentId?: string;
  /** Every section of this version (an amendment's unchanged sections are carried forward). */
  sections: PlanSectionContent[];
  /** The sections that differ from the previous version (all of them for the first). */
  changedSections: PlanSection[];
}

export const PERSONAL_BUDGET_REQUESTERS = ['parent', 'young-person'] as const;
/** CFA 2014 s.49(1): the child's parent or the young person asks. */
export type PersonalBudgetRequester = (typeof PERSONAL_BUDGET_REQUESTERS)[number];

export const PERSONAL_BUDGET_OCCASIONS = ['plan-preparation', 'review', 'reassessment'] as const;
/** When the request was made (Personal Budgets Regulations reg 4): while the plan is prepared, at a review or at a reassessment. */
export type PersonalBudgetOccasion = (typeof PERSONAL_BUDGET_OCCASIONS)[number];

export const BUDGET_ARRANGEMENTS = ['direct-payment', 'notional', 'third-party'] as const;
/**
 * How a part of the budget is held (CoP 9.101): `direct-payment` (paid to the parent or young person, who arrange
 * the provision), `notional` (held by the LA or the school, which arrange it), `third-party` (held by an
 * organisation on the family's behalf).
 */
export type BudgetArrangement = (typeof BUDGET_ARRANGEMENTS)[number];

export const DIRECT_PAYMENT_REFUSAL_GROUNDS = [
  'recipient-excluded', 'recipient-conditions-not-met', 'adverse-impact-on-other-services', 'not-efficient-use-of-resources',
  'institution-did-not-agree',
] as const;
/**
 * Why a direct payment asked for is refused (Personal Budgets Regulations): the person may not receive direct payments
 * (reg 5(2)(d) and the Schedule); the conditions for direct payments are not met (reg 6: the recipient will not use
 * them appropriately or act in the child's best interests); the payments would have an adverse impact on other
 * services the LA provides or arranges for children and young people with EHC plans, or are not compatible with the
 * efficient use of its resources (reg 6); the head teacher or principal of the institution where the provision is
 * made did not agree (reg 6). The limb letters within reg 6 were not checked against the regulations' text.
 */
export type DirectPaymentRefusalGround = (typeof DIRECT_PAYMENT_REFUSAL_GROUNDS)[number];

export const PERSONAL_BUDGET_DECISIONS = ['agreed', 'refused'] as const;
export type PersonalBudgetDecision = (typeof PERSONAL_BUDGET_DECISIONS)[number];

export const PERSONAL_BUDGET_REVIEW_OUTCOMES = ['continued', 'changed', 'ended'] as const;
export type PersonalBudgetReviewOutcome = (typeof PERSONAL_BUDGET_REVIEW_OUTCOMES)[number];

/** One part of an agreed budget: how it is held, its yearly amount (pence) and the provision (F, G, H items) it pays for. */
export interface BudgetPart {
  arrangement: BudgetArrangement;
  annualAmountPence: number;
  provisionItemIds?: string[];
}

export interface PersonalBudgetRequestedV1 {
  caseId: string;
  personalBudgetId: string;
  requestedBy: PersonalBudgetRequester;
  requestedOn: IsoDate;
  occasion: PersonalBudgetOccasion;
  /** The review it was asked for at (occasion `review`). */
  reviewId?: string;
  /** The reassessment it was asked for at (occasion `reassessment`). */
  reassessmentId?: string;
  /** The family also asked for direct payments. */
  directPaymentRequested: boolean;
}

export interface PersonalBudgetDecidedV1 {
  caseId: string;
  personalBudgetId: string;
  decidedOn: IsoDate;
  decision: PersonalBudgetDecision;
  /** Agreed: the parts of the budget (at least one). */
  parts?: BudgetPart[];
  /** Agreed: the total a year, in pence. */
  annualAmountPence?: number;
  /** Refused: why (personal data; required). */
  reasons?: string;
  /** A direct payment asked for but not agreed: the ground and the reasons (reasons are personal data). */
  directPaymentRefusal?: { ground: DirectPaymentRefusalGround; reasons: string };
}

export interface PersonalBudgetReviewedV1 {
  caseId: string;
  personalBudgetId: string;
  reviewId: string;
  reviewedOn: IsoDate;
  outcome: PersonalBudgetReviewOutcome;
  /** Changed: the budget's parts from now on. */
  parts?: BudgetPart[];
  annualAmountPence?: number;
  /** Why it was reduced or ended (personal data; required then). */
  reasons?: string;
}

/** The plan-contents and personal-budget events (spread into `EhcEventDataMap`). */
export interface PlanAndBudgetEventDataMap {
  'ehc.plan-contents-recorded.v1': PlanContentsRecordedV1;
  'ehc.personal-budget-requested.v1': PersonalBudgetRequestedV1;
  'ehc.personal-budget-decided.v1': PersonalBudgetDecidedV1;
  'ehc.personal-budget-reviewed.v1': PersonalBudgetReviewedV1;
}

/** Their summaries and legal basis (spread into `EHC_EVENT_TYPES`). */
export const PLAN_AND_BUDGET_EVENT_TYPES = [
  { type: 'ehc.plan-contents-recorded.v1', summary: 'A version of the plan’s contents (sections A-K) was recorded with a draft, the final plan or an amended plan; it says which sections changed.', regulation: 'reg 12; reg 11-14, 22' },
  { type: 'ehc.personal-budget-requested.v1', summary: 'The parent or young person asked for a personal budget (and possibly direct payments) while the plan was prepared, at a review or at a reassessment.', regulation: 'CFA 2014 s.49(1); Personal Budgets Regulations 2014 reg 4' },
  { type: 'ehc.personal-budget-decided.v1', summary: 'The LA agreed a personal budget (its parts and how each is held, including direct payments) or refused it with reasons; a direct payment refused names its ground.', regulation: 'CFA 2014 s.49; Personal Budgets Regulations 2014 reg 5-8; reg 12(1)(j)' },
  { type: 'ehc.personal-budget-reviewed.v1', summary: 'The personal budget was reviewed with the plan at an annual review: continued, changed or ended (a reduction or an end with reasons).', regulation: 'Personal Budgets Regulations 2014 reg 11-14; CFA 2014 s.44' },
] as const;
