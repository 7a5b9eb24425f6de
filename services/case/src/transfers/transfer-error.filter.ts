import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { CaseNotFoundError, DomainError } from '@tio/ehc-domain';
import { TransferNotRequestedError } from '@tio/transfer-domain';
import type { Response } from 'express';

/** 404 for an unknown case or transfer; 409 naming the rule for any other illegal step (a `DomainError`). */
@Catch(DomainError)
export class TransferErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = error instanceof CaseNotFoundError || error instanceof TransferNotRequestedError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
    response.status(status).json({ statusCode: status, error: error.name, code: error.code, message: error.message, details: error.details });
  }
}
