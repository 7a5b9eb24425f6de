import type { IsoDate } from '../calendar';
import type { EarlyReviewRequester, FamilyContact, FamilyRelationship, ParentAccess, UnlinkReason } from './family-events';

export interface FamilyInvitationState {
  relationship: FamilyRelationship;
  parentalResponsibility?: boolean;
  /** Personal: clear text in the service that holds the key, "[erased]" after erasure. */
  contact: FamilyContact;
  codeDigest: string;
  invitedOn: IsoDate;
  expiresOn: IsoDate;
  /** Set once the code has been used: an invitation links one person, once. */
  linkedSubject?: string;
}

export type EarlyReviewAnswerState =
  | { answer: 'agreed'; on: IsoDate; reviewId: string; meetingOn: IsoDate }
  | { answer: 'declined'; on: IsoDate };

export interface FamilyMemberState {
  invitationId: string;
  relationship: FamilyRelationship;
  linkedOn: IsoDate;
}

/** The family on the case: invitations by id, linked members by subject, and the young person's rights (CFA 2014 s.80). */
export interface FamilyState {
  invitations: Record<string, FamilyInvitationState>;
  /** Members linked now (an unlinked member is removed; their history stays in `unlinked`). */
  members: Record<string, FamilyMemberState>;
  unlinked: Array<{ subject: string; reason: UnlinkReason; unlinkedOn: IsoDate }>;
  youngPersonRights?: { holdsRights: boolean; capacityException?: string; parentAccess: ParentAccess; recordedOn: IsoDate };
  earlyReviewRequests: Record<string, { requestedBy: EarlyReviewRequester; requestedOn: IsoDate; answer?: EarlyReviewAnswerState }>;
  /** The LA's shares of advice with the family before the draft, by share id (absent until the first). */
  adviceShares?: Record<string, { adviceIds: string[]; sharedOn: IsoDate }>;
  /** reg 6(1)(h): the family's own requests for advice from a person they name (the LA's finding follows by the same id). */
  adviceAsked: Record<string, { assessmentId: string; adviser: { name: string; role: string }; askedOn: IsoDate }>;
}

export function emptyFamily(): FamilyState {
  return { invitations: {}, members: {}, unlinked: [], earlyReviewRequests: {}, adviceAsked: {} };
}
