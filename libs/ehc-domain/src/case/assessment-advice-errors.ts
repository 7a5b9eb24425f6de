import { DomainError } from '@tio/kernel';

/** A draft plan without the advice reg 6(1) requires: `details.missing` names each item and what is missing. */
export class AdviceMissingError extends DomainError {
  readonly code = 'advice-missing';
}
/** reg 6(4) covers the advice of reg 6(1)(b)-(h): the parent's or young person's own advice (a) is always sought. */
export class AdviceNotReusableError extends DomainError {
  readonly code = 'advice-not-reusable';
}
/** The LA may go on without advice an adviser has not given only once the adviser's 6 weeks are over (reg 8(1)). */
export class AdviceStillDueError extends DomainError {
  readonly code = 'advice-still-due';
}
/** reg 6(1)(g): whether the child is in or beyond year 9 is neither recorded nor derivable from a date of birth. */
export class YearGroupUnknownError extends DomainError {
  readonly code = 'year-group-unknown';
}
/** The advice request is already answered (received, re-used) or already recorded as not awaited. */
export class AdviceAlreadyResolvedError extends DomainError {
  readonly code = 'advice-already-resolved';
}
