import { dirname, join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import nunjucks from 'nunjucks';
import type { Request, Response } from 'express';
import type { WebSession } from './auth/sessions';

/** govuk-frontend's dist folder (its templates, compiled CSS and JS, fonts and images). */
export const GOVUK_DIST = dirname(dirname(require.resolve('govuk-frontend')));

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const LONDON_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** A calendar date (YYYY-MM-DD) as a date, or a timestamp as its date in England: never an invented time of day. */
export function displayDate(value: unknown): string {
  if (typeof value !== 'string' || !value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return DATE.format(new Date(`${value}T00:00:00Z`));
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : LONDON_DATE.format(t);
}

/** The Nunjucks environment: this service's views, then govuk-frontend's macros (`govuk/components/...`). */
@Injectable()
export class Renderer {
  private readonly logger = new Logger('pages');
  private readonly env = new nunjucks.Environment(new nunjucks.FileSystemLoader([join(__dirname, 'views'), GOVUK_DIST]), { autoescape: true });

  constructor() {
    this.env.addFilter('date', displayDate);
  }

  /** Renders a page with what every page needs (who is signed in, the sign-out form's token, the CSP nonce). */
  page(req: Request, res: Response, template: string, context: Record<string, unknown>, status = 200): void {
    const session = (req as Request & { webSession?: WebSession }).webSession;
    const html = this.env.render(template, {
      ...context,
      user: session?.principal,
      csrf: session?.csrf,
      cspNonce: res.locals['cspNonce'],
    });
    // what failed is logged inside the request's trace (its traceId on the line when tracing is on); the page says it
    if (status >= 500) this.logger.warn({ msg: 'page answered with a server error', status, method: req.method, route: req.route?.path ?? 'unmatched', template });
    res.status(status).type('html').send(html);
  }
}

