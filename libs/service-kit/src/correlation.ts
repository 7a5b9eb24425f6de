import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** The header a correlation id travels in, both ways. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reads or creates a correlation id per request and echoes it, so a call can be followed across services. */
export function correlationMiddleware(req: Request & { correlationId?: string }, res: Response, next: NextFunction): void {
  const given = req.header(CORRELATION_ID_HEADER);
  req.correlationId = given && SAFE.test(given) ? given : randomUUID();
  res.setHeader(CORRELATION_ID_HEADER, req.correlationId);
  next();
}
