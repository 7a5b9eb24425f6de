import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importPKCS8, SignJWT, type KeyLike } from 'jose';
import { FAMILY_ORGANISATION, type Principal } from './claims';
import { DEFAULT_AUDIENCE } from './verifier';

/**
 * Families (issue #21) sign in at a CITIZEN identity provider (GOV.UK One Login in production), never at the
 * practitioners' one. Its ID token says who the person is (`sub`, a pairwise id) and nothing about what they may do:
 * no organisation, agency or roles. The platform therefore takes only `sub` from it and makes the person a family
 * member: the citizen provider is trusted for the role `family` and for nothing else.
 *
 * Why a token exchange (RFC 8693) and not the APIs trusting the citizen provider directly: One Login's ID token is for
 * the relying party (audience = the web service's client id, not the APIs'), lives only minutes, comes with no refresh
 * token, and its access token is good only for its userinfo endpoint. The web service holds the session anyway, so it
 * verifies the ID token once at sign-in and exchanges it for a short platform token (role family, subject namespaced
 * by issuer) that the APIs verify like any other, from an issuer they accept for families only.
 */

/** The platform's family-token issuer (the exchange): the APIs take its tokens as family members' and nothing else. */
export const DEFAULT_FAMILY_ISSUER = 'tell-it-once-family';

/** Every family member's subject starts with this; no practitioner's may (see principalFromClaims). */
export const CITIZEN_SUBJECT_PREFIX = 'citizen:';

/** Subjects are stored in events (and limited to 256 characters by the routes that take one). */
const MAX_SUBJECT = 256;

/**
 * A citizen's platform subject: `citizen:<issuer>#<sub>`. An issuer identifier has no fragment (OpenID Connect
 * Discovery §2), so the first `#` ends it: two issuers' `sub` values can never give the same subject, and nor can a
 * practitioner's.
 */
export function citizenSubject(issuer: string, sub: string): string {
  if (!issuer || issuer.includes('#')) throw new Error(`a citizen issuer identifier has no fragment: ${issuer}`);
  return `${CITIZEN_SUBJECT_PREFIX}${issuer}#${sub}`;
}

export const isCitizenSubject = (subject: unknown): subject is string => typeof subject === 'string' && subject.startsWith(CITIZEN_SUBJECT_PREFIX);

/** What the platform takes from a citizen provider's verified ID token (or userinfo): who, and how to write to them. */
export interface CitizenIdentity {
  /** `citizen:<issuer>#<sub>`: the family member's subject everywhere in the platform. */
  subject: string;
  email?: string;
  emailVerified?: boolean;
  /** The level of authentication the provider says it achieved (One Login's `vot`, e.g. `Cl.Cm`). */
  vot?: string;
}

/**
 * Mapping in: a citizen ID token's claims (already verified: signature, issuer, audience, expiry, nonce) to the
 * citizen's identity. Only `sub` (and the contact and level claims) are read: `roles`, `org`, `agency` or `name`, if
 * a provider sent them, are ignored, so a citizen token can never carry a practitioner's role or organisation.
 */
export function citizenIdentityFromClaims(issuer: string, claims: Record<string, unknown>): CitizenIdentity | { invalid: string } {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || !sub.trim()) return { invalid: 'the citizen ID token has no subject (sub)' };
  const subject = citizenSubject(issuer, sub);
  if (subject.length > MAX_SUBJECT) return { invalid: `the citizen subject is longer than ${MAX_SUBJECT} characters` };
  return {
    subject,
    ...(typeof claims['email'] === 'string' ? { email: claims['email'] } : {}),
    ...(typeof claims['email_verified'] === 'boolean' ? { emailVerified: claims['email_verified'] } : {}),
    ...(typeof claims['vot'] === 'string' ? { vot: claims['vot'] } : {}),
  };
}

/**
 * Mapping out, at the APIs: a token of the family issuer is a family member's, whatever else it says. Its subject must
 * be a citizen subject; its `roles`, `org` and `agency` claims are not read (the principal is always role family,
 * agency family, organisation family).
 */
export function familyPrincipalFromClaims(claims: Record<string, unknown>): Principal | { invalid: string } {
  const sub = claims['sub'];
  if (!isCitizenSubject(sub) || sub.length > MAX_SUBJECT) return { invalid: `a family token's subject is a citizen subject (${CITIZEN_SUBJECT_PREFIX}<issuer>#<sub>)` };
  const exp = claims['exp'];
  return {
    userId: sub,
    organisationId: FAMILY_ORGANISATION,
    agency: 'family',
    roles: ['family'],
    ...(typeof exp === 'number' && Number.isFinite(exp) ? { expiresAt: exp * 1000 } : {}),
  };
}

export interface FamilyTokenRequest {
  /** A citizen subject (citizenSubject). */
  subject: string;
  /** Seconds (default 3,600) or a jose time span ('15m'). */
  expiresIn?: number | string;
  issuer?: string;
  audience?: string;
  /** The `kid` header (FAMILY_JWT_KEY_ID); by default the signing key's RFC 7638 thumbprint (familyKeyId). */
  keyId?: string;
}

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a key's public half, from its PEM (private PKCS#8 or public
 * SPKI): the default `kid` of family tokens, and the id a family JWKS without kids gives each of its keys.
 */
export async function familyKeyId(pem: string): Promise<string> {
  const publicKey = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}

/** Signing keys by PEM, with their algorithm and kid: importing and thumbprinting once, not per token. */
const signingKeys = new Map<string, Promise<{ alg: string; key: KeyLike; thumbprint: string }>>();

function signingKey(privateKeyPem: string) {
  let loaded = signingKeys.get(privateKeyPem);
  if (!loaded) {
    loaded = (async () => {
      const alg = createPrivateKey(privateKeyPem).asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
      return { alg, key: await importPKCS8(privateKeyPem, alg), thumbprint: await familyKeyId(privateKeyPem) };
    })();
    loaded.catch(() => signingKeys.delete(privateKeyPem));
    signingKeys.set(privateKeyPem, loaded);
  }
  return loaded;
}

/**
 * The platform token of a family member: only `sub`, issuer, audience and times; signed ES256 (or RS256 with an RSA
 * key); its header names the key (`kid`), so an API holding several family keys (FAMILY_JWT_JWKS, e.g. across a key
 * rotation) picks the one that signed it.
 */
export async function mintFamilyToken(privateKeyPem: string, request: FamilyTokenRequest): Promise<string> {
  if (!isCitizenSubject(request.subject)) throw new Error(`a family token is for a citizen subject, not ${request.subject}`);
  const { alg, key, thumbprint } = await signingKey(privateKeyPem);
  const expiresIn = request.expiresIn ?? 3600;
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'at+jwt', kid: request.keyId || thumbprint })
    .setSubject(request.subject)
    .setIssuer(request.issuer ?? DEFAULT_FAMILY_ISSUER)
    .setAudience(request.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(key);
}
