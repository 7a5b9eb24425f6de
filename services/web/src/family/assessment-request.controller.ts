import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { cookie, cookieNames, parseCookies } from '../auth/cookies';
import type { WebRequest } from '../auth/session.middleware';
import type { WebConfig } from '../config';
import { londonDay } from '../case-page/entry-text';
import { Renderer } from '../render';
import { TimelineRefused } from '../timeline-api';
import { WEB_CONFIG } from '../tokens';
import { assessmentRequestBody, REFERENCE, requestProblemErrors, type Retry } from './assessment-request-form';
import type { FieldError, Posted } from './family-forms';
import { PublicRequestApi, type Council } from './public-request-api';

const TITLE = 'Ask your council for an EHC needs assessment';
/** The form's token lasts 2 hours at the case service; the CSRF cookie as long. */
const FORM_COOKIE_SECONDS = 2 * 3600;
/** Up to this many councils are radios; more are a select. */
const MAX_RADIOS = 10;

const sameSecret = (a: string, b: string) => a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const keyOf = (v: unknown) => (typeof v === 'string' && /^[\w-]{8,128}$/.test(v) ? v : undefined);

/**
 * reg 3: a parent or young person asks their council for an EHC needs assessment here, without signing in. The form
 * is the case service's public request: its signed form token is fetched when the page is shown, with the councils it
 * covers; the Idempotency-Key is made then too, so sending again (a double click, a reload) is the same request. No
 * session, so the form's CSRF token is double-submitted: a SameSite cookie and a hidden field that must match.
 */
@Controller('request-an-assessment')
export class AssessmentRequestController {
  private readonly formCookie: string;

  constructor(
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(PublicRequestApi) private readonly api: PublicRequestApi,
    @Inject(WEB_CONFIG) private readonly config: WebConfig,
  ) {
    this.formCookie = cookieNames(config.secureCookies).publicForm;
  }

  @Get()
  async show(@Req() req: WebRequest, @Res() res: Response) {
    try {
      const form = await this.api.form(req.ip);
      const csrf = randomBytes(24).toString('base64url');
      res.setHeader('set-cookie', cookie(this.formCookie, csrf, this.config.secureCookies, FORM_COOKIE_SECONDS));
      return this.page(req, res, { formToken: form.formToken, idempotencyKey: randomUUID() }, form.councils, csrf, []);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Post()
  async send(@Req() req: WebRequest, @Res() res: Response, @Body() body: Posted) {
    const csrf = parseCookies(req.headers.cookie).get(this.formCookie) ?? '';
    if (!sameSecret(csrf, String(body?.['csrf'] ?? ''))) {
      return this.render.page(req, res, 'error.njk', { title: 'The form had expired', message: 'Your request has not been sent. Open the form again and fill it in.', link: { href: '/request-an-assessment', text: 'Open the form again' } }, 400);
    }
    const values: Posted = { ...body, idempotencyKey: keyOf(body['idempotencyKey']) ?? randomUUID() };
    const request = assessmentRequestBody(values, londonDay(new Date().toISOString()));
    try {
      if ('errors' in request) return await this.again(req, res, values, csrf, request.errors, 'same-form');
      const answer = await this.api.send(request.body, values['idempotencyKey'] as string, req.ip);
      if (answer.ok) return res.redirect(303, `/request-an-assessment/sent?reference=${encodeURIComponent(answer.reference)}${answer.replayed ? '&again=yes' : ''}`);
      const { errors, retry } = requestProblemErrors(answer.status, answer.problem);
      return await this.again(req, res, values, csrf, errors, retry, answer.status === 429 ? 429 : 400);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('sent')
  sent(@Req() req: WebRequest, @Res() res: Response, @Query('reference') reference?: string, @Query('again') again?: string) {
    if (typeof reference !== 'string' || !REFERENCE.test(reference)) return res.redirect(303, '/request-an-assessment');
    return this.render.page(req, res, 'family/request-sent.njk', { title: 'Your request has been sent', reference, again: again === 'yes' });
  }

  /** The form again with what was entered and the errors; a new token (and key) when the old one cannot send it. */
  private async again(req: WebRequest, res: Response, values: Posted, csrf: string, errors: FieldError[], retry: Retry, status = 400) {
    let councils = this.api.lastCouncils;
    if (retry !== 'same-form' || !councils.length || !String(values['formToken'] ?? '')) {
      const form = await this.api.form(req.ip);
      councils = form.councils;
      if (retry !== 'same-form' || !String(values['formToken'] ?? '')) values = { ...values, formToken: form.formToken };
    }
    if (retry === 'new-token-and-key') values = { ...values, idempotencyKey: randomUUID() };
    return this.page(req, res, values, councils, csrf, errors, status);
  }

  private page(req: WebRequest, res: Response, values: Posted, councils: Council[], formCsrf: string, errors: FieldError[], status = 200) {
    const chosen = values['localAuthority'];
    return this.render.page(req, res, 'family/request-an-assessment.njk', {
      title: TITLE, values, formCsrf, councilsAsRadios: councils.length <= MAX_RADIOS,
      councilItems: councils.map((c) => ({ value: c.code, text: c.name, checked: c.code === chosen, selected: c.code === chosen })),
      byField: Object.fromEntries(errors.map((e) => [e.field, e.text])), errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
    }, status);
  }

  private refused(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof TimelineRefused)) throw err;
    return this.render.page(req, res, 'error.njk', { title: err.status === 429 ? 'Too many requests' : 'Sorry, there is a problem with the service', message: err.message }, err.status === 429 ? 429 : 503);
  }
}
