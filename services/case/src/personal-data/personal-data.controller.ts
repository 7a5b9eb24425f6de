import { Body, Controller, ForbiddenException, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import type { Request } from 'express';
import { requestContext } from '@tio/event-sourcing';
import { stepDate } from '../http/command-context';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { ErasureDto, StatusQueryDto } from '../http/dtos';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ErasureResponse, RetentionReportResponse, RetentionRunResponse } from './responses';
import { ErasePersonalDataCommand, RetentionDueQuery, RunRetentionCommand } from './personal-data-bus';

type CorrelatedRequest = Request & { correlationId?: string };

/**
 * Erasure (crypto-shredding) and retention of a case's personal data. Only a case officer of the LA responsible
 * for the case erases; the retention job may run with a `service` token across every LA. Auditors never write.
 */
@ApiTags('personal data')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(DomainErrorFilter)
@Controller()
export class PersonalDataController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('cases/:caseId/personal-data-erasure')
  @HttpCode(200)
  @RequireRoles('case-officer')
  @ApiOperation({
    operationId: 'erasePersonalData',
    summary: "Erase the case's personal data: destroy its key (every personal field in every store and topic then reads \"[erased]\") and record ehc.personal-data-erased.v1",
  })
  @ApiOkResponse({ type: ErasureResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  erase(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() b: ErasureDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.commands.execute(new ErasePersonalDataCommand(caseId, b.ground, p, requestContext(caseId, p, req)));
  }

  @Get('personal-data/retention')
  @RequireRoles('case-officer', 'service')
  @ApiOperation({ operationId: 'listRetentionDue', summary: "Cases whose retention period (child's date of birth + RETENTION_YEARS_AFTER_BIRTH years, default 31) has ended: the caller's LA, or every LA for a service token" })
  @ApiOkResponse({ type: RetentionReportResponse })
  @ApiProblems(400)
  retention(@Query() q: StatusQueryDto, @CurrentPrincipal() p: Principal) {
    return this.queries.execute(new RetentionDueQuery(stepDate(q.asOf), this.scope(p)));
  }

  @Post('personal-data/retention/erasures')
  @HttpCode(200)
  @RequireRoles('case-officer', 'service')
  @ApiOperation({ operationId: 'runRetentionErasures', summary: 'Erase every case whose retention period has ended (ground retention-period-ended): the caller\'s LA, or every LA for a service token' })
  @ApiOkResponse({ type: RetentionRunResponse })
  @ApiIdempotencyKey()
  @ApiProblems(400, 409, 413, 422)
  runRetention(@Query() q: StatusQueryDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    const { caseId: _, ...context } = requestContext('retention', p, req);
    return this.commands.execute(new RunRetentionCommand(stepDate(q.asOf), this.scope(p), p, context));
  }

  /** A case officer sees and erases only their own LA's cases; the retention job (service) all of them. */
  private scope(p: Principal): string | undefined {
    if (p.roles.includes('case-officer')) return p.organisationId;
    if (p.roles.includes('service')) return undefined;
    throw new ForbiddenException('only case officers and the retention job');
  }
}
