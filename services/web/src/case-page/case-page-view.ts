import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { RESPONSIBLE, STAGES } from '../caseload/caseload';
import { displayDate, Renderer } from '../render';
import { TimelineRefused } from '../timeline-api';
import { asAtFrom, readingMeaning } from './as-at';
import { CaseApi } from './case-api';
import { CaseViewQuery, type CasePage } from './case-page.query';
import { actionsView, type FormState } from './caseworker-forms';
import { londonDay, readableText } from './entry-text';

const ADVICE_DONE = ['given', 'corrected', 'withdrawn'];
/** The success banner after a case officer's form went through (post/redirect/get: `?done=`). */
const DONE: Record<string, string> = {
  'advice-shared': 'The advice was shared with the family. The family sees it from now on, and the timeline shows the share as soon as the case’s services have it.',
  'early-review-agreed': 'The early review was agreed and its meeting scheduled. The timeline shows it as soon as the case’s services have it.',
  'early-review-declined': 'The request for an early review was declined. The timeline shows it as soon as the case’s services have it.',
};

/** Whether the signed-in practitioner is a case officer of the local authority responsible for the case now. */
export function isResponsibleCaseOfficer(session: WebSession, page: Pick<CasePage, 'status' | 'asAt'>): boolean {
  const p = session.principal;
  return !page.asAt && p.roles.includes('case-officer') && Boolean(page.status.localAuthority) && page.status.localAuthority === p.organisationId;
}

/**
 * The practitioners' case page: the clock of the authority responsible, the deadlines, the entries, now or as at a
 * day; for a case officer of the local authority responsible, the forms to share advice with the family and answer a
 * request for an early review (shown again with their errors when the case service refused what was sent).
 */
@Injectable()
export class CasePageView {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(CaseApi) private readonly caseApi: CaseApi,
  ) {}

  async show(req: WebRequest, res: Response, caseId: string, query: Record<string, unknown>, form?: FormState, formStatus = 400): Promise<void> {
    const session = req.webSession as WebSession;
    const auditor = session.principal.roles.includes('auditor');
    const picked = asAtFrom(query, londonDay(new Date().toISOString()), auditor);
    const asAtErrors = picked.error ? [{ text: picked.error.text, href: `#${picked.error.field}` }] : [];
    try {
      const page: CasePage = await this.queries.execute(new CaseViewQuery(session.accessToken, caseId, picked.date ? { date: picked.date, reading: picked.reading } : undefined));
      const s = page.status;
      const advice = typeof query['advice'] === 'string' && ADVICE_DONE.includes(query['advice']) ? query['advice'] : undefined;
      const done = typeof query['done'] === 'string' ? DONE[query['done']] : undefined;
      const officer = this.caseApi.configured && page.actions && isResponsibleCaseOfficer(session, page);
      const errors = [...asAtErrors, ...(form?.errors ?? []).map((e) => ({ text: e.text, href: `#${e.field}` }))];
      return this.render.page(req, res, 'case.njk', {
        title: `Case ${caseId.slice(0, 8)}`, nav: 'caseload', caseId, ...page, errors, asAtError: asAtErrors[0], picked, auditor, advice, done,
        actionsView: officer && page.actions ? actionsView(caseId, page.actions, form, randomUUID) : undefined,
        meaning: page.asAt ? (page.asAt.meaning && page.asAt.reading === 'recorded' ? `${readingMeaning('recorded', displayDate(page.asAt.date))} ${page.asAt.meaning}` : readingMeaning(page.asAt.reading, displayDate(page.asAt.date))) : undefined,
        stageName: STAGES[s.caseStatus] ?? s.caseStatus, responsible: RESPONSIBLE,
        // the domain's deadline names may carry dates ("clock from 2026-10-26"): written as dates, as everywhere on the page
        deadlines: page.clock.running.map((d) => ({ ...d, what: readableText(d.what) })), lapsed: page.clock.lapsed.map((d) => ({ ...d, what: readableText(d.what) })),
        liveHref: page.asAt ? undefined : `/cases/${caseId}/live${page.resumeToken ? `?lastEventId=${encodeURIComponent(page.resumeToken)}` : ''}`,
      }, errors.length ? (form?.errors.length ? formStatus : 400) : 200);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  refused(req: WebRequest, res: Response, err: unknown): void {
    if (!(err instanceof TimelineRefused)) throw err;
    const titles: Record<number, string> = { 401: 'Sign in again', 403: 'You cannot see this case', 404: 'Case not found' };
    return this.render.page(req, res, 'error.njk', { title: titles[err.status] ?? 'Sorry, there is a problem with the service', message: err.message }, err.status >= 500 ? 502 : err.status);
  }
}
