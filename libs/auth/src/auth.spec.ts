import { Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { citizenSubject, DEFAULT_FAMILY_ISSUER, mintFamilyToken } from './citizen';
import type { Principal } from './claims';
import { mintToken, type TokenRequest } from './dev-keys';
import { CurrentPrincipal, Public, RequireRoles } from './guard';
import { authConfigFromEnv, TokenVerifier } from './verifier';

@Controller()
class ProbeController {
  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @RequireRoles('case-officer')
  @Post('lifecycle')
  move() {
    return { moved: true };
  }

  @Post('anything')
  write() {
    return { written: true };
  }

  @RequireRoles('family')
  @Get('family/mine')
  family(@CurrentPrincipal() principal: Principal) {
    return { userId: principal.userId };
  }
}

@Module({ imports: [AuthModule], controllers: [ProbeController] })
class ProbeModule {}

describe('authentication and authorisation', () => {
  let app: INestApplication;
  let privateKeyPem: string;
  let otherPrivateKeyPem: string;
  const practitioner: TokenRequest = { userId: 'u-1', name: 'Sam SENCO', organisationId: 'school-42', agency: 'education', roles: ['practitioner'] };
  const token = (overrides: Partial<TokenRequest> = {}, key = privateKeyPem) => mintToken(key, { ...practitioner, ...overrides });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKeyPem = await exportPKCS8(pair.privateKey);
    otherPrivateKeyPem = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
    process.env['JWT_PUBLIC_KEY'] = await exportSPKI(pair.publicKey);
    app = await NestFactory.create(ProbeModule, { logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('lets anyone reach a public route', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });

  it('answers 401 without a bearer token', async () => {
    const res = await request(app.getHttpServer()).get('/me').expect(401);
    expect(res.body).toMatchObject({ code: 'token-required', detail: expect.stringMatching(/bearer token is required/), wwwAuthenticate: 'Bearer' });
  });

  it('answers 401 for a token signed by another key', async () => {
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${await token({}, otherPrivateKeyPem)}`).expect(401);
    expect(res.body).toMatchObject({ code: 'invalid-token', detail: expect.stringMatching(/invalid token: signature verification failed/) });
    // the challenge service-kit's filter sends as WWW-Authenticate (RFC 6750 §3)
    expect(res.body.wwwAuthenticate).toMatch(/^Bearer error="invalid_token", error_description="invalid token: signature verification failed"$/);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await token({ expiresIn: '-1m' });
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(res.body.detail).toMatch(/"exp" claim timestamp check failed/);
  });

  it('answers 401 for a token meant for another audience or issuer', async () => {
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${await token({ audience: 'someone-else' })}`).expect(401);
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${await token({ issuer: 'rogue' })}`).expect(401);
  });

  it('answers 401 naming the claim when the agency claim is not one we know', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${await token({ agency: 'police' as never })}`)
      .expect(401);
    expect(res.body.detail).toMatch(/agency claim must be one of/);
  });

  it('gives the route the verified principal', async () => {
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${await token()}`).expect(200);
    expect(res.body).toEqual({ userId: 'u-1', name: 'Sam SENCO', organisationId: 'school-42', agency: 'education', roles: ['practitioner'], expiresAt: expect.any(Number) });
    expect(res.body.expiresAt).toBeGreaterThan(Date.now());
  });

  it('answers 403 naming the role when the caller lacks it', async () => {
    const res = await request(app.getHttpServer()).post('/lifecycle').set('Authorization', `Bearer ${await token()}`).expect(403);
    expect(res.body.message).toBe('this action needs one of the roles case-officer; the token has practitioner');
    await request(app.getHttpServer())
      .post('/lifecycle')
      .set('Authorization', `Bearer ${await token({ agency: 'local-authority', roles: ['case-officer'] })}`)
      .expect(201, { moved: true });
  });

  it('a family token (issue #21) reaches only the routes listing the role family, and carries nothing else', async () => {
    const jo = citizenSubject('https://citizen.test', 'jo');
    const ok = await mintFamilyToken(privateKeyPem, { subject: jo });
    await request(app.getHttpServer()).get('/family/mine').set('Authorization', `Bearer ${ok}`).expect(200, { userId: jo });
    // a route without roles is for practitioners and services, not for family members
    expect((await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${ok}`).expect(403)).body.message).toBe('this action is not open to family members; they use the family routes');
    await request(app.getHttpServer()).post('/anything').set('Authorization', `Bearer ${ok}`).expect(403);
    // and a practitioner never reaches a family route
    await request(app.getHttpServer()).get('/family/mine').set('Authorization', `Bearer ${await token()}`).expect(403);
  });

  it("a practitioners' issuer can make neither a family member nor a citizen's subject (401)", async () => {
    const bad: Array<Partial<TokenRequest>> = [
      { userId: 'family-jo', organisationId: 'family', agency: 'family', roles: ['family'] },
      { agency: 'local-authority', roles: ['family', 'case-officer'] },
      { userId: citizenSubject('https://citizen.test', 'jo') },
    ];
    for (const overrides of bad) {
      const res = await request(app.getHttpServer()).get('/family/mine').set('Authorization', `Bearer ${await token(overrides)}`).expect(401);
      expect(res.body.detail).toMatch(/the role family comes only from the family token issuer|a practitioner's subject never starts with citizen:/);
    }
  });

  it("a family token issuer's token claiming practitioner roles and an organisation is still a family member's only", async () => {
    const key = await importPKCS8(privateKeyPem, 'ES256');
    const forged = await new SignJWT({ roles: ['case-officer'], org: 'E10000028', agency: 'local-authority' })
      .setProtectedHeader({ alg: 'ES256' }).setSubject(citizenSubject('https://citizen.test', 'mallory')).setIssuer(DEFAULT_FAMILY_ISSUER).setAudience('tell-it-once').setExpirationTime('5m').sign(key);
    await request(app.getHttpServer()).post('/lifecycle').set('Authorization', `Bearer ${forged}`).expect(403);
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${forged}`).expect(403);
    await request(app.getHttpServer()).get('/family/mine').set('Authorization', `Bearer ${forged}`).expect(200, { userId: citizenSubject('https://citizen.test', 'mallory') });
    // and its subject must be a citizen's: the family issuer cannot speak for a practitioner's subject either
    const practitionerSubject = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('caseworker-priya').setIssuer(DEFAULT_FAMILY_ISSUER).setAudience('tell-it-once').setExpirationTime('5m').sign(key);
    expect((await request(app.getHttpServer()).get('/family/mine').set('Authorization', `Bearer ${practitionerSubject}`).expect(401)).body.detail).toMatch(/a family token's subject is a citizen subject/);
  });

  it('lets auditors read but never write', async () => {
    const auditor = await token({ agency: 'system', roles: ['auditor'] });
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${auditor}`).expect(200);
    const res = await request(app.getHttpServer()).post('/anything').set('Authorization', `Bearer ${auditor}`).expect(403);
    expect(res.body.message).toBe('auditors read, never write');
  });
});

