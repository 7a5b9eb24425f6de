import type { Reducers } from './reducer';

type Types = 'ehc.exception-recorded.v1' | 'ehc.personal-data-erased.v1';

/** Exceptions to the time limits (kept as recorded) and the erasure of the case's personal data. */
export const recordReducers: Reducers<Types> = {
  'ehc.exception-recorded.v1': (state, d) => ({ ...state, exceptions: [...state.exceptions, d] }),
  'ehc.personal-data-erased.v1': (state, d) => ({
    ...state, personalDataErased: { erasureId: d.erasureId, erasedOn: d.erasedOn, ground: d.ground },
  }),
};
