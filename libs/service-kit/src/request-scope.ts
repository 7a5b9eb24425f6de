import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Map<symbol, unknown>>();

/**
 * Express middleware: everything that follows in the request (guards, interceptors, pipes, the handler and what
 * they await) shares one request scope. Mounted after the body parser, whose stream callbacks would leave it.
 */
export function requestScopeMiddleware(_req: unknown, _res: unknown, next: () => void): void {
  scope.run(new Map(), next);
}

/** The current HTTP request's scope (values kept for the rest of the request by their key); undefined outside one. */
export function requestScope(): Map<symbol, unknown> | undefined {
  return scope.getStore();
}
