import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';

/**
 * Bad-input fuzzing (issue 8, item 7): arbitraries for random, oversized, wrongly typed and hostile input, one
 * assertion for "a 4xx that names its reason, never a 5xx", and a tally of how many inputs each target got.
 */

/** Strings that have broken JSON, SQL, regexes, UTF-8 handling or prototype lookups somewhere before. */
export const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF\uD800', '\u202Eevil', '\uFEFF', '😀👨‍👩‍👧', 'Ω≈ç√∫', 'ＡＢＣ', 'é', 'e\u0301',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__',
  "' OR '1'='1", "'; DROP TABLE event_store.events; --", '$1', '%', '%00', '%s%s%n', '\\', '"', '{}', '[]', 'null', 'undefined', 'true',
  'NaN', 'Infinity', '-0', '1e309', '9007199254740993', '0x10', '00001', '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31T23:59:60Z',
  '<script>alert(1)</script>', '../../../../etc/passwd', 'file:///etc/passwd', '${jndi:ldap://x}', '{{7*7}}', 'a'.repeat(129), 'x'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
];

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', '', ' ', '0', '-1', 'length', 'at', 'caseId', 'sections', 'a.b', '$where', '\u0000'];

/** A hostile string: a known troublemaker, random unicode (lone surrogates included), or a long one. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }).map((s) => (s || 'x').repeat(2_000)) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.uuid().map((u) => `${u}${u}`) },
  );

/** Any JSON-ish value with hostile strings, hostile keys, numbers as strings, arrays where objects go. */
export const hostileValue = (maxDepth = 3): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      hostileString(),
      fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e308, '1', '0', 'true', 'false'),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/**
 * A body for a route whose valid body is `valid`: anything at all, or the valid body with some fields replaced by
 * hostile values, some removed and some hostile keys added.
 */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const mutated = fc
    .record({
      replace: fc.dictionary(keys.length ? fc.constantFrom(...keys) : fc.constant('x'), hostileValue(), { maxKeys: 3 }),
      drop: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
      add: fc.dictionary(fc.constantFrom(...KEYS), hostileValue(2), { maxKeys: 2 }),
    })
    .map(({ replace, drop, add }) => {
      const body: Record<string, unknown> = { ...valid };
      for (const k of drop) delete body[k];
      for (const [k, v] of Object.entries(replace)) body[k] = v;
      for (const [k, v] of Object.entries(add)) Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
      return body;
    });
  return fc.oneof(
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }) },
    { weight: 1, arbitrary: fc.array(fc.constant(valid), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: hostileValue() },
  );
}

/**
 * Nesting the random generators stay below: deeper JSON overflows class-transformer's recursion in the validation
 * pipe (a 500, reported as a bug and pinned by `it.failing` with `nestedObjectText(DEEP_NESTING)`), which would
 * otherwise fail every property that draws it.
 */
export const MAX_SAFE_DEPTH = 1_000;
/** Deep enough to overflow the stack in plainToInstance (~60 kB of JSON, well under the 256 kB body limit). */
export const DEEP_NESTING = 10_000;
export const nestedObjectText = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
export const nestedArrayText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * JSON text as a client could send it: the value serialised (own `__proto__` keys survive, JSON.stringify keeps
 * them when defined as own properties), or raw text that is not JSON at all, or deeply nested, or with a
 * `__proto__` key spelled into the text.
 */
export const rawJsonText = (valid: Record<string, unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileBody(valid).map((v) => safeStringify(v)) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '', ' ', '{', '}', '{"a":', "{'a':1}", '{"a":1,}', '[1,2', 'NaN', 'undefined', '\uFEFF{}', '{"a":1}{"b":2}', '{"at":"\\ud800"}', '{"at":"\\u0000"}',
        'null', 'true', '0', '"string"', '[]', '{"__proto__":{"admin":true},"constructor":{"prototype":{"polluted":1}}}',
        '{"__proto__":[]}', '{"toString":1,"valueOf":2,"hasOwnProperty":3}', `{"at":"2026-01-05","at":"${'9'.repeat(400)}"}`,
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_SAFE_DEPTH }).map((n) => nestedObjectText(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_SAFE_DEPTH }).map((n) => nestedArrayText(n)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...Object.keys(valid), 'requestedBy', 'sections'), fc.integer({ min: 100, max: MAX_SAFE_DEPTH }))
        .map(([k, n]) => JSON.stringify({ ...valid }).replace(/^\{/, `{"${k}":${'{"a":'.repeat(n)}1${'}'.repeat(n)},`)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')) },
  );

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '{}';
  }
}