describe('several trusted issuers (JWT_ISSUER comma-separated)', () => {
  it("accepts a token from each listed issuer and refuses one from another, with the same key", async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const privateKeyPem = await exportPKCS8(pair.privateKey);
    const verifier = new TokenVerifier(authConfigFromEnv({ JWT_ISSUER: 'tell-it-once-dev, http://127.0.0.1:3007', JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }));
    const request: TokenRequest = { userId: 'u-1', organisationId: 'school-42', agency: 'education', roles: ['practitioner'] };
    await expect(verifier.verify(await mintToken(privateKeyPem, { ...request, issuer: 'tell-it-once-dev' }))).resolves.toMatchObject({ userId: 'u-1' });
    await expect(verifier.verify(await mintToken(privateKeyPem, { ...request, issuer: 'http://127.0.0.1:3007' }))).resolves.toMatchObject({ userId: 'u-1' });
    await expect(verifier.verify(await mintToken(privateKeyPem, { ...request, issuer: 'http://127.0.0.1:3008' }))).rejects.toThrow(/unexpected "iss" claim value/);
  });
});

describe('a token verified lately', () => {
  it('is taken as verified again until its expiry and never after it; a changed token is verified afresh', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const privateKeyPem = await exportPKCS8(pair.privateKey);
    let clock = Date.now();
    const verifier = new TokenVerifier(authConfigFromEnv({ JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }), () => clock);
    const request: TokenRequest = { userId: 'u-1', organisationId: 'school-42', agency: 'education', roles: ['practitioner'], expiresIn: '90s' };
    const token = await mintToken(privateKeyPem, request);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u-1', organisationId: 'school-42', roles: ['practitioner'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u-1' });
    // one character of the signature changed: not the remembered token, and its signature fails
    const [head, body, signature] = token.split('.');
    const forged = `${head}.${body}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expect(verifier.verify(forged)).rejects.toThrow(/signature verification failed/);
    clock += 70_000; // past the minute it is remembered for: verified again, still valid
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u-1' });
    clock += 21_000; // past its expiry, while it is remembered
    await expect(verifier.verify(token)).rejects.toThrow(/"exp" claim timestamp check failed/);
  });
});
