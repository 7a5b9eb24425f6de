import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { Renderer } from '../render';
import { TimelineRefused } from '../timeline-api';
import { adviceBody, formErrors, FORM_SECTIONS, type AdviceAction, type FieldError, type PostedForm } from './advice-form';
import { AgencyApi, isAdviceAgency, type AdviceAgency, type CaseAdviceRequest } from './agency-api';
import { AdviceRequestQuery, RecordAdviceCommand, WorklistQuery } from './worklist.queries';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIONS: Record<AdviceAction, { title: string; button: string; done: string }> = {
  give: { title: 'Give advice', button: 'Send advice', done: 'given' },
  correct: { title: 'Correct advice', button: 'Send the corrected advice', done: 'corrected' },
  withdraw: { title: 'Withdraw advice', button: 'Withdraw the advice', done: 'withdrawn' },
};
const AGENCY_NAMES: Record<AdviceAgency, string> = { education: 'education', health: 'health', 'social-care': 'social care' };
const typeLabel = (t: string) => t.replace(/-/g, ' ');

/**
 * An agency practitioner's pages: the worklist (their organisation's advice requests at their agency's service, due
 * dates, overdue first) and the forms to give, correct or withdraw advice, sent to the agency service's API as the
 * signed-in practitioner. The pages work without JavaScript; the form posts carry the session's CSRF token and an
 * Idempotency-Key made when the form is shown, so submitting twice records the advice once.
 */
@Controller()
export class WorklistController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(AgencyApi) private readonly api: AgencyApi,
  ) {}

  @Get('worklist')
  async worklist(@Req() req: WebRequest, @Res() res: Response, @Query('show') show?: string) {
    const session = req.webSession as WebSession;
    const agency = session.principal.agency;
    if (!isAdviceAgency(agency) || !this.api.configured(agency)) {
      return this.render.page(req, res, 'error.njk', { title: 'No worklist for your organisation', nav: 'worklist', message: `The worklist is for practitioners of an agency asked for advice (education, health, social care). You are signed in for ${agency}.` }, 403);
    }
    const all = show === 'all';
    try {
      const list = await this.queries.execute(new WorklistQuery(session.accessToken, agency, all));
      return this.render.page(req, res, 'worklist/worklist.njk', {
        title: 'Your worklist', nav: 'worklist', all, agencyName: AGENCY_NAMES[agency], ...list,
        overdueCount: list.requests.filter((r) => r.overdue).length,
        rows: list.requests.map((r) => ({ ...r, typeLabel: typeLabel(r.adviceType) })),
      });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('worklist/:caseId/:adviceRequestId')
  async request(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('adviceRequestId') adviceRequestId: string) {
    return this.form(req, res, caseId, adviceRequestId, undefined);
  }

  @Get('worklist/:caseId/:adviceRequestId/:action')
  async actionForm(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('adviceRequestId') adviceRequestId: string, @Param('action') action: string) {
    if (!(action in ACTIONS)) return this.notFound(req, res);
    return this.form(req, res, caseId, adviceRequestId, action as AdviceAction);
  }

  @Post('worklist/:caseId/:adviceRequestId/:action')
  async submit(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('adviceRequestId') adviceRequestId: string, @Param('action') action: string, @Body() body: PostedForm) {
    const session = req.webSession as WebSession;
    if (!(action in ACTIONS)) return this.notFound(req, res);
    if (body?.['csrf'] !== session.csrf) {
      return this.render.page(req, res, 'error.njk', { title: 'The form had expired', message: 'Go back to the worklist and open the request again.' }, 400);
    }
    const act = action as AdviceAction;
    const loaded = await this.load(req, res, caseId, adviceRequestId);
    if (!loaded) return;
    const { agency, request } = loaded;
    const path = act === 'give' ? `/cases/${caseId}/advice` : `/cases/${caseId}/advice/${request.adviceType}/${act === 'correct' ? 'corrections' : 'withdrawal'}`;
    const command = adviceBody(act, body, { adviceRequestId, adviceType: request.adviceType, assessmentId: request.assessmentId, currentVersion: request.advice?.version });
    const key = typeof body['idempotencyKey'] === 'string' && /^[\w-]{8,128}$/.test(body['idempotencyKey']) ? body['idempotencyKey'] : randomUUID();
    try {
      const answer = await this.commands.execute(new RecordAdviceCommand(session.accessToken, agency, path, command, key));
      if (answer.ok) return res.redirect(303, `/cases/${caseId}?advice=${ACTIONS[act].done}#timeline-heading`);
      return this.renderForm(req, res, agency, caseId, request, act, body, formErrors(answer.problem, act), answer.status === 422 || answer.status === 400 ? 400 : answer.status);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  private async load(req: WebRequest, res: Response, caseId: string, adviceRequestId: string): Promise<{ agency: AdviceAgency; request: CaseAdviceRequest } | undefined> {
    const session = req.webSession as WebSession;
    const agency = session.principal.agency;
    if (!UUID.test(caseId) || !UUID.test(adviceRequestId) || !isAdviceAgency(agency)) {
      this.notFound(req, res);
      return undefined;
    }
    try {
      const request = await this.queries.execute(new AdviceRequestQuery(session.accessToken, agency, caseId, adviceRequestId));
      if (!request) {
        this.notFound(req, res);
        return undefined;
      }
      return { agency, request };
    } catch (err) {
      this.refused(req, res, err);
      return undefined;
    }
  }

  private async form(req: WebRequest, res: Response, caseId: string, adviceRequestId: string, action: AdviceAction | undefined) {
    const loaded = await this.load(req, res, caseId, adviceRequestId);
    if (!loaded) return;
    const answered = loaded.request.advice?.status === 'current';
    // the action the request is in: an open request is answered, a current advice is corrected or withdrawn
    const act = action ?? (answered ? undefined : 'give');
    if (act && (act === 'give') === answered) {
      return res.redirect(303, `/worklist/${caseId}/${adviceRequestId}`);
    }
    return this.renderForm(req, res, loaded.agency, caseId, loaded.request, act, {}, []);
  }

  private renderForm(req: WebRequest, res: Response, agency: AdviceAgency, caseId: string, request: CaseAdviceRequest, action: AdviceAction | undefined, values: PostedForm, errors: FieldError[], status = 200) {
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.text]));
    const heading = action ? ACTIONS[action].title : 'Your advice';
    return this.render.page(req, res, 'worklist/advice-form.njk', {
      title: `${heading}: ${typeLabel(request.adviceType)}`, nav: 'worklist', action, actionInfo: action ? ACTIONS[action] : undefined, agencyName: AGENCY_NAMES[agency],
      caseId, request, typeLabel: typeLabel(request.adviceType), values, byField,
      errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
      sections: Array.from({ length: FORM_SECTIONS }, (_, i) => i + 1),
      idempotencyKey: randomUUID(),
      formAction: action ? `/worklist/${caseId}/${request.adviceRequestId}/${action}` : undefined,
    }, status);
  }

  private notFound(req: WebRequest, res: Response) {
    return this.render.page(req, res, 'error.njk', { title: 'Page not found', nav: 'worklist', message: 'There is no such advice request for your organisation. Go back to your worklist.' }, 404);
  }

  private refused(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof TimelineRefused)) throw err;
    const titles: Record<number, string> = { 401: 'Sign in again', 403: 'You cannot see this case', 404: 'Not found' };
    return this.render.page(req, res, 'error.njk', { title: titles[err.status] ?? 'Sorry, there is a problem with the service', nav: 'worklist', message: err.message }, err.status >= 500 ? 502 : err.status);
  }
}
