import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventIdConflictError, EventTooLargeError, InvalidEventError, InvalidStreamNameError, NonSerialisableEventError, WrongExpectedRevisionError, isConnectionError } from '@tio/event-store';
import { codeOfStatus, writeProblem, type Problem, type ProblemFieldError } from './problem-details';

/**
 * What the event store refuses because of what the caller sent (text it cannot store, an event over the size limit,
 * a malformed id) is the caller's error, and so is losing a race it can retry; say so instead of a 500.
 */
function eventStoreRefusal(exception: unknown): Problem | undefined {
  if (exception instanceof NonSerialisableEventError || exception instanceof InvalidEventError || exception instanceof InvalidStreamNameError) {
    return { status: 422, code: 'unprocessable-input', detail: `The input cannot be recorded: ${exception.message}` };
  }
  if (exception instanceof EventTooLargeError) return { status: 413, code: 'payload-too-large', detail: exception.message };
  if (exception instanceof WrongExpectedRevisionError) return { status: 409, code: 'concurrent-write', detail: `${exception.message}; retry the request` };
  if (exception instanceof EventIdConflictError) return { status: 409, code: 'event-id-conflict', detail: `${exception.message}; retry the request` };
  // the database is unreachable (restarting, network): nothing was recorded, and the same request can be retried
  if (isConnectionError(exception)) {
    return { status: 503, code: 'service-unavailable', detail: 'The database is unavailable for a moment; nothing was recorded. Retry the request (with the same Idempotency-Key).', headers: { 'Retry-After': '2' } };
  }
  return undefined;
}

/** What an `HttpException` may carry in its body besides Nest's `message`/`error`/`statusCode`. */
interface HttpExceptionBody {
  message?: string | string[];
  code?: string;
  detail?: string;
  errors?: ProblemFieldError[];
  details?: Record<string, unknown>;
  /** The challenge of a 401 (`Bearer error="invalid_token"`); a 401 without one challenges with plain `Bearer`. */
  wwwAuthenticate?: string;
}

function httpProblem(exception: HttpException): Problem {
  const status = exception.getStatus();
  const raw = exception.getResponse();
  const body: HttpExceptionBody = typeof raw === 'string' ? { message: raw } : (raw as HttpExceptionBody);
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  const code = body.code ?? (body.errors ? 'validation-failed' : codeOfStatus(status));
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = body.wwwAuthenticate ?? 'Bearer';
  // the throttler's own words name its class; say what it means
  const detail = status === 429 ? 'Too many requests: the rate limit for this caller was reached; retry later' : body.detail ?? message ?? exception.message;
  return {
    status, code, detail,
    ...(body.errors ? { errors: body.errors } : {}),
    ...(body.details ? { details: body.details } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}

/** Errors that say they are the client's (`status` 4xx and `expose`, as body-parser's and the calendar's do). */
function exposedClientError(exception: unknown): Problem | undefined {
  const clientError = exception as { type?: string; status?: number; expose?: boolean; message?: string } | undefined;
  if (!(clientError?.expose && typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500)) return undefined;
  if (clientError.type === 'entity.too.large') return { status: clientError.status, code: 'payload-too-large', detail: 'Request body is larger than the limit' };
  if (clientError.type === 'entity.parse.failed') return { status: clientError.status, code: 'invalid-json', detail: 'Request body is not valid JSON' };
  return { status: clientError.status, code: codeOfStatus(clientError.status), detail: clientError.message ?? 'Bad request' };
}

/** The Problem an exception is answered with; undefined for an unexpected error (a 500 without internals). */
export function problemOf(exception: unknown): Problem | undefined {
  if (exception instanceof HttpException) return httpProblem(exception);
  return eventStoreRefusal(exception) ?? exposedClientError(exception);
}

/**
 * Turns known errors into their Problem Details answer and everything else into a plain 500 without internals:
 * clients never see a stack trace; the log gets it, with the correlation id so it can be found.
 */
@Catch()
export class SafeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request & { correlationId?: string }>();
    const correlationId = request.correlationId;
    const problem = problemOf(exception);
    if (problem?.status === 503) this.logger.warn({ msg: 'database unavailable', path: request.url, correlationId, err: (exception as Error)?.message });
    if (!problem) this.logger.error({ msg: 'unhandled error', path: request.url, correlationId, err: (exception as Error)?.stack ?? String(exception) });
    writeProblem(request, response, problem ?? { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'internal-error', detail: 'Internal error' });
  }
}
