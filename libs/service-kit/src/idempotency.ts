/**
 * The header that marks an answer as the replay of an earlier request with the same `Idempotency-Key`
 * (draft-ietf-httpapi-idempotency-key-header): the status and body are the first request's, nothing new was recorded.
 */
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

/** Methods that never record anything, so never answer a replay. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface JsonResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

/**
 * Every service's write answers carry `replayed` (the command pipeline's `CommandResult.replayed`): when it is true
 * the answer says so in the `Idempotent-Replayed: true` header. Express middleware, mounted for every route by
 * createServiceApp: it looks at the JSON body of writes only (POST, PUT, PATCH, DELETE), as it is written. It was a
 * global Nest interceptor, which put every route, reads included, through rxjs for a header no read ever sends.
 */
export function replayMarkerMiddleware(req: { method: string }, res: JsonResponse, next: () => void): void {
  if (!SAFE_METHODS.has(req.method)) {
    const json = res.json;
    res.json = function markReplay(this: JsonResponse, body: unknown) {
      if (isReplay(body) && !res.headersSent) res.setHeader(IDEMPOTENT_REPLAYED, 'true');
      return json.call(this, body);
    };
  }
  next();
}

function isReplay(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { replayed?: unknown }).replayed === true;
}
