/**
 * The development OpenID provider (`npm start` runs it in-process; the web journey test runs it as a process of its
 * own): a real OpenID Connect provider (oidc-provider) with one seeded user per role and organisation of the demo.
 * Authorization code with PKCE only. Access tokens are JWTs for the resource `urn:tell-it-once:api` with audience
 * `tell-it-once`, carrying the claims @tio/auth reads (sub, org, agency, roles, name), signed with the development
 * key the services already trust (.local/dev-keys): the services add this issuer to JWT_ISSUER and nothing else
 * changes; `npm run token` keeps working. Never for production: there, the organisation's identity provider is the
 * issuer (OIDC_ISSUER for the web service, JWT_JWKS_URL for the APIs).
 *
 * Beside it, and apart from it, the development CITIZEN provider (startDevCitizenProvider): shaped like GOV.UK One
 * Login for parents, carers and young people. Its own issuer URL and signing key; ID tokens with only sub,
 * email, email_verified and vot (the same at userinfo); `private_key_jwt` client authentication; the `vtr`
 * parameter accepted. The web service exchanges its ID tokens for the platform's family token (@tio/auth citizen.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importPKCS8, importSPKI } from 'jose';
import type { ActorAgency } from '@tio/kernel';
import type { Role } from '@tio/auth';
import { DEMO_FAMILY, DEMO_LA, DEMO_PEOPLE } from './demo-seed';

export interface DevUser {
  username: string;
  /** Who they are, as the sign-in page and `npm start` show it. */
  description: string;
  sub: string;
  name: string;
  org: string;
  agency: ActorAgency;
  roles: Role[];
}

/** A citizen account at the development citizen provider: One Login gives only these (sub is pairwise there). */
export interface DevCitizen {
  username: string;
  description: string;
  sub: string;
  email: string;
}

/** The demo's families: Jo is linked to the demo case (the seed uses her invitation code as her citizen subject). */
export const DEV_CITIZENS: DevCitizen[] = [
  { username: 'jo', description: DEMO_FAMILY.jo.name, sub: DEMO_FAMILY.jo.sub, email: DEMO_FAMILY.jo.email },
  { username: 'alex', description: 'Alex Reid, a parent not linked to a case yet', sub: 'urn:fdc:gov.uk:2022:dev-alex-reid-7Qm2', email: 'alex.reid@example.org' },
];

/** One password for every development user: they are demo people, not accounts. */
export const DEV_PASSWORD = 'demo';

const fromDemo = (username: string, who: (typeof DEMO_PEOPLE)[keyof typeof DEMO_PEOPLE]): DevUser => ({
  username, description: who.name, sub: who.token.userId, name: who.token.name ?? who.name, org: who.token.organisationId, agency: who.token.agency, roles: who.token.roles,
});

/** The practitioners' (and the auditor's) accounts. Families sign in at the citizen provider (DEV_CITIZENS). */
export const DEV_USERS: DevUser[] = [
  fromDemo('priya', DEMO_PEOPLE.caseworker),
  fromDemo('tom', DEMO_PEOPLE.senco),
  fromDemo('aisha', DEMO_PEOPLE.paediatrician),
  fromDemo('mark', DEMO_PEOPLE.socialWorker),
  { username: 'sam', description: 'Sam Reid, auditor (local authority quality assurance)', sub: 'auditor-sam', name: 'Sam Reid', org: DEMO_LA, agency: 'local-authority', roles: ['auditor'] },
];

/** The resource the web service asks tokens for, and the audience the APIs check (JWT_AUDIENCE). */
export const API_RESOURCE = 'urn:tell-it-once:api';
export const API_AUDIENCE = 'tell-it-once';

