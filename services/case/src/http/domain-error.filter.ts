import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { DomainError, CaseNotFoundError } from '@tio/ehc-domain';
import type { Response } from 'express';

/**
 * An illegal step is the caller's mistake, not ours: 404 for an unknown case, 409 for a step the case's state does
 * not allow (with the rule's stable code and its details), never a 500.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = error instanceof CaseNotFoundError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
    response.status(status).json({ statusCode: status, error: error.name, code: error.code, message: error.message, details: error.details });
  }
}
