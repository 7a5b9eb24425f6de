import { BadRequestException } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import type { CommandContext } from '@tio/event-sourcing';
import { londonDateOf } from '@tio/ehc-domain';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Metadata for the events a request produces: who (from the token), why (correlation id), and its retry key. */
export function commandContext(
  caseId: string,
  principal: Principal,
  request: { correlationId?: string; header(name: string): string | undefined },
): CommandContext {
  const key = request.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestException({
      statusCode: 400,
      message: 'Validation failed',
      errors: [{ field: 'Idempotency-Key', reasons: ['Idempotency-Key must be 8-128 characters of letters, digits and . _ : -'] }],
    });
  }
  return {
    caseId,
    actor: { userId: principal.userId, organisationId: principal.organisationId, agency: principal.agency, role: principal.roles.join(',') },
    correlationId: request.correlationId ?? caseId,
    idempotencyKey: key,
  };
}

/** The date a step happened: as given, or today in England. */
export function stepDate(at: string | undefined, now: Date = new Date()): string {
  return at ?? londonDateOf(now);
}
