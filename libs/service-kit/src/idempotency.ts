import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * The header that marks an answer as the replay of an earlier request with the same `Idempotency-Key`
 * (draft-ietf-httpapi-idempotency-key-header): the status and body are the first request's, nothing new was recorded.
 */
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

/**
 * Every service's write answers carry `replayed` (the command pipeline's `CommandResult.replayed`): when it is true
 * the answer says so in the `Idempotent-Replayed: true` header. Registered once for every route by CoreModule.
 */
@Injectable()
export class ReplayMarkerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (isReplay(body) && !response.headersSent) response.setHeader(IDEMPOTENT_REPLAYED, 'true');
        return body;
      }),
    );
  }
}

function isReplay(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { replayed?: unknown }).replayed === true;
}
