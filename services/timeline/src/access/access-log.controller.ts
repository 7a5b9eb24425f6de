import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { TimelineAccessLogResponse } from '../api/responses';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { AccessLogQueryDto } from '../api/dto';
import { ReadAccessLogQuery } from '../queries/access-log';

@ApiTags('audit')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('access-log')
export class AccessLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRoles('auditor')
  @ApiOkResponse({ type: TimelineAccessLogResponse })
  @ApiProblems(400)
  @ApiOperation({
    operationId: 'getCaseAccessLog',
    summary: 'Who read a case, when and what (auditors only); newest first. Reading it is itself logged.',
    description: 'The log is hash-chained: each entry carries its hash and the previous one; `verification` walks the whole chain.',
  })
  read(@CurrentPrincipal() principal: Principal, @Query() q: AccessLogQueryDto) {
    return this.queries.execute(new ReadAccessLogQuery(principal, q.caseId, q.limit ?? 100, q.before === undefined ? undefined : Number(q.before)));
  }
}
