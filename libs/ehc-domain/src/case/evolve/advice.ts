import { put, type Reducers } from './reducer';

type Types = 'ehc.advice-requested.v1' | 'ehc.advice-received.v1' | 'ehc.advice-reused.v1' | 'ehc.advice-withdrawn.v1';

/** Advice asked for, received, re-used by agreement and withdrawn (regs 6-8). */
export const adviceReducers: Reducers<Types> = {
  'ehc.advice-requested.v1': (state, d) => ({
    ...state,
    adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
      adviceRequestId: d.adviceRequestId, assessmentId: d.assessmentId, adviceType: d.adviceType, agency: d.agency,
      requestedOn: d.requestedOn, dueOn: d.dueOn, withdrawn: [],
    }),
  }),
  'ehc.advice-received.v1': (state, d) => {
    const r = state.adviceRequests[d.adviceRequestId];
    return {
      ...state,
      adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
        ...r,
        firstAnsweredOn: r.firstAnsweredOn ?? d.receivedOn,
        current: { adviceId: d.adviceId, version: d.version, receivedOn: d.receivedOn, reused: false, ...(d.withheldFromFamily ? { withheldFromFamily: true } : {}) },
      }),
    };
  },
  'ehc.advice-reused.v1': (state, d) => {
    let adviceRequests = state.adviceRequests;
    if (d.adviceRequestId) {
      const r = adviceRequests[d.adviceRequestId];
      adviceRequests = put(adviceRequests, d.adviceRequestId, {
        ...r,
        firstAnsweredOn: r.firstAnsweredOn ?? d.agreedOn,
        current: { adviceId: d.adviceId, version: d.version, receivedOn: d.agreedOn, reused: true },
      });
    }
    return {
      ...state,
      adviceRequests,
      reusedAdvice: put(state.reusedAdvice, d.reuseId, {
        reuseId: d.reuseId, assessmentId: d.assessmentId, adviceType: d.adviceType, agency: d.agency, adviceId: d.adviceId, version: d.version,
        adviceRequestId: d.adviceRequestId, sourceCaseId: d.sourceCaseId, agreedOn: d.agreedOn,
      }),
    };
  },
  'ehc.advice-withdrawn.v1': (state, d) => {
    const r = state.adviceRequests[d.adviceRequestId];
    return {
      ...state,
      adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
        ...r,
        // withdrawn advice no longer answers the request: the reg 8 clock is measured by the next answer
        firstAnsweredOn: undefined,
        current: undefined,
        withdrawn: [...r.withdrawn, { adviceId: d.adviceId, withdrawnOn: d.withdrawnOn, reason: d.reason }],
      }),
    };
  },
};
