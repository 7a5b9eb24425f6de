import { NonSerialisableEventError } from './errors';

// A string is storable when it has no NUL (PostgreSQL jsonb rejects \u0000) and no lone UTF-16 surrogate
// (not encodable as UTF-8, so neither PostgreSQL nor EventStoreDB can store it faithfully).
// eslint-disable-next-line no-control-regex
const UNSTORABLE_STRING = /[\u0000]|[\uD800-\uDFFF]/u;

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as in RFC 8785), no whitespace, and only values that
 * survive a JSON round trip unchanged. Used both to store events and to hash them, so what is hashed is exactly
 * what is stored and read back.
 *
 * Rejected (NonSerialisableEventError): BigInt, functions, symbols, NaN/Infinity, cycles, `undefined` inside
 * arrays, non-plain objects (Date, Map, Set, Buffer, class instances: convert them to plain JSON first), strings
 * containing NUL or lone surrogates. `undefined` object properties are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown, path = '$', eventId?: string): string {
  const ancestors = new Set<object>();
  const fail = (at: string, reason: string): never => {
    throw new NonSerialisableEventError(eventId, at, reason);
  };
  const walk = (v: unknown, at: string): string => {
    switch (typeof v) {
      case 'string':
        if (UNSTORABLE_STRING.test(v)) fail(at, 'string contains NUL or a lone surrogate');
        return JSON.stringify(v);
      case 'number':
        if (!Number.isFinite(v)) fail(at, `${v} is not a JSON number`);
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return fail(at, 'BigInt is not JSON (store it as a string)');
      case 'function':
        return fail(at, 'functions cannot be stored');
      case 'symbol':
        return fail(at, 'symbols cannot be stored');
      case 'undefined':
        return fail(at, 'undefined is not JSON');
      case 'object': {
        if (v === null) return 'null';
        if (ancestors.has(v)) fail(at, 'circular reference');
        ancestors.add(v);
        try {
          if (Array.isArray(v)) {
            return `[${v.map((item, i) => walk(item, `${at}[${i}]`)).join(',')}]`;
          }
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) {
            fail(at, `${(v as object).constructor?.name ?? 'non-plain object'} is not plain JSON data (convert it first)`);
          }
          const parts: string[] = [];
          for (const key of Object.keys(v).sort()) {
            const item = (v as Record<string, unknown>)[key];
            if (item === undefined) continue;
            if (UNSTORABLE_STRING.test(key)) fail(`${at}.${key}`, 'key contains NUL or a lone surrogate');
            parts.push(`${JSON.stringify(key)}:${walk(item, `${at}.${key}`)}`);
          }
          if (Object.getOwnPropertySymbols(v).length > 0) fail(at, 'symbol-keyed properties cannot be stored');
          return `{${parts.join(',')}}`;
        } finally {
          ancestors.delete(v);
        }
      }
      default:
        return fail(at, `unsupported value of type ${typeof v}`);
    }
  };
  return walk(value, path);
}

/**
 * True when a parsed JSON value nests deeper than `maxDepth` objects/arrays. Iterative, so it cannot itself overflow
 * the stack: input boundaries call it before handing a body to recursive code (class-transformer, validators).
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}
