import type { EhcCaseState, ReviewState } from '../state';
import { put, type Reducers } from './reducer';

type Types =
  | 'ehc.amendment-proposed.v1'
  | 'ehc.plan-amended.v1'
  | 'ehc.decision-not-to-amend.v1'
  | 'ehc.review-meeting-scheduled.v1'
  | 'ehc.review-papers-circulated.v1'
  | 'ehc.review-meeting-held.v1'
  | 'ehc.review-report-submitted.v1'
  | 'ehc.review-decision-made.v1';

const updateReview = (state: EhcCaseState, reviewId: string, change: Partial<ReviewState>): EhcCaseState => ({
  ...state,
  reviews: put(state.reviews, reviewId, { ...state.reviews[reviewId], ...change }),
});

/** Proposed amendments and their outcome (regs 22, 27, 28) and annual reviews (regs 20-21). */
export const reviewAndAmendmentReducers: Reducers<Types> = {
  'ehc.amendment-proposed.v1': (state, { caseId: _c, ...d }) => {
    const r = d.reassessmentId ? state.reassessments?.[d.reassessmentId] : undefined;
    const reassessments = r
      ? { reassessments: put(state.reassessments ?? {}, r.reassessmentId, { ...r, amendmentId: d.amendmentId }) }
      : {};
    return { ...state, ...reassessments, amendments: put(state.amendments, d.amendmentId, { ...d }) };
  },
  'ehc.plan-amended.v1': (state, d) => ({
    ...state,
    amendments: put(state.amendments, d.amendmentId, { ...state.amendments[d.amendmentId], amendedOn: d.amendedOn }),
    namedSettingRef: d.namedSettingRef ?? state.namedSettingRef,
  }),
  'ehc.decision-not-to-amend.v1': (state, d) => ({
    ...state,
    amendments: put(state.amendments, d.amendmentId, { ...state.amendments[d.amendmentId], notAmendedOn: d.decidedOn }),
  }),
  'ehc.review-meeting-scheduled.v1': (state, d) => ({
    ...state,
    reviews: put(state.reviews, d.reviewId, {
      reviewId: d.reviewId, scheduledOn: d.scheduledOn, meetingOn: d.meetingOn, papersDueOn: d.papersDueOn,
    }),
  }),
  'ehc.review-papers-circulated.v1': (state, d) => updateReview(state, d.reviewId, { papersCirculatedOn: d.circulatedOn }),
  'ehc.review-meeting-held.v1': (state, d) => updateReview(state, d.reviewId, { heldOn: d.heldOn }),
  'ehc.review-report-submitted.v1': (state, d) => updateReview(state, d.reviewId, { reportSubmittedOn: d.submittedOn }),
  'ehc.review-decision-made.v1': (state, d) =>
    updateReview(state, d.reviewId, { decision: { decision: d.decision, decidedOn: d.decidedOn } }),
};
