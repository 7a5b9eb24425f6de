import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import {
  AdviceNotSubmittedError,
  AgencyCannotGiveAdviceError,
  CorrectionWithoutChangeError,
  InvalidAdviceError,
  InvalidCitationError,
} from '@tio/advice-domain';
import { DomainError } from '@tio/ehc-domain';
import { idempotencyStatus } from '@tio/event-sourcing';
import { domainProblem, writeProblem } from '@tio/service-kit';
import type { Request, Response } from 'express';
import { AdviceNotFoundError, RecordNotFoundError, UnknownCaseError, WrongAgencyError } from '../errors';

/** The HTTP status of a domain rule that was broken. */
export function statusOf(error: DomainError): number {
  const idempotency = idempotencyStatus(error);
  if (idempotency) return idempotency;
  if (error instanceof WrongAgencyError) return HttpStatus.FORBIDDEN;
  if (error instanceof UnknownCaseError || error instanceof AdviceNotFoundError || error instanceof AdviceNotSubmittedError || error instanceof RecordNotFoundError) return HttpStatus.NOT_FOUND;
  // the request is well-formed but says something the rules never allow (medical advice from education, ...)
  if (error instanceof AgencyCannotGiveAdviceError || error instanceof InvalidAdviceError || error instanceof InvalidCitationError || error instanceof CorrectionWithoutChangeError) {
    return HttpStatus.UNPROCESSABLE_ENTITY;
  }
  // the state does not allow it: not requested, already submitted, withdrawn, stale version
  return HttpStatus.CONFLICT;
}

/** A broken rule is the caller's mistake, never a 500: its status, its stable code, its message and details, as Problem Details. */
@Catch(DomainError)
export class AdviceErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { correlationId?: string }>();
    writeProblem(request, response, domainProblem(error, statusOf(error)));
  }
}
