import { checkFormToken, honeypotRefusal, issueFormToken, publicRequestGuardSettings, requestFingerprint } from './public-request-guard';

describe('the public request form token and honeypot', () => {
  const settings = publicRequestGuardSettings({ PUBLIC_REQUEST_FORM_SECRET: 'a-test-secret-of-at-least-32-characters', PUBLIC_REQUEST_MIN_FILL_SECONDS: '3' });
  const issuedAt = new Date('2026-03-02T10:00:00Z');
  const after = (ms: number) => new Date(issuedAt.getTime() + ms);

  it('Given a token issued by this service, When the form is sent 3 seconds to 2 hours later, Then it may make a request, with the token’s nonce', () => {
    const { formToken, notBefore, expiresAt } = issueFormToken(settings, issuedAt);
    expect({ notBefore, expiresAt }).toEqual({ notBefore: '2026-03-02T10:00:03.000Z', expiresAt: '2026-03-02T12:00:00.000Z' });
    expect(checkFormToken(formToken, settings, after(3_000))).toEqual({ nonce: formToken.split('.')[2] });
    expect(checkFormToken(formToken, settings, after(7_199_000))).toHaveProperty('nonce');
  });

  it('Given a token, When the form is sent sooner than a person fills it in, Then form-sent-too-quickly', () => {
    const { formToken } = issueFormToken(settings, issuedAt);
    expect(checkFormToken(formToken, settings, after(1_000))).toMatchObject({ code: 'form-sent-too-quickly' });
  });

  it('Given no token, a forged or altered one, one signed with another key or past its 2 hours, Then form-token-invalid', () => {
    const { formToken } = issueFormToken(settings, issuedAt);
    const [v, issued, nonce] = formToken.split('.');
    const other = publicRequestGuardSettings({ PUBLIC_REQUEST_FORM_SECRET: 'another-secret-of-at-least-32-characters!!' });
    for (const token of [undefined, '', 'v1.x.y.z', `${v}.${(issuedAt.getTime() - 60_000).toString(36)}.${nonce}.${formToken.split('.')[3]}`, issueFormToken(other, issuedAt).formToken]) {
      expect(checkFormToken(token, settings, after(10_000))).toMatchObject({ code: 'form-token-invalid' });
    }
    expect(issued).toBeDefined();
    expect(checkFormToken(formToken, settings, after(7_200_001))).toMatchObject({ code: 'form-token-invalid' });
  });

  it('refuses a request whose hidden field was filled in (automated-request-refused), and nothing else', () => {
    expect(honeypotRefusal('http://spam.example')).toMatchObject({ code: 'automated-request-refused' });
    expect(honeypotRefusal('')).toBeUndefined();
    expect(honeypotRefusal(undefined)).toBeUndefined();
  });

  it('a short PUBLIC_REQUEST_FORM_SECRET stops the service at start', () => {
    expect(() => publicRequestGuardSettings({ PUBLIC_REQUEST_FORM_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('the duplicate fingerprint ignores case and spacing, and differs by child, council or email; it is keyed', () => {
    const base = { localAuthority: 'E10000028', childName: 'Alex Example', dateOfBirth: '2018-05-01', email: 'robin@example.org' };
    const f = requestFingerprint(settings, base);
    expect(requestFingerprint(settings, { ...base, childName: '  alex   EXAMPLE ', email: 'Robin@Example.org ' })).toBe(f);
    expect(requestFingerprint(settings, { ...base, childName: 'Sam Example' })).not.toBe(f);
    expect(requestFingerprint(settings, { ...base, localAuthority: 'E10000029' })).not.toBe(f);
    expect(requestFingerprint(settings, { ...base, email: 'other@example.org' })).not.toBe(f);
    expect(requestFingerprint(publicRequestGuardSettings({ PUBLIC_REQUEST_FORM_SECRET: 'another-secret-of-at-least-32-characters!!' }), base)).not.toBe(f);
  });
});
