import type { IsoDate } from '../calendar';
import type {
  BudgetPart, DirectPaymentRefusalGround, PersonalBudgetDecision, PersonalBudgetOccasion, PersonalBudgetRequester, PersonalBudgetReviewOutcome,
  PlanSection, PlanSectionContent, PlanStage,
} from './plan-events';

/** One recorded version of the plan's contents (reg 12). */
export interface PlanVersionState {
  version: number;
  stage: PlanStage;
  recordedOn: IsoDate;
  planId?: string;
  amendmentId?: string;
  sections: PlanSectionContent[];
  changedSections: PlanSection[];
}

/** A personal budget asked for, its decision and its reviews (CFA 2014 s.49; Personal Budgets Regulations 2014). */
export interface PersonalBudgetState {
  personalBudgetId: string;
  requestedBy: PersonalBudgetRequester;
  requestedOn: IsoDate;
  occasion: PersonalBudgetOccasion;
  reviewId?: string;
  reassessmentId?: string;
  directPaymentRequested: boolean;
  decision?: {
    decision: PersonalBudgetDecision;
    decidedOn: IsoDate;
    parts?: BudgetPart[];
    annualAmountPence?: number;
    reasons?: string;
    directPaymentRefusal?: { ground: DirectPaymentRefusalGround; reasons: string };
  };
  /** The parts in force now (the decision's, as changed by reviews; empty once ended). */
  parts: BudgetPart[];
  reviews: Array<{ reviewId: string; reviewedOn: IsoDate; outcome: PersonalBudgetReviewOutcome; annualAmountPence?: number; reasons?: string }>;
  endedOn?: IsoDate;
}
