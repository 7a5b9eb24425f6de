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

/** A plain object's canonical members (`"key":value`, keys sorted as in `canonicalJson`), to splice members in later. */
export interface CanonicalMembers {
  keys: string[];
  members: string[];
}

/**
 * `canonicalJson` of a plain object, kept as its sorted members so that a member can be added without serialising
 * the object again (`withMember`). Same checks and errors as `canonicalJson`.
 */
export function canonicalMembers(value: object, path = '$', eventId?: string): CanonicalMembers {
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    throw new NonSerialisableEventError(eventId, path, 'expected a plain object');
  }
  if (Object.getOwnPropertySymbols(value).length > 0) throw new NonSerialisableEventError(eventId, path, 'symbol-keyed properties cannot be stored');
  const keys: string[] = [];
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (UNSTORABLE_STRING.test(key)) throw new NonSerialisableEventError(eventId, `${path}.${key}`, 'key contains NUL or a lone surrogate');
    keys.push(key);
    members.push(`${JSON.stringify(key)}:${canonicalJson(item, `${path}.${key}`, eventId)}`);
  }
  return { keys, members };
}

/** The canonical JSON of the object, with `key` set to the (already canonical) JSON `json`. */
export function withMember(object: CanonicalMembers, key: string, json: string): string {
  const members = [...object.members];
  const at = object.keys.indexOf(key);
  const member = `${JSON.stringify(key)}:${json}`;
  if (at >= 0) members[at] = member;
  else {
    let i = 0;
    while (i < object.keys.length && (object.keys[i] as string) < key) i++;
    members.splice(i, 0, member);
  }
  return `{${members.join(',')}}`;
}

/** The canonical JSON of the object itself. */
export function membersJson(object: CanonicalMembers): string {
  return `{${object.members.join(',')}}`;
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
