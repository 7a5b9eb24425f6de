import { DomainError } from '@tio/kernel';

/**
 * The idempotency key of a command was already used for a different command: other content on the same stream, or
 * another record altogether. Nothing was written; the caller should use a new key for a new request.
 */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency-key-reused';
  constructor(idempotencyKey: string, why: 'different-content' | 'other-record') {
    super(
      why === 'other-record'
        ? `Idempotency key ${idempotencyKey} was already used for another request (a different record); use a new key for a new request`
        : `Idempotency key ${idempotencyKey} was already used with different content; use a new key for a new request`,
      { idempotencyKey, why },
    );
  }
}
