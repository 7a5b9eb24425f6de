import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { AccessLogQueryDto } from '../api/dto';
import { CaseAccess } from './access.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('access-log')
export class AccessLogController {
  constructor(@Inject(CaseAccess) private readonly access: CaseAccess) {}

  @Get()
  @RequireRoles('auditor')
  @ApiOperation({
    summary: 'Who read a case, when and what (auditors only); newest first. Reading it is itself logged.',
    description: 'The log is hash-chained: each entry carries its hash and the previous one; `verification` walks the whole chain.',
  })
  async read(@CurrentPrincipal() principal: Principal, @Query() q: AccessLogQueryDto) {
    await this.access.log(principal, q.caseId, 'access-log', 'allowed');
    const limit = q.limit ?? 100;
    const [rows, verification] = await Promise.all([this.access.read(q.caseId, limit + 1, q.before === undefined ? undefined : Number(q.before)), this.access.verify()]);
    const page = rows.slice(0, limit);
    return {
      caseId: q.caseId,
      entries: page.map((r) => {
        const { outcome, ...detail } = r.detail;
        return {
          id: String(r.seq), at: r.at, who: { userId: r.userId, organisationId: r.organisationId, agency: r.agency, roles: r.roles },
          action: r.action, outcome, detail, previousHash: r.previousHash, hash: r.hash,
        };
      }),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      verification,
    };
  }
}
