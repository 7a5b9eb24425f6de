import { invalidField } from '@tio/service-kit';
import { actorOf, type Caller } from './aggregate';
import type { CommandContext } from './run-command';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface KeyedRequest {
  correlationId?: string;
  header(name: string): string | undefined;
}

const keyError = (reason: string) => invalidField('Idempotency-Key', reason);

/** The request's Idempotency-Key header, checked; `required` for routes whose retries must be recognised. */
export function idempotencyKeyOf(request: KeyedRequest, required = false): string | undefined {
  const key = request.header('idempotency-key');
  if (key === undefined || key === '') {
    if (required) throw keyError('the Idempotency-Key header is required: a retry with the same key records nothing twice');
    return undefined;
  }
  if (!IDEMPOTENCY_KEY.test(key)) throw keyError('Idempotency-Key must be 8-128 characters of letters, digits and . _ : -');
  return key;
}

/** Metadata for the events an HTTP request produces: who (from the token), why (correlation id), and its retry key. */
export function requestContext(caseId: string, caller: Caller, request: KeyedRequest, options: { keyRequired?: boolean } = {}): CommandContext {
  const idempotencyKey = idempotencyKeyOf(request, options.keyRequired);
  return {
    caseId,
    actor: actorOf(caller),
    correlationId: request.correlationId ?? idempotencyKey ?? caseId,
    ...(idempotencyKey ? { idempotencyKey, refuseConcurrentRetry: true } : {}),
  };
}
