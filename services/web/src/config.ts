import { randomBytes } from 'node:crypto';
import { DEFAULT_AUDIENCE, DEFAULT_FAMILY_ISSUER } from '@tio/auth';
import { sessionKeyFrom } from './auth/session-crypto';

/**
 * Families' sign-in: the citizen identity provider (GOV.UK One Login in production), separate from the practitioners'
 * one, and the platform's family token the web service exchanges a citizen's ID token for (see @tio/auth citizen.ts).
 */
export interface CitizenSignInConfig {
  /** Its issuer URL (One Login: https://oidc.account.gov.uk/, integration https://oidc.integration.account.gov.uk/). */
  issuer: string;
  clientId: string;
  /** The private key (PEM) whose public half is registered with it: `private_key_jwt` client authentication. */
  privateKeyPem: string;
  keyId?: string;
  scope: string;
  /** One Login's vector of trust request (a JSON list, e.g. ["Cl.Cm"]); empty for a provider without one. */
  vtr: string;
  /** The platform's family token: signing key (PEM), issuer and audience the APIs check, lifetime. */
  familyToken: { privateKeyPem: string; keyId?: string; issuer: string; audience: string; lifetimeSeconds: number };
}

/** The web service's settings, from the environment; a missing one stops it at start naming the variable. */
export interface WebConfig {
  port: number;
  host: string;
  /** The organisation's OpenID provider (its issuer URL; discovery at /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Families' identity provider and the family token; unset (no CITIZEN_OIDC_ISSUER), families cannot sign in here. */
  citizen?: CitizenSignInConfig;
  /** This service's callback, registered with the provider (and the citizen provider): https://<host>/auth/callback. */
  redirectUri: string;
  /** Where the provider sends the browser after signing out: /signed-out of this service. */
  postLogoutRedirectUri: string;
  scope: string;
  /** The resource indicator (RFC 8707) to ask the access token for, if the provider needs one. */
  resource?: string;
  /** The timeline service's API (its base URL). */
  timelineUrl: string;
  /** Each agency service's API (base URL), for its practitioners' worklist and advice form; an agency left out has no worklist here. */
  agencyUrls: Partial<Record<'education' | 'health' | 'social-care', string>>;
  /** The case service's API (base URL): the family's actions (accept an invitation, give views, respond to the draft, ask); unset, the family pages only read. */
  caseUrl?: string;
  /** The audit service's API (base URL): auditors' "as recorded" reading of a case; unset, the page offers only the business-date reading. */
  auditUrl?: string;
  /** Session cookies are Secure (and `__Host-` prefixed) when this service is reached over https. */
  secureCookies: boolean;
  /** How long a signed-in session lasts at most (it also ends when the access token expires). */
  sessionHours: number;
  /** Sessions and sign-ins under way in this service's PostgreSQL database (DATABASE_URL); unset, in this process's memory. */
  sessionDatabase?: SessionDatabaseConfig;
}

export interface SessionDatabaseConfig {
  url: string;
  /** AES-256-GCM key the rows are sealed with (WEB_SESSION_KEY, base64 of 32 bytes). */
  key: Buffer;
  /** True when no WEB_SESSION_KEY was given over plain http (development): a key made at start, so a restart signs everyone out. */
  keyMadeAtStart: boolean;
  /** How often expired rows are deleted. */
  sweepEveryMs: number;
}

const SESSION_SWEEP_MS = 5 * 60_000;

const DEFAULT_PORT = 3006;

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

function url(name: string, value: string): string {
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`${name}=${value} is not a URL`);
  }
}

