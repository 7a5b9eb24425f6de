import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, type PipeTransform } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { AdviceCommandResponse, AdviceHistoryResponse, AdviceRequestsResponse, CaseAdviceResponse } from './responses';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { ADVICE_TYPES, type AdviceType } from '@tio/ehc-domain';
import { invalidField } from '@tio/service-kit';
import type { Request, Response } from 'express';
import { AdviceCommands, type AdviceCommandResult } from '../advice-commands.service';
import { GetAdviceHistoryQuery, GetAdviceRequestsQuery, GetCaseAdviceQuery } from '../advice-queries';
import { adviceContext } from './command-context';
import { AdviceErrorFilter } from './domain-error.filter';
import { CorrectAdviceDto, HistoryQueryDto, SubmitAdviceDto, WithdrawAdviceDto } from './dtos';

type CorrelatedRequest = Request & { correlationId?: string };
/** Why the caller reads the case (optional `X-Access-Reason` header), kept in the access log; at most 500 characters. */
const reasonOf = (why: string | undefined) => (typeof why === 'string' && why.trim() ? why.trim().slice(0, 500) : undefined);
const CaseId = () => Param('caseId', new ParseUUIDPipe());

class AdviceTypePipe implements PipeTransform<string, AdviceType> {
  transform(value: string): AdviceType {
    if ((ADVICE_TYPES as readonly string[]).includes(value)) return value as AdviceType;
    throw invalidField('adviceType', `adviceType must be one of ${ADVICE_TYPES.join(', ')}`);
  }
}
const AdviceTypeParam = () => Param('adviceType', new AdviceTypePipe());
const ADVICE_TYPE_PARAM = { name: 'adviceType', enum: ADVICE_TYPES };

/**
 * Tell it once, for one agency: see what the case asked for and what others already said, then record this
 * agency's advice once; corrections are new versions, nothing is overwritten, retries record nothing twice.
 */
@ApiTags('advice')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(AdviceErrorFilter)
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class AdviceController {
  constructor(
    // prepares each advice command (its request and citations from the read model) and sends it on the CommandBus
    private readonly commands: AdviceCommands,
    private readonly queries: QueryBus,
  ) {}

  @Get(':caseId/advice-requests')
  @ApiOkResponse({ type: AdviceRequestsResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'listAdviceRequests', summary: 'What the case asked this agency for, with due dates (reg 8: 6 weeks) and whether it was answered' })
  requests(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Headers('x-access-reason') why?: string) {
    return this.queries.execute(new GetAdviceRequestsQuery(caseId, p, reasonOf(why)));
  }

  @Get(':caseId/advice')
  @ApiOkResponse({ type: CaseAdviceResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'listCaseAdvice', summary: 'All advice on the case from every agency (current version, headings, citations, versions): read before you write' })
  advice(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Headers('x-access-reason') why?: string) {
    return this.queries.execute(new GetCaseAdviceQuery(caseId, p, reasonOf(why)));
  }

  @Post(':caseId/advice')
  @ApiOperation({ operationId: 'submitAdvice', summary: `Give this agency's advice for a request (once; a retry with the same Idempotency-Key returns the same result)` })
  @ApiIdempotencyKey(true, 'Advice is a statutory record: a network retry must never give it twice.')
  @ApiCreatedResponse({ type: AdviceCommandResponse, description: 'Recorded' })
  @ApiOkResponse({ type: AdviceCommandResponse, description: 'A retry of a submission already recorded: the same result, nothing new' })
  @ApiCommandProblems()
  async submit(@CaseId() caseId: string, @Body() body: SubmitAdviceDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest, @Res({ passthrough: true }) res: Response) {
    await this.commands.authoriseHttpWrite(p, caseId);
    return this.answer(res, await this.commands.submit({ caseId, ...body }, adviceContext(p, req)), 201);
  }

  @Post(':caseId/advice/:adviceType/corrections')
  @ApiOperation({ operationId: 'correctAdvice', summary: 'Correct the advice: a new version supersedes the current one, which stays in the history with who, when and why' })
  @ApiParam(ADVICE_TYPE_PARAM)
  @ApiIdempotencyKey(true)
  @ApiCreatedResponse({ type: AdviceCommandResponse, description: 'The new version is recorded' })
  @ApiOkResponse({ type: AdviceCommandResponse, description: 'A retry with the same key: the first result, nothing new' })
  @ApiCommandProblems()
  async correct(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Body() body: CorrectAdviceDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: CorrelatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.commands.authoriseHttpWrite(p, caseId);
    return this.answer(res, await this.commands.correct({ caseId, adviceType, ...body }, adviceContext(p, req)), 201);
  }

  @Post(':caseId/advice/:adviceType/withdrawal')
  @ApiOperation({ operationId: 'withdrawAdvice', summary: 'Withdraw the advice (it stays in the history; a new submission may follow)' })
  @ApiParam(ADVICE_TYPE_PARAM)
  @ApiIdempotencyKey(true)
  @ApiOkResponse({ type: AdviceCommandResponse, description: 'Withdrawn (or a retry with the same key: the first result)' })
  @ApiCommandProblems()
  @HttpCode(200)
  async withdraw(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Body() body: WithdrawAdviceDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: CorrelatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.commands.authoriseHttpWrite(p, caseId);
    return this.answer(res, await this.commands.withdraw({ caseId, adviceType, ...body }, adviceContext(p, req)), 200);
  }

  @Get(':caseId/advice/:adviceType/history')
  @ApiOkResponse({ type: AdviceHistoryResponse })
  @ApiProblems(400, 404)
  @ApiOperation({ operationId: 'getAdviceHistory', summary: "Every version of this agency's advice of a type on the case: who, when, why (from the event store)" })
  @ApiParam(ADVICE_TYPE_PARAM)
  history(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Query() q: HistoryQueryDto,
    @CurrentPrincipal() p: Principal,
    @Headers('x-access-reason') why?: string,
  ) {
    return this.queries.execute(new GetAdviceHistoryQuery(caseId, adviceType, q.assessmentId, p, reasonOf(why)));
  }

  /** The route's status, the same for a replay (which the `Idempotent-Replayed: true` header marks). */
  private answer(res: Response, result: AdviceCommandResult, status: number): AdviceCommandResult {
    res.status(status);
    return result;
  }
}
