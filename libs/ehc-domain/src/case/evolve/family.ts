import { emptyFamily, type EarlyReviewAnswerState, type FamilyState } from '../family-state';
import type { EhcCaseState } from '../state';
import { put, type Reducers } from './reducer';

type Types = 'ehc.family-advice-asked.v1' | 'ehc.family-member-invited.v1' | 'ehc.family-member-linked.v1' | 'ehc.family-member-unlinked.v1' | 'ehc.young-person-rights-recorded.v1' | 'ehc.early-review-requested.v1'
  | 'ehc.early-review-agreed.v1' | 'ehc.early-review-declined.v1' | 'ehc.advice-shared-with-family.v1';

const withFamily = (state: EhcCaseState, change: (f: FamilyState) => FamilyState): EhcCaseState => ({ ...state, family: change(state.family ?? emptyFamily()) });

const answered = (f: FamilyState, id: string, answer: EarlyReviewAnswerState): FamilyState => (f.earlyReviewRequests[id]
  ? { ...f, earlyReviewRequests: put(f.earlyReviewRequests, id, { ...f.earlyReviewRequests[id], answer }) }
  : f);

/** The family on the case (issue #21): invitations, links, the young person's rights, early review requests. */
export const familyReducers: Reducers<Types> = {
  'ehc.family-member-invited.v1': (state, d) => withFamily(state, (f) => ({
    ...f,
    invitations: put(f.invitations, d.invitationId, {
      relationship: d.relationship, ...(d.parentalResponsibility === undefined ? {} : { parentalResponsibility: d.parentalResponsibility }),
      contact: d.contact, codeDigest: d.codeDigest, invitedOn: d.invitedOn, expiresOn: d.expiresOn,
    }),
  })),
  'ehc.family-member-linked.v1': (state, d) => withFamily(state, (f) => ({
    ...f,
    invitations: f.invitations[d.invitationId] ? put(f.invitations, d.invitationId, { ...f.invitations[d.invitationId], linkedSubject: d.subject }) : f.invitations,
    members: put(f.members, d.subject, { invitationId: d.invitationId, relationship: d.relationship, linkedOn: d.linkedOn }),
  })),
  'ehc.family-member-unlinked.v1': (state, d) => withFamily(state, (f) => ({
    ...f,
    members: Object.fromEntries(Object.entries(f.members).filter(([subject]) => subject !== d.subject)),
    unlinked: [...f.unlinked, { subject: d.subject, reason: d.reason, unlinkedOn: d.unlinkedOn }],
  })),
  'ehc.young-person-rights-recorded.v1': (state, d) => withFamily(state, (f) => ({
    ...f,
    youngPersonRights: {
      holdsRights: d.holdsRights, ...(d.capacityException === undefined ? {} : { capacityException: d.capacityException }),
      parentAccess: d.parentAccess, recordedOn: d.recordedOn,
    },
  })),
  'ehc.family-advice-asked.v1': (state, d) => withFamily(state, (f) => ({
    ...f, adviceAsked: put(f.adviceAsked ?? {}, d.familyRequestId, { assessmentId: d.assessmentId, adviser: d.adviser, askedOn: d.askedOn }),
  })),
  'ehc.early-review-requested.v1': (state, d) => withFamily(state, (f) => ({
    ...f, earlyReviewRequests: put(f.earlyReviewRequests, d.earlyReviewRequestId, { requestedBy: d.requestedBy, requestedOn: d.requestedOn }),
  })),
  'ehc.early-review-agreed.v1': (state, d) => withFamily(state, (f) => answered(f, d.earlyReviewRequestId, { answer: 'agreed', on: d.agreedOn, reviewId: d.reviewId, meetingOn: d.meetingOn })),
  'ehc.early-review-declined.v1': (state, d) => withFamily(state, (f) => answered(f, d.earlyReviewRequestId, { answer: 'declined', on: d.declinedOn })),
  'ehc.advice-shared-with-family.v1': (state, d) => withFamily(state, (f) => ({
    ...f, adviceShares: put(f.adviceShares ?? {}, d.shareId, { adviceIds: d.adviceIds, sharedOn: d.sharedOn }),
  })),
};
