import { crc32 } from 'node:zlib';
import helmet from 'helmet';

type HeaderOp = { set: string; value: string | number | readonly string[] } | { remove: string };

interface HeaderTarget {
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  removeHeader(name: string): void;
}

/**
 * The security headers every answer carries: helmet's (without a content security policy; pages that need one set
 * their own strict one, and the OpenAPI UI at /docs needs inline scripts). With this configuration helmet's headers
 * do not depend on the request, so they are worked out once, by running helmet's middleware at start-up against a
 * response that records what it is told, and replayed on each answer by one middleware: the same headers (and the
 * same removal of X-Powered-By) as helmet's chain of a dozen middlewares, each a call per request.
 */
export function securityHeadersMiddleware(): (req: unknown, res: HeaderTarget, next: () => void) => void {
  const ops: HeaderOp[] = [];
  const recorder: HeaderTarget = {
    setHeader: (name, value) => ops.push({ set: name, value }),
    removeHeader: (name) => void ops.push({ remove: name }),
  };
  let called = false;
  helmet({ contentSecurityPolicy: false })({} as never, recorder as never, () => (called = true));
  if (!called) throw new Error('helmet did not finish synchronously: its headers cannot be worked out once');
  return (_req, res, next) => {
    for (const op of ops) {
      if ('set' in op) res.setHeader(op.set, op.value);
      else res.removeHeader(op.remove);
    }
    next();
  };
}

/**
 * Express's `etag` setting: a weak ETag over the answer's bytes, as Express's default (`W/"<length>-<hash>"`, and the
 * same conditional GET: If-None-Match answered 304), from the body's length and CRC-32 instead of a SHA-1. The tag
 * only tells one version of an answer from the next for the same URL and is no secret, so it needs no cryptographic
 * hash; CRC-32 is computed by zlib several times faster than SHA-1 (a 100-entry timeline page: ~10 against ~40 µs).
 */
export function weakETag(body: string | Buffer, encoding?: BufferEncoding): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, encoding) : body;
  return `W/"${bytes.length.toString(16)}-${crc32(bytes).toString(16)}"`;
}