export interface DevProviderOptions {
  port: number;
  host?: string;
  /** The development key's private half (PEM, ES256): access and ID tokens are signed with it. */
  privateKeyPem: string;
  client: { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
}

export interface DevProvider {
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

/** The little of oidc-provider's API used here (the package has no type declarations). */
interface OidcGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface OidcContext {
  oidc: {
    result?: { consent?: { grantId?: string } };
    session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
    client?: { clientId: string };
    provider: { Grant: { find(id: string): Promise<OidcGrant | undefined>; new (o: { clientId: string; accountId: string }): OidcGrant } };
  };
}
interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ uid: string }>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: object, options: object): Promise<void>;
}
type OidcProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – Development identity provider</title>
<style>body{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c}label{display:block;font-weight:bold;margin-top:1rem}
input{font-size:1.1rem;padding:.3rem;width:100%;max-width:20rem;border:2px solid #0b0c0c}button{margin-top:1.5rem;margin-right:1rem;font-size:1.1rem;padding:.5rem 1rem;background:#00703c;color:#fff;border:0}button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
:focus{outline:3px solid #fd0}.error{color:#d4351c;font-weight:bold}table{border-collapse:collapse;margin-top:1rem}td,th{border-bottom:1px solid #b1b4b6;padding:.3rem .6rem;text-align:left}</style>
</head><body><main>${body}</main></body></html>`;
}

interface LoginPage {
  heading: string;
  intro: string;
  /** Each account's username, who they are, and one more column (`extraColumn`). */
  accounts: Array<[string, string, string]>;
  extraColumn: string;
}

const PRACTITIONER_LOGIN: LoginPage = {
  heading: 'Sign in to Tell It Once',
  intro: 'Development identity provider',
  accounts: DEV_USERS.map((u) => [u.username, u.description, u.org]),
  extraColumn: 'Organisation',
};

const CITIZEN_LOGIN: LoginPage = {
  heading: 'Sign in as a parent, carer or young person',
  intro: 'Development citizen identity provider (in place of GOV.UK One Login)',
  accounts: DEV_CITIZENS.map((c) => [c.username, c.description, c.email]),
  extraColumn: 'Email address',
};

function loginPage(uid: string, login: LoginPage, error?: string): string {
  const rows = login.accounts.map((cells) => `<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('');
  return page('Sign in', `<h1>${escape(login.heading)}</h1>
<p>${escape(login.intro)}: every demo user's password is <strong>${DEV_PASSWORD}</strong>.</p>
${error ? `<p class="error" role="alert" id="login-error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<table><caption>Demo users</caption><thead><tr><th scope="col">Username</th><th scope="col">Who</th><th scope="col">${escape(login.extraColumn)}</th></tr></thead><tbody>${rows}</tbody></table>`);
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  return new URLSearchParams(text);
}

function passwordMatches(given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(DEV_PASSWORD);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `form` is the provider's hidden form (id op.logoutForm): this page only adds the question and the buttons. */
function logoutSource(ctx: { body: string }, form: string): void {
  ctx.body = page('Sign out', `<h1>Sign out of the development identity provider?</h1>${form}
<p>You have signed out of Tell It Once. Sign out here too, so the next sign-in asks for a username again.</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in here</button>`);
}

/** The provider's own endpoints, and this file's sign-in page for its interactions (a username and the demo password). */
function serveInteractions(server: Server, provider: OidcProvider, login: LoginPage, accountOf: (username: string) => string | undefined): void {
  const handleProvider = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0] ?? '');
      if (!match) return handleProvider(req, res);
      const send = (status: number, html: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      };
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET' && !match[2]) return send(200, loginPage(details.uid, login));
        if (req.method === 'POST' && match[2]) {
          const form = await formBody(req);
          const accountId = accountOf((form.get('username') ?? '').trim().toLowerCase());
          if (!accountId || !passwordMatches(form.get('password') ?? '')) return send(401, loginPage(details.uid, login, 'Enter a demo username and the password shown above'));
          return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        }
        return send(405, page('Not allowed', '<h1>Not allowed</h1>'));
      } catch (err) {
        return send(400, page('Sign-in expired', `<h1>Sign-in expired</h1><p>${escape((err as Error).message)}</p><p>Go back to the service and sign in again.</p>`));
      }
    })();
  });
}

