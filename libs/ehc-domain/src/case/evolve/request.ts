import type { EhcCaseState } from '../state';
import type { Reducers } from './reducer';

type Types = 'ehc.request-received.v1' | 'ehc.decision-to-assess.v1';

/** The request (reg 3) and each decision whether to assess (reg 5), including a new LA's own after a move (reg 5(1)(b)). */
export const requestReducers: Reducers<Types> = {
  'ehc.request-received.v1': (state, d) => ({
    ...state, status: 'requested', caseId: d.caseId, childRef: d.childRef, ...(d.child ? { child: { ...d.child } } : {}),
    localAuthority: d.localAuthority, source: d.source, requestReceivedOn: d.receivedOn,
  }),
  'ehc.decision-to-assess.v1': (state, d) => {
    const moves = state.assessmentTransfers;
    // the first decision after a move of the assessment is the new LA's own (reg 5(1)(b)); a draft already issued stays
    const newAuthority = moves?.length && !moves[moves.length - 1].newAuthorityDecision
      && (state.status === 'assessing' || state.status === 'draft-issued');
    const newAuthorityDecision = { decision: d.decision, decidedOn: d.decidedOn };
    const assessing: EhcCaseState['status'] = newAuthority && state.status === 'draft-issued' ? 'draft-issued' : 'assessing';
    return {
      ...state,
      ...(newAuthority ? { assessmentTransfers: [...moves.slice(0, -1), { ...moves[moves.length - 1], newAuthorityDecision }] } : {}),
      status: d.decision === 'assess' ? assessing : 'assessment-refused',
      assessmentId: d.assessmentId ?? state.assessmentId,
      assessmentDecisions: [
        ...state.assessmentDecisions,
        { decision: d.decision, decidedOn: d.decidedOn, assessmentId: d.assessmentId, tribunalOrderId: d.tribunalOrderId },
      ],
    };
  },
};
