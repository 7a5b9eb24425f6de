import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Req, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import type { EhcCommand } from '@tio/ehc-domain';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from '../http/command-context';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { budgetPartsOf, DecidePersonalBudgetDto, RequestPersonalBudgetDto, ReviewPersonalBudgetDto } from './plan-dtos';
import { GetPlanChangesQuery, GetPlanQuery } from './plan-queries';
import { ApiCaseStepAnswer } from '../http/responses';
import { PlanChangesResponse, PlanResponse } from './plan-responses';

const CaseId = () => Param('caseId', new ParseUUIDPipe());


/**
 * The plan's contents (reg 12: sections A-K, versioned; contents go with the draft, final plan and amendment routes)
 * and personal budgets (CFA 2014 s.49; Personal Budgets Regulations 2014). Writes are case commands.
 */
@ApiTags('plan')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(DomainErrorFilter)
@RequireRoles('case-officer', 'auditor', 'service')
@Controller('cases')
export class PlanController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(command: EhcCommand, principal: Principal, req: CorrelatedRequest) {
    return runCaseCommand(this.commands, command, principal, req);
  }

  @Get(':caseId/plan')
  @ApiOperation({ operationId: 'getPlan', summary: 'The plan’s contents (reg 12: sections A-K) as last recorded, every version with the sections it changed, and the personal budgets' })
  @ApiOkResponse({ type: PlanResponse, description: 'The plan; section text reads "[erased]" after the case’s personal data was erased' })
  @ApiProblems(400, 404)
  plan(@CaseId() caseId: string, @CurrentPrincipal() p: Principal) {
    return this.queries.execute(new GetPlanQuery(caseId, p));
  }

  @Get(':caseId/plan/versions/:version/changes')
  @ApiOperation({ operationId: 'getPlanVersionChanges', summary: 'What a version of the plan changed against the one before it, section by section (reg 22: the amended plan)' })
  @ApiOkResponse({ type: PlanChangesResponse, description: 'The changed sections with their content before and after, and which needs, outcomes or provision were added, removed or changed' })
  @ApiProblems(400, 404)
  changes(@CaseId() caseId: string, @Param('version', new ParseIntPipe()) version: number, @CurrentPrincipal() p: Principal) {
    return this.queries.execute(new GetPlanChangesQuery(caseId, version, p));
  }

  @Post(':caseId/personal-budgets')
  @ApiOperation({ operationId: 'requestPersonalBudget', summary: 'Record that the parent or young person asked for a personal budget, and whether for direct payments (CFA 2014 s.49(1); Personal Budgets Regulations reg 4: while the plan is prepared, at a review or a reassessment)' })
  @ApiCaseStepAnswer({ description: 'The request is recorded; 409 when it is not a time a request may be made (personal-budget-request-not-allowed), another request is undecided (already-recorded) or the id is used (duplicate-id)' })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  request(@CaseId() caseId: string, @Body() b: RequestPersonalBudgetDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    const personalBudgetId = b.personalBudgetId ?? newId(req, p, 'personalBudgetId');
    return this.run(
      {
        type: 'RequestPersonalBudget', caseId, at: stepDate(b.at), personalBudgetId, requestedBy: b.requestedBy,
        ...(b.reviewId ? { reviewId: b.reviewId } : {}), ...(b.reassessmentId ? { reassessmentId: b.reassessmentId } : {}),
        directPaymentRequested: b.directPaymentRequested === true,
      },
      p,
      req,
    );
  }

  @Post(':caseId/personal-budgets/:personalBudgetId/decision')
  @HttpCode(200)
  @ApiOperation({ operationId: 'decidePersonalBudget', summary: 'Agree the personal budget (its parts: direct payment, notional, third party, with yearly amounts and the provision each pays for) or refuse it with reasons; a direct payment asked for and not agreed names its ground and reasons (Personal Budgets Regulations reg 5-6)' })
  @ApiCaseStepAnswer({ ok: true, description: 'The decision is recorded; 409 for reasons missing (reasons-required), a direct payment not asked for or an empty budget (invalid-command), provision not in the plan (plan-contents-invalid), already decided (already-recorded), dated before the request (chronology); 404 for no such budget' })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decide(@CaseId() caseId: string, @Param('personalBudgetId', new ParseUUIDPipe()) personalBudgetId: string, @Body() b: DecidePersonalBudgetDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      {
        type: 'DecidePersonalBudget', caseId, at: stepDate(b.at), personalBudgetId, decision: b.decision,
        ...(b.parts ? { parts: budgetPartsOf(b.parts) } : {}), ...(b.reasons ? { reasons: b.reasons } : {}),
        ...(b.directPaymentRefusal ? { directPaymentRefusal: { ground: b.directPaymentRefusal.ground, reasons: b.directPaymentRefusal.reasons } } : {}),
      },
      p,
      req,
    );
  }

  @Post(':caseId/personal-budgets/:personalBudgetId/reviews')
  @HttpCode(200)
  @ApiOperation({ operationId: 'reviewPersonalBudget', summary: 'Review the personal budget with the plan at a held annual review: continued, changed or ended (a reduction or an end with reasons; Personal Budgets Regulations reg 11-14)' })
  @ApiCaseStepAnswer({ ok: true, description: 'The review of the budget is recorded; 409 for no agreed budget in force (personal-budget-not-agreed), the review not held (review-not-held), reasons missing (reasons-required), already reviewed there (already-recorded); 404 for no such budget' })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  review(@CaseId() caseId: string, @Param('personalBudgetId', new ParseUUIDPipe()) personalBudgetId: string, @Body() b: ReviewPersonalBudgetDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      {
        type: 'ReviewPersonalBudget', caseId, at: stepDate(b.at), personalBudgetId, reviewId: b.reviewId, outcome: b.outcome,
        ...(b.parts ? { parts: budgetPartsOf(b.parts) } : {}), ...(b.reasons ? { reasons: b.reasons } : {}),
      },
      p,
      req,
    );
  }
}