/** Starts the provider on `port` (0: any free port) and answers its issuer URL. */
export async function startDevIdentityProvider(options: DevProviderOptions): Promise<DevProvider> {
  // oidc-provider is an ES module without type declarations: loaded here, at run time (Node's require of ES modules)
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: OidcProviderClass };
  const { server, issuer } = await listen(options.port, options.host);
  const jwk = { ...(await exportJWK(await importPKCS8(options.privateKeyPem, 'ES256'))), kid: 'tio-dev', alg: 'ES256', use: 'sig' };
  const byUsername = new Map(DEV_USERS.map((u) => [u.username, u]));
  const bySub = new Map(DEV_USERS.map((u) => [u.sub, u]));
  const tioClaims = (u: DevUser) => ({ name: u.name, org: u.org, agency: u.agency, roles: u.roles });

  const provider = new Provider(issuer, {
    clients: [{
      client_id: options.client.clientId, client_secret: options.client.clientSecret, client_name: 'Tell It Once',
      redirect_uris: options.client.redirectUris, post_logout_redirect_uris: options.client.postLogoutRedirectUris,
      grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256',
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'tio'],
    claims: { openid: ['sub'], profile: ['name'], tio: ['org', 'agency', 'roles'] },
    // the web service reads who signed in from the ID token
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, sub: string) => {
      const user = bySub.get(sub);
      return user ? { accountId: sub, claims: () => ({ sub, ...tioClaims(user) }) } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== API_RESOURCE) throw new Error(`unknown resource ${resource}`);
          return { scope: 'tio', audience: API_AUDIENCE, accessTokenTTL: 60 * 60, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    formats: {
      customizers: {
        // the claims @tio/auth reads, on the access token the APIs verify
        jwt: (_ctx: unknown, token: { accountId?: string }, jwt: { payload: Record<string, unknown> }) => {
          const user = bySub.get(token.accountId ?? '');
          if (user) Object.assign(jwt.payload, tioClaims(user));
          return jwt;
        },
      },
    },
    loadExistingGrant: firstPartyGrant('openid profile tio', ['name', 'org', 'agency', 'roles'], API_RESOURCE),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 60 * 60, IdToken: 60 * 60, Session: 8 * 60 * 60, Interaction: 15 * 60, Grant: 8 * 60 * 60 },
  });

  serveInteractions(server, provider, PRACTITIONER_LOGIN, (username) => byUsername.get(username)?.sub);
  return running(issuer, server);
}

export interface DevCitizenProviderOptions {
  port: number;
  host?: string;
  /** The web service's registration: its public key (PEM) checks the client assertions it authenticates with (private_key_jwt). */
  client: { clientId: string; publicKeyPem: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
}

/** The level of authentication every development citizen signs in at (One Login's medium level, `Cl.Cm`). */
export const DEV_CITIZEN_VOT = 'Cl.Cm';

/**
 * The development citizen identity provider on `port` (0: any free port), shaped like GOV.UK One Login: its own issuer
 * and its own signing key (made at each start; the web service reads it from the JWKS), ID tokens of 2 minutes with
 * only sub, email, email_verified and vot, an access token of 3 minutes for userinfo alone, no refresh token, and
 * the client authenticated with private_key_jwt only.
 */
export async function startDevCitizenProvider(options: DevCitizenProviderOptions): Promise<DevProvider> {
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: OidcProviderClass };
  const { server, issuer } = await listen(options.port, options.host);
  const signing = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.privateKey)), kid: 'tio-dev-citizen', alg: 'ES256', use: 'sig' };
  const clientJwk = { ...(await exportJWK(await importSPKI(options.client.publicKeyPem, 'ES256'))), alg: 'ES256', use: 'sig' };
  const byUsername = new Map(DEV_CITIZENS.map((c) => [c.username, c]));
  const bySub = new Map(DEV_CITIZENS.map((c) => [c.sub, c]));

  const provider = new Provider(issuer, {
    clients: [{
      client_id: options.client.clientId, client_name: 'Tell It Once (families)',
      redirect_uris: options.client.redirectUris, post_logout_redirect_uris: options.client.postLogoutRedirectUris,
      grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [clientJwk] },
    }],
    clientAuthMethods: ['private_key_jwt'],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // One Login's vector of trust request, e.g. vtr=["Cl.Cm"]: taken (every development citizen signs in at Cl.Cm)
    extraParams: ['vtr'],
    scopes: ['openid', 'email'],
    claims: { openid: ['sub', 'vot'], email: ['email', 'email_verified'] },
    // the email claims ride in the ID token too (One Login gives them at userinfo, which the web service asks when they are missing)
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, sub: string) => {
      const citizen = bySub.get(sub);
      return citizen ? { accountId: sub, claims: () => ({ sub, vot: DEV_CITIZEN_VOT, email: citizen.email, email_verified: true }) } : undefined;
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true, logoutSource }, userinfo: { enabled: true } },
    loadExistingGrant: firstPartyGrant('openid email', ['vot', 'email', 'email_verified']),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 3 * 60, IdToken: 2 * 60, Session: 8 * 60 * 60, Interaction: 15 * 60, Grant: 8 * 60 * 60 },
  });

  serveInteractions(server, provider, CITIZEN_LOGIN, (username) => byUsername.get(username)?.sub);
  return running(issuer, server);
}

