import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { Renderer } from '../render';
import { TimelineRefused } from '../timeline-api';
import { CaseOfficerCommand } from './case-api';
import { CasePageView } from './case-page-view';
import { CaseViewQuery, type CasePage } from './case-page.query';
import { answerBody, problemErrors, shareRequest, type CaseworkerForm, type FieldError, type Posted } from './caseworker-forms';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[\w-]{8,128}$/;
/** The service's words as a sentence: capital first, full stop last. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/**
 * A case officer's forms on the case page, posted here and sent to the case service as the signed-in practitioner:
 * share advice with the family before the draft (`POST /cases/:id/advice-shares`), answer a request for an early
 * review (`POST /cases/:id/early-review-requests/:rid/answer`). Post/redirect/get: a recorded step redirects to the
 * case page with its success banner; a refused one shows the case page again with the error summary, what was typed
 * kept. The case service decides who may: its 403 is a page that says so.
 */
@Controller('cases/:caseId')
export class CaseworkerFormsController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(CasePageView) private readonly view: CasePageView,
  ) {}

  @Post('advice-shares')
  async share(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Body() body: Posted) {
    const page = await this.guard(req, res, caseId, body);
    if (!page) return;
    const request = shareRequest(body ?? {}, page.actions?.shareable ?? []);
    if ('errors' in request) return this.view.show(req, res, caseId, {}, { form: 'share-advice', values: body, errors: request.errors });
    return this.send(req, res, caseId, 'share-advice', `/cases/${caseId}/advice-shares`, request.body, body, 'advice-shared');
  }

  @Post('early-review-requests/:earlyReviewRequestId/answer')
  async answer(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('earlyReviewRequestId') requestId: string, @Body() body: Posted) {
    if (!UUID.test(requestId)) return this.render.page(req, res, 'error.njk', { title: 'Page not found', message: `${requestId} is not a request for an early review (a UUID).` }, 404);
    const page = await this.guard(req, res, caseId, body);
    if (!page) return;
    const command = answerBody(body ?? {});
    return this.send(req, res, caseId, 'answer-early-review', `/cases/${caseId}/early-review-requests/${requestId}/answer`, command, body, `early-review-${command['answer'] === 'declined' ? 'declined' : 'agreed'}`);
  }

  /** The form's token and the case as the page shows it (the timeline's access rule); who may send it is the case service's to say. */
  private async guard(req: WebRequest, res: Response, caseId: string, body: Posted): Promise<CasePage | undefined> {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId)) {
      this.render.page(req, res, 'error.njk', { title: 'Page not found', message: `${caseId} is not a case reference (a UUID).` }, 404);
      return undefined;
    }
    if (body?.['csrf'] !== session.csrf) {
      this.render.page(req, res, 'error.njk', { title: 'The form had expired', message: 'Go back to the case page and send the form again.' }, 400);
      return undefined;
    }
    let page: CasePage;
    try {
      page = await this.queries.execute(new CaseViewQuery(session.accessToken, caseId));
    } catch (err) {
      this.view.refused(req, res, err);
      return undefined;
    }
    return page;
  }

  private async send(req: WebRequest, res: Response, caseId: string, form: CaseworkerForm, path: string, command: Record<string, unknown>, body: Posted, done: string) {
    const session = req.webSession as WebSession;
    const posted = body?.['idempotencyKey'];
    const key = typeof posted === 'string' && KEY.test(posted) ? posted : randomUUID();
    try {
      const answer = await this.commands.execute(new CaseOfficerCommand(session.accessToken, path, command, key));
      if (answer.ok) return res.redirect(303, `/cases/${caseId}?done=${done}#actions`);
      if (answer.status === 403) return this.forbidden(req, res, caseId, `${sentence(answer.problem.detail ?? 'The case service refused it for your organisation or role')} Only a case officer of the local authority responsible for the case can share its advice with the family or answer a request for an early review.`);
      if (answer.status === 401) return this.render.page(req, res, 'error.njk', { title: 'Sign in again', message: answer.problem.detail ?? 'Your sign-in has ended.' }, 401);
      const errors: FieldError[] = problemErrors(answer.problem, form);
      return this.view.show(req, res, caseId, {}, { form, values: body, errors }, answer.status >= 500 ? 502 : answer.status === 422 ? 400 : answer.status);
    } catch (err) {
      if (err instanceof TimelineRefused) return this.view.refused(req, res, err);
      throw err;
    }
  }

  private forbidden(req: WebRequest, res: Response, caseId: string, message: string) {
    return this.render.page(req, res, 'error.njk', { title: 'You cannot do this on this case', message, link: { href: `/cases/${caseId}`, text: 'Back to the case' } }, 403);
  }
}
