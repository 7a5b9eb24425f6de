/** The web service's settings, from the environment; a missing one stops it at start naming the variable. */
export interface WebConfig {
  port: number;
  host: string;
  /** The organisation's OpenID provider (its issuer URL; discovery at /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This service's callback, registered with the provider: https://<host>/auth/callback. */
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
}

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
  };
}
