import { createHash, randomBytes } from 'node:crypto';
import { openPayload, sealPayload, sessionIdHash, sessionKeyFrom } from './session-crypto';

// The rows of the PostgreSQL session store: keyed by SHA-256 of the cookie's id, the payload sealed with AES-256-GCM
// under WEB_SESSION_KEY with the hashed id and the row's kind as associated data.
describe('sealing a session row', () => {
  const key = randomBytes(32);
  const payload = { principal: { userId: 'caseworker-priya' }, accessToken: 'at', csrf: 'c', expiresAt: 123 };
  const idHash = sessionIdHash('cookie-id') as Buffer;

  it('keys a row by SHA-256 of the cookie id, never the id itself; no row for no id or an absurdly long one', () => {
    expect(idHash).toHaveLength(32);
    expect(idHash.toString('hex')).toBe(createHash('sha256').update('cookie-id').digest('hex'));
    expect(idHash.toString('latin1')).not.toContain('cookie-id');
    expect(sessionIdHash('cookie-id')?.equals(idHash)).toBe(true);
    expect(sessionIdHash('another-id')?.equals(idHash)).toBe(false);
    expect(sessionIdHash(undefined)).toBeUndefined();
    expect(sessionIdHash('')).toBeUndefined();
    expect(sessionIdHash('x'.repeat(129))).toBeUndefined();
  });

  it('opens what it sealed; the ciphertext shows nothing of the payload and differs each time (random IV)', () => {
    const sealed = sealPayload(key, 'session', idHash, payload);
    expect(openPayload(key, 'session', idHash, sealed)).toEqual(payload);
    expect(sealed.toString('latin1')).not.toContain('caseworker-priya');
    expect(sealed.toString('latin1')).not.toContain('accessToken');
    expect(sealPayload(key, 'session', idHash, payload).equals(sealed)).toBe(false);
  });

  it('refuses a tampered ciphertext, tag, IV or version byte', () => {
    const sealed = sealPayload(key, 'session', idHash, payload);
    for (const at of [0, 1, 13, 29, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      expect(openPayload(key, 'session', idHash, tampered)).toBeUndefined();
    }
    expect(openPayload(key, 'session', idHash, sealed.subarray(0, sealed.length - 1))).toBeUndefined();
    expect(openPayload(key, 'session', idHash, Buffer.alloc(10))).toBeUndefined();
  });

  it("refuses a swapped row: another id's payload, or a sign-in under way read as a session", () => {
    const other = sessionIdHash('other-cookie-id') as Buffer;
    expect(openPayload(key, 'session', other, sealPayload(key, 'session', idHash, payload))).toBeUndefined();
    expect(openPayload(key, 'session', idHash, sealPayload(key, 'sign-in', idHash, payload))).toBeUndefined();
  });

  it('refuses a row sealed under another key', () => {
    expect(openPayload(randomBytes(32), 'session', idHash, sealPayload(key, 'session', idHash, payload))).toBeUndefined();
  });

  it('takes WEB_SESSION_KEY as base64 of exactly 32 bytes', () => {
    const given = randomBytes(32);
    expect(sessionKeyFrom('WEB_SESSION_KEY', given.toString('base64')).equals(given)).toBe(true);
    expect(() => sessionKeyFrom('WEB_SESSION_KEY', randomBytes(31).toString('base64'))).toThrow('WEB_SESSION_KEY must be base64 of 32 random bytes');
    expect(() => sessionKeyFrom('WEB_SESSION_KEY', `${given.toString('base64')}!!`)).toThrow('WEB_SESSION_KEY must be base64 of 32 random bytes');
  });
});
