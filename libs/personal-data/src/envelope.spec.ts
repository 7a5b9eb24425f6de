import { randomBytes, randomUUID } from 'node:crypto';
import {
  decryptValue, encryptValue, envelopeKid, ERASED, EnvelopeError, isEnvelope, masterKeyFrom, newDataKeyMaterial, parseEnvelope, unwrapKey, wrapKey, type DataKey,
} from './envelope';
import { mapPersonalFields, personalFieldValues } from './policy';
import { isRetentionOver, retentionEndsOn, retentionYearsFrom } from './retention';

const CASE = randomUUID();
const key = (): DataKey => ({ kid: randomUUID(), key: newDataKeyMaterial() });

describe('field envelopes (AES-256-GCM)', () => {
  it('round-trips strings, dates and objects, with a fresh IV every time', () => {
    const k = key();
    for (const value of ['The child finds noise hard. MARKER-1', '2015-03-01', { a: 1, b: ['x'] }, '']) {
      const a = encryptValue(value, k, CASE);
      const b = encryptValue(value, k, CASE);
      expect(isEnvelope(a)).toBe(true);
      expect(a).not.toEqual(b);
      expect(a).not.toContain('MARKER');
      expect(decryptValue(a, k, CASE)).toEqual(value);
      expect(envelopeKid(a)).toBe(k.kid);
    }
  });

  it('has the documented format', () => {
    const k = key();
    const env = encryptValue('x', k, CASE);
    expect(env).toMatch(/^\$enc:tio-aes-256-gcm\/v1:[0-9a-f-]{36}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*:[A-Za-z0-9_-]+$/);
    const parts = parseEnvelope(env);
    expect(parts.iv).toHaveLength(12);
    expect(parts.tag).toHaveLength(16);
  });

  it('reads as [erased] once the key is gone', () => {
    expect(decryptValue(encryptValue('secret', key(), CASE), undefined, CASE)).toBe(ERASED);
  });

  it('refuses another case, another key and a tampered ciphertext (integrity, never "erased")', () => {
    const k = key();
    const env = encryptValue('secret', k, CASE);
    expect(() => decryptValue(env, k, randomUUID())).toThrow(EnvelopeError);
    expect(() => decryptValue(env, { kid: k.kid, key: newDataKeyMaterial() }, CASE)).toThrow(EnvelopeError);
    expect(() => decryptValue(env, key(), CASE)).toThrow(/encrypted with key/);
    const parts = env.split(':');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    expect(() => decryptValue(parts.join(':'), k, CASE)).toThrow(EnvelopeError);
    expect(() => parseEnvelope('$enc:tio-aes-256-gcm/v1:nope')).toThrow(EnvelopeError);
  });

  it('wraps data keys with the master key, bound to the case and key id', () => {
    const master = randomBytes(32);
    const material = newDataKeyMaterial();
    const kid = randomUUID();
    const wrapped = wrapKey(material, master, CASE, kid);
    expect(wrapped.includes(material)).toBe(false);
    expect(unwrapKey(wrapped, master, CASE, kid).equals(material)).toBe(true);
    expect(() => unwrapKey(wrapped, randomBytes(32), CASE, kid)).toThrow(/TIO_MASTER_KEY/);
    expect(() => unwrapKey(wrapped, master, randomUUID(), kid)).toThrow(EnvelopeError);
  });

  it('reads the master key from the environment only as base64 of 32 bytes', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(masterKeyFrom({ TIO_MASTER_KEY: b64 })).toHaveLength(32);
    expect(() => masterKeyFrom({})).toThrow(/TIO_MASTER_KEY is not set/);
    expect(() => masterKeyFrom({ TIO_MASTER_KEY: randomBytes(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => masterKeyFrom({ TIO_MASTER_KEY: 'not base64 at all!' })).toThrow(/32 bytes/);
  });
});

describe('personal field policy', () => {
  it('maps advice section texts and reasons, leaving headings, ids and the input alone', () => {
    const data = { adviceId: 'a', reason: 'why', sections: [{ heading: 'Needs', text: 't1' }, { heading: 'Outcomes', text: 't2' }] };
    const out = mapPersonalFields('advice.corrected.v1', data, (v) => `<${String(v)}>`);
    expect(out).toEqual({ adviceId: 'a', reason: '<why>', sections: [{ heading: 'Needs', text: '<t1>' }, { heading: 'Outcomes', text: '<t2>' }] });
    expect(data.sections[0].text).toBe('t1');
    expect(personalFieldValues('advice.corrected.v1', data)).toEqual(['t1', 't2', 'why']);
  });

  it('maps the child details on a request, skipping absent ones; other types are untouched', () => {
    const data = { caseId: 'c', childRef: 'ref', child: { dateOfBirth: '2015-01-02', name: 'Sam' } };
    expect(mapPersonalFields('ehc.request-received.v1', data, () => 'X')).toEqual({ caseId: 'c', childRef: 'ref', child: { dateOfBirth: 'X', name: 'X' } });
    expect(mapPersonalFields('ehc.request-received.v1', { caseId: 'c' }, () => 'X')).toEqual({ caseId: 'c' });
    const other = { reason: 'statutory enum' };
    expect(mapPersonalFields('ehc.plan-ceased.v1', other, () => 'X')).toBe(other);
  });
});

describe('retention: date of birth + N years', () => {
  it('is configurable, 31 years by default', () => {
    expect(retentionYearsFrom({})).toBe(31);
    expect(retentionYearsFrom({ RETENTION_YEARS_AFTER_BIRTH: '25' })).toBe(25);
    expect(() => retentionYearsFrom({ RETENTION_YEARS_AFTER_BIRTH: '2.5' })).toThrow(/whole number/);
    expect(() => retentionYearsFrom({ RETENTION_YEARS_AFTER_BIRTH: '0' })).toThrow(/whole number/);
  });

  it('ends on the anniversary, 1 March for a 29 February birthday in a common year', () => {
    expect(retentionEndsOn('2010-06-15', 31)).toBe('2041-06-15');
    expect(retentionEndsOn('2012-02-29', 31)).toBe('2043-03-01');
    expect(retentionEndsOn('2012-02-29', 32)).toBe('2044-02-29');
    expect(isRetentionOver('2010-06-15', 31, '2041-06-14')).toBe(false);
    expect(isRetentionOver('2010-06-15', 31, '2041-06-15')).toBe(true);
    expect(() => retentionEndsOn('15/06/2010', 31)).toThrow(/ISO date/);
  });
});
