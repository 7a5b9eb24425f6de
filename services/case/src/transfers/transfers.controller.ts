import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { TransferCommand } from '@tio/transfer-domain';
import type { Request } from 'express';
import { idempotencyKeyOf, newIdFor, requestContext } from '@tio/event-sourcing';
import { stepDate } from '../http/command-context';
import * as dto from './dtos';
import { CaseTransfersResponse, TransferStepResponse } from '../http/responses';
import { TransferErrorFilter } from './transfer-error.filter';
import { TransferStepCommand } from './transfer-commands.service';
import { ListTransfersQuery } from './transfer-queries';

type CorrelatedRequest = Request & { correlationId?: string };
const CaseId = () => Param('caseId', new ParseUUIDPipe());
const TransferId = () => Param('transferId', new ParseUUIDPipe());
type Step = Exclude<TransferCommand, { type: 'RequestTransfer' }>;

/**
 * Transfers of responsibility for a case between organisations (LA to LA, school to school, NHS body to NHS body,
 * children's to adult services), each step recorded by the organisation it belongs to.
 */
@ApiTags('service transfers')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(TransferErrorFilter)
@RequireRoles('case-officer', 'practitioner', 'auditor', 'service')
@Controller('cases/:caseId/service-transfers')
export class TransfersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private step(command: Step, p: Principal, req: CorrelatedRequest) {
    return this.commands.execute(new TransferStepCommand(command, p, requestContext(command.caseId, p, req)));
  }

  @Post()
  @ApiOperation({ operationId: 'requestServiceTransfer', summary: 'Request a transfer of responsibility (by the organisation responsible now; it stays responsible until completion)' })
  @ApiCreatedResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  request(@CaseId() caseId: string, @Body() b: dto.RequestServiceTransferDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    const command = {
      type: 'RequestTransfer' as const, caseId, transferId: b.transferId ?? newIdFor('transferId', idempotencyKeyOf(req), p.organisationId), by: p.organisationId, at: stepDate(b.at), kind: b.kind,
      toOrganisation: b.toOrganisation, learnedOn: b.learnedOn, proposedOn: b.proposedOn, moveOn: b.moveOn, lastReviewOn: b.lastReviewOn, planMadeOn: b.planMadeOn,
      adulthoodOn: b.adulthoodOn, moves: b.moves ? { ...b.moves } : undefined, reason: b.reason,
    };
    return this.commands.execute(new TransferStepCommand(command, p, requestContext(caseId, p, req)));
  }

  @Post(':transferId/acceptance')
  @HttpCode(200)
  @ApiOperation({ operationId: 'acceptServiceTransfer', summary: 'Accept (by the receiving organisation; a new setting admits; adult services after a transition assessment)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  accept(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.AcceptServiceTransferDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'AcceptTransfer', caseId, transferId, by: p.organisationId, at: stepDate(b.at), transitionAssessedOn: b.transitionAssessedOn, asksLocalAuthorityFor: b.asksLocalAuthorityFor, note: b.note }, p, req);
  }

  @Post(':transferId/decline')
  @HttpCode(200)
  @ApiOperation({ operationId: 'declineServiceTransfer', summary: 'Decline with a reason (by the receiving organisation; the sending one stays responsible)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decline(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.ReasonedTransferStepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'DeclineTransfer', caseId, transferId, by: p.organisationId, at: stepDate(b.at), reason: b.reason }, p, req);
  }

  @Post(':transferId/cancellation')
  @HttpCode(200)
  @ApiOperation({ operationId: 'cancelServiceTransfer', summary: 'Cancel before completion (by the sending organisation)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  cancel(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.ReasonedTransferStepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'CancelTransfer', caseId, transferId, by: p.organisationId, at: stepDate(b.at), reason: b.reason }, p, req);
  }

  @Post(':transferId/completion')
  @HttpCode(200)
  @ApiOperation({ operationId: 'completeServiceTransfer', summary: 'Complete: responsibility, plan, advice and funding pass from the start of `at` (by the sending organisation, after acceptance; reg 15: the case follows)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  complete(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.CompleteServiceTransferDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'CompleteTransfer', caseId, transferId, by: p.organisationId, at: stepDate(b.at), moved: b.moved ? { ...b.moved } : undefined }, p, req);
  }

  @Post(':transferId/acknowledgement')
  @HttpCode(200)
  @ApiOperation({ operationId: 'acknowledgeServiceTransfer', summary: 'Acknowledge the completion (by the receiving organisation: it holds responsibility, plan, advice and funding)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  acknowledge(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.TransferStepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'AcknowledgeTransfer', caseId, transferId, by: p.organisationId, at: stepDate(b.at) }, p, req);
  }

  @Post(':transferId/reassessment-decision')
  @HttpCode(200)
  @ApiOperation({ operationId: 'decideReassessmentAfterServiceTransfer', summary: 'reg 15(4): the new LA tells the family whether it will reassess and when it will review the plan (within 6 weeks of the transfer)' })
  @ApiOkResponse({ type: TransferStepResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  reassess(@CaseId() caseId: string, @TransferId() transferId: string, @Body() b: dto.ReassessmentDecisionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.step({ type: 'DecideReassessment', caseId, transferId, by: p.organisationId, at: stepDate(b.at), willReassess: b.willReassess, reviewOn: b.reviewOn }, p, req);
  }

  @Get()
  @ApiOperation({ operationId: 'listServiceTransfers', summary: 'The case’s transfers, each with its steps, deadlines and who is responsible as at a day' })
  @ApiOkResponse({ type: CaseTransfersResponse })
  @ApiProblems(400, 404)
  list(@CaseId() caseId: string, @Query() q: dto.TransfersQueryDto, @CurrentPrincipal() p: Principal) {
    return this.queries.execute(new ListTransfersQuery(caseId, stepDate(q.asOf), p));
  }
}
