import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { adviceDecider, adviceStreamName, type AdviceState } from '@tio/advice-domain';
import type { Principal } from '@tio/auth';
import { londonDateOf, type AdviceType, type Agency } from '@tio/ehc-domain';
import { EVENT_STORE, KEY_STORE, loadState } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { revealValue, type KeyStore } from '@tio/personal-data';
import { PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { assessmentOfAdvice } from './advice-commands.service';
import { CaseReads } from './access/case-reads';
import { AdviceNotFoundError, UnknownCaseError } from './errors';
import { AGENCY_OPTIONS, AGENCY_READ_MODEL, type AdviceKitOptions } from './options';
import { poolSql, readModel, type AdviceRequestRow, type AdviceSummary, type Sql } from './read-model/read-model';

// Every advice read: the host's read policy for the route (CaseReads; refusals in the access log) after the
// service-wide involvement rule the route already passed (AuthGuard + CASE_SCOPE_CHECK, which logged the read).

/** Who reads, and why (the optional X-Access-Reason header, kept in the access log on a refusal). */
abstract class CaseRead<R> extends Query<R> {
  constructor(
    readonly caseId: string,
    readonly caller: Principal,
    readonly reason?: string,
  ) {
    super();
  }
}

export interface AdviceRequestView extends AdviceRequestRow {
  status: 'answered' | 'open';
  overdue: boolean;
  advice?: { adviceId: string; version: number; status: AdviceSummary['status']; on: string };
}
export interface AdviceRequestsView {
  caseId: string;
  agency: Agency;
  requests: AdviceRequestView[];
}

/** What the case asked this agency for, with due dates and whether (and with which advice) it was answered. */
export class GetAdviceRequestsQuery extends CaseRead<AdviceRequestsView> {}

export interface CaseAdviceView {
  caseId: string;
  advice: Array<AdviceSummary & { history: { service: string; path: string } }>;
}

/** All advice on the case from every agency, reasons revealed to the authorised reader, with where its history is. */
export class GetCaseAdviceQuery extends CaseRead<CaseAdviceView> {}

export interface AdviceHistoryView {
  caseId: string;
  assessmentId: string;
  agency: Agency;
  adviceType: AdviceType;
  adviceRequestId?: string;
  status: AdviceState['status'];
  currentVersion?: number;
  versions: Array<AdviceState['history'][number] & { recordedAt?: string; status: 'superseded' | 'withdrawn' | 'current' }>;
  withdrawals: AdviceState['withdrawals'];
}

/** Every version of this agency's advice of a type on the case (from the event store): who, when, why. */
export class GetAdviceHistoryQuery extends CaseRead<AdviceHistoryView> {
  constructor(
    caseId: string,
    readonly adviceType: AdviceType,
    readonly assessmentId: string | undefined,
    caller: Principal,
    reason?: string,
  ) {
    super(caseId, caller, reason);
  }
}

/** What the advice query handlers share: the agency, the read model and the host's read policy. */
abstract class AdviceReadHandler {
  protected readonly sql: Sql;
  protected readonly agency: Agency;

  protected constructor(options: AdviceKitOptions, pool: Pool, protected readonly access: CaseReads) {
    this.agency = options.agency;
    this.sql = poolSql(pool);
  }

  protected unknownCase(caseId: string): UnknownCaseError {
    return new UnknownCaseError(`case ${caseId} is not known to the ${this.agency} service`, { caseId });
  }
}

@QueryHandler(GetAdviceRequestsQuery)
export class GetAdviceRequestsHandler extends AdviceReadHandler implements IQueryHandler<GetAdviceRequestsQuery, AdviceRequestsView> {
  // AGENCY_READ_MODEL: the read model's tables exist before the first read
  constructor(@Inject(AGENCY_OPTIONS) options: AdviceKitOptions, @Inject(PG_POOL) pool: Pool, @Inject(CaseReads) access: CaseReads, @Inject(AGENCY_READ_MODEL) _readModel: unknown) {
    super(options, pool, access);
  }

  async execute({ caseId, caller, reason }: GetAdviceRequestsQuery): Promise<AdviceRequestsView> {
    await this.access.authorise(caller, caseId, 'read', 'advice-requests', reason);
    const [known, requests, advice] = await Promise.all([
      readModel.caseKnown(this.sql, caseId),
      readModel.requestsFor(this.sql, caseId, this.agency),
      readModel.adviceOnCase(this.sql, caseId),
    ]);
    if (!known && requests.length === 0) throw this.unknownCase(caseId);
    const today = londonDateOf(new Date());
    return {
      caseId,
      agency: this.agency,
      requests: requests.map((r) => {
        const answer = advice.find((a) => a.adviceRequestId === r.adviceRequestId && a.agency === this.agency);
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
}

@QueryHandler(GetCaseAdviceQuery)
export class GetCaseAdviceHandler extends AdviceReadHandler implements IQueryHandler<GetCaseAdviceQuery, CaseAdviceView> {
  constructor(
    @Inject(AGENCY_OPTIONS) options: AdviceKitOptions,
    @Inject(PG_POOL) pool: Pool,
    @Inject(CaseReads) access: CaseReads,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
  ) {
    super(options, pool, access);
  }

  async execute({ caseId, caller, reason }: GetCaseAdviceQuery): Promise<CaseAdviceView> {
    await this.access.authorise(caller, caseId, 'read', 'advice', reason);
    const advice = await readModel.adviceOnCase(this.sql, caseId);
    if (advice.length === 0 && !(await readModel.caseKnown(this.sql, caseId))) throw this.unknownCase(caseId);
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
}

@QueryHandler(GetAdviceHistoryQuery)
export class GetAdviceHistoryHandler extends AdviceReadHandler implements IQueryHandler<GetAdviceHistoryQuery, AdviceHistoryView> {
  constructor(
    @Inject(AGENCY_OPTIONS) options: AdviceKitOptions,
    @Inject(PG_POOL) pool: Pool,
    @Inject(CaseReads) access: CaseReads,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
  ) {
    super(options, pool, access);
  }

  async execute({ caseId, adviceType, assessmentId, caller, reason }: GetAdviceHistoryQuery): Promise<AdviceHistoryView> {
    await this.access.authorise(caller, caseId, 'read', 'advice-history', reason);
    const assessment = await assessmentOfAdvice(this.sql, this.agency, caseId, adviceType, assessmentId);
    const stream = adviceStreamName({ caseId, assessmentId: assessment, agency: this.agency, adviceType });
    const { state, events } = await loadState(this.store, stream, adviceDecider);
    if (state.status === 'empty') throw new AdviceNotFoundError(`${this.agency} has given no ${adviceType} advice on case ${caseId}`, { caseId, adviceType });
    const recordedAt = new Map(events.map((e) => [`${e.type}:${(e.data as { version: number }).version}`, e.metadata.recordedAt]));
    return {
      caseId,
      assessmentId: assessment,
      agency: this.agency,
      adviceType,
      adviceRequestId: state.adviceRequestId,
      status: state.status,
      currentVersion: state.status === 'submitted' ? state.version : undefined,
      versions: state.history.map((v) => ({
        ...v,
        recordedAt: recordedAt.get(`advice.${v.kind}.v1:${v.version}`),
        status: v.supersededOn ? 'superseded' : state.status === 'withdrawn' ? 'withdrawn' : 'current',
      })),
      withdrawals: state.withdrawals,
    };
  }
}

/** The advice reads on the query bus: register them with the controller that dispatches them. */
export const ADVICE_QUERY_HANDLERS = [GetAdviceRequestsHandler, GetCaseAdviceHandler, GetAdviceHistoryHandler];
