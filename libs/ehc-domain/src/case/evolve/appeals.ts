import { put, type Reducers } from './reducer';

type Types =
  | 'ehc.appeal-rights-notified.v1'
  | 'ehc.mediation-decided.v1'
  | 'ehc.mediation-held.v1'
  | 'ehc.mediation-certificate-issued.v1'
  | 'ehc.appeal-registered.v1'
  | 'ehc.appeal-decided.v1'
  | 'ehc.tribunal-order-received.v1';

/** Notices of appealable decisions, mediation and appeals (CFA 2014 s.51-55; regs 32-39) and tribunal orders (regs 44-45). */
export const appealReducers: Reducers<Types> = {
  'ehc.appeal-rights-notified.v1': (state, { caseId: _c, ...d }) => ({
    ...state, appealNotices: put(state.appealNotices ?? {}, d.noticeId, d),
  }),
  'ehc.mediation-decided.v1': (state, { caseId: _c, ...d }) => ({ ...state, mediations: put(state.mediations ?? {}, d.mediationId, d) }),
  'ehc.mediation-held.v1': (state, d) => {
    const m = (state.mediations ?? {})[d.mediationId];
    const held = { heldOn: d.heldOn, outcome: d.outcome, certificateDueOn: d.certificateDueOn };
    return { ...state, mediations: put(state.mediations ?? {}, d.mediationId, { ...m, held }) };
  },
  'ehc.mediation-certificate-issued.v1': (state, d) => {
    const m = (state.mediations ?? {})[d.mediationId];
    const certificate = { issuedOn: d.issuedOn, appealDueOn: d.appealDueOn };
    return { ...state, mediations: put(state.mediations ?? {}, d.mediationId, { ...m, certificate }) };
  },
  'ehc.appeal-registered.v1': (state, { caseId: _c, ...d }) => ({ ...state, appeals: put(state.appeals ?? {}, d.appealId, d) }),
  'ehc.appeal-decided.v1': (state, d) => {
    const a = (state.appeals ?? {})[d.appealId];
    const outcome = { outcome: d.outcome, decidedOn: d.decidedOn };
    const appeals = put(state.appeals ?? {}, d.appealId, { ...a, ...(d.hearingOn ? { hearingOn: d.hearingOn } : {}), outcome });
    // an appeal against a decision to cease that succeeds leaves the plan maintained: the cessation is overturned
    const notice = (state.appealNotices ?? {})[a.noticeId];
    const c = notice?.cessationId ? state.cessations?.[notice.cessationId] : undefined;
    const succeeded = d.outcome === 'allowed' || d.outcome === 'conceded';
    const overturned = c && succeeded && !c.ceasedOn
      ? { cessations: put(state.cessations ?? {}, c.cessationId, { ...c, overturnedOn: d.decidedOn }) }
      : {};
    return { ...state, appeals, ...overturned };
  },
  'ehc.tribunal-order-received.v1': (state, { caseId: _c, ...d }) => {
    const maintain = d.kind === 'continue-to-maintain';
    // reg 44(2): an order to continue to maintain takes effect at once; a ceased plan is in force again
    const restored = maintain && state.status === 'ceased' ? { status: 'plan-in-force' as const, ceased: undefined } : {};
    // ... and any decision to cease still open (or the one carried out) no longer stands
    const open = maintain ? Object.values(state.cessations ?? {}).filter((c) => c.decidedOn && !c.overturnedOn) : [];
    const overturned = Object.fromEntries(open.map((c) => [c.cessationId, { ...c, overturnedOn: d.orderOn }]));
    const cessations = open.length ? { cessations: { ...state.cessations, ...overturned } } : {};
    return { ...state, ...restored, ...cessations, tribunalOrders: put(state.tribunalOrders, d.orderId, d) };
  },
};
