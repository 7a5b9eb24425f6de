import type { Principal } from '@tio/auth';
import { invalidField } from '@tio/service-kit';
import type { AdviceCommandContext } from '../advice-commands.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

const keyError = (reason: string) => invalidField('Idempotency-Key', reason);

/** Who (from the token), as part of what (correlation id), and the retry key; `required` for advice writes. */
export function adviceContext(principal: Principal, request: { correlationId?: string; header(name: string): string | undefined }): AdviceCommandContext {
  const key = request.header('idempotency-key');
  if (key === undefined || key === '') throw keyError('the Idempotency-Key header is required: a retry with the same key records nothing twice');
  if (!IDEMPOTENCY_KEY.test(key)) throw keyError('Idempotency-Key must be 8-128 characters of letters, digits and . _ : -');
  return {
    actor: { userId: principal.userId, organisationId: principal.organisationId, agency: principal.agency, role: principal.roles.join(',') },
    correlationId: request.correlationId ?? key,
    idempotencyKey: key,
    refuseConcurrentRetry: true,
  };
}
