import { put, type Reducers } from './reducer';

type Types = 'ehc.reassessment-requested.v1' | 'ehc.reassessment-decided.v1';

/** Requests for reassessment and the decisions on them (regs 24-25). */
export const reassessmentReducers: Reducers<Types> = {
  'ehc.reassessment-requested.v1': (state, { caseId: _c, ...d }) => ({
    ...state, reassessments: put(state.reassessments ?? {}, d.reassessmentId, d),
  }),
  'ehc.reassessment-decided.v1': (state, { caseId: _c, ...d }) => {
    const r = (state.reassessments ?? {})[d.reassessmentId];
    // a reassessment runs the assessment steps (regs 6-10, reg 26) under its own assessment id
    return {
      ...state,
      ...(d.assessmentId ? { assessmentId: d.assessmentId } : {}),
      reassessments: put(state.reassessments ?? {}, d.reassessmentId, { ...r, ...d }),
    };
  },
};