/** Header values a client can put on the wire (Node refuses CR, LF and non-latin1), hostile within that. */
export const headerValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', ' ', 'null', '__proto__', 'a'.repeat(7), 'a'.repeat(8), 'a'.repeat(128), 'a'.repeat(129), 'x'.repeat(8_000), "'; DROP TABLE x;--", '../..', 'ÿÿÿÿÿÿÿÿ', '%00%00%00%00'),
    fc.string({ unit: 'binary-ascii', maxLength: 140 }).map((s) => [...s].filter((c) => c === '\t' || (c >= ' ' && c !== '\x7f')).join('')),
    fc.uuid(),
  );

/** Authorization headers that must all be refused with 401. */
export const garbageAuthorization = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer x.y.z', 'Bearer a.b.c', 'Bearer ....', 'Bearer null', 'Token abc',
      // alg none, and an HS256 token signed with a guessed secret
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', org: 'E10000028', agency: 'local-authority', roles: ['case-officer'], iss: 'tell-it-once-dev', aud: 'tell-it-once', exp: 9_999_999_999 })}.`,
      `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['auditor'] })}.c2lnbmF0dXJl`,
      `Bearer ${b64({ alg: 'ES256', typ: 'JWT', kid: '../../../../dev/null' })}.${b64({ sub: 'x' })}.AAAA`,
    ),
    headerValue().map((s) => `Bearer ${s}`),
    headerValue(),
  );

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Tamper with a real token: flip its payload so the signature no longer matches. */
export function tamperedToken(token: string): string {
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  return `${h}.${b64({ ...payload, roles: ['auditor', 'case-officer', 'service'] })}.${s}`;
}

/** A path segment where an id goes: a real one, a random UUID, or something hostile (URL-encoded). */
export const pathId = (real: string, weights = { real: 6, random: 1, hostile: 3 }): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: weights.real, arbitrary: fc.constant(real) },
    { weight: weights.random, arbitrary: fc.constant(null).map(() => randomUUID()) },
    { weight: weights.hostile, arbitrary: hostileString().filter((s) => s.length > 0 && s.length < 2_000 && !/[\uD800-\uDFFF]/.test(s)).map((s) => encodeURIComponent(s)) },
  );

