import { createLocalJWKSet, createRemoteJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { principalFromClaims, type Principal, type TioClaims } from './claims';

export interface AuthConfig {
  /** The trusted issuer, or several separated by commas. */
  issuer: string;
  audience: string;
  /** One of: a JWKS URL (a real identity provider), a JWKS document, or a PEM public key. */
  jwksUrl?: string;
  jwks?: { keys: object[] };
  publicKeyPem?: string;
  algorithms: string[];
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
  };
  if (!config.jwksUrl && !config.jwks && !config.publicKeyPem) {
    throw new Error('No JWT verification key: set JWT_JWKS_URL (identity provider), JWT_JWKS or JWT_PUBLIC_KEY (npm start sets a development key).');
  }
  return config;
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

/** Verifies a bearer token's signature, issuer, audience and expiry, then its Tell It Once claims. */
export class TokenVerifier {
  private keyPromise?: Promise<KeyLike | JWTVerifyGetKey>;
  /** Tokens verified lately, by their exact text, with their claims and until when they are taken as verified. */
  private readonly verified = new Map<string, { payload: TioClaims; until: number }>();

  constructor(
    private readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private key(): Promise<KeyLike | JWTVerifyGetKey> {
    this.keyPromise ??= (async () => {
      if (this.config.jwksUrl) return createRemoteJWKSet(new URL(this.config.jwksUrl));
      if (this.config.jwks) return createLocalJWKSet(this.config.jwks as Parameters<typeof createLocalJWKSet>[0]);
      const alg = this.config.publicKeyPem?.includes('BEGIN PUBLIC KEY') && this.config.algorithms[0] ? this.config.algorithms[0] : 'ES256';
      return importSPKI(this.config.publicKeyPem as string, alg);
    })();
    return this.keyPromise;
  }

  async verify(token: string): Promise<Principal> {
    const remembered = this.verified.get(token);
    if (remembered && this.now() < remembered.until) return this.principalOf(remembered.payload);
    if (remembered) this.verified.delete(token);
    let payload: TioClaims;
    try {
      const key = await this.key();
      const result = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        // several trusted issuers, comma-separated (e.g. the development key's and the development OpenID provider's)
        issuer: this.config.issuer.split(',').map((i) => i.trim()).filter(Boolean),
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        currentDate: new Date(this.now()),
      });
      payload = result.payload as TioClaims;
    } catch (err) {
      throw new TokenRejected(`invalid token: ${(err as Error).message}`);
    }
    const principal = this.principalOf(payload);
    // jose refuses a token once exp <= now (whole seconds): remembered no longer than that
    const until = Math.min(this.now() + REVERIFY_AFTER_MS, typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity);
    if (this.verified.size >= MAX_REMEMBERED) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { payload, until });
    return principal;
  }

  private principalOf(payload: TioClaims): Principal {
    const principal = principalFromClaims(payload);
    if ('invalid' in principal) throw new TokenRejected(principal.invalid);
    return principal;
  }
}
