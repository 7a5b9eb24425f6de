import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { principalFromClaims, type Principal } from '@tio/auth';
import { WEB_CONFIG } from '../tokens';
import type { WebConfig } from '../config';

/** Plain http is allowed only for a provider on this machine (the development one). */
export const isLoopback = (issuer: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(issuer).hostname);

/** Who signed in, and the tokens the web service calls the APIs (and signs out) with. */
export interface SignedIn {
  principal: Principal;
  accessToken: string;
  idToken?: string;
  expiresInSeconds?: number;
}

export class SignInFailed extends Error {
  constructor(message: string, readonly status = 502) {
    super(message);
  }
}

/**
 * The OpenID Connect relying party (openid-client): authorization code with PKCE (S256), state and nonce checked,
 * the ID token verified by the library (issuer, audience, signature, expiry, nonce). Discovery happens on first use
 * and again after a failure, so the service starts even while the provider is down.
 */
@Injectable()
export class OidcClient {
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  private discovered(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(new URL(this.config.issuer), this.config.clientId, this.config.clientSecret, undefined, isLoopback(this.config.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw new SignInFailed(`The identity provider ${this.config.issuer} could not be reached: ${(err as Error).message}`);
      });
    return this.configuration;
  }

  /** Where to send the browser to sign in, and what the callback must check. */
  async begin(): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
    const configuration = await this.discovered();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.config.resource ? { resource: this.config.resource } : {}),
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code the provider sent back; answers who signed in and the tokens to call the APIs with. */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const configuration = await this.discovered();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: expected.codeVerifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true });
    } catch (err) {
      throw new SignInFailed(`Signing in did not complete: ${(err as Error).message}`);
    }
    const principal = principalFromClaims((tokens.claims() ?? {}) as Record<string, unknown>);
    if ('invalid' in principal) throw new SignInFailed(`The identity provider's answer cannot be used: ${principal.invalid}`);
    return { principal, accessToken: tokens.access_token, idToken: tokens.id_token, expiresInSeconds: tokens.expiresIn() };
  }

  /** The provider's sign-out page (RP-initiated logout), or undefined when it has none. */
  async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
    const configuration = await this.discovered().catch(() => undefined);
    if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: this.config.postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
  }
}