async function listen(port: number, host = '127.0.0.1'): Promise<{ server: Server; issuer: string }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { server, issuer: `http://${host}:${(server.address() as AddressInfo).port}` };
}

function running(issuer: string, server: Server): DevProvider {
  return {
    issuer,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A development provider's clients are all first-party: the grant is made at sign-in, with no consent screen. */
function firstPartyGrant(scope: string, claims: string[], resource?: string) {
  return async (ctx: OidcContext) => {
    const { client, session, provider: op, result } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await op.Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(scope);
    grant.addOIDCClaims(claims);
    if (resource) grant.addResourceScope(resource, 'tio');
    await grant.save();
    return grant;
  };
}

/**
 * As a process of its own (the web journey tests): DEV_OIDC_PORT, DEV_OIDC_CLIENT_ID, DEV_OIDC_REDIRECT_URIS and
 * DEV_OIDC_POST_LOGOUT_REDIRECT_URIS (comma-separated), and either DEV_OIDC_PRIVATE_KEY (PEM) and DEV_OIDC_CLIENT_SECRET
 * for the practitioners' provider, or with DEV_OIDC_KIND=citizen the citizen provider and DEV_OIDC_CLIENT_PUBLIC_KEY
 * (the web service's client key, PEM). Prints `issuer <url>` when listening and stops when its stdin ends.
 */
if (require.main === module) {
  const env = process.env;
  const list = (v: string | undefined) => (v ?? '').split(',').filter(Boolean);
  const pem = (v: string | undefined) => (v ?? '').replace(/\\n/g, '\n');
  const registration = { clientId: env['DEV_OIDC_CLIENT_ID'] ?? 'tio-web', redirectUris: list(env['DEV_OIDC_REDIRECT_URIS']), postLogoutRedirectUris: list(env['DEV_OIDC_POST_LOGOUT_REDIRECT_URIS']) };
  const port = Number(env['DEV_OIDC_PORT'] ?? 0);
  (env['DEV_OIDC_KIND'] === 'citizen'
    ? startDevCitizenProvider({ port, client: { ...registration, publicKeyPem: pem(env['DEV_OIDC_CLIENT_PUBLIC_KEY']) } })
    : startDevIdentityProvider({ port, privateKeyPem: pem(env['DEV_OIDC_PRIVATE_KEY']), client: { ...registration, clientSecret: env['DEV_OIDC_CLIENT_SECRET'] ?? '' } })
  ).then((p) => {
    console.log(`issuer ${p.issuer}`);
    process.stdin.resume();
    process.stdin.on('end', () => void p.close().then(() => process.exit(0)));
  }, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
