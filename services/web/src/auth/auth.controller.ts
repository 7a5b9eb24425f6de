import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { WebConfig } from '../config';
import { Renderer } from '../render';
import { WEB_CONFIG } from '../tokens';
import { cookie, cookieNames, parseCookies } from './cookies';
import { CitizenOidcClient } from './citizen-oidc';
import { OidcClient, SignInFailed } from './oidc';
import type { WebRequest } from './session.middleware';
import { safeReturnTo, SessionStore } from './sessions';

/**
 * Sign-in (authorization code with PKCE) at the organisation's OpenID provider for practitioners (/sign-in), or at the
 * citizen identity provider for parents, carers and young people (/sign-in/family), one callback for both (the
 * sign-in under way says which), and sign-out at the provider the session came from.
 */
@Controller()
export class AuthController {
  private readonly names: ReturnType<typeof cookieNames>;

  constructor(
    @Inject(OidcClient) private readonly oidc: OidcClient,
    @Inject(CitizenOidcClient) private readonly citizen: CitizenOidcClient,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(WEB_CONFIG) private readonly config: WebConfig,
  ) {
    this.names = cookieNames(config.secureCookies);
  }

  @Get('sign-in')
  signIn(@Req() req: WebRequest, @Res() res: Response, @Query('returnTo') returnTo: unknown) {
    return this.startSignIn(req, res, returnTo, 'practitioner');
  }

  /** Parents, carers and young people: the citizen identity provider (GOV.UK One Login), never the practitioners'. */
  @Get('sign-in/family')
  signInFamily(@Req() req: WebRequest, @Res() res: Response, @Query('returnTo') returnTo: unknown) {
    return this.startSignIn(req, res, returnTo ?? '/family', 'citizen');
  }

  private async startSignIn(req: WebRequest, res: Response, returnTo: unknown, provider: 'practitioner' | 'citizen') {
    if (req.webSession) return res.redirect(303, safeReturnTo(returnTo));
    try {
      const flow = await (provider === 'citizen' ? this.citizen : this.oidc).begin();
      const pending = await this.sessions.startSignIn({ state: flow.state, nonce: flow.nonce, codeVerifier: flow.codeVerifier, returnTo: safeReturnTo(returnTo), provider });
      res.setHeader('set-cookie', cookie(this.names.signIn, pending.id, this.config.secureCookies, 600));
      return res.redirect(303, flow.url);
    } catch (err) {
      return this.failed(req, res, err);
    }
  }

  @Get('auth/callback')
  async callback(@Req() req: WebRequest, @Res() res: Response) {
    const pending = await this.sessions.takeSignIn(parseCookies(req.headers.cookie).get(this.names.signIn));
    const clearSignIn = cookie(this.names.signIn, '', this.config.secureCookies, 0);
    if (!pending) {
      res.setHeader('set-cookie', clearSignIn);
      return this.failed(req, res, new SignInFailed('This sign-in link has expired or was already used. Sign in again.', 400));
    }
    const params = new URL(req.originalUrl, this.config.redirectUri).searchParams;
    if (params.get('error')) {
      res.setHeader('set-cookie', clearSignIn);
      return this.failed(req, res, new SignInFailed(`The identity provider did not sign you in: ${params.get('error_description') ?? params.get('error')}`, 400));
    }
    try {
      const callbackUrl = new URL(this.config.redirectUri);
      callbackUrl.search = params.toString();
      const signedIn = await (pending.provider === 'citizen' ? this.citizen : this.oidc).finish(callbackUrl, pending);
      const session = await this.sessions.create(signedIn.principal, { ...signedIn, provider: pending.provider }, this.config.sessionHours);
      res.setHeader('set-cookie', [clearSignIn, cookie(this.names.session, session.id, this.config.secureCookies, (session.expiresAt - Date.now()) / 1000)]);
      return res.redirect(303, pending.returnTo);
    } catch (err) {
      res.setHeader('set-cookie', clearSignIn);
      return this.failed(req, res, err);
    }
  }

  @Post('sign-out')
  async signOut(@Req() req: WebRequest, @Res() res: Response, @Body() body: { csrf?: unknown }) {
    const session = req.webSession;
    if (session && body?.csrf !== session.csrf) {
      return this.render.page(req, res, 'error.njk', { title: 'Sign out from this service', message: 'The sign-out form had expired. Use the Sign out button again.' }, 400);
    }
    await this.sessions.end(session?.id);
    res.setHeader('set-cookie', cookie(this.names.session, '', this.config.secureCookies, 0));
    const providerLogout = await (session?.provider === 'citizen' ? this.citizen : this.oidc).endSessionUrl(session?.idToken);
    return res.redirect(303, providerLogout ?? '/signed-out');
  }

  @Get('signed-out')
  signedOut(@Req() req: WebRequest, @Res() res: Response) {
    return this.render.page(req, res, 'signed-out.njk', { title: 'You have signed out' });
  }

  private failed(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof SignInFailed)) throw err;
    return this.render.page(req, res, 'start.njk', { title: 'Tell It Once', error: err.message, familySignIn: this.citizen.enabled }, err.status);
  }
}
