import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { WebConfig } from '../config';
import { Renderer } from '../render';
import { WEB_CONFIG } from '../tokens';
import { cookie, cookieNames, parseCookies } from './cookies';
import { OidcClient, SignInFailed } from './oidc';
import type { WebRequest } from './session.middleware';
import { safeReturnTo, SessionStore } from './sessions';

/** Sign-in (authorization code with PKCE at the organisation's OpenID provider), its callback, and sign-out. */
@Controller()
export class AuthController {
  private readonly names: ReturnType<typeof cookieNames>;

  constructor(
    @Inject(OidcClient) private readonly oidc: OidcClient,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(WEB_CONFIG) private readonly config: WebConfig,
  ) {
    this.names = cookieNames(config.secureCookies);
  }

  @Get('sign-in')
  async signIn(@Req() req: WebRequest, @Res() res: Response, @Query('returnTo') returnTo: unknown) {
    if (req.webSession) return res.redirect(303, safeReturnTo(returnTo));
    try {
      const flow = await this.oidc.begin();
      const pending = this.sessions.startSignIn({ state: flow.state, nonce: flow.nonce, codeVerifier: flow.codeVerifier, returnTo: safeReturnTo(returnTo) });
      res.setHeader('set-cookie', cookie(this.names.signIn, pending.id, this.config.secureCookies, 600));
      return res.redirect(303, flow.url);
    } catch (err) {
      return this.failed(req, res, err);
    }
  }

  @Get('auth/callback')
  async callback(@Req() req: WebRequest, @Res() res: Response) {
    const pending = this.sessions.takeSignIn(parseCookies(req.headers.cookie).get(this.names.signIn));
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
      const signedIn = await this.oidc.finish(callbackUrl, pending);
      const session = this.sessions.create(signedIn.principal, signedIn, this.config.sessionHours);
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
    this.sessions.end(session?.id);
    res.setHeader('set-cookie', cookie(this.names.session, '', this.config.secureCookies, 0));
    const providerLogout = await this.oidc.endSessionUrl(session?.idToken);
    return res.redirect(303, providerLogout ?? '/signed-out');
  }

  @Get('signed-out')
  signedOut(@Req() req: WebRequest, @Res() res: Response) {
    return this.render.page(req, res, 'signed-out.njk', { title: 'You have signed out' });
  }

  private failed(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof SignInFailed)) throw err;
    return this.render.page(req, res, 'start.njk', { title: 'Tell It Once', error: err.message }, err.status);
  }
}
