import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NotInFuture } from '@tio/contracts';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { AdviceErrorFilter } from '@tio/agency-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { requestContext } from '@tio/event-sourcing';
import { londonDateOf } from '@tio/ehc-domain';
import type { Request, Response } from 'express';
import { SOCIAL_CARE_ASSESSMENT_KINDS, type ReferenceAssessment, type SocialCareAssessmentKind } from './assessment-references';
import { AssessmentsCommand } from './assessments-aggregate';
import { GetAssessmentsQuery } from './assessments-queries';

export class ReferenceAssessmentDto {
  @ApiProperty({ description: "The assessment's id in the social care system (opaque, never a name)", example: 'LCS:ASM:448812' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { message: '$property must be an opaque reference (letters, digits and . _ : / -, at most 128)' })
  assessmentRef!: string;

  @ApiProperty({ enum: SOCIAL_CARE_ASSESSMENT_KINDS })
  @IsIn(SOCIAL_CARE_ASSESSMENT_KINDS)
  kind!: SocialCareAssessmentKind;

  @ApiPropertyOptional({ example: '2026-01-20' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  completedOn?: string;
}

/** Social care's own record on a case: the social care assessments its advice rests on, by reference. */
/** The social care assessments referenced on a case, as the routes answer them. */
export class SocialCareAssessmentsView {
  @ApiProperty({ format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  caseId!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Each reference with its kind, date and who referenced it' })
  assessments!: unknown[];
}

export class SocialCareAssessmentRecorded extends SocialCareAssessmentsView {
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
}

@ApiTags('social-care')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(AdviceErrorFilter)
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class AssessmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':caseId/social-care-assessments')
  @ApiCreatedResponse({ type: SocialCareAssessmentRecorded, description: 'Referenced (a retry with the same key: the first result)' })
  @ApiCommandProblems()
  @ApiOperation({ operationId: 'referenceSocialCareAssessment', summary: 'Reference a social care assessment on the case (the assessment stays in the social care system)' })
  @ApiIdempotencyKey()
  async reference(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() b: ReferenceAssessmentDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request & { correlationId?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    const command: ReferenceAssessment = {
      type: 'ReferenceAssessment', caseId, assessmentRef: b.assessmentRef, kind: b.kind, completedOn: b.completedOn, today: londonDateOf(new Date()),
      by: { userRef: p.userId, organisationRef: p.organisationId },
    };
    const result = await this.commands.execute(new AssessmentsCommand(command, p, requestContext(caseId, p, req)));
    res.status(201); // a replay answers the same status; the Idempotent-Replayed header marks it
    return { caseId, assessments: result.state.assessments, replayed: result.replayed };
  }

  @Get(':caseId/social-care-assessments')
  @ApiOkResponse({ type: SocialCareAssessmentsView })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'listSocialCareAssessments', summary: 'The social care assessments referenced on the case, with who referenced them' })
  async list(@Param('caseId', new ParseUUIDPipe()) caseId: string, @CurrentPrincipal() p: Principal) {
    const { assessments } = await this.queries.execute(new GetAssessmentsQuery(caseId, p));
    return { caseId, assessments };
  }
}
