import type { IsoDate } from '../calendar';
import type { EarlyReviewRequester, FamilyContact, FamilyRelationship, ParentAccess, UnlinkReason } from './family-events';

interface Base {
  caseId: string;
  at: IsoDate;
}

/** The LA invites a family member; the service made the one-time code and passes only its SHA-256 digest. */
export interface InviteFamilyMember extends Base {
  type: 'InviteFamilyMember';
  invitationId: string;
  relationship: FamilyRelationship;
  parentalResponsibility?: boolean;
  contact: FamilyContact;
  codeDigest: string;
  invitedBy: { userId: string; organisationId: string };
}
/** A signed-in family member used the code: `codeDigest` is the digest of the code they typed. */
export interface AcceptFamilyInvitation extends Base {
  type: 'AcceptFamilyInvitation';
  invitationId: string;
  codeDigest: string;
  subject: string;
}
export interface UnlinkFamilyMember extends Base {
  type: 'UnlinkFamilyMember';
  subject: string;
  reason: UnlinkReason;
}
export interface RecordYoungPersonRights extends Base {
  type: 'RecordYoungPersonRights';
  holdsRights: boolean;
  capacityException?: string;
  parentAccess: ParentAccess;
}
export interface RequestEarlyReview extends Base {
  type: 'RequestEarlyReview';
  earlyReviewRequestId: string;
  requestedBy: EarlyReviewRequester;
}
/** reg 6(1)(h): the family ask the LA to seek advice from a person they name. */
export interface AskForAdvice extends Base {
  type: 'AskForAdvice';
  familyRequestId: string;
  adviser: { name: string; role: string };
}

/** The LA's answer to a request for an early review: agreed with the meeting date (a reg 20 review), or declined with reasons. */
export interface AnswerEarlyReviewRequest extends Base {
  type: 'AnswerEarlyReviewRequest';
  earlyReviewRequestId: string;
  answer: 'agreed' | 'declined';
  /** agreed: the review to schedule and its meeting date. */
  reviewId?: string;
  meetingOn?: IsoDate;
  /** declined: why (personal data: stored encrypted). */
  reasons?: string;
}
/** The LA shares advice with the family before the draft: the advice named, or (no ids) all advice received so far. */
export interface ShareAdviceWithFamily extends Base {
  type: 'ShareAdviceWithFamily';
  shareId: string;
  adviceIds?: string[];
  sharedBy: { userId: string; organisationId: string };
}

export type FamilyCommand =
  | InviteFamilyMember | AcceptFamilyInvitation | UnlinkFamilyMember | RecordYoungPersonRights | RequestEarlyReview | AskForAdvice
  | AnswerEarlyReviewRequest | ShareAdviceWithFamily;
