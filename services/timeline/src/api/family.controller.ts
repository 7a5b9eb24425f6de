import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { FamilyCasesQuery, FamilyTimelineQuery } from '../queries/case-reads';
import { CaseIdParam, StatusQueryDto } from './dto';
import { FamilyCasesResponse, FamilyTimelineResponse } from './responses';

/**
 * What the family see (issue #21). A family member reads the cases they are linked to; a practitioner involved in the
 * case may preview the same view, with what is held back and why. Every read and refusal is in the access log.
 */
@ApiTags('family')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller()
export class FamilyController {
  constructor(private readonly queries: QueryBus) {}

  @Get('cases/:caseId/family-timeline')
  @RequireRoles('family', 'practitioner', 'case-officer', 'auditor', 'service')
  @ApiOperation({
    operationId: 'getFamilyTimeline',
    summary: 'The case as its family sees it: where the process is, what is due and who is late, and the entries they may see in plain English',
    description: 'Advice shows from when the draft plan is issued (reg 13), never when its agency marked it withheldFromFamily; internal entries never show. A family member must be linked to the case (`linked-family-member`); a practitioner must be involved, and also gets `heldBack`.',
  })
  @ApiOkResponse({ type: FamilyTimelineResponse })
  @ApiProblems(400)
  familyTimeline(@CurrentPrincipal() principal: Principal, @Param() p: CaseIdParam, @Query() q: StatusQueryDto) {
    return this.queries.execute(new FamilyTimelineQuery(principal, p.caseId, q.asOf));
  }

  @Get('family/cases')
  @RequireRoles('family')
  @ApiOperation({ operationId: 'listFamilyCases', summary: 'The cases the signed-in family member is linked to and may see, with where each is' })
  @ApiOkResponse({ type: FamilyCasesResponse })
  familyCases(@CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new FamilyCasesQuery(principal));
  }
}
