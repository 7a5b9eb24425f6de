import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { AccessLogQuery, type AccessLog } from '@tio/service-kit';
import { AGENCY_ACCESS_LOG } from './case-reads';

/** Auditors read who looked at which case in this service, with the verification of the whole hash chain. */
@ApiTags('access log')
@ApiBearerAuth()
@RequireRoles('auditor')
@Controller('access-log')
export class AgencyAccessLogController {
  constructor(@Inject(AGENCY_ACCESS_LOG) private readonly log: AccessLog) {}

  @Get()
  @ApiOperation({ summary: 'Who read (or was refused) which case in this service, when and why; hash-chained, verified on every read' })
  @ApiOkResponse({ description: '{ entries, verification }' })
  async list(@Query() q: AccessLogQuery, @CurrentPrincipal() who: Principal) {
    await this.log.record({ userId: who.userId, organisationId: who.organisationId, agency: who.agency, roles: who.roles, action: 'access-log', caseId: q.caseId ?? null, detail: {} });
    const [entries, verification] = await Promise.all([this.log.list({ caseId: q.caseId, afterSeq: q.afterSeq, limit: q.limit ?? 100 }), this.log.verify()]);
    return { entries, verification };
  }
}
