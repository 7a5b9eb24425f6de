import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { CitizenTokenExchange, citizenSubject, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, votsOf } from '@tio/auth';
import { addWeeks, londonDateOf } from '@tio/ehc-domain';
import { freePort } from '@tio/local-infra';
import { testKeys, tokenFor, waitFor } from '@tio/testing';
import { DEV_CITIZENS } from '../scripts/dev-identity-provider';
import { waitReady, type RunningService } from '../scripts/service-processes';
import { closeJourney, startDevCitizenProvider, startDevProvider, startJourneyServices } from './web-harness';

/**
 * A family member's identity end to end, over real HTTP between real processes: the development citizen identity
 * provider (One Login-shaped: private_key_jwt, nonce, vtr, scopes openid email; ID token with sub, email,
 * email_verified and vot only) and the practitioners' development provider each run as a process, and so do the case
 * and timeline services. This test is the web service's side of it (the relying party, written out with fetch and jose
 * so each protocol step One Login asks for is visible here, and the web service's own CitizenTokenExchange): Jo signs
 * in at the citizen provider, her ID token is exchanged
 * for a family token, and with it she uses her invitation code, reads her case's family timeline and gives her views.
 * Neither way across works: a practitioner's token (its ID token or a platform token) is refused on the citizen path,
 * and a citizen's (its ID token, access token or the family token) gets no practitioner route.
 */
