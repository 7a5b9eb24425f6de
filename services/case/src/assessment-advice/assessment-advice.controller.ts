import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { adviceChecklist, type EhcCommand } from '@tio/ehc-domain';
import { ProblemDetails } from '@tio/service-kit';
import type { CaseCommandResult } from '../case-aggregate';
import { GetCaseQuery } from '../case-queries';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from '../http/command-context';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { ApiCaseStepAnswer } from '../http/responses';
import * as dto from './assessment-advice.dtos';

const CaseId = () => Param('caseId', new ParseUUIDPipe());

/** The 4xx every step here may answer. */
function StepProblems(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiBadRequestResponse({ type: ProblemDetails, description: 'A field is malformed: `errors` names each field and reason' })(target, key, descriptor);
    ApiUnauthorizedResponse({ type: ProblemDetails, description: 'No or an invalid bearer token' })(target, key, descriptor);
    ApiForbiddenResponse({ type: ProblemDetails, description: 'Not a case officer of the responsible LA, or not involved in the case' })(target, key, descriptor);
    ApiNotFoundResponse({ type: ProblemDetails, description: 'No such case (auditors only; others get 403 whether or not it exists)' })(target, key, descriptor);
    ApiConflictResponse({ type: ProblemDetails, description: 'The case’s state does not allow the step: the rule’s stable `code` (e.g. advice-still-due, year-group-unknown, duplicate-id) and its `details`' })(target, key, descriptor);
    ApiUnprocessableEntityResponse({ type: ProblemDetails, description: '`at` is after today' })(target, key, descriptor);
  };
}

/**
 * What an EHC needs assessment needs before a draft plan (SEND Regulations 2014 regs 6(1), 6(4), 7, 8(1), 9): the
 * scope of the advice, the family's requests for advice, going on without a late adviser's advice, the family's
 * consultation and support, and the advice checklist the draft is checked against. Writes are commands to the case's
 * decider through the command pipeline; the read goes through the QueryBus.
 */
@ApiTags('cases')
@ApiBearerAuth()
@UseFilters(DomainErrorFilter)
@RequireRoles('case-officer', 'auditor', 'service')
@Controller('cases')
export class AssessmentAdviceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(command: EhcCommand, principal: Principal, req: CorrelatedRequest): Promise<CaseCommandResult> {
    return runCaseCommand(this.commands, command, principal, req);
  }

  @Get(':caseId/advice-checklist')
  @ApiOperation({ operationId: 'getAdviceChecklist', summary: 'The reg 6(1) advice of the assessment item by item (sought, re-used by agreement under reg 6(4), received, awaited, not awaited) and what a draft plan still lacks; the family’s consultation (reg 7) and support (reg 9)' })
  @ApiOkResponse({ type: dto.AdviceChecklistResponse })
  @ApiBadRequestResponse({ type: ProblemDetails, description: 'caseId is not a UUID' })
  @ApiUnauthorizedResponse({ type: ProblemDetails, description: 'No or an invalid bearer token' })
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'Not involved in the case' })
  @ApiNotFoundResponse({ type: ProblemDetails, description: 'No such case (auditors only)' })
  async checklist(@CaseId() caseId: string, @CurrentPrincipal() p: Principal) {
    const { state, revision } = await this.queries.execute(new GetCaseQuery(caseId, p));
    return { caseId, revision, checklist: adviceChecklist(state) };
  }

  @Post(':caseId/advice-scope')
  @ApiOperation({ operationId: 'recordAdviceScope', summary: 'Record what the assessment’s advice must cover: preparing for adulthood from year 9 (reg 6(1)(g); derived from the date of birth when omitted) and a qualified teacher of the vision or hearing impaired (reg 6(1)(b), 6(2)); needed before a draft' })
  @ApiCaseStepAnswer({ type: dto.CaseStepResponse, description: 'Recorded (ehc.advice-scope-recorded.v1)' })
  @StepProblems()
  scope(@CaseId() caseId: string, @Body() b: dto.RecordAdviceScopeDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordAdviceScope', caseId, at: stepDate(b.at), visionOrHearingImpaired: b.visionOrHearingImpaired, ...(b.inOrBeyondYear9 === undefined ? {} : { inOrBeyondYear9: b.inOrBeyondYear9 }) }, p, req);
  }

  @Post(':caseId/family-advice-requests')
  @ApiOperation({ operationId: 'recordFamilyAdviceRequest', summary: 'Record the family’s request that the LA seek advice from a person they name, and whether the LA finds it reasonable (reg 6(1)(h)): a reasonable one must be sought before the draft' })
  @ApiCaseStepAnswer({ type: dto.CaseStepResponse, description: 'Recorded (ehc.family-advice-request-recorded.v1)' })
  @StepProblems()
  familyRequest(@CaseId() caseId: string, @Body() b: dto.RecordFamilyAdviceRequestDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({
      type: 'RecordFamilyAdviceRequest', caseId, at: stepDate(b.at), familyRequestId: b.familyRequestId ?? newId(req, p, 'familyRequestId'), adviserRef: b.adviserRef,
      reasonable: b.reasonable, ...(b.declineReason === undefined ? {} : { declineReason: b.declineReason }),
    }, p, req);
  }

  @Post(':caseId/advice-not-awaited')
  @ApiOperation({ operationId: 'proceedWithoutAdvice', summary: 'Go on towards the draft without advice sought and not received, with the reason: only after the adviser’s 6 weeks (reg 8(1)), a missed appointment (reg 8(2)(c)) or the family declining to give their views (reg 6(1)(a)); 409 advice-still-due before then' })
  @ApiCaseStepAnswer({ type: dto.CaseStepResponse, description: 'Recorded (ehc.advice-not-awaited.v1)' })
  @StepProblems()
  notAwaited(@CaseId() caseId: string, @Body() b: dto.ProceedWithoutAdviceDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'ProceedWithoutAdvice', caseId, at: stepDate(b.at), adviceRequestIds: [...b.adviceRequestIds], reason: b.reason }, p, req);
  }

  @Post(':caseId/family-involvement')
  @ApiOperation({ operationId: 'recordFamilyInvolvement', summary: 'Record that the child and parent, or the young person, were consulted (reg 7(a)) or given information, advice and support (reg 9): date, who, by whom and how' })
  @ApiCaseStepAnswer({ type: dto.CaseStepResponse, description: 'Recorded (ehc.family-involvement-recorded.v1)' })
  @StepProblems()
  involvement(@CaseId() caseId: string, @Body() b: dto.RecordFamilyInvolvementDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({
      type: 'RecordFamilyInvolvement', caseId, at: stepDate(b.at), involvementId: b.involvementId ?? newId(req, p, 'involvementId'), kind: b.kind, who: [...b.who],
      providedBy: b.providedBy, method: b.method,
    }, p, req);
  }
}
