import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { CaseIdParam, CasesQueryDto, StatusQueryDto, TimelineQueryDto } from './dto';
import { CaseStatusQuery, CaseTimelineQuery, ListCasesQuery } from '../queries/case-reads';

@ApiTags('timeline')
@ApiBearerAuth()
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class TimelineController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "The caller's cases (auditors: every case) with their stage, next deadline and what is overdue per agency" })
  cases(@CurrentPrincipal() principal: Principal, @Query() q: CasesQueryDto) {
    return this.queries.execute(new ListCasesQuery(principal, q));
  }

  @Get(':caseId/timeline')
  @ApiOperation({
    summary: "A case's timeline in its deterministic order (seq), with filters and cursor pagination",
    description: 'Order: (occurredAt, recordedAt, event id). `resumeToken` is the Last-Event-ID to follow the live stream from this read.',
  })
  @ApiForbiddenResponse({ description: "The caller's organisation is not involved in the case" })
  @ApiOkResponse({ description: 'Entries, the next page cursor and the resume token' })
  entries(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: TimelineQueryDto) {
    return this.queries.execute(new CaseTimelineQuery(principal, p.caseId, q));
  }

  @Get(':caseId/status')
  @ApiOperation({
    summary: "The case's statutory status from @tio/ehc-domain: week of the process, every deadline with who must act, next, overdue per responsible agency, SEN2",
    description: '`asOf` (YYYY-MM-DD) evaluates the clock on that day; default today in Europe/London.',
  })
  @ApiForbiddenResponse({ description: "The caller's organisation is not involved in the case" })
  status(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: StatusQueryDto) {
    return this.queries.execute(new CaseStatusQuery(principal, p.caseId, q.asOf));
  }
}
