import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { citizenIdentityFromClaims, citizenSubject, DEFAULT_FAMILY_ISSUER, familyKeyId, familyPrincipalFromClaims, mintFamilyToken } from './citizen';
import { CitizenTokenExchange, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, votsOf } from './citizen-exchange';
import { mintToken } from './dev-keys';
import { authConfigFromEnv, TokenVerifier } from './verifier';

const ONE_LOGIN = 'https://oidc.integration.account.gov.uk/';
const CLIENT_ID = 'tio-web-citizen';

describe('claim mapping in: a citizen ID token to the platform', () => {
  it('given a One Login-shaped ID token, when mapped, then only sub (namespaced by issuer), email and vot are taken', () => {
    expect(citizenIdentityFromClaims(ONE_LOGIN, { sub: 'urn:fdc:gov.uk:2022:abc', email: 'jo@example.org', email_verified: true, vot: 'Cl.Cm', sid: 's-1', iss: ONE_LOGIN, aud: CLIENT_ID })).toEqual({
      subject: 'citizen:https://oidc.integration.account.gov.uk/#urn:fdc:gov.uk:2022:abc', email: 'jo@example.org', emailVerified: true, vot: 'Cl.Cm',
    });
  });

  it('given a citizen token claiming practitioner roles, an organisation and an agency, when mapped, then none of them is taken', () => {
    const identity = citizenIdentityFromClaims(ONE_LOGIN, { sub: 'x', roles: ['case-officer'], org: 'E10000028', agency: 'local-authority', name: 'Priya' });
    expect(identity).toEqual({ subject: citizenSubject(ONE_LOGIN, 'x') });
  });

  it('given no sub, or one too long to store, when mapped, then it is refused', () => {
    expect(citizenIdentityFromClaims(ONE_LOGIN, { email: 'jo@example.org' })).toEqual({ invalid: 'the citizen ID token has no subject (sub)' });
    expect(citizenIdentityFromClaims(ONE_LOGIN, { sub: 'a'.repeat(250) })).toHaveProperty('invalid');
  });

  it('namespaces by issuer: the same sub at two providers is two people, and neither is a practitioner subject', () => {
    expect(citizenSubject(ONE_LOGIN, 'same')).not.toBe(citizenSubject('https://other.example/', 'same'));
    // an issuer's text cannot run into the sub: an issuer identifier has no fragment
    expect(() => citizenSubject('https://evil.example/#x', 'y')).toThrow(/no fragment/);
    expect(citizenSubject(ONE_LOGIN, 'caseworker-priya')).not.toBe('caseworker-priya');
  });
});

describe('claim mapping out: a family token at the APIs', () => {
  it('given a family token claiming roles case-officer, org and agency, when mapped, then the principal is family only', () => {
    expect(familyPrincipalFromClaims({ sub: citizenSubject(ONE_LOGIN, 'x'), roles: ['case-officer'], org: 'E10000028', agency: 'local-authority', exp: 2_000_000_000 })).toEqual({
      userId: citizenSubject(ONE_LOGIN, 'x'), organisationId: 'family', agency: 'family', roles: ['family'], expiresAt: 2_000_000_000_000,
    });
  });

  it('given a family token whose subject is not a citizen subject, when mapped, then it is refused', () => {
    expect(familyPrincipalFromClaims({ sub: 'caseworker-priya' })).toHaveProperty('invalid');
  });
});

