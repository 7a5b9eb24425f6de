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

/**
 * Another request with the same idempotency key was being processed while this one was: its events appeared on the
 * stream between this attempt's read and its append (the append lost on the key's derived event ids or on the
 * expected revision). Nothing was written by this request; retried, it answers the first one's result as a replay.
 * Only HTTP requests refuse this way (`CommandContext.refuseConcurrentRetry`); a redelivered message replays instead.
 */
export class IdempotencyKeyInFlightError extends DomainError {
  readonly code = 'idempotency-key-in-flight';
  constructor(idempotencyKey: string) {
    super(`A request with Idempotency-Key ${idempotencyKey} was still being processed when this one arrived; nothing was recorded by this one. Retry it to get the first one's answer`, { idempotencyKey });
  }
}

/**
 * The HTTP status of an idempotency refusal, as draft-ietf-httpapi-idempotency-key-header says: 422 for a key reused
 * with a different request, 409 for a retry while the first is in flight; undefined for any other error.
 */
export function idempotencyStatus(error: unknown): 409 | 422 | undefined {
  if (error instanceof IdempotencyKeyReusedError) return 422;
  if (error instanceof IdempotencyKeyInFlightError) return 409;
  return undefined;
}
