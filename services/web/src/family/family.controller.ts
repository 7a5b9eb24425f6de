import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { Renderer } from '../render';
import { TimelineRefused } from '../timeline-api';
import { FamilyApi, type FamilyTimelineView } from './family-api';
import { familyRequest, problemErrors, VIEWS_QUESTIONS, type FamilyAction, type FieldError, type Posted } from './family-forms';
import { advicePage } from './family-advice-page';
import { earlyReviewItems, DECLINED_NEXT_STEPS, type EarlyReviewItem } from './family-early-reviews-page';
import { planPage } from './family-plan-page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ACTIONS: Record<FamilyAction, { title: string; button: string; done: string; stages: readonly string[] }> = {
  views: { title: 'Give your views', button: 'Send your views', done: 'Your views have been sent to the council.', stages: ['requested', 'assessing'] },
  'draft-response': { title: 'Reply to the draft plan', button: 'Send your reply', done: 'Your reply to the draft plan has been sent to the council.', stages: ['draft-issued'] },
  'ask-advice': { title: 'Ask for advice from someone you choose', button: 'Send your request', done: 'Your request has been sent. The council will tell you what it decides.', stages: ['assessing'] },
  'ask-review': { title: 'Ask for a new assessment or an early review', button: 'Send your request', done: 'Your request has been sent to the council.', stages: ['plan-in-force'] },
};
const isAction = (a: string): a is FamilyAction => a in ACTIONS;

/** What the family may do now, from where the process is (the case service checks again when they send it). */
export function actionsFor(view: Pick<FamilyTimelineView, 'stage' | 'you'>, canAct: boolean): Array<{ action: FamilyAction; title: string }> {
  if (!canAct || !view.you?.mayAct) return [];
  return (Object.keys(ACTIONS) as FamilyAction[]).filter((a) => ACTIONS[a].stages.includes(view.stage.status)).map((action) => ({ action, title: ACTIONS[action].title }));
}

/**
 * The family's pages (a parent, carer or young person signed in at the citizen identity provider): "Your case"
 * (where the process is, what is due and who is late, the timeline in plain English, the people involved), "Your
 * plan" (the draft and its last day for comments, then the final plan, sections A-K in plain English), "Advice about
 * your child" (the advice itself, from every service that holds it, from the draft plan or when the council shares it), the
 * invitation code, and the forms for what they may do. No JavaScript needed; each form carries the session's CSRF
 * token and an Idempotency-Key made when the form is shown.
 */
@Controller('family')
export class FamilyController {
  constructor(
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(FamilyApi) private readonly api: FamilyApi,
  ) {}

