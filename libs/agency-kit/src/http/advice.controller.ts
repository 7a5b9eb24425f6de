import { BadRequestException, Body, Controller, ForbiddenException, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { ADVICE_TYPES, londonDateOf, type AdviceType } from '@tio/ehc-domain';
import { KEY_STORE } from '@tio/event-sourcing';
import { revealValue, type KeyStore } from '@tio/personal-data';
import { PG_POOL } from '@tio/service-kit';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { AdviceCommands, type AdviceCommandResult } from '../advice-commands.service';
import { UnknownCaseError } from '../errors';
import { CaseReads } from '../access/case-reads';
import { AGENCY_OPTIONS, type AdviceKitOptions } from '../options';
import { poolSql, readModel, type Sql } from '../read-model/read-model';
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
    throw new BadRequestException({ statusCode: 400, message: 'Validation failed', errors: [{ field: 'adviceType', reasons: [`adviceType must be one of ${ADVICE_TYPES.join(', ')}`] }] });
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
@UseFilters(AdviceErrorFilter)
@RequireRoles('practitioner', 'case-officer', 'auditor', 'service')
@Controller('cases')
export class AdviceController {
  private readonly sql: Sql;

  constructor(
    private readonly commands: AdviceCommands,
    @Inject(PG_POOL) pool: Pool,
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
    @Inject(CaseReads) private readonly access: CaseReads,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
  ) {
    this.sql = poolSql(pool);
  }

  @Get(':caseId/advice-requests')
  @ApiOperation({ summary: 'What the case asked this agency for, with due dates (reg 8: 6 weeks) and whether it was answered' })
  async requests(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Headers('x-access-reason') why?: string) {
    await this.access.authorise(p, caseId, 'read', 'advice-requests', reasonOf(why));
    const [known, requests, advice] = await Promise.all([
      readModel.caseKnown(this.sql, caseId),
      readModel.requestsFor(this.sql, caseId, this.commands.agency),
      readModel.adviceOnCase(this.sql, caseId),
    ]);
    if (!known && requests.length === 0) throw new UnknownCaseError(`case ${caseId} is not known to the ${this.commands.agency} service`, { caseId });
    const today = londonDateOf(new Date());
    return {
      caseId,
      agency: this.commands.agency,
      requests: requests.map((r) => {
        const answer = advice.find((a) => a.adviceRequestId === r.adviceRequestId && a.agency === this.commands.agency);
        const answered = answer?.status === 'current';
        return {
          ...r,
          status: answered ? 'answered' : 'open',
          overdue: !answered && !!r.dueOn && r.dueOn < today,
          advice: answer && { adviceId: answer.adviceId, version: answer.currentVersion, status: answer.status, on: answer.lastChangedOn },
        };
      }),
    };
  }

  @Get(':caseId/advice')
  @ApiOperation({ summary: 'All advice on the case from every agency (current version, headings, citations, versions): read before you write' })
  async advice(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Headers('x-access-reason') why?: string) {
    await this.access.authorise(p, caseId, 'read', 'advice', reasonOf(why));
    const advice = await readModel.adviceOnCase(this.sql, caseId);
    if (advice.length === 0 && !(await readModel.caseKnown(this.sql, caseId))) throw new UnknownCaseError(`case ${caseId} is not known to the ${this.commands.agency} service`, { caseId });
    // reasons are kept as envelopes (personal data): shown decrypted to an authorised reader, "[erased]" after erasure
    for (const a of advice) for (const v of a.versions) if (v.reason !== undefined) v.reason = String(await revealValue(v.reason, caseId, this.keys));
    return {
      caseId,
      advice: advice.map((a) => ({
        ...a,
        history: { service: a.agency, path: `/cases/${caseId}/advice/${a.adviceType}/history${a.assessmentId ? `?assessmentId=${a.assessmentId}` : ''}` },
      })),
    };
  }

  @Post(':caseId/advice')
  @ApiOperation({ summary: `Give this agency's advice for a request (once; a retry with the same Idempotency-Key returns the same result)` })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Retrying with the same key returns the first result (200) and records nothing twice; another body with the same key is 409' })
  @ApiResponse({ status: 201, description: 'Recorded' })
  @ApiResponse({ status: 200, description: 'A retry of a submission already recorded: the same result, nothing new' })
  @ApiResponse({ status: 403, description: 'The caller is not a practitioner of this agency' })
  @ApiResponse({ status: 409, description: 'advice-not-requested, advice-already-submitted, idempotency-key-reused' })
  @ApiResponse({ status: 422, description: 'agency-cannot-give-advice (reg 6(1)), invalid-citation, invalid-advice' })
  async submit(@CaseId() caseId: string, @Body() body: SubmitAdviceDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest, @Res({ passthrough: true }) res: Response) {
    await this.mayWrite(p, caseId);
    return this.answer(res, await this.commands.submit({ caseId, ...body }, adviceContext(p, req)), 201);
  }

  @Post(':caseId/advice/:adviceType/corrections')
  @ApiOperation({ summary: 'Correct the advice: a new version supersedes the current one, which stays in the history with who, when and why' })
  @ApiParam(ADVICE_TYPE_PARAM)
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async correct(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Body() body: CorrectAdviceDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: CorrelatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.mayWrite(p, caseId);
    return this.answer(res, await this.commands.correct({ caseId, adviceType, ...body }, adviceContext(p, req)), 201);
  }

  @Post(':caseId/advice/:adviceType/withdrawal')
  @ApiOperation({ summary: 'Withdraw the advice (it stays in the history; a new submission may follow)' })
  @ApiParam(ADVICE_TYPE_PARAM)
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @HttpCode(200)
  async withdraw(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Body() body: WithdrawAdviceDto,
    @CurrentPrincipal() p: Principal,
    @Req() req: CorrelatedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.mayWrite(p, caseId);
    return this.answer(res, await this.commands.withdraw({ caseId, adviceType, ...body }, adviceContext(p, req)), 200);
  }

  @Get(':caseId/advice/:adviceType/history')
  @ApiOperation({ summary: "Every version of this agency's advice of a type on the case: who, when, why (from the event store)" })
  @ApiParam(ADVICE_TYPE_PARAM)
  async history(
    @CaseId() caseId: string,
    @AdviceTypeParam() adviceType: AdviceType,
    @Query() q: HistoryQueryDto,
    @CurrentPrincipal() p: Principal,
    @Headers('x-access-reason') why?: string,
  ) {
    await this.access.authorise(p, caseId, 'read', 'advice-history', reasonOf(why));
    return this.commands.history(caseId, adviceType, q.assessmentId);
  }

  private async mayWrite(p: Principal, caseId: string): Promise<void> {
    const writers = this.options.writerRoles ?? ['practitioner', 'service'];
    if (!p.roles.some((r) => writers.includes(r))) {
      const who = writers.filter((r) => r !== 'service').map((r) => `${r}s`).join(' and ');
      throw new ForbiddenException(`only ${this.commands.agency} ${who} record ${this.commands.agency} advice; the token has roles ${p.roles.join(', ')}`);
    }
    this.commands.assertOwnAgency(p);
    await this.access.authorise(p, caseId, 'write', 'advice-write');
  }

  private answer(res: Response, result: AdviceCommandResult, status: number): AdviceCommandResult {
    res.status(result.replayed ? 200 : status);
    return result;
  }
}