describe("a family member's identity: the citizen identity provider, the token exchange and the APIs (real processes)", () => {
  const LA = 'E10000028';
  const prefix = `citizen-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const providers: ChildProcess[] = [];
  const caseId = randomUUID();
  const jo = DEV_CITIZENS.find((c) => c.username === 'jo') as (typeof DEV_CITIZENS)[number];
  let citizenIssuer = '';
  let citizen: RelyingParty;
  let practitioners: RelyingParty;
  let exchange: CitizenTokenExchange;
  let la: string;
  // the web service's callback as registered with both providers: never called (the test reads the redirect itself)
  let redirectUri = '';

  beforeAll(async () => {
    const keys = await testKeys();
    const logDir = mkdtempSync(join(tmpdir(), 'tio-citizen-e2e-'));
    const webUrl = `http://127.0.0.1:${await freePort()}`;
    redirectUri = `${webUrl}/auth/callback`;
    const dev = await startDevProvider(await freePort(), webUrl, keys.privateKeyPem);
    const devCitizen = await startDevCitizenProvider(await freePort(), webUrl);
    providers.push(dev.process, devCitizen.process);
    citizenIssuer = devCitizen.issuer;

    // the services trust the development key for practitioners and, by default, for the family token issuer
    const auth = { JWT_PUBLIC_KEY: keys.publicKeyPem, JWT_ISSUER: `tell-it-once-dev,${dev.issuer}` };
    await startJourneyServices(['case', 'timeline'], { cluster, prefix, dbPrefix: 'citizen', logDir, env: { ...process.env, ...auth }, running, databases: dbNames, url });

    // the relying party as the web service is one: private_key_jwt at the citizen provider, a client secret at the practitioners'
    citizen = { ...(await discover(devCitizen.issuer)), clientId: devCitizen.clientId, clientKeyPem: devCitizen.clientPrivateKeyPem };
    practitioners = { ...(await discover(dev.issuer)), clientId: dev.clientId, clientSecret: dev.clientSecret };
    exchange = new CitizenTokenExchange({
      citizenIssuer: citizen.issuer, clientId: citizen.clientId, citizenKeys: new URL(citizen.jwksUri), acceptedVots: votsOf('["Cl.Cm"]'), familyToken: { privateKeyPem: keys.privateKeyPem, lifetimeSeconds: 900 },
    });

    await Promise.all(running.map((s) => waitReady(s, 240_000)));
    la = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const day0 = addWeeks(londonDateOf(new Date()), -6);
    await api('case', 'POST', '/cases', la, { caseId, at: day0, childRef: 'child:citizen-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).then(expectStatus(201));
    await api('case', 'POST', `/cases/${caseId}/decision-to-assess`, la, { at: addWeeks(day0, 1) }).then(expectStatus(200));
    await api('case', 'POST', `/cases/${caseId}/advice-scope`, la, { at: addWeeks(day0, 1), inOrBeyondYear9: false, visionOrHearingImpaired: false }).then(expectStatus(201));
    await api('case', 'POST', `/cases/${caseId}/advice-requests`, la, { at: addWeeks(day0, 1), adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: randomUUID() }).then(expectStatus(201));
  }, 600_000);

  afterAll(() => closeJourney({ services: running, providers, cluster, databases: dbNames }));

  async function api(service: string, method: string, path: string, token: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${url[service]}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const expectStatus = (status: number) => <T extends { status: number; body: Record<string, unknown> }>(res: T): T => {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  };

  /**
   * The authorization code flow as a browser goes through it: the authorization request (state, nonce, PKCE, and
   * `vtr` when asked), the provider's sign-in page (username, the demo password), its redirects with its cookies, up
   * to our callback; then the code at the token endpoint, the client authenticated with `private_key_jwt` (a JWT
   * assertion whose audience is the token endpoint, as One Login asks) or its secret. Answers the token response.
   */
  async function signIn(rp: RelyingParty, username: string, extra: Record<string, string>, scope: string) {
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const nonce = b64url(randomBytes(16));
    const params = new URLSearchParams({ response_type: 'code', client_id: rp.clientId, redirect_uri: redirectUri, scope, state, nonce, code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256', ...extra });
    let next = `${rp.authorizationEndpoint}?${params}`;
    const cookies = new Map<string, string>();
    const go = async (target: string, init: RequestInit = {}) => {
      const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      return res;
    };
    for (let hops = 0; hops < 10 && !next.startsWith(redirectUri); hops++) {
      let res = await go(next);
      if (res.status === 200 && /\/interaction\/[\w-]+$/.test(new URL(next).pathname)) {
        const action = /action="([^"]+)"/.exec(await res.text())?.[1] as string;
        next = new URL(action, next).href;
        res = await go(next, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password: 'demo' }).toString() });
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`the sign-in stopped at ${next} (${res.status})`);
      next = new URL(location, next).href;
    }
    const callback = new URL(next).searchParams;
    expect(callback.get('state')).toBe(state);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: callback.get('code') as string, redirect_uri: redirectUri, code_verifier: verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (rp.clientKeyPem) {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(rp.clientId).setSubject(rp.clientId).setAudience(rp.tokenEndpoint)
        .setJti(randomUUID()).setIssuedAt().setExpirationTime('1m').sign(await importPKCS8(rp.clientKeyPem, 'ES256')));
    } else {
      headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.clientSecret ?? '')}`).toString('base64')}`;
    }
    const res = await fetch(rp.tokenEndpoint, { method: 'POST', headers, body: form.toString() });
    const tokens = (await res.json()) as { id_token?: string; access_token: string; refresh_token?: string; error?: string };
    if (res.status !== 200 || !tokens.id_token) throw new Error(`the token endpoint answered ${res.status}: ${JSON.stringify(tokens)}`);
    return { tokens: tokens as { id_token: string; access_token: string; refresh_token?: string }, nonce };
  }

  it('Jo signs in at the citizen provider (One Login-shaped), her ID token becomes a family token, and with it she joins her case, reads its family timeline and gives her views', async () => {
    const { tokens, nonce } = await signIn(citizen, 'jo', { vtr: '["Cl.Cm"]' }, 'openid email');
    const idClaims = decodeJwt(tokens.id_token);
    // One Login's shape: who (a pairwise sub), the email and the level; no name, organisation, agency or roles
    expect(tokens.refresh_token).toBeUndefined();
    expect(idClaims).toMatchObject({ iss: citizenIssuer, aud: citizen.clientId, sub: jo.sub, email: jo.email, email_verified: true, vot: 'Cl.Cm', nonce });
    for (const claim of ['name', 'org', 'agency', 'roles']) expect(idClaims).not.toHaveProperty(claim);
    // the citizen provider's ID token lives minutes (One Login's: a few), so the platform does not use it as a bearer
    expect((idClaims.exp as number) - (idClaims.iat as number)).toBeLessThanOrEqual(180);

    const exchanged = await exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: tokens.id_token, subject_token_type: ID_TOKEN_TYPE, nonce });
    const subject = citizenSubject(citizenIssuer, jo.sub);
    expect(decodeJwt(exchanged.access_token)).toMatchObject({ iss: 'tell-it-once-family', aud: 'tell-it-once', sub: subject });
    const family = exchanged.access_token;

    // the council invites her; her code binds the invitation to her citizen subject
    const invitation = await api('case', 'POST', `/cases/${caseId}/family/invitations`, la, { relationship: 'parent', parentalResponsibility: true, contact: { name: 'Jo Carter', email: jo.email } }).then(expectStatus(201));
    await api('case', 'POST', '/family/invitations/acceptance', family, { code: invitation.body['code'] }).then(expectStatus(200));
    const state = (await api('case', 'GET', `/cases/${caseId}`, la).then(expectStatus(200))).body['state'] as { family: { members: Record<string, { relationship: string }> } };
    expect(Object.keys(state.family.members)).toEqual([subject]);
    expect(state.family.members[subject]).toMatchObject({ relationship: 'parent' });

    // her case's timeline, in plain English, once the timeline has the link
    const timeline = await waitFor('the family timeline to show Jo joined', async () => {
      const res = await api('timeline', 'GET', `/cases/${caseId}/family-timeline`, family);
      return res.status === 200 && JSON.stringify(res.body).includes('joined') ? res.body : undefined;
    }, 120_000);
    expect(JSON.stringify(timeline)).not.toMatch(/ehc\.[a-z-]+\.v1/);

    // she gives her views herself (once the case service's advice kit knows of the request for them)
    let last: unknown;
    await waitFor('her views to be taken', async () => {
      const res = await api('case', 'POST', `/cases/${caseId}/family/views`, family, { sections: [{ heading: 'What matters to Sam', text: 'Trains, drawing and friends at school.' }] });
      last = res;
      return res.status === 201 || undefined;
    }, 240_000).catch((err) => { throw new Error(`${err}: ${JSON.stringify(last)}`); });
    const contributions = (await api('case', 'GET', `/cases/${caseId}/family/contributions`, family).then(expectStatus(200))).body['contributions'] as Array<{ what: string; by: string }>;
    expect(contributions).toContainEqual(expect.objectContaining({ what: 'Gave their views (Section A)', by: 'you' }));
  }, 420_000);

  it("a practitioner's token is refused on the citizen path: the organisation's provider's ID token, and a platform token", async () => {
    const { tokens } = await signIn(practitioners, 'priya', {}, 'openid profile tio');
    expect(decodeJwt(tokens.id_token)).toMatchObject({ roles: ['case-officer', 'practitioner'] });
    // signed with the practitioners' provider's key, which the citizen provider's key set does not hold
    await expect(exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: tokens.id_token, subject_token_type: ID_TOKEN_TYPE })).rejects.toThrow(/not an ID token of the citizen identity provider .*: no applicable key found/);
    await expect(exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: la, subject_token_type: ID_TOKEN_TYPE })).rejects.toThrow(/not an ID token of the citizen identity provider/);
    // and a practitioner has no account at the citizen provider
    await expect(signIn(citizen, 'priya', { vtr: '["Cl.Cm"]' }, 'openid email')).rejects.toThrow(/the sign-in stopped at .*\/login \(401\)/);
  }, 120_000);

  it("a citizen's tokens get no practitioner route: its ID and access tokens are not the APIs' (401), the family token is a family member's only (403)", async () => {
    const { tokens, nonce } = await signIn(citizen, 'alex', { vtr: '["Cl.Cm"]' }, 'openid email');
    const { access_token: family } = await exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: tokens.id_token, subject_token_type: ID_TOKEN_TYPE, nonce });
    for (const raw of [tokens.id_token, tokens.access_token]) {
      expect((await api('case', 'GET', `/cases/${caseId}`, raw)).status).toBe(401);
      expect((await api('timeline', 'GET', `/cases/${caseId}/family-timeline`, raw)).status).toBe(401);
    }
    expect((await api('case', 'GET', `/cases/${caseId}`, family)).status).toBe(403);
    expect((await api('case', 'POST', `/cases/${caseId}/family/invitations`, family, { relationship: 'parent', contact: { name: 'X', email: 'x@example.org' } })).status).toBe(403);
    expect((await api('timeline', 'GET', `/cases/${caseId}/timeline`, family)).status).toBe(403);
    // a family route of a case Alex is not linked to: the same 403 as for anyone not involved
    expect((await api('timeline', 'GET', `/cases/${caseId}/family-timeline`, family)).status).toBe(403);
  }, 120_000);
});

interface RelyingParty {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  clientId: string;
  clientKeyPem?: string;
  clientSecret?: string;
}

/** The provider's discovery document (OpenID Connect Discovery), as the web service reads it first. */
async function discover(issuer: string): Promise<Pick<RelyingParty, 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint' | 'jwksUri'>> {
  const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return { issuer: doc['issuer'] as string, authorizationEndpoint: doc['authorization_endpoint'] as string, tokenEndpoint: doc['token_endpoint'] as string, jwksUri: doc['jwks_uri'] as string };
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
