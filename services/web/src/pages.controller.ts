import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Response } from 'express';
import { CitizenOidcClient } from './auth/citizen-oidc';
import type { WebRequest } from './auth/session.middleware';
import type { WebSession } from './auth/sessions';
import { caseloadCsv, DUE_FILTERS, RESPONSIBLE, SORTS, STAGES, type CaseloadFilter } from './caseload/caseload';
import { CaseloadQueryDto } from './caseload/caseload.dto';
import { CasePageView } from './case-page/case-page-view';
import { CaseloadQuery } from './queries';
import { Renderer } from './render';
import { TimelineRefused } from './timeline-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DUE_LABELS: Record<string, string> = { overdue: 'Overdue', 'next-2-weeks': 'Due in the next 2 weeks' };
const SORT_LABELS: Record<string, string> = { urgency: 'Overdue first, then next due', due: 'Next due date', week: 'Week of the process (latest first)', case: 'Case reference' };

const isFamily = (req: WebRequest) => Boolean(req.webSession?.principal.roles.includes('family'));

/** Checks the caseload's query string: the filter, or the errors to show in the error summary (field and reason). */
function caseloadFilter(query: Record<string, unknown>): { filter: CaseloadFilter; errors: Array<{ text: string; href: string }> } {
  const cleaned = Object.fromEntries(['stage', 'due', 'awaiting', 'sort'].map((k) => [k, typeof query[k] === 'string' && query[k] ? query[k] : undefined]));
  const dto = plainToInstance(CaseloadQueryDto, cleaned);
  const errors = validateSync(dto).map((e) => ({ text: Object.values(e.constraints ?? {})[0] ?? `${e.property} is not valid`, href: `#${e.property}` }));
  return { filter: errors.length ? {} : dto, errors };
}

/** The practitioners' pages: start, caseload (and its CSV), the case page. Reads go through the query bus. */
@Controller()
export class PagesController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(Renderer) private readonly render: Renderer,
    @Inject(CitizenOidcClient) private readonly citizen: CitizenOidcClient,
    @Inject(CasePageView) private readonly casePageView: CasePageView,
  ) {}

  @Get()
  start(@Req() req: WebRequest, @Res() res: Response) {
    if (req.webSession) return res.redirect(303, isFamily(req) ? '/family' : req.webSession.principal.roles.includes('auditor') ? '/audit/performance' : '/caseload');
    return this.render.page(req, res, 'start.njk', { title: 'Tell It Once', familySignIn: this.citizen.enabled });
  }

  @Get('accessibility')
  accessibility(@Req() req: WebRequest, @Res() res: Response) {
    return this.render.page(req, res, 'accessibility.njk', { title: 'Accessibility statement' });
  }

  @Get('health/live')
  @Header('cache-control', 'no-store')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Header('cache-control', 'no-store')
  ready() {
    return { status: 'ok' };
  }

  @Get('caseload')
  async caseload(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const session = req.webSession as WebSession;
    // a family member signs in to their own case, never a caseload (the default page after signing in)
    if (isFamily(req)) return res.redirect(303, '/family');
    const { filter, errors } = caseloadFilter(query);
    const options = (labels: Record<string, string>, keys: readonly string[], chosen: unknown, any: string) => [
      { value: '', text: any }, ...keys.map((k) => ({ value: k, text: labels[k] ?? k, selected: chosen === k })),
    ];
    try {
      const result = await this.queries.execute(new CaseloadQuery(session.accessToken, filter));
      const csvQuery = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as Array<[string, string]>).toString();
      return this.render.page(req, res, 'caseload.njk', {
        title: 'Your caseload', nav: 'caseload', errors, ...result, csvHref: `/caseload.csv${csvQuery ? `?${csvQuery}` : ''}`,
        filtered: Boolean(filter.stage || filter.due || filter.awaiting),
        stageItems: options(STAGES, Object.keys(STAGES).filter((k) => k !== 'none'), query['stage'], 'Any stage'),
        dueItems: options(DUE_LABELS, DUE_FILTERS, query['due'], 'Any'),
        awaitingItems: options(RESPONSIBLE, Object.keys(RESPONSIBLE), query['awaiting'], 'Anyone'),
        sortItems: options(SORT_LABELS, SORTS, query['sort'] ?? 'urgency', 'Overdue first, then next due').slice(1),
      }, errors.length ? 400 : 200);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('caseload.csv')
  async caseloadCsv(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const session = req.webSession as WebSession;
    const { filter, errors } = caseloadFilter(query);
    if (errors.length) return res.status(400).type('text').send(errors.map((e) => `${e.href.slice(1)}: ${e.text}`).join('\n'));
    try {
      const result = await this.queries.execute(new CaseloadQuery(session.accessToken, filter));
      res.setHeader('content-disposition', `attachment; filename="caseload-${result.asOf}.csv"`);
      return res.status(200).type('text/csv; charset=utf-8').send(caseloadCsv(result.rows));
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('cases/:caseId')
  async casePage(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Query() query: Record<string, unknown>) {
    if (!UUID.test(caseId)) return this.render.page(req, res, 'error.njk', { title: 'Page not found', message: `${caseId} is not a case reference (a UUID).` }, 400);
    return this.casePageView.show(req, res, caseId, query);
  }

  private refused(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof TimelineRefused)) throw err;
    const titles: Record<number, string> = { 401: 'Sign in again', 403: 'You cannot see this case', 404: 'Case not found' };
    return this.render.page(req, res, 'error.njk', { title: titles[err.status] ?? 'Sorry, there is a problem with the service', message: err.message }, err.status >= 500 ? 502 : err.status);
  }
}
