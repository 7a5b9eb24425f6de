import { put, type Reducers } from './reducer';

type Types = 'ehc.advice-scope-recorded.v1' | 'ehc.family-advice-request-recorded.v1' | 'ehc.advice-not-awaited.v1' | 'ehc.family-involvement-recorded.v1';

/** What an assessment needs before a draft (regs 6(1), 7, 9): the scope, the family's requests, advice not awaited, the family's involvement. */
export const assessmentAdviceReducers: Reducers<Types> = {
  'ehc.advice-scope-recorded.v1': (state, d) => ({ ...state, adviceScopes: put(state.adviceScopes ?? {}, d.assessmentId, d) }),
  'ehc.family-advice-request-recorded.v1': (state, d) => ({ ...state, familyAdviceRequests: put(state.familyAdviceRequests ?? {}, d.familyRequestId, d) }),
  'ehc.advice-not-awaited.v1': (state, d) => ({
    ...state,
    adviceNotAwaited: d.items.reduce(
      (acc, i) => put(acc, i.adviceRequestId, { decidedOn: d.decidedOn, reason: d.reason }),
      state.adviceNotAwaited ?? {},
    ),
  }),
  'ehc.family-involvement-recorded.v1': (state, d) => ({ ...state, familyInvolvement: [...(state.familyInvolvement ?? []), d] }),
};