export function webConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const port = Number(env['PORT'] ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${env['PORT']} is not a TCP port`);
  const redirectUri = url('OIDC_REDIRECT_URI', required(env, 'OIDC_REDIRECT_URI', "this service's /auth/callback URL as registered with the OpenID provider"));
  const sessionHours = Number(env['WEB_SESSION_HOURS'] ?? 8);
  if (!(sessionHours > 0 && sessionHours <= 24)) throw new Error(`WEB_SESSION_HOURS=${env['WEB_SESSION_HOURS']} must be a number of hours between 0 and 24`);
  return {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    issuer: url('OIDC_ISSUER', required(env, 'OIDC_ISSUER', "the organisation's OpenID provider (issuer URL); npm start runs a development one")),
    clientId: required(env, 'OIDC_CLIENT_ID', 'the client id this service is registered with at the OpenID provider'),
    clientSecret: required(env, 'OIDC_CLIENT_SECRET', 'the client secret this service is registered with at the OpenID provider'),
    redirectUri,
    postLogoutRedirectUri: url('OIDC_POST_LOGOUT_REDIRECT_URI', env['OIDC_POST_LOGOUT_REDIRECT_URI'] ?? `${new URL(redirectUri).origin}/signed-out`),
    scope: env['OIDC_SCOPE'] ?? 'openid profile tio',
    resource: env['OIDC_RESOURCE'] || undefined,
    timelineUrl: url('TIMELINE_URL', required(env, 'TIMELINE_URL', "the timeline service's base URL, e.g. http://127.0.0.1:3000")),
    agencyUrls: Object.fromEntries(
      ([['education', 'EDUCATION_URL'], ['health', 'HEALTH_URL'], ['social-care', 'SOCIAL_CARE_URL']] as const).filter(([, name]) => env[name]).map(([agency, name]) => [agency, url(name, env[name] as string)]),
    ),
    auditUrl: env['AUDIT_URL'] ? url('AUDIT_URL', env['AUDIT_URL']) : undefined,
    caseUrl: env['CASE_URL'] ? url('CASE_URL', env['CASE_URL']) : undefined,
    secureCookies: redirectUri.startsWith('https:'),
    sessionHours,
    citizen: citizenConfig(env),
    sessionDatabase: sessionDatabaseConfig(env, redirectUri.startsWith('https:')),
  };
}

/**
 * With DATABASE_URL, sessions live in PostgreSQL sealed under WEB_SESSION_KEY. The key is required when the service is
 * reached over https (a deployment); over plain http (development, tests) a missing key is made at start instead.
 */
function sessionDatabaseConfig(env: NodeJS.ProcessEnv, deployed: boolean): SessionDatabaseConfig | undefined {
  const databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl) return undefined;
  const given = env['WEB_SESSION_KEY'];
  if (!given && deployed) throw new Error('WEB_SESSION_KEY is not set: base64 of 32 random bytes (openssl rand -base64 32), the key sessions are sealed with in the database (DATABASE_URL)');
  return {
    url: databaseUrl,
    key: given ? sessionKeyFrom('WEB_SESSION_KEY', given) : randomBytes(32),
    keyMadeAtStart: !given,
    sweepEveryMs: SESSION_SWEEP_MS,
  };
}

function citizenConfig(env: NodeJS.ProcessEnv): CitizenSignInConfig | undefined {
  if (!env['CITIZEN_OIDC_ISSUER']) return undefined;
  const minutes = Number(env['FAMILY_TOKEN_MINUTES'] ?? 60);
  if (!(minutes >= 5 && minutes <= 480)) throw new Error(`FAMILY_TOKEN_MINUTES=${env['FAMILY_TOKEN_MINUTES']} must be a number of minutes between 5 and 480`);
  const pem = (name: string, hint: string) => required(env, name, hint).replace(/\\n/g, '\n');
  const issuer = env['CITIZEN_OIDC_ISSUER'];
  url('CITIZEN_OIDC_ISSUER', issuer);
  return {
    // kept as given (not normalised): One Login's issuer identifier ends with a slash
    issuer,
    clientId: required(env, 'CITIZEN_OIDC_CLIENT_ID', 'the client id this service is registered with at the citizen identity provider'),
    privateKeyPem: pem('CITIZEN_OIDC_PRIVATE_KEY', 'the private key (PEM) whose public half is registered with the citizen identity provider (private_key_jwt)'),
    keyId: env['CITIZEN_OIDC_KEY_ID'] || undefined,
    scope: env['CITIZEN_OIDC_SCOPE'] ?? 'openid email',
    vtr: env['CITIZEN_OIDC_VTR'] ?? '["Cl.Cm"]',
    familyToken: {
      privateKeyPem: pem('FAMILY_JWT_PRIVATE_KEY', 'the key (PEM) this service signs family tokens with; the APIs verify them with its public half (FAMILY_JWT_PUBLIC_KEY, by default their JWT key)'),
      // the tokens' kid: by default the key's RFC 7638 thumbprint, which is what an API's FAMILY_JWT_JWKS matches it by
      ...(env['FAMILY_JWT_KEY_ID'] ? { keyId: env['FAMILY_JWT_KEY_ID'] } : {}),
      issuer: env['FAMILY_JWT_ISSUER'] ?? DEFAULT_FAMILY_ISSUER,
      audience: env['JWT_AUDIENCE'] ?? DEFAULT_AUDIENCE,
      lifetimeSeconds: minutes * 60,
    },
  };
}
