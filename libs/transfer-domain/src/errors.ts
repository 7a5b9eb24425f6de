import { DomainError } from '@tio/ehc-domain';

/** Every illegal step of a transfer is its own error (a `DomainError`: services answer 409, or 404 for a missing transfer). */
export abstract class TransferError extends DomainError {}

export class InvalidTransferCommandError extends TransferError {
  readonly code = 'invalid-transfer-command';
}
export class TransferNotRequestedError extends TransferError {
  readonly code = 'transfer-not-requested';
}
export class TransferAlreadyRequestedError extends TransferError {
  readonly code = 'transfer-already-requested';
}
export class TransferWrongCaseError extends TransferError {
  readonly code = 'transfer-wrong-case';
}
/** A step recorded by an organisation it does not belong to (e.g. an acceptance by someone other than the receiver). */
export class WrongOrganisationError extends TransferError {
  readonly code = 'wrong-organisation';
}
export class TransferAlreadyAnsweredError extends TransferError {
  readonly code = 'transfer-already-answered';
}
export class TransferNotAcceptedError extends TransferError {
  readonly code = 'transfer-not-accepted';
}
export class TransferClosedError extends TransferError {
  readonly code = 'transfer-closed';
}
export class TransferAlreadyCompletedError extends TransferError {
  readonly code = 'transfer-already-completed';
}
export class TransferNotCompletedError extends TransferError {
  readonly code = 'transfer-not-completed';
}
export class TransferAlreadyRecordedError extends TransferError {
  readonly code = 'transfer-step-already-recorded';
}
export class TransferChronologyError extends TransferError {
  readonly code = 'transfer-chronology';
}
/** A rule of the transfer's kind (e.g. adult services before 18, a reassessment decision on a school transfer). */
export class TransferKindRuleError extends TransferError {
  readonly code = 'transfer-kind-rule';
}
