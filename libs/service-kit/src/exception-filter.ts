import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventIdConflictError, EventTooLargeError, InvalidEventError, InvalidStreamNameError, NonSerialisableEventError, WrongExpectedRevisionError, isConnectionError } from '@tio/event-store';

/**
 * What the event store refuses because of what the caller sent (text it cannot store, an event over the size limit,
 * a malformed id) is the caller's error, and so is losing a race it can retry; say so instead of a 500.
 */
function eventStoreRefusal(exception: unknown): { status: number; error: string; message: string } | undefined {
  if (exception instanceof NonSerialisableEventError || exception instanceof InvalidEventError || exception instanceof InvalidStreamNameError) {
    return { status: 422, error: 'Unprocessable Entity', message: `The input cannot be recorded: ${exception.message}` };
  }
  if (exception instanceof EventTooLargeError) return { status: 413, error: 'Payload Too Large', message: exception.message };
  if (exception instanceof WrongExpectedRevisionError || exception instanceof EventIdConflictError) {
    return { status: 409, error: 'Conflict', message: `${exception.message}; retry the request` };
  }
  // the database is unreachable (restarting, network): nothing was recorded, and the same request can be retried
  if (isConnectionError(exception)) return { status: 503, error: 'Service Unavailable', message: 'The database is unavailable for a moment; nothing was recorded. Retry the request (with the same Idempotency-Key).' };
  return undefined;
}

/**
 * Turns known errors into their HTTP answer and everything else into a plain 500 without internals: clients never
 * see a stack trace; the log gets it, with the correlation id so it can be found. Body-parser errors (malformed
 * JSON, a body over the size limit) are client errors and answered as such.
 */
@Catch()
export class SafeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request & { correlationId?: string }>();
    const correlationId = request.correlationId;
    // an error is answered in JSON even on a route that declared another type (e.g. an HTML report): express's json()
    // keeps a Content-Type already set
    if (!response.headersSent) response.removeHeader('Content-Type');

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      response.status(status).json({ ...(typeof body === 'string' ? { statusCode: status, message: body } : body), correlationId });
      return;
    }
    const refusal = eventStoreRefusal(exception);
    if (refusal) {
      if (refusal.status === 503) {
        this.logger.warn({ msg: 'database unavailable', path: request.url, correlationId, err: (exception as Error)?.message });
        response.setHeader('Retry-After', '2');
      }
      response.status(refusal.status).json({ statusCode: refusal.status, error: refusal.error, message: refusal.message, correlationId });
      return;
    }
    // errors that say they are the client's (`status` 4xx and `expose`, as body-parser's and the calendar's do)
    const clientError = exception as { type?: string; status?: number; expose?: boolean; message?: string };
    if (clientError?.expose && typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500) {
      const reason = clientError.type === 'entity.too.large' ? 'Request body is larger than the limit' : clientError.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : clientError.message;
      const error = clientError.status === 413 ? 'Payload Too Large' : clientError.status === 422 ? 'Unprocessable Entity' : clientError.status === 415 ? 'Unsupported Media Type' : 'Bad Request';
      response.status(clientError.status).json({ statusCode: clientError.status, error, message: reason, correlationId });
      return;
    }
    this.logger.error({ msg: 'unhandled error', path: request.url, correlationId, err: (exception as Error)?.stack ?? String(exception) });
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, message: 'Internal error', correlationId });
  }
}
