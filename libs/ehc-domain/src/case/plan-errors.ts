import { DomainError } from '@tio/kernel';

/** The plan's contents are malformed: unknown or repeated sections, repeated item ids, references to needs or advice not there, a draft naming a school. `details.defects` lists each. */
export class PlanContentsInvalidError extends DomainError {
  readonly code = 'plan-contents-invalid';
}
/** A final or amended plan lacks what reg 12(1) requires: `details.missingSections`, `details.needsWithoutOutcome`, `details.needsWithoutProvision`. */
export class PlanContentsIncompleteError extends DomainError {
  readonly code = 'plan-contents-incomplete';
}
/** No version of the plan's contents with that number. */
export class PlanVersionNotFoundError extends DomainError {
  readonly code = 'plan-version-not-found';
}
export class PersonalBudgetNotFoundError extends DomainError {
  readonly code = 'personal-budget-not-found';
}
/** Personal Budgets Regulations reg 4: a request only while the plan is prepared, at a review or at a reassessment. */
export class PersonalBudgetRequestNotAllowedError extends DomainError {
  readonly code = 'personal-budget-request-not-allowed';
}
/** A refusal (of the budget or of a direct payment), a reduction or an end without reasons. */
export class ReasonsRequiredError extends DomainError {
  readonly code = 'reasons-required';
}
/** A review of a budget that was not agreed, or has ended. */
export class PersonalBudgetNotAgreedError extends DomainError {
  readonly code = 'personal-budget-not-agreed';
}