describe('the token verifier: the family token issuer only ever makes family members', () => {
  let privateKeyPem: string;
  let verifier: TokenVerifier;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKeyPem = await exportPKCS8(pair.privateKey);
    verifier = new TokenVerifier(authConfigFromEnv({ JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }));
  });

  it('verifies the exchange\'s token as a family principal, and refuses a practitioners\' issuer speaking for a family member', async () => {
    await expect(verifier.verify(await mintFamilyToken(privateKeyPem, { subject: citizenSubject(ONE_LOGIN, 'jo') }))).resolves.toMatchObject({ userId: citizenSubject(ONE_LOGIN, 'jo'), roles: ['family'] });
    await expect(verifier.verify(await mintToken(privateKeyPem, { userId: 'jo', organisationId: 'family', agency: 'family', roles: ['family'] }))).rejects.toThrow(/the role family comes only from the family token issuer/);
  });

  it('checks a family token with the family key when one is set (FAMILY_JWT_PUBLIC_KEY), not the practitioners\' key', async () => {
    const family = await generateKeyPair('ES256', { extractable: true });
    const practitioners = await generateKeyPair('ES256', { extractable: true });
    const separate = new TokenVerifier(authConfigFromEnv({ JWT_PUBLIC_KEY: await exportSPKI(practitioners.publicKey), FAMILY_JWT_PUBLIC_KEY: await exportSPKI(family.publicKey) }));
    await expect(separate.verify(await mintFamilyToken(await exportPKCS8(family.privateKey), { subject: citizenSubject(ONE_LOGIN, 'jo') }))).resolves.toMatchObject({ roles: ['family'] });
    await expect(separate.verify(await mintFamilyToken(await exportPKCS8(practitioners.privateKey), { subject: citizenSubject(ONE_LOGIN, 'jo') }))).rejects.toThrow(/signature verification failed/);
  });

  it('names the signing key in the family token\'s header: kid is the public key\'s RFC 7638 thumbprint, or the key id configured', async () => {
    const family = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(family.privateKey);
    const thumbprint = await calculateJwkThumbprint(await exportJWK(family.publicKey), 'sha256');
    expect(decodeProtectedHeader(await mintFamilyToken(pem, { subject: citizenSubject(ONE_LOGIN, 'jo') }))).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: thumbprint });
    expect([await familyKeyId(pem), await familyKeyId(await exportSPKI(family.publicKey))]).toEqual([thumbprint, thumbprint]);
    expect(decodeProtectedHeader(await mintFamilyToken(pem, { subject: citizenSubject(ONE_LOGIN, 'jo'), keyId: 'family-2026' })).kid).toBe('family-2026');
    const rsa = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    expect(decodeProtectedHeader(await mintFamilyToken(await exportPKCS8(rsa.privateKey), { subject: citizenSubject(ONE_LOGIN, 'jo') })))
      .toEqual({ alg: 'RS256', typ: 'at+jwt', kid: await calculateJwkThumbprint(await exportJWK(rsa.publicKey), 'sha256') });
  });

  it('picks the family key by kid from a key set (FAMILY_JWT_JWKS): across a rotation each token by the key that signed it, kids by thumbprint when the set has none', async () => {
    const pair = () => generateKeyPair('ES256', { extractable: true });
    const [old, current, stranger] = [await pair(), await pair(), await pair()];
    const pem = (k: typeof old) => exportPKCS8(k.privateKey);
    const jo = { subject: citizenSubject(ONE_LOGIN, 'jo') };
    const practitioners = await exportSPKI((await generateKeyPair('ES256', { extractable: true })).publicKey);
    // a set written from the public keys alone, no kids: the verifier gives each its thumbprint, which the tokens carry
    const bare = new TokenVerifier(authConfigFromEnv({ JWT_PUBLIC_KEY: practitioners, FAMILY_JWT_JWKS: JSON.stringify({ keys: [await exportJWK(old.publicKey), await exportJWK(current.publicKey)] }) }));
    await expect(bare.verify(await mintFamilyToken(await pem(old), jo))).resolves.toMatchObject({ roles: ['family'] });
    await expect(bare.verify(await mintFamilyToken(await pem(current), jo))).resolves.toMatchObject({ roles: ['family'] });
    await expect(bare.verify(await mintFamilyToken(await pem(stranger), jo))).rejects.toThrow(/no applicable key found in the JSON Web Key Set/);
    // configured key ids (FAMILY_JWT_KEY_ID at the web service): the kid picks the key, and a kid that is not the signer's fails
    const named = new TokenVerifier(authConfigFromEnv({ JWT_PUBLIC_KEY: practitioners, FAMILY_JWT_JWKS: JSON.stringify({ keys: [{ ...(await exportJWK(old.publicKey)), kid: 'family-2025' }, { ...(await exportJWK(current.publicKey)), kid: 'family-2026' }] }) }));
    await expect(named.verify(await mintFamilyToken(await pem(current), { ...jo, keyId: 'family-2026' }))).resolves.toMatchObject({ roles: ['family'] });
    await expect(named.verify(await mintFamilyToken(await pem(old), { ...jo, keyId: 'family-2025' }))).resolves.toMatchObject({ roles: ['family'] });
    await expect(named.verify(await mintFamilyToken(await pem(current), { ...jo, keyId: 'family-2025' }))).rejects.toThrow(/signature verification failed/);
    await expect(named.verify(await mintFamilyToken(await pem(current), jo))).rejects.toThrow(/no applicable key found/);
  });

  it('refuses a configuration where the family token issuer is also a practitioners\' issuer', () => {
    expect(() => authConfigFromEnv({ JWT_PUBLIC_KEY: 'x', JWT_ISSUER: `tell-it-once-dev,${DEFAULT_FAMILY_ISSUER}` })).toThrow(/must be one of its own/);
  });
});

