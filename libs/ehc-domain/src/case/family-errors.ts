import { DomainError } from '@tio/kernel';

/** No invitation on this case has that id and code. */
export class InvitationNotFoundError extends DomainError {
  readonly code = 'invitation-not-found';
}
/** The code's 28 days are over. */
export class InvitationExpiredError extends DomainError {
  readonly code = 'invitation-expired';
}
/** The code was already used (by someone else; the same person using it again records nothing). */
export class InvitationUsedError extends DomainError {
  readonly code = 'invitation-used';
}
/** The person is already linked to the case through another invitation. */
export class FamilyMemberAlreadyLinkedError extends DomainError {
  readonly code = 'family-member-already-linked';
}
export class FamilyMemberNotLinkedError extends DomainError {
  readonly code = 'family-member-not-linked';
}
/** What is recorded about the young person's rights does not fit their age (CFA 2014 s.80, s.83(2)). */
export class YoungPersonRightsNotApplicableError extends DomainError {
  readonly code = 'young-person-rights-not-applicable';
}
/** No request for an early review on this case has that id. */
export class EarlyReviewRequestNotFoundError extends DomainError {
  readonly code = 'early-review-request-not-found';
}
/** The LA has already answered that request for an early review. */
export class EarlyReviewAlreadyAnsweredError extends DomainError {
  readonly code = 'early-review-already-answered';
}
/** Advice the LA would share is not on the case (not received, or replaced by a later version's id). */
export class AdviceNotOnCaseError extends DomainError {
  readonly code = 'advice-not-on-case';
}
