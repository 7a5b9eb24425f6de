import type { PersonalBudgetState } from '../plan-state';
import { put, type Reducers } from './reducer';

type Types = 'ehc.plan-contents-recorded.v1' | 'ehc.personal-budget-requested.v1' | 'ehc.personal-budget-decided.v1' | 'ehc.personal-budget-reviewed.v1';

const total = (parts: { annualAmountPence: number }[]) => parts.reduce((sum, p) => sum + p.annualAmountPence, 0);

/** The plan's versions (reg 12) and personal budgets (CFA 2014 s.49). */
export const planContentsReducers: Reducers<Types> = {
  'ehc.plan-contents-recorded.v1': (state, { caseId: _c, ...d }) => ({ ...state, planVersions: [...(state.planVersions ?? []), d] }),
  'ehc.personal-budget-requested.v1': (state, { caseId: _c, ...d }) => ({
    ...state,
    personalBudgets: put<PersonalBudgetState>(state.personalBudgets ?? {}, d.personalBudgetId, { ...d, parts: [], reviews: [] }),
  }),
  'ehc.personal-budget-decided.v1': (state, { caseId: _c, personalBudgetId, ...d }) => {
    const b = state.personalBudgets?.[personalBudgetId];
    if (!b) return state;
    return { ...state, personalBudgets: put(state.personalBudgets ?? {}, personalBudgetId, { ...b, decision: d, parts: d.parts ?? [] }) };
  },
  'ehc.personal-budget-reviewed.v1': (state, d) => {
    const b = state.personalBudgets?.[d.personalBudgetId];
    if (!b) return state;
    const parts = d.outcome === 'ended' ? [] : d.outcome === 'changed' ? (d.parts ?? []) : b.parts;
    const review = { reviewId: d.reviewId, reviewedOn: d.reviewedOn, outcome: d.outcome, annualAmountPence: total(parts), ...(d.reasons ? { reasons: d.reasons } : {}) };
    return {
      ...state,
      personalBudgets: put(state.personalBudgets ?? {}, d.personalBudgetId, {
        ...b, parts, reviews: [...b.reviews, review], ...(d.outcome === 'ended' ? { endedOn: d.reviewedOn } : {}),
      }),
    };
  },
};
