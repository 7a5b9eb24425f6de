import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NotInFuture } from '@tio/contracts';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AdviceErrorFilter } from '@tio/agency-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { requestContext } from '@tio/event-sourcing';
import { londonDateOf } from '@tio/ehc-domain';
import type { Request, Response } from 'express';
import type { RecordCommissioningBody } from './commissioning-body';
import { CommissioningCommand } from './commissioning-aggregate';
import { GetCommissioningBodyQuery } from './commissioning-queries';

export class RecordCommissioningBodyDto {
  @ApiProperty({ description: 'ODS code of the integrated care board (commissioning body)', example: 'QHM' })
  @Matches(/^[A-Z0-9]{3,5}$/, { message: '$property must be an NHS ODS organisation code (3-5 capital letters or digits)' })
  commissioningBodyRef!: string;

  @ApiPropertyOptional({ description: 'Responsible from (YYYY-MM-DD); default today', example: '2026-01-05' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  effectiveFrom?: string;

  @ApiPropertyOptional({ description: 'Why it changed (required for a change; reg 16)', example: 'Family moved to Newcastle' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

/**
 * Health's own record on a case: which NHS commissioning body is responsible, and every change of it. Like every
 * case-scoped route, both go through the service's involvement rule (AuthGuard + CASE_SCOPE_CHECK: refused and
 * logged unless the caller's organisation is involved); writing also needs health's own write grant on the case.
 */
/** The case's responsible NHS commissioning body as the routes answer it. */
export class CommissioningBodyView {
  @ApiProperty({ format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  caseId!: string;
  @ApiProperty({ ...{ type: 'object', additionalProperties: true }, nullable: true, description: 'The body responsible now (ODS code, from, who recorded it and why)' })
  current!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Every earlier body' })
  history!: unknown[];
}

export class CommissioningBodyRecorded extends CommissioningBodyView {
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
}

@ApiTags('health')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(AdviceErrorFilter)
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class CommissioningController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':caseId/commissioning-body')
  @ApiCreatedResponse({ type: CommissioningBodyRecorded, description: 'Recorded (a retry with the same key: the first result)' })
  @ApiCommandProblems()
  @ApiOperation({ operationId: 'recordCommissioningBody', summary: 'Record the responsible NHS commissioning body for the case (a change is a new entry; the reg 16 notification and the new body’s answer are an nhs-body service transfer on the case service)' })
  @ApiIdempotencyKey()
  async record(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() b: RecordCommissioningBodyDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request & { correlationId?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    const command: RecordCommissioningBody = {
      type: 'RecordCommissioningBody', caseId, commissioningBodyRef: b.commissioningBodyRef, effectiveFrom: b.effectiveFrom ?? londonDateOf(new Date()), reason: b.reason,
      by: { userRef: p.userId, organisationRef: p.organisationId },
    };
    const result = await this.commands.execute(new CommissioningCommand(command, p, requestContext(caseId, p, req)));
    res.status(201); // a replay answers the same status; the Idempotent-Replayed header marks it
    return { caseId, ...result.state, replayed: result.replayed };
  }

  @Get(':caseId/commissioning-body')
  @ApiOkResponse({ type: CommissioningBodyView })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'getCommissioningBody', summary: 'The responsible NHS commissioning body now, and every earlier one with who recorded it and why' })
  async get(@Param('caseId', new ParseUUIDPipe()) caseId: string) {
    return { caseId, ...(await this.queries.execute(new GetCommissioningBodyQuery(caseId))) };
  }
}
