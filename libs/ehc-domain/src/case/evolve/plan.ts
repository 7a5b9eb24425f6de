import { put, type Reducers } from './reducer';

type Types =
  | 'ehc.decision-not-to-issue.v1'
  | 'ehc.draft-plan-issued.v1'
  | 'ehc.family-response-received.v1'
  | 'ehc.setting-consulted.v1'
  | 'ehc.setting-responded.v1'
  | 'ehc.final-plan-issued.v1';

/** The decision whether to issue (reg 10), drafts and the family's response (reg 13), s.39 consultations, the final plan. */
export const planReducers: Reducers<Types> = {
  'ehc.decision-not-to-issue.v1': (state, d) => ({ ...state, status: 'plan-refused', decisionNotToIssueOn: d.decidedOn }),
  'ehc.draft-plan-issued.v1': (state, d) => ({
    ...state,
    status: 'draft-issued',
    drafts: [
      ...state.drafts,
      { planId: d.planId, issuedOn: d.issuedOn, commentsDueOn: d.commentsDueOn, tribunalOrderId: d.tribunalOrderId },
    ],
  }),
  'ehc.family-response-received.v1': (state, d) => {
    const familyResponse = {
      receivedOn: d.receivedOn, preferredSettingRef: d.preferredSettingRef, ...(d.nothingMoreToSay ? { nothingMoreToSay: true } : {}),
    };
    const drafts = state.drafts.map((draft) => (draft.planId === d.planId && !draft.familyResponse ? { ...draft, familyResponse } : draft));
    return { ...state, drafts };
  },
  'ehc.setting-consulted.v1': (state, d) => ({
    ...state,
    consultations: put(state.consultations, d.consultationId, {
      consultationId: d.consultationId, settingRef: d.settingRef, consultedOn: d.consultedOn, responseDueOn: d.responseDueOn,
    }),
  }),
  'ehc.setting-responded.v1': (state, d) => {
    const c = state.consultations[d.consultationId];
    const response = { respondedOn: d.respondedOn, canMeetNeeds: d.canMeetNeeds };
    return { ...state, consultations: put(state.consultations, d.consultationId, { ...c, response }) };
  },
  'ehc.final-plan-issued.v1': (state, d) => ({
    ...state,
    status: 'plan-in-force',
    finalPlan: { planId: d.planId, issuedOn: d.issuedOn, namedSettingRef: d.namedSettingRef, tribunalOrderId: d.tribunalOrderId },
    namedSettingRef: d.namedSettingRef ?? state.namedSettingRef,
  }),
};
