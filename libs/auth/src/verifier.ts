import { calculateJwkThumbprint, createLocalJWKSet, createRemoteJWKSet, decodeJwt, importSPKI, jwtVerify, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { DEFAULT_FAMILY_ISSUER, familyPrincipalFromClaims } from './citizen';
import { principalFromClaims, type Principal, type TioClaims } from './claims';

/** Where a token's signature is checked: a JWKS URL (a real identity provider), a JWKS document, or a PEM public key. */
export interface VerificationKey {
  jwksUrl?: string;
  jwks?: { keys: object[] };
  publicKeyPem?: string;
}

export interface AuthConfig {
  /** The trusted issuer, or several separated by commas. */
  issuer: string;
  audience: string;
  /** One of: a JWKS URL (a real identity provider), a JWKS document, or a PEM public key. */
  jwksUrl?: string;
  jwks?: { keys: object[] };
  publicKeyPem?: string;
  algorithms: string[];
  /**
   * The family token issuer (the web service's exchange of a citizen's ID token, citizen.ts): its tokens are family
   * members' only, checked with their own key (by default the one above), never with the practitioners' issuers.
   */
  family: { issuer: string } & VerificationKey;
}

export const DEFAULT_ISSUER = 'tell-it-once-dev';
export const DEFAULT_AUDIENCE = 'tell-it-once';

/** Reads JWT_ISSUER, JWT_AUDIENCE and one of JWT_JWKS_URL / JWT_JWKS / JWT_PUBLIC_KEY. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const config: AuthConfig = {
    issuer: env['JWT_ISSUER'] ?? DEFAULT_ISSUER,
    audience: env['JWT_AUDIENCE'] ?? DEFAULT_AUDIENCE,
    jwksUrl: env['JWT_JWKS_URL'],
    jwks: env['JWT_JWKS'] ? (JSON.parse(env['JWT_JWKS']) as { keys: object[] }) : undefined,
    publicKeyPem: env['JWT_PUBLIC_KEY']?.replace(/\\n/g, '\n'),
    algorithms: (env['JWT_ALGORITHMS'] ?? 'ES256,RS256').split(','),
    family: { issuer: env['FAMILY_JWT_ISSUER'] ?? DEFAULT_FAMILY_ISSUER },
  };
  if (!config.jwksUrl && !config.jwks && !config.publicKeyPem) {
    throw new Error('No JWT verification key: set JWT_JWKS_URL (identity provider), JWT_JWKS or JWT_PUBLIC_KEY (npm start sets a development key).');
  }
  // the family token key: FAMILY_JWT_PUBLIC_KEY or FAMILY_JWT_JWKS (the web service's FAMILY_JWT_PRIVATE_KEY's public half); by default the key above
  const familyKey: VerificationKey = env['FAMILY_JWT_PUBLIC_KEY'] || env['FAMILY_JWT_JWKS']
    ? { publicKeyPem: env['FAMILY_JWT_PUBLIC_KEY']?.replace(/\\n/g, '\n') || undefined, jwks: env['FAMILY_JWT_JWKS'] ? (JSON.parse(env['FAMILY_JWT_JWKS']) as { keys: object[] }) : undefined }
    : { jwksUrl: config.jwksUrl, jwks: config.jwks, publicKeyPem: config.publicKeyPem };
  Object.assign(config.family, familyKey);
  if (practitionerIssuers(config).includes(config.family.issuer)) {
    throw new Error(`FAMILY_JWT_ISSUER=${config.family.issuer} is also in JWT_ISSUER: the family token issuer must be one of its own`);
  }
  return config;
}

const practitionerIssuers = (config: AuthConfig) => config.issuer.split(',').map((i) => i.trim()).filter(Boolean);

function loadKey(key: VerificationKey, algorithms: string[]): Promise<KeyLike | JWTVerifyGetKey> {
  return (async () => {
    if (key.jwksUrl) return createRemoteJWKSet(new URL(key.jwksUrl));
    if (key.jwks) return createLocalJWKSet(key.jwks as Parameters<typeof createLocalJWKSet>[0]);
    const alg = key.publicKeyPem?.includes('BEGIN PUBLIC KEY') && algorithms[0] ? algorithms[0] : 'ES256';
    return importSPKI(key.publicKeyPem as string, alg);
  })();
}

/**
 * The family token key. Family tokens name their key (`kid`: FAMILY_JWT_KEY_ID or the key's RFC 7638 thumbprint), and
 * a key set (FAMILY_JWT_JWKS) is searched by it: a key listed without a kid gets its thumbprint as one, so a set written
 * from the public keys alone still matches, and during a rotation each token is checked with the key that signed it.
 */
async function familyKey(key: VerificationKey, algorithms: string[]): Promise<KeyLike | JWTVerifyGetKey> {
  if (!key.jwks || key.jwksUrl) return loadKey(key, algorithms);
  const keys = await Promise.all((key.jwks.keys as JWK[]).map(async (jwk) => (jwk.kid ? jwk : { ...jwk, kid: await calculateJwkThumbprint(jwk, 'sha256') })));
  return loadKey({ ...key, jwks: { keys } }, algorithms);
}

export class TokenRejected extends Error {}

/**
 * How long a token whose signature, issuer and audience were verified is taken as verified again without checking
 * the signature (a caller sends the same token with every request; the signature check is most of the CPU of an
 * authenticated request). Its expiry is still checked on every use, and a key withdrawn from the identity provider's
 * JWKS stops being trusted sooner than that document's own cache (jose keeps it 10 minutes).
 */
const REVERIFY_AFTER_MS = 60_000;
/** Tokens remembered at most (the oldest forgotten first): about 5 MB. */
const MAX_REMEMBERED = 10_000;

/**
 * Verifies a bearer token's signature, issuer, audience and expiry, then its claims: a token of the family token
 * issuer becomes a family principal (familyPrincipalFromClaims), any other trusted issuer's a practitioner's or
 * service's (principalFromClaims, which refuses the role family).
 */
export class TokenVerifier {
  private readonly keys = new Map<'practitioner' | 'family', Promise<KeyLike | JWTVerifyGetKey>>();
  /** Tokens verified lately, by their exact text, with their principal and until when they are taken as verified. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private key(which: 'practitioner' | 'family'): Promise<KeyLike | JWTVerifyGetKey> {
    let key = this.keys.get(which);
    if (!key) {
      key = which === 'family' ? familyKey(this.config.family, this.config.algorithms) : loadKey(this.config, this.config.algorithms);
      this.keys.set(which, key);
    }
    return key;
  }

  async verify(token: string): Promise<Principal> {
    const remembered = this.verified.get(token);
    if (remembered && this.now() < remembered.until) return remembered.principal;
    if (remembered) this.verified.delete(token);
    let payload: TioClaims & Record<string, unknown>;
    // which trust the token asks for, from its unverified issuer: it is then verified against that issuer's key only
    const family = this.claimedIssuer(token) === this.config.family.issuer;
    try {
      const key = await this.key(family ? 'family' : 'practitioner');
      const result = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        // several trusted issuers, comma-separated (e.g. the development key's and the development OpenID provider's)
        issuer: family ? this.config.family.issuer : practitionerIssuers(this.config),
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        currentDate: new Date(this.now()),
      });
      payload = result.payload as TioClaims & Record<string, unknown>;
    } catch (err) {
      throw new TokenRejected(`invalid token: ${(err as Error).message}`);
    }
    const principal = family ? familyPrincipalFromClaims(payload) : principalFromClaims(payload);
    if ('invalid' in principal) throw new TokenRejected(principal.invalid);
    // jose refuses a token once exp <= now (whole seconds): remembered no longer than that
    const until = Math.min(this.now() + REVERIFY_AFTER_MS, typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity);
    if (this.verified.size >= MAX_REMEMBERED) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, until });
    return principal;
  }

  private claimedIssuer(token: string): unknown {
    try {
      return decodeJwt(token).iss;
    } catch {
      return undefined; // not a JWT: jwtVerify says so
    }
  }
}
