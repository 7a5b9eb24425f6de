import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { Renderer } from '../render';
import { AuditRefused } from './audit-api';
import { AuditAsOfQuery, AuditCaseQuery, AuditExportQuery, AuditIntegrityQuery, AuditPerformanceQuery, AuditWhyQuery, type ExportName, type HistoryEntry, type PeriodFilter } from './audit-queries';
import { barsOf, percentText, renderChart, valueText } from './chart';
import { dateFromParts, londonInstant, timeField } from './dates';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GSS = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayParts = (iso: string) => {
  const [year, month, day] = iso.split('-');
  return { 'd-day': day, 'd-month': month, 'd-year': year };
};
const READINGS = { 'business-date': 'By business date', recorded: 'As recorded' } as const;
type Reading = keyof typeof READINGS;

const STATUS: Record<string, string> = {
  none: 'No case', requested: 'Requested', assessing: 'Assessing', 'not-assessing': 'Not assessing', 'draft-issued': 'Draft plan issued',
  'plan-issued': 'Plan in force', 'no-plan': 'No plan', ceased: 'Plan ceased',
};

type Errors = Array<{ text: string; href: string }>;

/**
 * The auditor's pages: statutory performance, integrity, a case's history with its causation chains and drift check,
 * the case as at a business date or as recorded, and the exports. Every read is the audit service's API called with
 * the signed-in auditor's token (the audit service logs each read of a case); someone without the auditor role is
 * told so here, before any call.
 */
