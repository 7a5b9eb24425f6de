import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';

/**
 * Bot protection for the public request for an assessment (no account, so no sign-in to lean on), without a
 * third-party service. Besides the per-address rate limit:
 * - a form token: the form is fetched first (`GET /family/assessment-requests/form-token`), which gives a token signed
 *   with the service's key (HMAC-SHA256) carrying when it was issued. A request without a valid token, sent sooner
 *   than a person can fill the form in (PUBLIC_REQUEST_MIN_FILL_SECONDS), or after the token's 2 hours, is refused;
 *   each token makes one request (its nonce is kept with the case it made), so a script cannot replay one token from
 *   many addresses;
 * - a honeypot: the form has a field people do not see (`website`); software that fills in every field fills it.
 * Nothing personal is in a token; the check needs no storage until the token is used.
 */
export interface PublicRequestGuardSettings {
  secret: Buffer;
  minFillMs: number;
  maxAgeMs: number;
  /** From PUBLIC_REQUEST_FORM_SECRET; false when a random key was made at start (tokens die with the process). */
  configuredSecret: boolean;
}

export const FORM_TOKEN_HOURS = 2;

export function publicRequestGuardSettings(env: NodeJS.ProcessEnv = process.env): PublicRequestGuardSettings {
  const secret = env['PUBLIC_REQUEST_FORM_SECRET'];
  if (secret !== undefined && secret.length < 32) throw new Error('PUBLIC_REQUEST_FORM_SECRET must be at least 32 characters (it signs the public request form tokens)');
  const minFill = Number(env['PUBLIC_REQUEST_MIN_FILL_SECONDS'] ?? 3);
  if (!Number.isFinite(minFill) || minFill < 0) throw new Error(`PUBLIC_REQUEST_MIN_FILL_SECONDS=${env['PUBLIC_REQUEST_MIN_FILL_SECONDS']} is not a number of seconds`);
  return { secret: secret ? Buffer.from(secret, 'utf8') : randomBytes(32), minFillMs: minFill * 1000, maxAgeMs: FORM_TOKEN_HOURS * 3_600_000, configuredSecret: !!secret };
}

export interface IssuedFormToken {
  formToken: string;
  /** The earliest moment the form may be sent with it. */
  notBefore: string;
  expiresAt: string;
}

const sign = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(`form-token:${payload}`).digest('base64url');

export function issueFormToken(settings: PublicRequestGuardSettings, now: Date = new Date()): IssuedFormToken {
  const payload = `v1.${now.getTime().toString(36)}.${randomBytes(16).toString('base64url')}`;
  return {
    formToken: `${payload}.${sign(settings.secret, payload)}`,
    notBefore: new Date(now.getTime() + settings.minFillMs).toISOString(),
    expiresAt: new Date(now.getTime() + settings.maxAgeMs).toISOString(),
  };
}

/** Why a request is refused as (probably) not from a person filling in the form: the Problem Details code and words. */
export type GuardRefusal = { code: 'form-token-invalid' | 'form-sent-too-quickly' | 'automated-request-refused'; detail: string };

const refusal = (code: GuardRefusal['code'], detail: string): GuardRefusal => ({ code, detail });

/** The token's nonce when it may make a request now; otherwise why not. Pure: the clock is an argument. */
export function checkFormToken(token: string | undefined, settings: PublicRequestGuardSettings, now: Date = new Date()): { nonce: string } | GuardRefusal {
  const invalid = refusal('form-token-invalid', 'The form has expired or was not loaded from this service. Load the form again and send it.');
  const parts = (token ?? '').split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return invalid;
  const [version, issued, nonce, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(settings.secret, `${version}.${issued}.${nonce}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  const age = now.getTime() - parseInt(issued, 36);
  if (!Number.isFinite(age) || age > settings.maxAgeMs || age < -60_000) return invalid;
  if (age < settings.minFillMs) return refusal('form-sent-too-quickly', `The form was sent less than ${Math.ceil(settings.minFillMs / 1000)} seconds after it was loaded. Wait a moment and send it again.`);
  return { nonce };
}

/** The honeypot: any text in the field people do not see. */
export function honeypotRefusal(website: string | undefined): GuardRefusal | undefined {
  return website && website.trim() ? refusal('automated-request-refused', 'This request looks as if it was sent by software, not a person. If you filled in the form yourself, contact your council’s SEND team.') : undefined;
}

export const refused = (r: GuardRefusal) => new BadRequestException({ code: r.code, detail: r.detail });

/**
 * What makes two requests without an Idempotency-Key the same request (see PUBLIC_REQUEST_DUPLICATE_WINDOW_HOURS):
 * the council, the child's name and date of birth, and the requester's email address, normalised; keyed with the
 * service's key so the stored digest is no guessable stand-in for a child.
 */
export function requestFingerprint(settings: PublicRequestGuardSettings, r: { localAuthority: string; childName?: string; dateOfBirth: string; email: string }): string {
  const norm = (s: string | undefined) => (s ?? '').normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  return createHmac('sha256', settings.secret).update(JSON.stringify(['public-request', r.localAuthority, norm(r.childName), r.dateOfBirth, norm(r.email)])).digest('hex');
}
