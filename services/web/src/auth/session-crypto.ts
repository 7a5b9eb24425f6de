import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** What a row holds: a signed-in session, or a sign-in under way (never the one for the other). */
export type SessionRowKind = 'session' | 'sign-in';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The cookie's id is 43 base64url characters; anything much longer is not one of ours and is not hashed. */
const MAX_ID_LENGTH = 128;

/** The row key: SHA-256 of the cookie's random id (the id itself is never stored), or undefined for no or an absurd id. */
export function sessionIdHash(id: string | undefined): Buffer | undefined {
  if (!id || id.length > MAX_ID_LENGTH) return undefined;
  return createHash('sha256').update(id, 'utf8').digest();
}

/** The key from WEB_SESSION_KEY: base64 of exactly 32 bytes (AES-256). */
export function sessionKeyFrom(name: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== base64.trim().replace(/=+$/, '')) {
    throw new Error(`${name} must be base64 of 32 random bytes (openssl rand -base64 32)`);
  }
  return key;
}

/** Bound into every ciphertext: a row's payload opens only under its own hashed id and kind, so rows cannot be swapped. */
const associatedData = (kind: SessionRowKind, idHash: Buffer) => Buffer.concat([Buffer.from(`tio-web:${kind}:v${VERSION}:`, 'utf8'), idHash]);

/** AES-256-GCM: version byte, 96-bit random IV, 128-bit tag, then the ciphertext of the JSON payload. */
export function sealPayload(key: Buffer, kind: SessionRowKind, idHash: Buffer, payload: unknown): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(kind, idHash));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/**
 * The payload, or undefined when the row does not open: another key, another row's id or kind (a swapped row), or a
 * changed byte anywhere (GCM's tag). Nothing of a refused row is used.
 */
export function openPayload<T>(key: Buffer, kind: SessionRowKind, idHash: Buffer, sealed: Buffer): T | undefined {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(associatedData(kind, idHash));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
