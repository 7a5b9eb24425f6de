import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { CaseNotFoundError, DomainError } from '@tio/ehc-domain';
import { idempotencyStatus } from '@tio/event-sourcing';
import { domainProblem, writeProblem } from '@tio/service-kit';
import { TransferNotRequestedError } from '@tio/transfer-domain';
import type { Request, Response } from 'express';

/** 404 for an unknown case or transfer; 409 naming the rule for any other illegal step (a `DomainError`); 422/409 for a reused or in-flight Idempotency-Key. */
@Catch(DomainError)
export class TransferErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const status = idempotencyStatus(error) ?? (error instanceof CaseNotFoundError || error instanceof TransferNotRequestedError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT);
    writeProblem(http.getRequest<Request>(), http.getResponse<Response>(), domainProblem(error, status));
  }
}
