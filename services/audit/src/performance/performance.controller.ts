import { randomBytes } from 'node:crypto';
import { BadRequestException, Controller, ForbiddenException, Get, Inject, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Public, RequireRoles, TokenRejected, TokenVerifier, type Principal } from '@tio/auth';
import { isAfter, londonDateOf } from '@tio/ehc-domain';
import { AuditService } from '../audit.service';
import { performanceCsv } from './csv';
import { PerformancePageQuery, PerformanceQuery } from './dto';
import { renderPerformancePage } from './page-html';
import type { PerformanceReport } from './measures';
import { calendarYearOf, financialYearOf, PerformanceService } from './performance.service';

export interface ResolvedPeriod { from: string; to: string; asOf: string; localAuthority?: string }

/**
 * Defaults and the from <= to check shared by the API and the page. A missing `from`/`to` comes from the year containing
 * the other (or today): the calendar year by default, as SEN2 counts it, or the financial year with `year=financial`.
 */
export function resolvePeriod(q: { from?: string; to?: string; asOf?: string; localAuthority?: string; year?: 'calendar' | 'financial' }): ResolvedPeriod {
  const today = londonDateOf(new Date());
  const fy = (q.year === 'financial' ? financialYearOf : calendarYearOf)(q.from ?? q.to ?? today);
  const from = q.from ?? fy.from;
  const to = q.to ?? fy.to;
  for (const d of [from, to, q.asOf]) if (d && Number.isNaN(Date.parse(`${d}T00:00:00Z`))) throw new BadRequestException(`${d} is not a calendar date`);
  if (isAfter(from, to)) throw new BadRequestException(`from (${from}) must be on or before to (${to})`);
  return { from, to, asOf: q.asOf ?? today, ...(q.localAuthority ? { localAuthority: q.localAuthority } : {}) };
}

/** Statutory performance (SEN2 and strategy measures), computed from the event stores on every call. Auditors only. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid bearer token.' })
@ApiForbiddenResponse({ description: 'The token does not carry the auditor role.' })
@RequireRoles('auditor')
@Controller()
export class PerformanceController {
  constructor(
    private readonly audit: AuditService,
    private readonly performance: PerformanceService,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  @Get('performance')
  @ApiOperation({
    summary: 'Statutory performance for a period',
    description: 'Final plans within 20 weeks (with and without exception cases, SEN2 definition), advice within 6 weeks per agency and organisation, decisions whether to assess within 6 weeks, and counts (requests by source, refusals, plans issued, ceased by reason, transfers in and out), overall and per local authority. Computed from every event store on each call; definitions in the audit README. `format=csv` for a spreadsheet.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'PerformanceReport (JSON) or long-format CSV (measure, breakdown, group, metric, value).' })
  async report(@Query() q: PerformanceQuery, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) res: Response): Promise<PerformanceReport | string> {
    const p = resolvePeriod(q);
    await this.audit.recordAccess(who, 'performance', null, { ...p, format: q.format ?? 'json' });
    const report = await this.performance.report(p);
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="performance-${p.from}-${p.to}.csv"`);
      return performanceCsv(report);
    }
    return report;
  }

  /**
   * The page a person opens in a browser. A navigation cannot carry an Authorization header, so besides the header
   * the page accepts the auditor's JWT as `?token=` (as the timeline page does), verified here exactly as the guard
   * verifies a bearer token (signature, issuer, audience, expiry, claims) and then the auditor role. The response is
   * never cached and sends no referrer, so the token does not leak into other sites' logs.
   */
  @Get('performance.html')
  @Public()
  @ApiOperation({ summary: 'Statutory performance page (chart + accessible tables, printable)', description: 'Auditors only: `Authorization: Bearer <JWT>` or `?token=<JWT>`. Strict CSP (no script; one style element with a per-response nonce).' })
  @ApiProduces('text/html')
  async page(@Query() q: PerformancePageQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const who = await this.pageVerify(req, q.token);
    const p = resolvePeriod(q);
    await this.audit.recordAccess(who, 'performance', null, { ...p, format: 'html' });
    const report = await this.performance.report(p);
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return renderPerformancePage(report, { nonce, generatedAt: new Date().toISOString(), generatedBy: `${who.userId} (${who.organisationId})` });
  }

  private async pageVerify(req: Request, queryToken?: string): Promise<Principal> {
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const token = match?.[1] ?? queryToken;
    if (!token) throw new UnauthorizedException('a token is required: Authorization: Bearer <JWT>, or ?token=<JWT>');
    let who: Principal;
    try {
      who = await this.verifier.verify(token);
    } catch (err) {
      throw new UnauthorizedException(err instanceof TokenRejected ? err.message : 'invalid token');
    }
    if (!who.roles.includes('auditor')) throw new ForbiddenException(`this page needs the auditor role; the token has ${who.roles.join(', ')}`);
    return who;
  }
}
