import { DomainError } from '@tio/kernel';

/**
 * Every illegal step is its own error class, so services can map them to HTTP 4xx / dead letters and tests can name
 * exactly which rule was broken. `code` is stable and machine-readable.
 */
export { DomainError };

export class InvalidCommandError extends DomainError {
  readonly code = 'invalid-command';
}
export class CaseNotFoundError extends DomainError {
  readonly code = 'case-not-found';
  constructor(caseId: string) {
    super(`No EHC request has been received for case ${caseId}`, { caseId });
  }
}
export class CaseAlreadyRequestedError extends DomainError {
  readonly code = 'case-already-requested';
  constructor(caseId: string) {
    super(`Case ${caseId} already has a request; a new request for the same child is a new case`, { caseId });
  }
}
export class WrongCaseError extends DomainError {
  readonly code = 'wrong-case';
}
export class CaseClosedError extends DomainError {
  readonly code = 'case-closed';
}
/** A step dated before the step it depends on (e.g. a decision before the request). */
export class ChronologyError extends DomainError {
  readonly code = 'chronology';
}
export class DuplicateIdError extends DomainError {
  readonly code = 'duplicate-id';
}
export class AssessmentAlreadyDecidedError extends DomainError {
  readonly code = 'assessment-already-decided';
}
export class AssessmentNotAgreedError extends DomainError {
  readonly code = 'assessment-not-agreed';
}
export class AdviceForRefusedAssessmentError extends DomainError {
  readonly code = 'advice-for-refused-assessment';
}
export class AdviceAgencyMismatchError extends DomainError {
  readonly code = 'advice-agency-mismatch';
}
export class AdviceAlreadyRequestedError extends DomainError {
  readonly code = 'advice-already-requested';
}
export class AdviceNotRequestedError extends DomainError {
  readonly code = 'advice-not-requested';
}
export class AdviceAlreadyProvidedError extends DomainError {
  readonly code = 'advice-already-provided';
}
export class StaleAdviceVersionError extends DomainError {
  readonly code = 'stale-advice-version';
}
export class AdviceNotReceivedError extends DomainError {
  readonly code = 'advice-not-received';
}
/** reg 6(4): re-use needs the adviser, the LA and the parent/young person all to agree. */
export class ReuseAgreementIncompleteError extends DomainError {
  readonly code = 'reuse-agreement-incomplete';
}
export class AssessmentClosedError extends DomainError {
  readonly code = 'assessment-closed';
}
export class DecisionNotToIssueAfterDraftError extends DomainError {
  readonly code = 'decision-not-to-issue-after-draft';
}
export class DraftPlanNotAllowedError extends DomainError {
  readonly code = 'draft-plan-not-allowed';
}
export class DraftAfterFinalPlanError extends DomainError {
  readonly code = 'draft-after-final-plan';
}
export class NoDraftPlanError extends DomainError {
  readonly code = 'no-draft-plan';
}
export class FinalPlanBeforeDraftError extends DomainError {
  readonly code = 'final-plan-before-draft';
}
export class SecondFinalPlanError extends DomainError {
  readonly code = 'second-final-plan';
}
/** reg 13(1): the final plan may not be issued before the 15-day comment period ends unless the family said they had nothing more to say. */
export class FinalPlanDuringCommentPeriodError extends DomainError {
  readonly code = 'final-plan-during-comment-period';
}
/** s.39(2) CFA 2014: a school or setting is named only after its governing body (or proprietor) was consulted. */
export class SettingNotConsultedError extends DomainError {
  readonly code = 'setting-not-consulted';
}
/** reg 22(2) / 28: the amended plan may not be issued before the family's 15 days to comment end. */
export class AmendmentDuringCommentPeriodError extends DomainError {
  readonly code = 'amendment-during-comment-period';
}
/** reg 22(4): the LA decided not to amend, so that proposal can no longer become an amended plan (propose again). */
export class AmendmentNotToBeMadeError extends DomainError {
  readonly code = 'amendment-not-to-be-made';
}
export class NoPlanToConsultOnError extends DomainError {
  readonly code = 'no-plan-to-consult-on';
}
export class ConsultationNotFoundError extends DomainError {
  readonly code = 'consultation-not-found';
}
export class ConsultationAlreadyAnsweredError extends DomainError {
  readonly code = 'consultation-already-answered';
}
export class PlanNotInForceError extends DomainError {
  readonly code = 'plan-not-in-force';
}
export class AmendmentNotProposedError extends DomainError {
  readonly code = 'amendment-not-proposed';
}
export class AmendmentAlreadyMadeError extends DomainError {
  readonly code = 'amendment-already-made';
}
export class ReviewNotScheduledError extends DomainError {
  readonly code = 'review-not-scheduled';
}
export class ReviewAlreadyHeldError extends DomainError {
  readonly code = 'review-already-held';
}
export class ReviewNotHeldError extends DomainError {
  readonly code = 'review-not-held';
}
export class ReviewAlreadyDecidedError extends DomainError {
  readonly code = 'review-already-decided';
}
export class PhaseTransferNotFoundError extends DomainError {
  readonly code = 'phase-transfer-not-found';
}
export class ExceptionNotApplicableError extends DomainError {
  readonly code = 'exception-not-applicable';
}
export class ExceptionConditionNotMetError extends DomainError {
  readonly code = 'exception-condition-not-met';
}
export class TribunalOrderNotApplicableError extends DomainError {
  readonly code = 'tribunal-order-not-applicable';
}
export class TransferNotFoundError extends DomainError {
  readonly code = 'transfer-not-found';
}
export class TransferAlreadyCompletedError extends DomainError {
  readonly code = 'transfer-already-completed';
}
export class CommissioningChangeNotFoundError extends DomainError {
  readonly code = 'commissioning-change-not-found';
}
export class AlreadyRecordedError extends DomainError {
  readonly code = 'already-recorded';
}
/** A transfer of the assessment needs an assessment in progress (decided to assess; no final plan yet). */
export class NoAssessmentInProgressError extends DomainError {
  readonly code = 'no-assessment-in-progress';
}
/** A transfer to the LA that is already responsible. */
export class SameLocalAuthorityError extends DomainError {
  readonly code = 'same-local-authority';
}
/** An appeal-rights notice, mediation or appeal names a decision the case does not have (regs 5(3), 10(3), 14, 22(4), 31). */
export class AppealableDecisionNotFoundError extends DomainError {
  readonly code = 'appealable-decision-not-found';
}
/** A notice of an appealable decision must tell the family all four things (right of appeal, mediation, disagreement resolution, IASS). */
export class AppealNoticeIncompleteError extends DomainError {
  readonly code = 'appeal-notice-incomplete';
}
export class MediationNotFoundError extends DomainError {
  readonly code = 'mediation-not-found';
}
export class AppealNotFoundError extends DomainError {
  readonly code = 'appeal-not-found';
}
export class CessationNotFoundError extends DomainError {
  readonly code = 'cessation-not-found';
}
/** regs 29-31: a plan ceases only after a decision to cease (or a Tribunal order to cease). */
export class CessationNotDecidedError extends DomainError {
  readonly code = 'cessation-not-decided';
}
/** regs 24-27: no such request for reassessment (or decision to reassess) on this case. */
export class ReassessmentNotFoundError extends DomainError {
  readonly code = 'reassessment-not-found';
}
/** reg 29: the LA decides to cease only after consulting the parent or young person and the institution. */
export class CessationNotConsultedError extends DomainError {
  readonly code = 'cessation-not-consulted';
}
/** reg 31: the plan is maintained until the time for appealing has passed or the appeal has been concluded. */
export class PlanMaintainedPendingAppealError extends DomainError {
  readonly code = 'plan-maintained-pending-appeal';
}
