import { webConfig } from './config';

const env = { OIDC_ISSUER: 'https://login.example.gov.uk/', OIDC_CLIENT_ID: 'tio', OIDC_CLIENT_SECRET: 's', OIDC_REDIRECT_URI: 'https://tio.example.gov.uk/auth/callback', TIMELINE_URL: 'http://timeline:3000' };

describe("the web service's configuration", () => {
  it('reads the OpenID client settings; cookies are Secure when the service is reached over https', () => {
    expect(webConfig(env)).toMatchObject({
      port: 3006, issuer: 'https://login.example.gov.uk', clientId: 'tio', redirectUri: 'https://tio.example.gov.uk/auth/callback',
      postLogoutRedirectUri: 'https://tio.example.gov.uk/signed-out', scope: 'openid profile tio', secureCookies: true, sessionHours: 8,
    });
    expect(webConfig({ ...env, OIDC_REDIRECT_URI: 'http://127.0.0.1:3006/auth/callback' }).secureCookies).toBe(false);
  });

  it.each(['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'TIMELINE_URL'])('stops at start naming %s when it is missing', (name) => {
    expect(() => webConfig({ ...env, [name]: '' })).toThrow(new RegExp(`^${name} is not set`));
  });

  it('reads the agency services and the audit service when set; an agency left out has no worklist', () => {
    expect(webConfig(env)).toMatchObject({ agencyUrls: {}, auditUrl: undefined });
    expect(webConfig({ ...env, EDUCATION_URL: 'http://education:3001/', SOCIAL_CARE_URL: 'http://social-care:3003', AUDIT_URL: 'http://audit:3005' })).toMatchObject({
      agencyUrls: { education: 'http://education:3001', 'social-care': 'http://social-care:3003' }, auditUrl: 'http://audit:3005',
    });
    expect(() => webConfig({ ...env, HEALTH_URL: 'health' })).toThrow('HEALTH_URL=health is not a URL');
  });

  it('refuses a URL that is not one, and a session length out of range', () => {
    expect(() => webConfig({ ...env, OIDC_ISSUER: 'login' })).toThrow('OIDC_ISSUER=login is not a URL');
    expect(() => webConfig({ ...env, WEB_SESSION_HOURS: '48' })).toThrow(/WEB_SESSION_HOURS=48/);
  });

  it("reads the families' citizen identity provider (One Login's defaults) and the family token, or none when CITIZEN_OIDC_ISSUER is unset", () => {
    expect(webConfig(env).citizen).toBeUndefined();
    const citizen = { CITIZEN_OIDC_ISSUER: 'https://oidc.integration.account.gov.uk/', CITIZEN_OIDC_CLIENT_ID: 'tio-families', CITIZEN_OIDC_PRIVATE_KEY: 'client-key', FAMILY_JWT_PRIVATE_KEY: 'family-key' };
    expect(webConfig({ ...env, ...citizen }).citizen).toEqual({
      issuer: 'https://oidc.integration.account.gov.uk/', clientId: 'tio-families', privateKeyPem: 'client-key', keyId: undefined, scope: 'openid email', vtr: '["Cl.Cm"]',
      familyToken: { privateKeyPem: 'family-key', issuer: 'tell-it-once-family', audience: 'tell-it-once', lifetimeSeconds: 3600 },
    });
    expect(webConfig({ ...env, ...citizen, CITIZEN_OIDC_KEY_ID: 'k1', CITIZEN_OIDC_SCOPE: 'openid', CITIZEN_OIDC_VTR: '', FAMILY_JWT_ISSUER: 'fam', FAMILY_JWT_KEY_ID: 'family-2026', JWT_AUDIENCE: 'api', FAMILY_TOKEN_MINUTES: '15' }).citizen).toMatchObject({
      keyId: 'k1', scope: 'openid', vtr: '', familyToken: { keyId: 'family-2026', issuer: 'fam', audience: 'api', lifetimeSeconds: 900 },
    });
    for (const name of ['CITIZEN_OIDC_CLIENT_ID', 'CITIZEN_OIDC_PRIVATE_KEY', 'FAMILY_JWT_PRIVATE_KEY']) expect(() => webConfig({ ...env, ...citizen, [name]: '' })).toThrow(new RegExp(`^${name} is not set`));
    expect(() => webConfig({ ...env, ...citizen, FAMILY_TOKEN_MINUTES: '1000' })).toThrow(/FAMILY_TOKEN_MINUTES=1000/);
  });

  it('keeps sessions in PostgreSQL with DATABASE_URL, sealed under WEB_SESSION_KEY (required over https; made at start over plain http)', () => {
    expect(webConfig(env).sessionDatabase).toBeUndefined();
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(webConfig({ ...env, DATABASE_URL: 'postgres://db/tio_web', WEB_SESSION_KEY: key }).sessionDatabase).toEqual({
      url: 'postgres://db/tio_web', key: Buffer.alloc(32, 7), keyMadeAtStart: false, sweepEveryMs: 300_000,
    });
    expect(() => webConfig({ ...env, DATABASE_URL: 'postgres://db/tio_web' })).toThrow(/^WEB_SESSION_KEY is not set/);
    expect(() => webConfig({ ...env, DATABASE_URL: 'postgres://db/tio_web', WEB_SESSION_KEY: Buffer.alloc(16).toString('base64') })).toThrow('WEB_SESSION_KEY must be base64 of 32 random bytes');
    expect(() => webConfig({ ...env, DATABASE_URL: 'postgres://db/tio_web', WEB_SESSION_KEY: 'not a key!' })).toThrow('WEB_SESSION_KEY must be base64 of 32 random bytes');
    const development = webConfig({ ...env, OIDC_REDIRECT_URI: 'http://127.0.0.1:3006/auth/callback', DATABASE_URL: 'postgres://db/tio_web' }).sessionDatabase;
    expect(development).toMatchObject({ keyMadeAtStart: true });
    expect(development?.key).toHaveLength(32);
  });
});
