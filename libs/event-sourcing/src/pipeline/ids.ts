import { createHash, randomUUID } from 'node:crypto';

/** A UUID-shaped id derived from a key (version nibble 5, RFC 4122 variant): the same key always gives the same id. */
export function idFromKey(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id of the `index`-th event a keyed command records. This is the one idempotency mechanism: a retry derives
 * the same ids, so the pipeline finds its events in the stream (and the store refuses the same ids anywhere else).
 */
export function eventIdFor(scope: string, idempotencyKey: string, index: number): string {
  return idFromKey(`${scope}:${idempotencyKey}#${index}`);
}

/**
 * An id for something a command creates (an assessment, a plan, a case) when the caller does not name it: derived
 * from the idempotency key when there is one, so a retry names the same thing; random otherwise.
 */
export function newIdFor(what: string, idempotencyKey: string | undefined, scope = ''): string {
  return idempotencyKey ? idFromKey(`${scope}:${what}:${idempotencyKey}`) : randomUUID();
}
