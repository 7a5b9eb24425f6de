import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption of personal data: AES-256-GCM with a per-case data key (`node:crypto`).
 *
 * An encrypted field is stored as one string, the envelope:
 *
 *     $enc:tio-aes-256-gcm/v1:<kid>:<iv>:<ct>:<tag>
 *
 * `kid` is the data key's id (a UUID in the key store), `iv` the 96-bit nonce, `ct` the ciphertext of the field's
 * JSON value and `tag` the 128-bit GCM tag, each base64url. It is a string rather than a JSON object so that the
 * published `...v1` event schemas, whose personal fields are strings, stay valid and compatible: a consumer that
 * cannot decrypt sees an opaque string. The additional authenticated data binds the ciphertext to its case, so an
 * envelope copied into another case's event does not decrypt.
 */
export const ENVELOPE_SCHEME = 'tio-aes-256-gcm/v1';
const PREFIX = `$enc:${ENVELOPE_SCHEME}:`;
const B64URL = '[A-Za-z0-9_-]+';
const ENVELOPE = new RegExp(`^\\$enc:tio-aes-256-gcm/v1:([0-9a-fA-F-]{36}):(${B64URL}):(${B64URL}|):(${B64URL})$`);

/** What a personal field reads as once its key has been destroyed (crypto-shredded). */
export const ERASED = '[erased]';

/** A per-case data key, unwrapped (in memory only). */
export interface DataKey {
  kid: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface EnvelopeParts {
  kid: string;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/**
 * Whether a stored value is (or claims to be) an envelope. Anything starting `$enc:` counts, so a damaged envelope is
 * reported by `parseEnvelope` instead of passing for clear text. (New values are always encrypted, whatever they
 * look like, so text that merely starts with `$enc:` is stored as an envelope too.)
 */
export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('$enc:');
}

export function parseEnvelope(value: string): EnvelopeParts {
  const m = ENVELOPE.exec(value);
  if (!m) throw new EnvelopeError('not a tio-aes-256-gcm/v1 envelope');
  return { kid: m[1].toLowerCase(), iv: Buffer.from(m[2], 'base64url'), ct: Buffer.from(m[3], 'base64url'), tag: Buffer.from(m[4], 'base64url') };
}

/** The additional authenticated data: the case the value belongs to. */
const aad = (caseId: string) => Buffer.from(`tio:case:${caseId}`, 'utf8');

/** Encrypts any JSON value (a string, a date, an object) for a case. A fresh random IV every time. */
export function encryptValue(value: unknown, dataKey: DataKey, caseId: string): string {
  if (dataKey.key.length !== 32) throw new EnvelopeError('a data key is 32 bytes (AES-256)');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv);
  cipher.setAAD(aad(caseId));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value ?? null), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${PREFIX}${dataKey.kid}:${iv.toString('base64url')}:${ct.toString('base64url')}:${tag.toString('base64url')}`;
}

/**
 * Decrypts an envelope with its case's key. `undefined` (the key was destroyed) gives `ERASED`. A wrong key, a
 * tampered ciphertext or another case's envelope throw: they are integrity failures, never "erased".
 */
export function decryptValue(envelope: string, dataKey: DataKey | undefined, caseId: string): unknown {
  const parts = parseEnvelope(envelope);
  if (!dataKey) return ERASED;
  if (parts.kid !== dataKey.kid.toLowerCase()) throw new EnvelopeError(`envelope was encrypted with key ${parts.kid}, not ${dataKey.kid}`);
  const decipher = createDecipheriv('aes-256-gcm', dataKey.key, parts.iv);
  decipher.setAAD(aad(caseId));
  decipher.setAuthTag(parts.tag);
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(parts.ct), decipher.final()]).toString('utf8');
  } catch {
    throw new EnvelopeError('envelope does not authenticate (tampered, or not this case\'s)');
  }
  return JSON.parse(plain) as unknown;
}

/** The key id an envelope names. */
export const envelopeKid = (envelope: string): string => parseEnvelope(envelope).kid;

/** A fresh 32-byte data key. */
export function newDataKeyMaterial(): Buffer {
  return randomBytes(32);
}

/**
 * Wraps a data key with the master key (AES-256-GCM, AAD = case id and key id): what the key store keeps.
 * Layout: iv (12) | tag (16) | ciphertext (32).
 */
export function wrapKey(material: Buffer, masterKey: Buffer, caseId: string, kid: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(`tio:key:${caseId}:${kid}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(material), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

export function unwrapKey(wrapped: Buffer, masterKey: Buffer, caseId: string, kid: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, 12));
  decipher.setAAD(Buffer.from(`tio:key:${caseId}:${kid}`, 'utf8'));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  } catch {
    throw new EnvelopeError(`data key ${kid} of case ${caseId} does not unwrap: wrong TIO_MASTER_KEY, or the row was altered`);
  }
}

/** Reads the master key (base64, 32 bytes) from the environment; refuses anything else. */
export function masterKeyFrom(env: NodeJS.ProcessEnv = process.env, name = 'TIO_MASTER_KEY'): Buffer {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: the master key that wraps the per-case data keys (base64 of 32 random bytes; npm start makes one in .local/run/)`);
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw new Error(`${name} must be base64 of exactly 32 bytes (e.g. \`node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"\`)`);
  }
  return key;
}
