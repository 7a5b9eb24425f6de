import { DomainError } from '@tio/ehc-domain';

/** Only practitioners (and systems) of the service's own agency write its advice: "an agency records only its own advice". */
export class WrongAgencyError extends DomainError {
  readonly code = 'wrong-agency';
}
/** Nothing is known about this case here: no case event and no advice for it reached this service. */
export class UnknownCaseError extends DomainError {
  readonly code = 'case-not-known';
}
/** There is no advice of this type from this agency on the case (history, correction or withdrawal of nothing). */
export class AdviceNotFoundError extends DomainError {
  readonly code = 'advice-not-found';
}
/** An inbound message this service will not record (e.g. a draft). */
export class InboundNotAcceptedError extends DomainError {
  readonly code = 'inbound-not-accepted';
}
/** An agency's own record (commissioning body, graduated response, assessment reference) does not exist. */
export class RecordNotFoundError extends DomainError {
  readonly code = 'not-found';
}