describe('the citizen token exchange (RFC 8693)', () => {
  let citizenKey: KeyLike;
  let practitionerKey: KeyLike;
  let exchange: CitizenTokenExchange;
  let exchangeWithKeyId: CitizenTokenExchange;
  let platformKeyPem: string;
  const idToken = (claims: Record<string, unknown>, opts: { issuer?: string; audience?: string; key?: KeyLike; expires?: string } = {}) =>
    new SignJWT({ vot: 'Cl.Cm', sid: 'sid-1', nonce: 'n-1', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'citizen' })
      .setIssuer(opts.issuer ?? ONE_LOGIN).setAudience(opts.audience ?? CLIENT_ID).setSubject('urn:fdc:gov.uk:2022:jo').setIssuedAt().setExpirationTime(opts.expires ?? '3m').sign(opts.key ?? citizenKey);
  const ask = (subjectToken: string, nonce?: string) => exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: subjectToken, subject_token_type: ID_TOKEN_TYPE, ...(nonce ? { nonce } : {}) });

  beforeAll(async () => {
    const citizen = await generateKeyPair('ES256', { extractable: true });
    citizenKey = citizen.privateKey;
    practitionerKey = (await generateKeyPair('ES256', { extractable: true })).privateKey;
    platformKeyPem = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(citizen.publicKey)), kid: 'citizen', alg: 'ES256' }] });
    exchange = new CitizenTokenExchange({ citizenIssuer: ONE_LOGIN, clientId: CLIENT_ID, citizenKeys: jwks, acceptedVots: votsOf('["Cl.Cm"]'), familyToken: { privateKeyPem: platformKeyPem, lifetimeSeconds: 900 } });
    exchangeWithKeyId = new CitizenTokenExchange({ citizenIssuer: ONE_LOGIN, clientId: CLIENT_ID, citizenKeys: jwks, acceptedVots: [], familyToken: { privateKeyPem: platformKeyPem, keyId: 'family-2026' } });
  });

  it('given a citizen ID token, when exchanged, then a short platform token of the family issuer, subject namespaced, nothing else', async () => {
    const answer = await ask(await idToken({ email: 'jo@example.org', email_verified: true, roles: ['case-officer'], org: 'E10000028' }), 'n-1');
    expect(answer).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 900, identity: { subject: citizenSubject(ONE_LOGIN, 'urn:fdc:gov.uk:2022:jo'), email: 'jo@example.org' } });
    const claims = decodeJwt(answer.access_token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
    expect(claims).toMatchObject({ iss: DEFAULT_FAMILY_ISSUER, aud: 'tell-it-once', sub: citizenSubject(ONE_LOGIN, 'urn:fdc:gov.uk:2022:jo') });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  it('names its signing key in the issued token\'s header (kid: the configured key id, else the key\'s thumbprint)', async () => {
    const token = (await ask(await idToken({}), 'n-1')).access_token;
    expect(decodeProtectedHeader(token).kid).toBe(await familyKeyId(platformKeyPem));
    const answer = await exchangeWithKeyId.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: await idToken({}), subject_token_type: ID_TOKEN_TYPE });
    expect(decodeProtectedHeader(answer.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'family-2026' });
  });

  it("refuses a practitioner's token on the citizen path: another issuer, another audience, another key", async () => {
    await expect(ask(await idToken({}, { issuer: 'http://127.0.0.1:3007' }))).rejects.toThrow(/unexpected "iss" claim value/);
    await expect(ask(await idToken({}, { audience: 'tio-web' }))).rejects.toThrow(/unexpected "aud" claim value/);
    await expect(ask(await idToken({}, { key: practitionerKey }))).rejects.toThrow(/signature verification failed/);
    await expect(ask(await mintToken(platformKeyPem, { userId: 'caseworker-priya', organisationId: 'E10000028', agency: 'local-authority', roles: ['case-officer'] }))).rejects.toThrow(/not an ID token of the citizen identity provider/);
  });

  it('refuses an expired ID token, another sign-in\'s nonce, a lower level of authentication, and another token type', async () => {
    await expect(ask(await idToken({ iat: Math.floor(Date.now() / 1000) - 600 }, { expires: '-5m' }))).rejects.toThrow(/"exp" claim timestamp check failed/);
    await expect(ask(await idToken({}), 'another-nonce')).rejects.toThrow(/nonce/);
    await expect(ask(await idToken({ vot: 'Cl' }))).rejects.toThrow(/signed in at level Cl, not one of Cl.Cm/);
    await expect(exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: await idToken({}), subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' })).rejects.toThrow(/subject_token_type must be/);
  });

  it('reads the vtr asked for as the vot values accepted', () => {
    expect(votsOf('["Cl.Cm"]')).toEqual(['Cl.Cm']);
    expect(votsOf('["P2.Cl.Cm", "Cl"]')).toEqual(['Cl.Cm', 'Cl']);
    expect(votsOf('')).toEqual([]);
    expect(() => votsOf('Cl.Cm')).toThrow(/JSON list/);
  });
});
