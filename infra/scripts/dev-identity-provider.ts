/**
 * The development OpenID provider (`npm start` runs it in-process; the web journey test runs it as a process of its
 * own): a real OpenID Connect provider (oidc-provider) with one seeded user per role and organisation of the demo.
 * Authorization code with PKCE only. Access tokens are JWTs for the resource `urn:tell-it-once:api` with audience
 * `tell-it-once`, carrying the claims @tio/auth reads (sub, org, agency, roles, name), signed with the development
 * key the services already trust (.local/dev-keys): the services add this issuer to JWT_ISSUER and nothing else
 * changes; `npm run token` keeps working. Never for production: there, the organisation's identity provider is the
 * issuer (OIDC_ISSUER for the web service, JWT_JWKS_URL for the APIs).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, importPKCS8 } from 'jose';
import type { ActorAgency } from '@tio/kernel';
import type { Role } from '@tio/auth';
import { DEMO_LA, DEMO_PEOPLE } from './demo-seed';

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

/** One password for every development user: they are demo people, not accounts. */
export const DEV_PASSWORD = 'demo';

const fromDemo = (username: string, who: (typeof DEMO_PEOPLE)[keyof typeof DEMO_PEOPLE]): DevUser => ({
  username, description: who.name, sub: who.token.userId, name: who.token.name ?? who.name, org: who.token.organisationId, agency: who.token.agency, roles: who.token.roles,
});

export const DEV_USERS: DevUser[] = [
  fromDemo('priya', DEMO_PEOPLE.caseworker),
  fromDemo('tom', DEMO_PEOPLE.senco),
  fromDemo('aisha', DEMO_PEOPLE.paediatrician),
  fromDemo('mark', DEMO_PEOPLE.socialWorker),
  fromDemo('jo', DEMO_PEOPLE.parent),
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

function loginPage(uid: string, clientName: string, error?: string): string {
  const users = DEV_USERS.map((u) => `<tr><td>${escape(u.username)}</td><td>${escape(u.description)}</td><td>${escape(u.org)}</td></tr>`).join('');
  return page('Sign in', `<h1>Sign in to ${escape(clientName)}</h1>
<p>Development identity provider: every demo user's password is <strong>${DEV_PASSWORD}</strong>.</p>
${error ? `<p class="error" role="alert" id="login-error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<table><caption>Demo users</caption><thead><tr><th scope="col">Username</th><th scope="col">Who</th><th scope="col">Organisation</th></tr></thead><tbody>${users}</tbody></table>`);
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

/** Starts the provider on `port` (0: any free port) and answers its issuer URL. */
export async function startDevIdentityProvider(options: DevProviderOptions): Promise<DevProvider> {
  // oidc-provider is an ES module without type declarations: loaded here, at run time (Node's require of ES modules)
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: OidcProviderClass };
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
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
        // `form` is the provider's hidden form (id op.logoutForm): this page only adds the question and the buttons
        logoutSource: (ctx: { body: string }, form: string) => {
          ctx.body = page('Sign out', `<h1>Sign out of the development identity provider?</h1>${form}
<p>You have signed out of Tell It Once. Sign out here too, so the next sign-in asks for a username again.</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in here</button>`);
        },
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
    // a development provider: every client is first-party, so no consent screen
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session, provider: op, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await op.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile tio');
      grant.addOIDCClaims(['name', 'org', 'agency', 'roles']);
      grant.addResourceScope(API_RESOURCE, 'tio');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 60 * 60, IdToken: 60 * 60, Session: 8 * 60 * 60, Interaction: 15 * 60, Grant: 8 * 60 * 60 },
  });

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
        if (req.method === 'GET' && !match[2]) return send(200, loginPage(details.uid, 'Tell It Once'));
        if (req.method === 'POST' && match[2]) {
          const form = await formBody(req);
          const user = byUsername.get((form.get('username') ?? '').trim().toLowerCase());
          if (!user || !passwordMatches(form.get('password') ?? '')) return send(401, loginPage(details.uid, 'Tell It Once', 'Enter a demo username and the password shown above'));
          return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
        }
        return send(405, page('Not allowed', '<h1>Not allowed</h1>'));
      } catch (err) {
        return send(400, page('Sign-in expired', `<h1>Sign-in expired</h1><p>${escape((err as Error).message)}</p><p>Go back to the service and sign in again.</p>`));
      }
    })();
  });

  return {
    issuer,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * As a process of its own (the web journey test): DEV_OIDC_PORT, DEV_OIDC_PRIVATE_KEY (PEM), DEV_OIDC_CLIENT_ID,
 * DEV_OIDC_CLIENT_SECRET, DEV_OIDC_REDIRECT_URIS and DEV_OIDC_POST_LOGOUT_REDIRECT_URIS (comma-separated); prints
 * `issuer <url>` when listening and stops when its stdin ends.
 */
if (require.main === module) {
  const env = process.env;
  const list = (v: string | undefined) => (v ?? '').split(',').filter(Boolean);
  startDevIdentityProvider({
    port: Number(env['DEV_OIDC_PORT'] ?? 0),
    privateKeyPem: (env['DEV_OIDC_PRIVATE_KEY'] ?? '').replace(/\\n/g, '\n'),
    client: { clientId: env['DEV_OIDC_CLIENT_ID'] ?? 'tio-web', clientSecret: env['DEV_OIDC_CLIENT_SECRET'] ?? '', redirectUris: list(env['DEV_OIDC_REDIRECT_URIS']), postLogoutRedirectUris: list(env['DEV_OIDC_POST_LOGOUT_REDIRECT_URIS']) },
  }).then((p) => {
    console.log(`issuer ${p.issuer}`);
    process.stdin.resume();
    process.stdin.on('end', () => void p.close().then(() => process.exit(0)));
  }, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