@Controller('audit')
export class AuditPagesController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(Renderer) private readonly render: Renderer,
  ) {}

  @Get()
  index(@Req() req: WebRequest, @Res() res: Response) {
    if (!this.auditor(req, res)) return;
    return res.redirect(303, '/audit/performance');
  }

  @Get('performance')
  async performance(@Req() req: WebRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const session = this.auditor(req, res);
    if (!session) return;
    const { period, errors, fields } = this.period(query);
    try {
      const report = await this.queries.execute(new AuditPerformanceQuery(session.accessToken, errors.length ? {} : period));
      const bars = barsOf(report);
      const exportQuery = new URLSearchParams(Object.entries(errors.length ? {} : period).filter((e): e is [string, string] => !!e[1])).toString();
      return this.page(req, res, 'audit/performance.njk', {
        title: 'Statutory performance', nav: 'audit-performance', errors, fields, report, bars,
        rows: bars.map((b) => ({ label: b.label, id: b.id, detail: `${b.within} of ${b.total}`, percent: percentText(b.percent), value: valueText(b) })),
        chart: renderChart(bars).svg,
        plansByLa: Object.entries(report.finalPlansWithin20Weeks.byLocalAuthority).map(([la, m]) => ({ la, ...m, percent: percentText(m.percentWithin), percentExcl: percentText(m.percentWithinExcludingExceptions) })),
        exportQuery: exportQuery ? `?${exportQuery}` : '',
      }, errors.length ? 400 : 200);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('integrity')
  async integrity(@Req() req: WebRequest, @Res() res: Response) {
    const session = this.auditor(req, res);
    if (!session) return;
    try {
      const report = await this.queries.execute(new AuditIntegrityQuery(session.accessToken, null));
      return this.page(req, res, 'audit/integrity.njk', { title: 'Integrity of the record', nav: 'audit-integrity', report, totals: totals(report.stores) });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  /** Find a case by its reference (the form on this page), then its audit page. */
  @Get('cases')
  findCase(@Req() req: WebRequest, @Res() res: Response, @Query('caseId') caseId?: string) {
    if (!this.auditor(req, res)) return;
    const typed = typeof caseId === 'string' ? caseId.trim() : '';
    if (typed && UUID.test(typed)) return res.redirect(303, `/audit/cases/${typed.toLowerCase()}`);
    const errors: Errors = caseId === undefined ? [] : [{ text: typed ? 'Enter the case reference in the right format, for example 7d0f6c3e-3a56-4c55-9a4e-1f3f3b2f0a11' : 'Enter a case reference', href: '#caseId' }];
    return this.page(req, res, 'audit/find-case.njk', { title: 'Audit a case', nav: 'audit-cases', errors, typed }, errors.length ? 400 : 200);
  }

  @Get('cases/:caseId')
  async casePage(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string) {
    const session = this.auditor(req, res);
    if (!session) return;
    if (!UUID.test(caseId)) return this.notACase(req, res, caseId);
    try {
      const page = await this.queries.execute(new AuditCaseQuery(session.accessToken, caseId));
      return this.page(req, res, 'audit/case.njk', { title: `Audit of case ${caseId.slice(0, 8)}`, nav: 'audit-cases', caseId, ...page, ...causation(page.history.entries), totals: totals(page.integrity.stores), form: asAtForm({}) });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('cases/:caseId/events/:eventId')
  async why(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('eventId') eventId: string) {
    const session = this.auditor(req, res);
    if (!session) return;
    if (!UUID.test(caseId)) return this.notACase(req, res, caseId);
    if (!UUID.test(eventId)) return this.page(req, res, 'error.njk', { title: 'Page not found', message: `${eventId} is not an event reference (a UUID).`, nav: 'audit-cases' }, 400);
    try {
      const why = await this.queries.execute(new AuditWhyQuery(session.accessToken, caseId, eventId));
      return this.page(req, res, 'audit/why.njk', { title: 'Why this happened', nav: 'audit-cases', caseId, why });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  /** The case as at a day: `reading=business-date` (what was true that day as far as is known now) or `recorded` (what had been recorded by then). */
  @Get('cases/:caseId/as-at')
  async asAt(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Query() query: Record<string, unknown>) {
    const session = this.auditor(req, res);
    if (!session) return;
    if (!UUID.test(caseId)) return this.notACase(req, res, caseId);
    const form = asAtForm(query);
    if (form.errors.length) return this.page(req, res, 'audit/as-at.njk', { title: 'The case as at a date', nav: 'audit-cases', caseId, form, errors: form.errors }, 400);
    const when = form.reading === 'business-date' ? { businessDate: form.date as string } : { recordedAt: londonInstant(form.date as string, form.time) };
    try {
      const asOf = await this.queries.execute(new AuditAsOfQuery(session.accessToken, caseId, when));
      return this.page(req, res, 'audit/as-at.njk', {
        title: `The case as at ${form.date}`, nav: 'audit-cases', caseId, form, asOf, status: STATUS[asOf.case.status] ?? asOf.case.status, readingName: READINGS[asOf.reading],
      });
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  @Get('exports/:name')
  async exportPerformance(@Req() req: WebRequest, @Res() res: Response, @Param('name') name: string, @Query() query: Record<string, unknown>) {
    const session = this.auditor(req, res);
    if (!session) return;
    if (name !== 'performance.csv' && name !== 'performance.json') return this.page(req, res, 'error.njk', { title: 'Page not found', message: `There is no export called ${name}.` }, 404);
    // the export links carry the period shown as from/to (YYYY-MM-DD); the audit service validates them again
    const day = (k: string) => (typeof query[k] === 'string' && ISO_DAY.test(query[k] as string) && dateFromParts(dayParts(query[k] as string), 'd', k).value) || undefined;
    const bad = ['from', 'to'].filter((k) => query[k] !== undefined && !day(k));
    const la = typeof query['localAuthority'] === 'string' ? query['localAuthority'] : undefined;
    if (la !== undefined && !GSS.test(la)) bad.push('localAuthority');
    if (bad.length) return res.status(400).type('text').send(bad.map((k) => `${k}: ${k === 'localAuthority' ? 'a local authority code, for example E10000028' : 'a real date as YYYY-MM-DD'}`).join('\n'));
    return this.download(req, res, new AuditExportQuery(session.accessToken, name, '', { from: day('from'), to: day('to'), localAuthority: la }));
  }

  @Get('cases/:caseId/exports/:name')
  async exportCase(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Param('name') name: string) {
    const session = this.auditor(req, res);
    if (!session) return;
    if (!UUID.test(caseId)) return this.notACase(req, res, caseId);
    if (!['history.csv', 'history.json', 'report.html'].includes(name)) return this.page(req, res, 'error.njk', { title: 'Page not found', message: `There is no export called ${name}.` }, 404);
    return this.download(req, res, new AuditExportQuery(session.accessToken, name as ExportName, caseId));
  }

  private async download(req: WebRequest, res: Response, query: AuditExportQuery) {
    try {
      const file = await this.queries.execute(query);
      res.setHeader('content-type', file.contentType);
      if (file.disposition) res.setHeader('content-disposition', file.disposition);
      else if (query.name.endsWith('.json')) res.setHeader('content-disposition', `attachment; filename="${query.caseId ? `case-${query.caseId}-` : ''}${query.name}"`);
      // the printable report is the audit service's own page, with its own inline print styles and no script
      if (query.name === 'report.html') res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      return res.status(200).send(file.body);
    } catch (err) {
      return this.refused(req, res, err);
    }
  }

  private page(req: WebRequest, res: Response, template: string, context: Record<string, unknown>, status = 200): void {
    this.render.page(req, res, template, { ...context, when: dateTime }, status);
  }

  /** The signed-in auditor's session, or (having answered with the refusal page) undefined. */
  private auditor(req: WebRequest, res: Response): WebSession | undefined {
    const session = req.webSession as WebSession;
    if (session.principal.roles.includes('auditor')) return session;
    this.page(req, res, 'audit/not-auditor.njk', { title: 'You cannot see the auditor’s pages', roles: session.principal.roles }, 403);
    return undefined;
  }

  private period(query: Record<string, unknown>): { period: PeriodFilter; errors: Errors; fields: Record<string, unknown> } {
    const errors: Errors = [];
    const given = (name: string) => ['day', 'month', 'year'].some((k) => typeof query[`${name}-${k}`] === 'string' && (query[`${name}-${k}`] as string).trim());
    const from = given('from') ? dateFromParts(query, 'from', 'the first day of the period') : undefined;
    const to = given('to') ? dateFromParts(query, 'to', 'the last day of the period') : undefined;
    if (from?.error) errors.push({ text: from.error, href: '#from-day' });
    if (to?.error) errors.push({ text: to.error, href: '#to-day' });
    if (from?.value && !to) errors.push({ text: 'Enter the last day of the period', href: '#to-day' });
    if (to?.value && !from) errors.push({ text: 'Enter the first day of the period', href: '#from-day' });
    if (from?.value && to?.value && from.value > to.value) errors.push({ text: 'The last day of the period must be the same as or after the first day', href: '#to-day' });
    const la = typeof query['localAuthority'] === 'string' ? query['localAuthority'].trim() : '';
    if (la && !GSS.test(la)) errors.push({ text: 'Enter the local authority as its code, for example E10000028', href: '#localAuthority' });
    return {
      period: { from: from?.value, to: to?.value, localAuthority: la || undefined },
      errors,
      fields: { from: from?.parts, to: to?.parts, fromError: from?.error, toError: to?.error, localAuthority: la },
    };
  }

  private notACase(req: WebRequest, res: Response, caseId: string) {
    return this.page(req, res, 'error.njk', { title: 'Page not found', message: `${caseId} is not a case reference (a UUID).`, nav: 'audit-cases' }, 400);
  }

  private refused(req: WebRequest, res: Response, err: unknown) {
    if (!(err instanceof AuditRefused)) throw err;
    const titles: Record<number, string> = { 400: 'There is a problem with the question', 401: 'Sign in again', 403: 'You cannot see this', 404: 'Not found in any event store', 503: 'The audit service is not available' };
    return this.page(req, res, 'error.njk', { title: titles[err.status] ?? 'Sorry, there is a problem with the service', message: err.message }, err.status >= 500 ? 502 : err.status);
  }
}

const LONDON_DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' });

/** An instant (when something was recorded or checked) as its date and time in England, to the second. */
export function dateTime(value: unknown): string {
  if (typeof value !== 'string' || !value) return '';
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : LONDON_DATE_TIME.format(t).replace(/, (\d\d:)/, ' at $1');
}

function totals(stores: Array<{ streamsChecked: number; eventsChecked: number }>) {
  return { streams: stores.reduce((n, s) => n + s.streamsChecked, 0), events: stores.reduce((n, s) => n + s.eventsChecked, 0) };
}

/** For each entry of the history: the entry that caused it (in this case's record) or the outside cause, and what it caused. */
function causation(entries: HistoryEntry[]) {
  const byId = new Map(entries.map((e) => [e.eventId, e]));
  const caused = new Map<string, HistoryEntry[]>();
  for (const e of entries) if (e.causationId && byId.has(e.causationId)) caused.set(e.causationId, [...(caused.get(e.causationId) ?? []), e]);
  return {
    rows: entries.map((e) => ({
      ...e,
      cause: e.causationId ? (byId.get(e.causationId) ?? { external: e.causationId }) : undefined,
      effects: caused.get(e.eventId) ?? [],
      crossService: !!(e.causationId && byId.get(e.causationId) && byId.get(e.causationId)?.source !== e.source),
    })),
    crossServiceLinks: entries.filter((e) => e.causationId && byId.get(e.causationId) && byId.get(e.causationId)?.source !== e.source).length,
  };
}

/** The as-at form: which reading, the date (GOV.UK date input), and for the recorded reading an optional time. */
function asAtForm(query: Record<string, unknown>) {
  const reading: Reading = query['reading'] === 'recorded' ? 'recorded' : 'business-date';
  const touched = query['reading'] !== undefined;
  const date = touched ? dateFromParts(query, 'date', 'the date') : { parts: { day: '', month: '', year: '' } as { day: string; month: string; year: string }, value: undefined, error: undefined };
  const time = reading === 'recorded' ? timeField(query['time']) : { typed: '' };
  const errors: Errors = [];
  if (touched && query['reading'] !== 'recorded' && query['reading'] !== 'business-date') errors.push({ text: 'Select how to read the case: by business date or as recorded', href: '#reading' });
  if (date.error) errors.push({ text: date.error, href: '#date-day' });
  if ('error' in time && time.error) errors.push({ text: time.error, href: '#time' });
  return { reading, date: date.value, parts: date.parts, dateError: date.error, time: 'value' in time ? time.value : undefined, typedTime: time.typed, timeError: 'error' in time ? time.error : undefined, errors };
}
