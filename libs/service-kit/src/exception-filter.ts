import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

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

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      response.status(status).json({ ...(typeof body === 'string' ? { statusCode: status, message: body } : body), correlationId });
      return;
    }
    const bodyParser = exception as { type?: string; status?: number; expose?: boolean; message?: string };
    if (bodyParser?.expose && typeof bodyParser.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500) {
      const reason = bodyParser.type === 'entity.too.large' ? 'Request body is larger than the limit' : bodyParser.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : bodyParser.message;
      response.status(bodyParser.status).json({ statusCode: bodyParser.status, error: 'Bad Request', message: reason, correlationId });
      return;
    }
    this.logger.error({ msg: 'unhandled error', path: request.url, correlationId, err: (exception as Error)?.stack ?? String(exception) });
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, message: 'Internal error', correlationId });
  }
}
