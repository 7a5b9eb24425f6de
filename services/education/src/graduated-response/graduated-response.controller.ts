import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, type PipeTransform } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NotInFuture } from '@tio/contracts';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AdviceErrorFilter } from '@tio/agency-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { requestContext } from '@tio/event-sourcing';
import { londonDateOf } from '@tio/ehc-domain';
import type { Request, Response } from 'express';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems, invalidField } from '@tio/service-kit';
import { nextStep, REVIEW_OUTCOMES, STEPS, type RecordStep, type ReviewOutcome, type Step } from './graduated-response';
import { GraduatedResponseCommand } from './graduated-response-aggregate';
import { GetGraduatedResponseQuery } from './graduated-response-queries';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : -, at most 100), never a name';

class RefPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}
  transform(value: string): string {
    if (REF.test(value)) return value;
    throw invalidField(this.field, REF_MESSAGE.replace('$property', this.field));
  }
}

export class RecordStepDto {
  @ApiProperty({ enum: STEPS })
  @IsIn(STEPS)
  step!: Step;

  @ApiPropertyOptional({ description: 'Date of the step (YYYY-MM-DD); default today', example: '2025-10-06' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: '$property must be a real calendar date' })
  @NotInFuture()
  on?: string;

  @ApiProperty({ example: 'Phonics screening below expected; speech and language concerns.' })
  @IsString()
  @Length(1, 5000)
  summary!: string;

  @ApiPropertyOptional({ type: [String], description: "References to the school's own evidence", example: ['mis:assessment:2291'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(REF, { each: true, message: REF_MESSAGE })
  evidenceRefs?: string[];

  @ApiPropertyOptional({ enum: REVIEW_OUTCOMES, description: 'A review’s outcome' })
  @IsOptional()
  @IsIn(REVIEW_OUTCOMES)
  outcome?: ReviewOutcome;
}

/** Education's own record: the school's graduated response (SEN support: assess, plan, do, review) per pupil. */
/** A pupil's graduated response as the routes answer it. */
export class GraduatedResponseView {
  @ApiProperty({ example: '100000' })
  schoolUrn!: string;
  @ApiProperty({ example: 'pupil:4411' })
  childRef!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Every cycle with its steps and evidence references' })
  cycles!: unknown[];
  @ApiProperty({ enum: STEPS, description: 'The step expected next' })
  nextStep!: string;
}

export class GraduatedResponseRecorded extends GraduatedResponseView {
  @ApiProperty({ description: 'True when this answers a retry with the same Idempotency-Key: nothing new was recorded', example: false })
  replayed!: boolean;
}

@ApiTags('education')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(AdviceErrorFilter)
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('schools/:schoolUrn/pupils/:childRef/graduated-response')
export class GraduatedResponseController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('steps')
  @ApiCreatedResponse({ type: GraduatedResponseRecorded, description: 'The step is recorded (a retry with the same key: the first result)' })
  @ApiCommandProblems()
  @ApiOperation({ operationId: 'recordGraduatedResponseStep', summary: 'Record the next step of the graduated response (only the school itself; steps in order: assess, plan, do, review)' })
  @ApiIdempotencyKey()
  async record(
    @Param('schoolUrn', new RefPipe('schoolUrn')) schoolUrn: string,
    @Param('childRef', new RefPipe('childRef')) childRef: string,
    @Body() b: RecordStepDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request & { correlationId?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    const command: RecordStep = {
      type: 'RecordStep', schoolUrn, childRef, step: b.step, on: b.on ?? londonDateOf(new Date()), summary: b.summary, evidenceRefs: b.evidenceRefs ?? [], outcome: b.outcome,
      by: { userRef: p.userId, organisationRef: p.organisationId },
    };
    const result = await this.commands.execute(new GraduatedResponseCommand(command, p, requestContext(childRef, p, req)));
    res.status(201); // a replay answers the same status; the Idempotent-Replayed header marks it
    return { schoolUrn, childRef, ...result.state, nextStep: nextStep(result.state), replayed: result.replayed };
  }

  @Get()
  @ApiOkResponse({ type: GraduatedResponseView })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'getGraduatedResponse', summary: "The pupil's graduated response: every cycle and step with its evidence references, and the step expected next (the school itself, auditors and the service identity; every read is in the access log)" })
  async get(
    @Param('schoolUrn', new RefPipe('schoolUrn')) schoolUrn: string,
    @Param('childRef', new RefPipe('childRef')) childRef: string,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
  ) {
    const state = await this.queries.execute(new GetGraduatedResponseQuery(schoolUrn, childRef, p, req.header('x-access-reason')));
    return { schoolUrn, childRef, ...state, nextStep: nextStep(state) };
  }
}
