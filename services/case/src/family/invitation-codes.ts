import { createHash, randomInt } from 'node:crypto';

/**
 * One-time invitation codes: 15 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so 15 x log2(31) =
 * 74 bits of randomness, shown in three groups of five (`K7MX2-QF9RD-W4HPT`). Only the SHA-256 digest of the
 * normalised code is ever stored; the code exists in the answer to the LA (or the delivery port) and nowhere else.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 15;

export function newInvitationCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [0, 5, 10].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/** What the person typed, as the code: upper case, without spaces or hyphens; undefined when it cannot be a code. */
export function normaliseCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return undefined;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return undefined;
  return code;
}

export function codeDigest(code: string): string {
  return createHash('sha256').update(normaliseCode(code) ?? code).digest('hex');
}
