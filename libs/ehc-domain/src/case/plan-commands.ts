import type { IsoDate } from '../calendar';
import type {
  BudgetPart, DirectPaymentRefusalGround, PersonalBudgetDecision, PersonalBudgetRequester, PersonalBudgetReviewOutcome, PlanSectionContent,
} from './plan-events';

/**
 * The plan's contents on a draft, a final plan or an amendment: the sections given. A draft may be partial; a final
 * plan must have every section A-K (reg 12(1)); an amendment gives only the sections it changes (the rest are
 * carried forward from the previous version).
 */
export interface PlanContentsInput {
  sections: PlanSectionContent[];
}

interface Base {
  caseId: string;
  at: IsoDate;
}

/** CFA 2014 s.49(1); Personal Budgets Regulations reg 4: the family asks for a personal budget. */
export interface RequestPersonalBudget extends Base {
  type: 'RequestPersonalBudget';
  personalBudgetId: string;
  requestedBy: PersonalBudgetRequester;
  /** Asked at this annual review (the plan is in force). */
  reviewId?: string;
  /** Asked at this reassessment (the plan is in force). */
  reassessmentId?: string;
  directPaymentRequested?: boolean;
}

/** The LA agrees the budget (its parts) or refuses it with reasons; a direct payment asked for and not agreed needs its ground. */
export interface DecidePersonalBudget extends Base {
  type: 'DecidePersonalBudget';
  personalBudgetId: string;
  decision: PersonalBudgetDecision;
  parts?: BudgetPart[];
  reasons?: string;
  directPaymentRefusal?: { ground: DirectPaymentRefusalGround; reasons: string };
}

/** Personal Budgets Regulations reg 11: the budget (and its direct payments) reviewed with the plan at an annual review. */
export interface ReviewPersonalBudget extends Base {
  type: 'ReviewPersonalBudget';
  personalBudgetId: string;
  reviewId: string;
  outcome: PersonalBudgetReviewOutcome;
  parts?: BudgetPart[];
  reasons?: string;
}

export type PersonalBudgetCommand = RequestPersonalBudget | DecidePersonalBudget | ReviewPersonalBudget;
