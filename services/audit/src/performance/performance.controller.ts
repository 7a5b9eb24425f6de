import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { isAfter, londonDateOf } from '@tio/ehc-domain';
import { AuditService } from '../audit.service';
import { performanceCsv } from './csv';
import { PerformanceQuery } from './dto';
import type { PerformanceReport } from './measures';
import { financialYearOf, PerformanceService } from './performance.service';

export interface ResolvedPeriod { from: string; to: string; asOf: string; localAuthority?: string }

/** Defaults (the current financial year, today) and the from <= to check shared by the API and the page. */
export function resolvePeriod(q: { from?: string; to?: string; asOf?: string; localAuthority?: string }): ResolvedPeriod {
  const today = londonDateOf(new Date());
  const fy = financialYearOf(q.from ?? q.to ?? today);
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
}
