import { createPrivateKey, webcrypto } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { CitizenTokenExchange, familyPrincipalFromClaims, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, TokenExchangeRefused, votsOf, type Principal } from '@tio/auth';
import type { CitizenSignInConfig, WebConfig } from '../config';
import { WEB_CONFIG } from '../tokens';
import { isLoopback, SignInFailed, type SignedIn } from './oidc';

/** The client's private key (PEM, EC P-256 or RSA) as the WebCrypto key openid-client signs its client assertion with. */
async function clientKey(pem: string): Promise<webcrypto.CryptoKey> {
  const key = createPrivateKey(pem);
  const algorithm = key.asymmetricKeyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']);
}

/**
 * Families' sign-in at the citizen identity provider (GOV.UK One Login in production; the development citizen
 * provider under `npm start`), as One Login asks: authorization code, `scope` openid email, `state`, `nonce`, `vtr`,
 * PKCE, and `private_key_jwt` at its token endpoint (no client secret; the assertion's audience is the token
 * endpoint). The ID token it answers is then exchanged (RFC 8693, CitizenTokenExchange) for the platform's family
 * token, which is what the APIs see: nothing the citizen provider says makes anyone more than a family member.
 */
@Injectable()
export class CitizenOidcClient {
  private discovery?: Promise<{ configuration: oidc.Configuration; exchange: CitizenTokenExchange }>;

  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.citizen);
  }

  private settings(): CitizenSignInConfig {
    if (!this.config.citizen) throw new SignInFailed('Signing in as a parent, carer or young person is not set up here (CITIZEN_OIDC_ISSUER).', 404);
    return this.config.citizen;
  }

  private discovered(): Promise<{ configuration: oidc.Configuration; exchange: CitizenTokenExchange }> {
    const citizen = this.settings();
    this.discovery ??= (async () => {
      const key = await clientKey(citizen.privateKeyPem);
      let tokenEndpoint = '';
      const auth = oidc.PrivateKeyJwt({ key, ...(citizen.keyId ? { kid: citizen.keyId } : {}) }, {
        [oidc.modifyAssertion]: (_header: unknown, payload: Record<string, unknown>) => {
          payload['aud'] = tokenEndpoint;
        },
      });
      const configuration = await oidc.discovery(new URL(citizen.issuer), citizen.clientId, { token_endpoint_auth_method: 'private_key_jwt' }, auth, isLoopback(citizen.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined);
      const metadata = configuration.serverMetadata();
      tokenEndpoint = metadata.token_endpoint ?? citizen.issuer;
      if (!metadata.jwks_uri) throw new Error('its discovery document has no jwks_uri');
      const exchange = new CitizenTokenExchange({
        citizenIssuer: metadata.issuer, clientId: citizen.clientId, citizenKeys: new URL(metadata.jwks_uri), acceptedVots: votsOf(citizen.vtr),
        familyToken: citizen.familyToken,
      });
      return { configuration, exchange };
    })().catch((err: unknown) => {
      this.discovery = undefined;
      throw new SignInFailed(`The sign-in service for families ${citizen.issuer} could not be reached: ${(err as Error).message}`);
    });
    return this.discovery;
  }

  async begin(): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
    const citizen = this.settings();
    const { configuration } = await this.discovered();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: citizen.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(citizen.vtr ? { vtr: citizen.vtr } : {}),
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code, then the citizen's ID token for the family token; answers the family member and that token. */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const { configuration, exchange } = await this.discovered();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: expected.codeVerifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true });
    } catch (err) {
      throw new SignInFailed(`Signing in did not complete: ${(err as Error).message}`);
    }
    let exchanged: Awaited<ReturnType<CitizenTokenExchange['exchange']>>;
    try {
      exchanged = await exchange.exchange({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: tokens.id_token as string, subject_token_type: ID_TOKEN_TYPE, nonce: expected.nonce });
    } catch (err) {
      if (err instanceof TokenExchangeRefused) throw new SignInFailed(`The sign-in service's answer cannot be used: ${err.message}`);
      throw err;
    }
    const principal = familyPrincipalFromClaims(decodeJwt(exchanged.access_token));
    if ('invalid' in principal) throw new SignInFailed(principal.invalid);
    // One Login gives the email address at its userinfo endpoint (not in the ID token): shown as who is signed in
    const email = exchanged.identity.email ?? (await this.emailFromUserInfo(configuration, tokens.access_token, tokens.claims()?.sub));
    const shown: Principal = { ...principal, ...(email ? { name: email } : {}) };
    return { principal: shown, accessToken: exchanged.access_token, idToken: tokens.id_token, expiresInSeconds: exchanged.expires_in };
  }

  private async emailFromUserInfo(configuration: oidc.Configuration, accessToken: string, sub: string | undefined): Promise<string | undefined> {
    if (!sub || !this.settings().scope.split(' ').includes('email')) return undefined;
    try {
      const info = await oidc.fetchUserInfo(configuration, accessToken, sub);
      return typeof info.email === 'string' ? info.email : undefined;
    } catch {
      return undefined; // only for display: the sign-in stands without it
    }
  }

  async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
    const found = await this.discovered().catch(() => undefined);
    if (!found?.configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(found.configuration, { post_logout_redirect_uri: this.config.postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
  }
}
