import { put, type Reducers } from './reducer';

type Types = 'ehc.cessation-proposed.v1' | 'ehc.cessation-consulted.v1' | 'ehc.decision-to-cease.v1' | 'ehc.plan-ceased.v1';

/** Ceasing the plan: proposal, consultation, decision (regs 29-31) and the plan ceasing (CFA 2014 s.45). */
export const cessationReducers: Reducers<Types> = {
  'ehc.cessation-proposed.v1': (state, d) => ({
    ...state,
    cessations: put(state.cessations ?? {}, d.cessationId, {
      cessationId: d.cessationId, proposedOn: d.proposedOn, reason: d.reason, consulted: {},
    }),
  }),
  'ehc.cessation-consulted.v1': (state, d) => {
    const c = (state.cessations ?? {})[d.cessationId];
    const consulted = { ...c.consulted, [d.consultee]: c.consulted[d.consultee] ?? d.consultedOn };
    return { ...state, cessations: put(state.cessations ?? {}, d.cessationId, { ...c, consulted }) };
  },
  'ehc.decision-to-cease.v1': (state, d) => {
    const c = (state.cessations ?? {})[d.cessationId];
    return { ...state, cessations: put(state.cessations ?? {}, d.cessationId, { ...c, decidedOn: d.decidedOn }) };
  },
  'ehc.plan-ceased.v1': (state, d) => {
    const c = d.cessationId ? state.cessations?.[d.cessationId] : undefined;
    return {
      ...state, status: 'ceased', ceased: { ceasedOn: d.ceasedOn, reason: d.reason },
      ...(c ? { cessations: put(state.cessations ?? {}, c.cessationId, { ...c, ceasedOn: d.ceasedOn }) } : {}),
    };
  },
};
