import { put, type Reducers } from './reducer';

type Types =
  | 'ehc.phase-transfer-scheduled.v1'
  | 'ehc.transfer-notified.v1'
  | 'ehc.plan-transferred.v1'
  | 'ehc.transfer-reassessment-decided.v1'
  | 'ehc.assessment-transferred.v1'
  | 'ehc.commissioning-body-changed.v1'
  | 'ehc.commissioning-body-notified.v1';

/** Phase transfers (reg 18), plan transfers to another LA (reg 15), assessment moves (CFA 2014 s.24), NHS bodies (reg 16). */
export const transferReducers: Reducers<Types> = {
  'ehc.phase-transfer-scheduled.v1': (state, { caseId: _c, ...d }) => ({
    ...state, phaseTransfers: put(state.phaseTransfers, d.phaseTransferId, d),
  }),
  'ehc.transfer-notified.v1': (state, { caseId: _c, ...d }) => ({ ...state, transfers: put(state.transfers, d.transferId, d) }),
  'ehc.plan-transferred.v1': (state, d) => ({
    ...state,
    localAuthority: d.toLocalAuthority,
    transfers: put(state.transfers, d.transferId, { ...state.transfers[d.transferId], transferredOn: d.transferredOn }),
  }),
  'ehc.transfer-reassessment-decided.v1': (state, d) => {
    const reassessment = { willReassess: d.willReassess, decidedOn: d.decidedOn, ...(d.reviewOn ? { reviewOn: d.reviewOn } : {}) };
    return { ...state, transfers: put(state.transfers, d.transferId, { ...state.transfers[d.transferId], reassessment }) };
  },
  'ehc.assessment-transferred.v1': (state, { caseId: _c, assessmentId: _a, ...d }) => ({
    ...state,
    localAuthority: d.toLocalAuthority,
    assessmentTransfers: [...(state.assessmentTransfers ?? []), d],
  }),
  'ehc.commissioning-body-changed.v1': (state, { caseId: _c, ...d }) => ({
    ...state,
    commissioningChanges: put(state.commissioningChanges, d.changeId, d),
  }),
  'ehc.commissioning-body-notified.v1': (state, d) => ({
    ...state,
    commissioningChanges: put(state.commissioningChanges, d.changeId, {
      ...state.commissioningChanges[d.changeId], notifiedOn: d.notifiedOn,
    }),
  }),
};
