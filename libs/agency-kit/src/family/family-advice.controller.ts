import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { ADVICE_TYPES, AGENCIES } from '@tio/ehc-domain';
import { ApiAuthenticatedProblems, ApiProblems } from '@tio/service-kit';
import { GetFamilyAdviceQuery, type FamilyAdviceView } from './family-advice.query';

class FamilyAdviceSection {
  @ApiProperty({ example: 'Health needs' })
  heading!: string;
  @ApiProperty({ example: 'Asthma, well controlled with a blue inhaler.' })
  text!: string;
}

class FamilyAdviceItemResponse {
  @ApiProperty({ example: 'med-2026-0042' })
  adviceId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'health' })
  agency!: string;
  @ApiProperty({ enum: ADVICE_TYPES, example: 'medical' })
  adviceType!: string;
  @ApiProperty({ description: 'Who gave it: the organisation’s name (ORGANISATION_DIRECTORY), else what it is, never a code', example: 'a health service' })
  organisationName!: string;
  @ApiProperty({ description: 'The family gave it themselves (their own views)', example: false })
  byFamily!: boolean;
  @ApiProperty({ format: 'date', example: '2026-02-20' })
  givenOn!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  version!: number;
  @ApiProperty({ enum: ['given', 'corrected', 'withdrawn'], example: 'given' })
  status!: string;
  @ApiProperty({ format: 'date', example: '2026-02-20' })
  updatedOn!: string;
  @ApiPropertyOptional({ format: 'date' })
  withdrawnOn?: string;
  @ApiProperty({ type: [FamilyAdviceSection], description: 'The current version’s sections; none once withdrawn' })
  sections!: FamilyAdviceSection[];
  @ApiProperty({ enum: ['family-views', 'advice-with-draft', 'advice-shared-early'], description: 'Why the family may read it now', example: 'advice-with-draft' })
  shownBecause!: string;
}

export class FamilyAdviceResponse {
  @ApiProperty({ format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  caseId!: string;
  @ApiProperty({ enum: AGENCIES, example: 'health' })
  agency!: string;
  @ApiProperty({ type: [FamilyAdviceItemResponse], description: 'This service’s advice the family may read now; empty before the draft plan unless the council shared some' })
  advice!: FamilyAdviceItemResponse[];
}

/**
 * The family reads the advice itself (issue #21; SEND Regs 2014 reg 13/14): this service's advice on the case that a
 * linked family member may read now. Family members only: practitioners read every agency's advice through
 * `GET /cases/:caseId/advice`, and this route answers one question, what this family member is entitled to. The
 * family-link check is the service's case-scope rule (CASE_SCOPE_CHECK), which writes every read and refusal to the
 * access log (action `family-advice`).
 */
@ApiTags('family')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@RequireRoles('family')
@Controller('cases')
export class FamilyAdviceController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId/family/advice')
  @ApiOkResponse({ type: FamilyAdviceResponse })
  @ApiProblems(400)
  @ApiOperation({
    operationId: 'readFamilyAdvice',
    summary: 'The advice of this service the family may read now: from the draft plan (reg 13), or shared early by the council; never advice withheld from the family',
  })
  read(@Param('caseId', new ParseUUIDPipe()) caseId: string, @CurrentPrincipal() p: Principal): Promise<FamilyAdviceView> {
    return this.queries.execute(new GetFamilyAdviceQuery(caseId, p));
  }
}
