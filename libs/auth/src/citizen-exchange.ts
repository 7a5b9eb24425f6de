import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { citizenIdentityFromClaims, DEFAULT_FAMILY_ISSUER, mintFamilyToken, type CitizenIdentity } from './citizen';
import { DEFAULT_AUDIENCE } from './verifier';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface CitizenExchangeConfig {
  /** The citizen identity provider's issuer identifier (GOV.UK One Login: https://oidc.account.gov.uk/). */
  citizenIssuer: string;
  /** Our client id there: the audience of its ID tokens. */
  clientId: string;
  /** Its signing keys: the jwks_uri of its discovery document, or a key set (tests). */
  citizenKeys: URL | JWTVerifyGetKey;
  /**
   * The levels of authentication accepted (One Login's `vot`, from the `vtr` asked for, e.g. ['Cl.Cm']); empty:
   * a provider without them, and `vot` is not checked.
   */
  acceptedVots: string[];
  /**
   * The platform's family token: its signing key (PEM), the `kid` its header carries (default: the key's RFC 7638
   * thumbprint), issuer, audience and lifetime in seconds.
   */
  familyToken: { privateKeyPem: string; keyId?: string; issuer?: string; audience?: string; lifetimeSeconds?: number };
}

/** RFC 8693 §2.1: what the web service asks, with the citizen's ID token as the subject token. */
export interface TokenExchangeRequest {
  grant_type: typeof TOKEN_EXCHANGE_GRANT;
  subject_token: string;
  subject_token_type: string;
  /** The nonce the sign-in sent, when the caller wants it checked again. */
  nonce?: string;
}

/** RFC 8693 §2.2.1, plus who the citizen is (for the session's display and contact). */
export interface TokenExchangeResponse {
  access_token: string;
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
  token_type: 'Bearer';
  expires_in: number;
  identity: CitizenIdentity;
}

/** RFC 8693 §2.2.2: the exchange refused (error `invalid_request`), with why. */
export class TokenExchangeRefused extends Error {
  readonly error = 'invalid_request';
}

/** Clock skew allowed between the citizen provider and this service when checking the ID token's times. */
const CLOCK_TOLERANCE_SECONDS = 60;
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * The token exchange (RFC 8693) between a citizen identity provider and the platform: verifies the citizen's ID
 * token itself (signature from the citizen provider's keys, issuer, audience = our client id, expiry, nonce when given,
 * level of authentication) and answers a short platform token of the family token issuer, subject
 * `citizen:<issuer>#<sub>`, which the APIs take as a family member's and nothing else. A token of any other issuer (a
 * practitioner's ID or access token, a platform token) is refused: the citizen path never makes a practitioner.
 */
export class CitizenTokenExchange {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly config: CitizenExchangeConfig) {
    this.keys = config.citizenKeys instanceof URL ? createRemoteJWKSet(config.citizenKeys) : config.citizenKeys;
  }

  async exchange(request: TokenExchangeRequest): Promise<TokenExchangeResponse> {
    if (request.grant_type !== TOKEN_EXCHANGE_GRANT) throw new TokenExchangeRefused(`grant_type must be ${TOKEN_EXCHANGE_GRANT}`);
    if (request.subject_token_type !== ID_TOKEN_TYPE) throw new TokenExchangeRefused(`subject_token_type must be ${ID_TOKEN_TYPE} (a citizen's ID token)`);
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(request.subject_token, this.keys, {
        issuer: this.config.citizenIssuer,
        audience: this.config.clientId,
        algorithms: ['ES256', 'RS256', 'PS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      throw new TokenExchangeRefused(`not an ID token of the citizen identity provider ${this.config.citizenIssuer} for this service: ${(err as Error).message}`);
    }
    if (request.nonce !== undefined && claims['nonce'] !== request.nonce) throw new TokenExchangeRefused('the ID token is not of this sign-in (nonce)');
    if (this.config.acceptedVots.length && !this.config.acceptedVots.includes(claims['vot'] as string)) {
      throw new TokenExchangeRefused(`the citizen signed in at level ${String(claims['vot'])}, not one of ${this.config.acceptedVots.join(', ')}`);
    }
    const identity = citizenIdentityFromClaims(this.config.citizenIssuer, claims);
    if ('invalid' in identity) throw new TokenExchangeRefused(identity.invalid);
    const lifetime = this.config.familyToken.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    const accessToken = await mintFamilyToken(this.config.familyToken.privateKeyPem, {
      subject: identity.subject,
      expiresIn: lifetime,
      issuer: this.config.familyToken.issuer ?? DEFAULT_FAMILY_ISSUER,
      audience: this.config.familyToken.audience ?? DEFAULT_AUDIENCE,
      ...(this.config.familyToken.keyId ? { keyId: this.config.familyToken.keyId } : {}),
    });
    return { access_token: accessToken, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: lifetime, identity };
  }
}

/** One Login's `vtr` (a JSON list of vectors, e.g. '["Cl.Cm"]') as the `vot` values it may answer. */
export function votsOf(vtr: string): string[] {
  if (!vtr.trim()) return [];
  let vectors: unknown;
  try {
    vectors = JSON.parse(vtr);
  } catch {
    throw new Error(`CITIZEN_OIDC_VTR=${vtr} is not a JSON list of vectors, e.g. ["Cl.Cm"]`);
  }
  if (!Array.isArray(vectors) || !vectors.every((v) => typeof v === 'string' && v)) throw new Error(`CITIZEN_OIDC_VTR=${vtr} is not a JSON list of vectors, e.g. ["Cl.Cm"]`);
  // a vector may also ask for identity (e.g. "P2.Cl.Cm"); the answer's vot is its credential part
  return vectors.map((v: string) => v.split('.').filter((part) => !/^P\d$/.test(part)).join('.'));
}
