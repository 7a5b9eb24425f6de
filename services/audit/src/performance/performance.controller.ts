import { randomBytes } from 'node:crypto';
import { Controller, ForbiddenException, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { PerformanceReportResponse } from '../http/responses';
import type { Request, Response } from 'express';
import { bearerChallenge, CurrentPrincipal, Public, RequireRoles, TokenRejected, TokenVerifier, type Principal } from '@tio/auth';
import { PerformanceReportQuery } from '../queries/performance';
import { performanceCsv } from './csv';
import { PerformancePageQuery, PerformanceQuery } from './dto';
import { renderPerformancePage } from './page-html';
import type { PerformanceReport } from './measures';
import { resolvePeriod } from './period';

/** Statutory performance (SEN2 and strategy measures), computed from the event stores on every call. Auditors only. */
@ApiTags('performance')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('auditor')
@Controller()
export class PerformanceController {
  constructor(
    private readonly queries: QueryBus,
    // the page is @Public: a browser navigation cannot send a header, so it verifies its own token (pageVerify)
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  @Get('performance')
  @ApiOperation({
    operationId: 'getPerformance',
    summary: 'Statutory performance for a period',
    description: 'Final plans within 20 weeks (with and without exception cases, SEN2 definition), advice within 6 weeks per agency and organisation, decisions whether to assess within 6 weeks, and counts (requests by source, refusals, plans issued, ceased by reason, transfers in and out), overall and per local authority. Computed from every event store on each call; definitions in the audit README. `format=csv` for a spreadsheet.',
  })
  @ApiExtraModels(PerformanceReportResponse)
  @ApiOkResponse({
    description: 'PerformanceReport (JSON) or long-format CSV (measure, breakdown, group, metric, value) with `format=csv`',
    content: { 'application/json': { schema: { $ref: getSchemaPath(PerformanceReportResponse) } }, 'text/csv': { schema: { type: 'string' }, example: 'measure,breakdown,group,metric,value\n' } },
  })
  @ApiProblems(400)
  async report(@Query() q: PerformanceQuery, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) res: Response): Promise<PerformanceReport | string> {
    const p = resolvePeriod(q);
    const report = await this.queries.execute(new PerformanceReportQuery(who, p, q.format ?? 'json'));
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
  @ApiOperation({ operationId: 'getPerformancePage', summary: 'Statutory performance page (chart + accessible tables, printable)', description: 'Auditors only: `Authorization: Bearer <JWT>` or `?token=<JWT>`. Strict CSP (no script; one style element with a per-response nonce).' })
  @ApiOkResponse({ description: 'The performance page', content: { 'text/html': { schema: { type: 'string' }, example: '<!doctype html><html lang="en">…</html>' } } })
  @ApiProblems(400)
  async page(@Query() q: PerformancePageQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const who = await this.pageVerify(req, q.token);
    const p = resolvePeriod(q);
    const report = await this.queries.execute(new PerformanceReportQuery(who, p, 'html'));
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
    if (!token) throw bearerChallenge('a token is required: Authorization: Bearer <JWT>, or ?token=<JWT>', false);
    let who: Principal;
    try {
      who = await this.verifier.verify(token);
    } catch (err) {
      throw bearerChallenge(err instanceof TokenRejected ? err.message : 'invalid token', true);
    }
    if (!who.roles.includes('auditor')) throw new ForbiddenException(`this page needs the auditor role; the token has ${who.roles.join(', ')}`);
    return who;
  }
}
