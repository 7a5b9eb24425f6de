import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { DomainError, CaseNotFoundError, PersonalBudgetNotFoundError } from '@tio/ehc-domain';
import { idempotencyStatus } from '@tio/event-sourcing';
import { domainProblem, writeProblem } from '@tio/service-kit';
import type { Request, Response } from 'express';

/**
 * An illegal step is the caller's mistake, not ours: 404 for an unknown case or personal budget, 409 for a step the case's state does
 * not allow (with the rule's stable code and its details), 422/409 for a reused or in-flight Idempotency-Key; never a
 * 500. Answered as Problem Details like every other error.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const status = idempotencyStatus(error) ?? (error instanceof CaseNotFoundError || error instanceof PersonalBudgetNotFoundError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT);
    writeProblem(http.getRequest<Request>(), http.getResponse<Response>(), domainProblem(error, status));
  }
}
