import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { CaseIdParam, CasesQueryDto, StatusQueryDto, TimelineQueryDto } from './dto';
import { TimelineService } from './timeline.service';

@ApiTags('timeline')
@ApiBearerAuth()
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class TimelineController {
  constructor(@Inject(TimelineService) private readonly timeline: TimelineService) {}

  @Get()
  @ApiOperation({ summary: "The caller's cases (auditors: every case) with their stage, next deadline and what is overdue per agency" })
  cases(@CurrentPrincipal() principal: Principal, @Query() q: CasesQueryDto) {
    return this.timeline.cases(principal, q);
  }

  @Get(':caseId/timeline')
  @ApiOperation({
    summary: "A case's timeline in its deterministic order (seq), with filters and cursor pagination",
    description: 'Order: (occurredAt, recordedAt, event id). `resumeToken` is the Last-Event-ID to follow the live stream from this read.',
  })
  @ApiForbiddenResponse({ description: "The caller's organisation is not involved in the case" })
  @ApiOkResponse({ description: 'Entries, the next page cursor and the resume token' })
  entries(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: TimelineQueryDto) {
    return this.timeline.timeline(principal, p.caseId, q);
  }

  @Get(':caseId/status')
  @ApiOperation({
    summary: "The case's statutory status from @tio/ehc-domain: week of the process, every deadline with who must act, next, overdue per responsible agency, SEN2",
    description: '`asOf` (YYYY-MM-DD) evaluates the clock on that day; default today in Europe/London.',
  })
  @ApiForbiddenResponse({ description: "The caller's organisation is not involved in the case" })
  status(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: StatusQueryDto) {
    return this.timeline.status(principal, p.caseId, q.asOf);
  }
}
