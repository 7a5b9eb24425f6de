import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AccessLogPageResponse, ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { AsOfResponse, CaseHistoryResponse, DriftResponse, IntegrityResponse, TransferAuditResponse, WhyResponse } from './responses';
import type { Response } from 'express';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { csvHeader, csvRow } from '../export/csv';
import { renderReport } from '../export/report-html';
import { ReadAccessLogQuery } from '../queries/access-log';
import { CaseHistoryQuery, WhyQuery } from '../queries/case-history';
import { CaseAsOfQuery, CaseReportQuery, CaseTransfersQuery } from '../queries/case-replay';
import { CaseDriftQuery, VerifyIntegrityQuery } from '../queries/checks';
import { AccessLogQuery, AsOfQuery, CaseParams, EventParams, HistoryQuery, OptionalAtQuery } from './dto';

const instant = (at?: string): string | undefined => (at ? new Date(at).toISOString() : undefined);

/** Auditors only: read, never write. Every read of a case is recorded in the access log before it is answered. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('auditor')
@Controller()
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get('cases/:caseId/history')
  @ApiOperation({ operationId: 'getCaseHistory', summary: "A case's full history across every event store", description: 'Merged in one deterministic order: recordedAt, then store name, then global position. `format=csv` for a spreadsheet.' })
  @ApiExtraModels(CaseHistoryResponse)
  @ApiOkResponse({
    description: 'The history as JSON, or as CSV with `format=csv`',
    content: { 'application/json': { schema: { $ref: getSchemaPath(CaseHistoryResponse) } }, 'text/csv': { schema: { type: 'string' }, example: 'position,recordedAt,source,type,eventId\n' } },
  })
  @ApiProblems(400, 404)
  async history(@Param() p: CaseParams, @Query() q: HistoryQuery, @CurrentPrincipal() who: Principal, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    const at = instant(q.at);
    const { entries, stores } = await this.queries.execute(new CaseHistoryQuery(who, p.caseId, at, q.format ?? 'json'));
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="case-${p.caseId}-history.csv"`);
      return csvHeader() + entries.map(csvRow).join('');
    }
    return { caseId: p.caseId, ...(at ? { at } : {}), stores, count: entries.length, order: ['recordedAt', 'source', 'globalPosition'], entries };
  }

  @Get('cases/:caseId/history/:eventId/why')
  @ApiOkResponse({ type: WhyResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'explainEvent', summary: 'Why did this happen?', description: 'Walks causation ids from the event back to its root cause, and lists the events of the same correlation.' })
  async why(@Param() p: EventParams, @CurrentPrincipal() who: Principal): Promise<unknown> {
    return this.queries.execute(new WhyQuery(who, p.caseId, p.eventId));
  }

  @Get('cases/:caseId/as-of')
  @ApiOkResponse({ type: AsOfResponse })
  @ApiProblems(400, 404)
  @ApiOperation({
    operationId: 'getCaseAsOf',
    summary: 'The case as it stood on a business date, or as recorded by an instant',
    description:
      'Two readings, each answer labelled with its `reading` and `meaning`. `businessDate=YYYY-MM-DD`: what was true on that day as far as is known now (events recorded so far whose fact happened by that day; who was responsible that day, even if a transfer was recorded later). ' +
      '`recordedAt=<instant>` (or its older name `at`): what had been recorded by that instant. Either is replayed through the EHC case model and the statutory clock: status, advice held, deadlines, who was responsible.',
  })
  async asOf(@Param() p: CaseParams, @Query() q: AsOfQuery, @CurrentPrincipal() who: Principal): Promise<unknown> {
    const when = q.businessDate !== undefined ? { businessDate: q.businessDate } : { recordedAt: instant(q.recordedAt ?? q.at) as string };
    return this.queries.execute(new CaseAsOfQuery(who, p.caseId, when));
  }

  @Get('cases/:caseId/transfers')
  @ApiOkResponse({ type: TransferAuditResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'getCaseTransferAudit', summary: 'Transfer audit', description: 'Each transfer of the case with its steps, deadlines, who was responsible when, and any gap, overlap or delay.' })
  async transfers(@Param() p: CaseParams, @Query() q: OptionalAtQuery, @CurrentPrincipal() who: Principal): Promise<unknown> {
    const at = instant(q.at) ?? new Date().toISOString();
    return { caseId: p.caseId, at, transfers: await this.queries.execute(new CaseTransfersQuery(who, p.caseId, at)) };
  }

  @Get('integrity')
  @ApiOkResponse({ type: IntegrityResponse })
  @ApiOperation({ operationId: 'verifyIntegrity', summary: 'Verify every stream in every event store', description: "Checks each stream's hash chain and head; reports the first break per stream." })
  async integrity(@CurrentPrincipal() who: Principal): Promise<unknown> {
    return this.queries.execute(new VerifyIntegrityQuery(who, null));
  }

  @Get('cases/:caseId/integrity')
  @ApiOkResponse({ type: IntegrityResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'verifyCaseIntegrity', summary: "Verify every stream that holds the case's events" })
  async caseIntegrity(@Param() p: CaseParams, @CurrentPrincipal() who: Principal): Promise<unknown> {
    return this.queries.execute(new VerifyIntegrityQuery(who, p.caseId));
  }

  @Get('cases/:caseId/drift')
  @ApiOkResponse({ type: DriftResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'checkCaseDrift', summary: 'Compare the timeline read model with the replayed history', description: 'Reports entries missing from the timeline, extra ones, reordered ones and ones whose times differ.' })
  async drift(@Param() p: CaseParams, @CurrentPrincipal() who: Principal): Promise<unknown> {
    return this.queries.execute(new CaseDriftQuery(who, p.caseId));
  }

  @Get('cases/:caseId/report.html')
  @ApiOperation({ operationId: 'getCaseReport', summary: 'Printable case-file report (HTML with print styles)' })
  @ApiOkResponse({ description: 'The report page', content: { 'text/html': { schema: { type: 'string' }, example: '<!doctype html><html lang="en">…</html>' } } })
  @ApiProblems(400, 404)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  async report(@Param() p: CaseParams, @Query() q: OptionalAtQuery, @CurrentPrincipal() who: Principal): Promise<string> {
    const at = instant(q.at) ?? new Date().toISOString();
    const { history, integrity, asOf } = await this.queries.execute(new CaseReportQuery(who, p.caseId, at));
    return renderReport({ caseId: p.caseId, generatedAt: new Date().toISOString(), generatedBy: `${who.userId} (${who.organisationId})`, history, integrity, asOf });
  }

  @Get('access-log')
  @ApiOperation({ operationId: 'getAccessLog', summary: 'Who read which case, when', description: 'The hash-chained access log, with the verification of the whole chain.' })
  @ApiOkResponse({ type: AccessLogPageResponse, description: 'A page of the log and the verification of the whole chain' })
  @ApiProblems(400)
  async accessLog(@Query() q: AccessLogQuery, @CurrentPrincipal() who: Principal): Promise<unknown> {
    return this.queries.execute(new ReadAccessLogQuery(who, q.caseId, q.afterSeq, q.limit ?? 100));
  }
}