/** A query string with random and hostile parameters (repeated, bracketed, encoded). */
export const hostileQuery = (names: string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS, 'a[b]', 'limit[]', 'kind[0]', '__proto__[x]') }),
        fc.oneof(hostileString(), fc.integer({ min: -10, max: 1_000 }).map(String), fc.constantFrom('2025-01-01', '2025-02-30T25:61:00Z', '1-1', 'health,education', 'advice,,', ',', '2025', '+002025-01-01', '-000001-01-01')),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => pairs.filter(([, v]) => !/[\uD800-\uDFFF]/.test(v)).map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`).join('&'));

export interface FuzzResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  text: string;
}

/**
 * The bad-input property: a 4xx (of `allowed`) answered as Problem Details (`application/problem+json` with
 * `status`, `code` and a `detail` that names the reason; a 400 may instead list each field in `errors[].field` with
 * `reasons`). A 5xx, another media type or a reasonless answer throws with the request shown, so fast-check can
 * shrink it.
 */
export function assertClientError(res: FuzzResponse, what: string, allowed: number[] = [400, 401, 403, 404, 409, 413, 415, 422]): void {
  const fail = (why: string) => {
    throw new Error(`${what.slice(0, 400)}: ${why}; got ${res.status} ${res.text.slice(0, 400)}`);
  };
  // 431/414: Node's HTTP parser refuses oversized headers or request line before the app runs (no JSON to name why)
  if (res.status === 431 || res.status === 414) return;
  if (!allowed.includes(res.status)) fail(`expected one of ${allowed.join(', ')}`);
  if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) fail('the answer is not application/problem+json');
  const body = res.body as { detail?: unknown; status?: unknown; code?: unknown; errors?: { field?: unknown; reasons?: unknown }[] };
  if (!body || typeof body !== 'object') fail('the answer has no body');
  if (body.status !== res.status) fail('the problem\'s status is not the HTTP status');
  if (typeof body.code !== 'string' || body.code === '') fail('the problem has no code');
  const message = typeof body.detail === 'string' ? body.detail : '';
  if (res.status === 400 && Array.isArray(body.errors)) {
    if (body.errors.length === 0) fail('errors[] is empty');
    for (const e of body.errors) {
      if (typeof e.field !== 'string' || !Array.isArray(e.reasons) || e.reasons.length === 0 || !e.reasons.every((r) => typeof r === 'string' && r.length > 0)) fail('an errors[] entry does not name its field and reasons');
    }
    return;
  }
  if (!message.trim()) fail('the answer names no reason (detail)');
}

/** Client errors or success for a read route: never a 5xx, always JSON. */
export function assertNoServerError(res: FuzzResponse, what: string): void {
  // 431/414: Node's HTTP parser refuses an oversized request line or headers before the app runs (no body to name)
  if (res.status === 431 || res.status === 414) return;
  if (res.status >= 500 || res.status === 0) throw new Error(`${what.slice(0, 400)}: got ${res.status} ${res.text.slice(0, 400)}`);
  if (res.status >= 400) assertClientError(res, what, [res.status]);
}

/** Every fuzz request gets a deadline, so a hang fails the property instead of the whole run. */
export const FUZZ_TIMEOUT = { response: 10_000, deadline: 15_000 };

/** Sends one fuzz request; a timeout becomes a response with status 0 (which no property allows). */
export async function send(test: request.Test): Promise<FuzzResponse> {
  try {
    const res = await test.timeout(FUZZ_TIMEOUT);
    return { status: res.status, body: res.body, headers: res.headers as Record<string, string>, text: res.text ?? '' };
  } catch (err) {
    const e = err as { timeout?: number; code?: string; message?: string; response?: request.Response };
    if (e.response) return { status: e.response.status, body: e.response.body, headers: e.response.headers as Record<string, string>, text: e.response.text ?? '' };
    return { status: 0, body: undefined, headers: {}, text: `no answer: ${e.code ?? ''} ${e.message ?? String(err)}` };
  }
}

/** Counts inputs per target; `report` prints one line per file for the closing note. */
export class FuzzTally {
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(private readonly file: string) {}

  count(target: string, outcome: string | number): void {
    const byOutcome = this.counts.get(target) ?? new Map<string, number>();
    byOutcome.set(String(outcome), (byOutcome.get(String(outcome)) ?? 0) + 1);
    this.counts.set(target, byOutcome);
  }

  total(target?: string): number {
    let n = 0;
    for (const [t, m] of this.counts) if (!target || t === target) for (const c of m.values()) n += c;
    return n;
  }

  report(): string {
    const parts = [...this.counts].map(([t, m]) => `${t}: ${[...m.values()].reduce((a, b) => a + b, 0)} (${[...m].sort().map(([o, c]) => `${o}×${c}`).join(' ')})`);
    const line = `[fuzz] ${this.file}: ${this.total()} inputs tried; ${parts.join('; ')}`;
    console.log(line);
    return line;
  }
}

/** The seed of a fuzz run: FUZZ_SEED when set (to replay a run), else a fresh one; printed either way. */
export function fuzzSeed(label: string): number {
  const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
  console.log(`[fuzz] ${label} seed ${seed}`);
  return seed;
}
