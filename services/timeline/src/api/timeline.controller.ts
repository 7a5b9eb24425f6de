import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ENTRY_AGENCIES } from './dto';
import { ENTRY_KINDS } from '../read-model/entities';
import { ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { CasesPageResponse, CaseStatusResponse, TimelinePageResponse } from './responses';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { CaseIdParam, CasesQueryDto, StatusQueryDto, TimelineQueryDto } from './dto';
import { CaseStatusQuery, CaseTimelineQuery, ListCasesQuery } from '../queries/case-reads';

@ApiTags('timeline')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class TimelineController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: CasesPageResponse })
  @ApiProblems(400)
  @ApiOperation({ operationId: 'listCases', summary: "The caller's cases (auditors: every case) with their stage, next deadline and what is overdue per agency" })
  cases(@CurrentPrincipal() principal: Principal, @Query() q: CasesQueryDto) {
    return this.queries.execute(new ListCasesQuery(principal, q));
  }

  @Get(':caseId/timeline')
  @ApiOperation({
    operationId: 'getCaseTimeline',
    summary: "A case's timeline in its deterministic order (seq), with filters and cursor pagination",
    description: 'Order: (occurredAt, recordedAt, event id). `resumeToken` is the Last-Event-ID to follow the live stream from this read.',
  })
  @ApiQuery({ name: 'agency', required: false, description: 'Only entries about these agencies (comma-separated)', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string', enum: ENTRY_AGENCIES } }, example: ['health', 'education'] })
  @ApiQuery({ name: 'kind', required: false, description: 'Only these entry kinds (comma-separated)', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string', enum: [...ENTRY_KINDS] } }, example: ['advice-requested', 'advice'] })
  @ApiOkResponse({ type: TimelinePageResponse, description: 'Entries, the next page cursor and the resume token' })
  @ApiProblems(400)
  entries(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: TimelineQueryDto) {
    return this.queries.execute(new CaseTimelineQuery(principal, p.caseId, q));
  }

  @Get(':caseId/status')
  @ApiOperation({
    operationId: 'getCaseStatus',
    summary: "The case's statutory status from @tio/ehc-domain: week of the process, every deadline with who must act, next, overdue per responsible agency, SEN2",
    description: '`asOf` (YYYY-MM-DD) evaluates the clock on that day; default today in Europe/London.',
  })
  @ApiOkResponse({ type: CaseStatusResponse })
  @ApiProblems(400)
  status(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: StatusQueryDto) {
    return this.queries.execute(new CaseStatusQuery(principal, p.caseId, q.asOf));
  }
}
