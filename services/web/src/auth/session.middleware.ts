import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { WebConfig } from '../config';
import { WEB_CONFIG } from '../tokens';
import { cookieNames, parseCookies } from './cookies';
import { SessionStore, type WebSession } from './sessions';

/** Paths anyone may open; every other page needs a signed-in session and sends the browser to sign in without one. */
const PUBLIC_EXACT = new Set(['/', '/sign-in', '/sign-in/family', '/auth/callback', '/signed-out', '/accessibility', '/favicon.ico', '/request-an-assessment', '/request-an-assessment/sent']);
const PUBLIC_PREFIXES = ['/health/', '/assets/', '/stylesheets/', '/javascripts/'];

export const isPublicPath = (path: string) => PUBLIC_EXACT.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p));

export type WebRequest = Request & { webSession?: WebSession };

@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly log = new Logger('sessions');

  constructor(
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(WEB_CONFIG) private readonly config: WebConfig,
  ) {}

  async use(req: WebRequest, res: Response, next: NextFunction): Promise<void> {
    const id = parseCookies(req.headers.cookie).get(cookieNames(this.config.secureCookies).session);
    try {
      req.webSession = await this.sessions.get(id);
    } catch (err) {
      // the session database cannot be reached: public pages still open (as signed out), the others say so
      this.log.warn(`session not read: ${(err as Error).message}`);
      if (isPublicPath(req.path)) return next();
      res.status(503).setHeader('retry-after', '30');
      res.type('text').send('Signed-in pages are unavailable just now. Try again in a minute.');
      return;
    }
    if (req.webSession || isPublicPath(req.path)) return next();
    if (req.method !== 'GET') {
      res.status(401).type('text').send('Sign in first.');
      return;
    }
    // a family page (an invitation's link among them) signs in at the citizen identity provider
    const family = req.path === '/family' || req.path.startsWith('/family/');
    res.redirect(303, `${family ? '/sign-in/family' : '/sign-in'}?returnTo=${encodeURIComponent(req.originalUrl)}`);
  }
}
