import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { AccessLogPageResponse, AccessLogQuery, ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { GetAccessLogQuery } from './access-log-queries';

/** Auditors read who looked at which case in this service, with the verification of the whole hash chain. */
@ApiTags('access log')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('auditor')
@Controller('access-log')
export class AgencyAccessLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'getAccessLog', summary: 'Who read (or was refused) which case in this service, when and why; hash-chained, verified on every read' })
  @ApiOkResponse({ type: AccessLogPageResponse, description: 'A page of the log and the verification of the whole chain' })
  @ApiProblems(400)
  list(@Query() q: AccessLogQuery, @CurrentPrincipal() who: Principal) {
    return this.queries.execute(new GetAccessLogQuery(who, { caseId: q.caseId, afterSeq: q.afterSeq, limit: q.limit ?? 100 }));
  }
}