  @Get()
  async home(@Req() req: WebRequest, @Res() res: Response) {
    const session = req.webSession as WebSession;
    try {
      const { cases } = await this.api.cases(session.accessToken);
      if (cases.length === 1) return res.redirect(303, `/family/cases/${cases[0].caseId}`);
      return this.render.page(req, res, 'family/cases.njk', { title: cases.length ? 'Your cases' : 'Your case', nav: 'family', cases });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('join')
  join(@Req() req: WebRequest, @Res() res: Response) {
    return this.joinForm(req, res, {}, []);
  }

  @Post('join')
  async joinSubmit(@Req() req: WebRequest, @Res() res: Response, @Body() body: Posted) {
    const session = req.webSession as WebSession;
    if (body?.['csrf'] !== session.csrf) return this.expired(req, res);
    const code = String(body['code'] ?? '').trim();
    if (!code) return this.joinForm(req, res, body, [{ field: 'code', text: 'Enter the code from your invitation' }], 400);
    try {
      const answer = await this.api.act('/family/invitations/acceptance', { code }, session.accessToken, this.key(body));
      if (answer.ok) {
        const caseId = String(answer.body['caseId']);
        // the case record learns of the link from the case service's events: a moment later, usually well under a second
        if (await this.visibleSoon(session.accessToken, caseId)) return res.redirect(303, `/family/cases/${caseId}?done=joined`);
        return this.render.page(req, res, 'family/joined.njk', { title: 'Your code worked', nav: 'family', caseId });
      }
      const errors = answer.status === 404
        ? [{ field: 'code', text: 'This code cannot be used. Check it against your invitation: it may have been used already or be more than 28 days old.' }]
        : problemErrors(answer.problem, 'code');
      return this.joinForm(req, res, body, errors, answer.status === 404 || answer.status === 422 ? 400 : answer.status);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('cases/:caseId')
  async yourCase(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Query('done') done?: string) {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId)) return this.notFound(req, res);
    try {
      const view = await this.api.timeline(session.accessToken, caseId);
      const earlyReviews = view.earlyReviews?.length ? await this.earlyReviews(session.accessToken, caseId) : undefined;
      const banner = done === 'joined' ? 'You can now follow your child’s case here.' : done && isAction(done) ? ACTIONS[done].done : undefined;
      return this.render.page(req, res, 'family/case.njk', {
        title: 'Your case', nav: 'family', caseId, view, banner, actions: actionsFor(view, this.api.canAct), planLink: this.api.canAct, adviceLink: this.api.canReadAdvice,
        entries: [...view.entries].reverse(), earlyReviews, declinedNextSteps: DECLINED_NEXT_STEPS,
      });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  /** "Your plan": the draft while the family comment on it, then the final or amended plan (declared before `:action`). */
  @Get('cases/:caseId/plan')
  async yourPlan(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string) {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId)) return this.notFound(req, res);
    try {
      const page = planPage(await this.api.plan(session.accessToken, caseId));
      return this.render.page(req, res, 'family/plan.njk', { title: page.title, nav: 'family', caseId, page });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  /** "Advice about your child": every advice service's advice the family may read now (declared before `:action`). */
  @Get('cases/:caseId/advice')
  async yourAdvice(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string) {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId)) return this.notFound(req, res);
    try {
      const page = advicePage(await this.api.advice(session.accessToken, caseId));
      return this.render.page(req, res, 'family/advice.njk', { title: page.title, nav: 'family', caseId, page });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('cases/:caseId/:action')
  async actionForm(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('action') action: string) {
    if (!UUID.test(caseId) || !isAction(action)) return this.notFound(req, res);
    return this.form(req, res, caseId, action, {}, []);
  }

  @Post('cases/:caseId/:action')
  async submit(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('action') action: string, @Body() body: Posted) {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId) || !isAction(action)) return this.notFound(req, res);
    if (body?.['csrf'] !== session.csrf) return this.expired(req, res);
    const request = familyRequest(action, caseId, body);
    if ('errors' in request) return this.form(req, res, caseId, action, body, request.errors, 400);
    try {
      const answer = await this.api.act(request.path, request.body, session.accessToken, this.key(body));
      if (answer.ok) return res.redirect(303, `/family/cases/${caseId}?done=${action}`);
      return this.form(req, res, caseId, action, body, problemErrors(answer.problem, `${action}-form`), answer.status === 422 ? 400 : answer.status);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  private async form(req: WebRequest, res: Response, caseId: string, action: FamilyAction, values: Posted, errors: FieldError[], status = 200) {
    const session = req.webSession as WebSession;
    try {
      const view = await this.api.timeline(session.accessToken, caseId);
      const draftDue = view.due.find((d) => d.id.startsWith('draft-comments')) ?? view.late.find((d) => d.id.startsWith('draft-comments'));
      return this.render.page(req, res, `family/${action}.njk`, {
        title: ACTIONS[action].title, nav: 'family', caseId, view, action, info: ACTIONS[action], values, questions: VIEWS_QUESTIONS, draftDue,
        byField: Object.fromEntries(errors.map((e) => [e.field, e.text])), errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
        idempotencyKey: typeof values['idempotencyKey'] === 'string' ? values['idempotencyKey'] : randomUUID(),
        allowed: actionsFor(view, this.api.canAct).some((a) => a.action === action),
      }, status);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  /**
   * The council's answers to the family's requests for an early review, with its reasons when it said no (the case
   * service holds them encrypted; the timeline can only say it told them why). Undefined when the case service is not
   * connected or does not answer: the page then shows the timeline's list.
   */
  private async earlyReviews(accessToken: string, caseId: string): Promise<EarlyReviewItem[] | undefined> {
    if (!this.api.canAct) return undefined;
    try {
      return earlyReviewItems(await this.api.earlyReviews(accessToken, caseId));
    } catch (err) {
      if (err instanceof TimelineRefused) return undefined;
      throw err;
    }
  }

  private joinForm(req: WebRequest, res: Response, values: Posted, errors: FieldError[], status = 200) {
    return this.render.page(req, res, 'family/join.njk', {
      title: 'Use your invitation code', nav: 'family', values, byField: Object.fromEntries(errors.map((e) => [e.field, e.text])),
      errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })), idempotencyKey: typeof values['idempotencyKey'] === 'string' ? values['idempotencyKey'] : randomUUID(),
    }, status);
  }

  /** Whether the case record shows the case to the member within a few seconds (it follows the case service's events). */
  private async visibleSoon(accessToken: string, caseId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { cases } = await this.api.cases(accessToken);
      if (cases.some((c) => c.caseId === caseId)) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  private key(body: Posted): string {
    return typeof body['idempotencyKey'] === 'string' && /^[\w-]{8,128}$/.test(body['idempotencyKey']) ? body['idempotencyKey'] : randomUUID();
  }

  private expired(req: WebRequest, res: Response) {
    return this.render.page(req, res, 'error.njk', { title: 'The form had expired', nav: 'family', message: 'Go back to your case and try again.' }, 400);
  }

  private notFound(req: WebRequest, res: Response) {
    return this.render.page(req, res, 'error.njk', { title: 'Page not found', nav: 'family', message: 'There is no such page. Go back to your case.' }, 404);
  }

  private refused(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof TimelineRefused)) throw err;
    const titles: Record<number, string> = { 401: 'Sign in again', 403: 'You cannot see this case', 404: 'Not found' };
    return this.render.page(req, res, 'error.njk', { title: titles[err.status] ?? 'Sorry, there is a problem with the service', nav: 'family', message: err.message }, err.status >= 500 ? 502 : err.status);
  }
}
