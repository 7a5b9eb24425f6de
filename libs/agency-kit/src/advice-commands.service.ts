import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  adviceDecider,
  adviceStreamName,
  fingerprint,
  IdempotencyKeyReusedError,
  InvalidCitationError,
  type AdviceCommand,
  type AdviceRequestFacts,
  type AdviceSection,
  type AdviceState,
  type Citation,
} from '@tio/advice-domain';
import { EVENT_STORE, handleCommand, loadState } from '@tio/event-sourcing';
import type { Actor, EventStore, RecordedEvent } from '@tio/event-store';
import { londonDateOf, type AdviceType, type Agency } from '@tio/ehc-domain';
import type { Forwarder } from '@tio/messaging';
import { PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { storedFormOf } from '@tio/personal-data';
import { AGENCY_READ_MODEL } from './options';
import { AdviceNotFoundError, WrongAgencyError } from './errors';
import { ADVICE_FORWARDER, AGENCY_OPTIONS, type AdviceKitOptions } from './options';
import { adviceFactFrom } from './read-model/advice-facts';
import { poolSql, readModel, type Sql } from './read-model/read-model';

/** Why and as part of what a command runs: becomes the metadata of the events it records. */
export interface AdviceCommandContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** Required: the same key on a retry records nothing twice (HTTP Idempotency-Key header, Kafka message key). */
  idempotencyKey: string;
  /** When it happened in the world; default now (or noon of `at`). */
  occurredAt?: string;
  /** Who gave the advice when not the caller itself (an agency system names its author by an opaque reference). */
  authorRef?: string;
}

export interface SubmitAdviceInput {
  caseId: string;
  adviceRequestId: string;
  adviceType: AdviceType;
  sections: AdviceSection[];
  citations?: Citation[];
  /** Date the advice was given (YYYY-MM-DD); default today in England. */
  at?: string;
}
export interface CorrectAdviceInput {
  caseId: string;
  adviceType: AdviceType;
  assessmentId?: string;
  correctsVersion?: number;
  reason: string;
  sections: AdviceSection[];
  citations?: Citation[];
  at?: string;
}
export interface WithdrawAdviceInput {
  caseId: string;
  adviceType: AdviceType;
  assessmentId?: string;
  reason: string;
  at?: string;
}

export interface AdviceCommandResult {
  caseId: string;
  assessmentId: string;
  agency: Agency;
  adviceType: AdviceType;
  adviceRequestId?: string;
  adviceId?: string;
  version: number;
  status: AdviceState['status'];
  /** The events this command recorded (on a retry: the events the first attempt recorded). */
  recorded: { eventId: string; type: string }[];
  /** True when this was a retry of a command already handled: nothing new was written. */
  replayed: boolean;
}

/** A UUID derived from a key: a retried submission gets the same advice id, so its content matches. */
export function derivedUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Runs the "tell it once" advice commands of one agency: checks who writes, finds the case's request for the
 * advice in the read model, lets the advice decider decide, appends with optimistic concurrency and idempotency,
 * projects the new events into the read model (the writer reads its own write) and wakes the forwarder.
 */
@Injectable()
export class AdviceCommands {
  private readonly sql: Sql;

  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ADVICE_FORWARDER) private readonly forwarder: Forwarder,
    @Inject(PG_POOL) pool: Pool,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
  ) {
    this.sql = poolSql(pool);
  }

  get agency(): Agency {
    return this.options.agency;
  }

  /** The rule every write obeys: only the service's own agency writes its advice. */
  assertOwnAgency(actor: { agency: string }): void {
    if (actor.agency !== this.options.agency) {
      throw new WrongAgencyError(`only ${this.options.agency} practitioners and systems record ${this.options.agency} advice here; the caller is from ${actor.agency}`, {
        required: this.options.agency,
        actual: actor.agency,
      });
    }
  }

  async submit(input: SubmitAdviceInput, ctx: AdviceCommandContext, sql: Sql = this.sql): Promise<AdviceCommandResult> {
    this.assertOwnAgency(ctx.actor);
    const request = await readModel.request(sql, input.adviceRequestId);
    const facts: AdviceRequestFacts | undefined = request && {
      caseId: request.caseId,
      assessmentId: request.assessmentId,
      adviceRequestId: request.adviceRequestId,
      agency: request.agency as Agency,
      adviceType: request.adviceType as AdviceType,
    };
    const citations = await this.checkCitations(sql, input.caseId, input.citations);
    const command: AdviceCommand = {
      type: 'SubmitAdvice',
      caseId: input.caseId,
      // an unknown request writes nothing (the decider refuses it); the stream key then only names the refusal
      assessmentId: request?.caseId === input.caseId ? request.assessmentId : input.caseId,
      agency: this.agency,
      adviceType: input.adviceType,
      idempotencyKey: ctx.idempotencyKey,
      at: input.at ?? londonDateOf(new Date()),
      by: this.author(ctx),
      adviceId: derivedUuid(`advice:${this.agency}:${input.caseId}:${ctx.idempotencyKey}`),
      request: facts,
      sections: input.sections.map((s) => ({ heading: s.heading, text: s.text })),
      citations,
    };
    return this.run(command, ctx, sql);
  }

  async correct(input: CorrectAdviceInput, ctx: AdviceCommandContext, sql: Sql = this.sql): Promise<AdviceCommandResult> {
    this.assertOwnAgency(ctx.actor);
    const assessmentId = await this.assessmentOf(sql, input.caseId, input.adviceType, input.assessmentId);
    const citations = await this.checkCitations(sql, input.caseId, input.citations);
    return this.run(
      {
        type: 'CorrectAdvice', caseId: input.caseId, assessmentId, agency: this.agency, adviceType: input.adviceType, idempotencyKey: ctx.idempotencyKey,
        at: input.at ?? londonDateOf(new Date()), by: this.author(ctx), correctsVersion: input.correctsVersion, reason: input.reason,
        sections: input.sections.map((s) => ({ heading: s.heading, text: s.text })), citations,
      },
      ctx,
      sql,
    );
  }

  async withdraw(input: WithdrawAdviceInput, ctx: AdviceCommandContext, sql: Sql = this.sql): Promise<AdviceCommandResult> {
    this.assertOwnAgency(ctx.actor);
    const assessmentId = await this.assessmentOf(sql, input.caseId, input.adviceType, input.assessmentId);
    return this.run(
      {
        type: 'WithdrawAdvice', caseId: input.caseId, assessmentId, agency: this.agency, adviceType: input.adviceType, idempotencyKey: ctx.idempotencyKey,
        at: input.at ?? londonDateOf(new Date()), by: this.author(ctx), reason: input.reason,
      },
      ctx,
      sql,
    );
  }

  /** Every version of this agency's advice of a type on the case: who, when, why; nothing overwritten. */
  async history(caseId: string, adviceType: AdviceType, assessmentId?: string) {
    const assessment = await this.assessmentOf(this.sql, caseId, adviceType, assessmentId);
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

  private author(ctx: AdviceCommandContext) {
    return { userRef: ctx.authorRef ?? ctx.actor.userId, organisationRef: ctx.actor.organisationId };
  }

  private async assessmentOf(sql: Sql, caseId: string, adviceType: AdviceType, given?: string): Promise<string> {
    if (given) return given;
    const request = await readModel.latestRequest(sql, caseId, this.agency, adviceType);
    if (!request) throw new AdviceNotFoundError(`case ${caseId} has not asked ${this.agency} for ${adviceType} advice, so there is none to change`, { caseId, adviceType });
    return request.assessmentId;
  }

  /** A citation names advice this service can see on the case (cite, don't copy); its agency is filled in. */
  private async checkCitations(sql: Sql, caseId: string, citations: Citation[] = []): Promise<Citation[]> {
    if (!citations.length) return [];
    const known = new Map((await readModel.adviceOnCase(sql, caseId)).map((a) => [a.adviceId, a]));
    return citations.map((c) => {
      const cited = known.get(c.adviceId);
      if (!cited) throw new InvalidCitationError(`advice ${c.adviceId} is not advice on case ${caseId} that this service has seen`, { adviceId: c.adviceId });
      if (c.version !== undefined && !cited.versions.some((v) => v.version === c.version)) {
        throw new InvalidCitationError(`advice ${c.adviceId} has no version ${c.version}`, { adviceId: c.adviceId, version: c.version });
      }
      if (c.agency !== undefined && c.agency !== cited.agency) throw new InvalidCitationError(`advice ${c.adviceId} was given by ${cited.agency}, not ${c.agency}`, { adviceId: c.adviceId });
      return { adviceId: c.adviceId, ...(c.version !== undefined ? { version: c.version } : {}), agency: cited.agency as Agency };
    });
  }

  private async run(command: AdviceCommand, ctx: AdviceCommandContext, sql: Sql): Promise<AdviceCommandResult> {
    const stream = adviceStreamName(command);
    const usedFor = await readModel.streamOfKey(sql, command.idempotencyKey);
    if (usedFor && usedFor !== stream) {
      throw new IdempotencyKeyReusedError(`Idempotency key ${command.idempotencyKey} was already used for other advice`, { idempotencyKey: command.idempotencyKey });
    }
    // handleCommand replays a retried key without deciding: check here that the retry carries the same content
    const { state: before } = await loadState(this.store, stream, adviceDecider);
    const used = before.keys[command.idempotencyKey];
    if (used && used.fingerprint !== fingerprint(command)) {
      throw new IdempotencyKeyReusedError(`Idempotency key ${command.idempotencyKey} was already used with different content`, { idempotencyKey: command.idempotencyKey });
    }
    const occurredAt = ctx.occurredAt ?? (command.at === londonDateOf(new Date()) ? new Date().toISOString() : `${command.at}T12:00:00.000Z`);
    const result = await handleCommand(this.store, stream, adviceDecider, command, {
      caseId: command.caseId,
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      occurredAt,
      idempotencyKey: command.idempotencyKey,
    });
    await readModel.rememberKey(sql, command.idempotencyKey, stream);
    await this.project(sql, result.recorded);
    if (result.recorded.length && !result.replayed) this.forwarder.wake();
    const first = result.recorded[0]?.data as { adviceId?: string; version?: number; adviceRequestId?: string } | undefined;
    return {
      caseId: command.caseId,
      assessmentId: command.assessmentId,
      agency: command.agency,
      adviceType: command.adviceType,
      adviceRequestId: first?.adviceRequestId ?? result.state.adviceRequestId,
      adviceId: first?.adviceId ?? result.state.adviceId,
      version: first?.version ?? result.state.version,
      status: result.recorded.length ? (result.recorded[0].type === 'advice.withdrawn.v1' ? 'withdrawn' : 'submitted') : result.state.status,
      recorded: result.recorded.map((e) => ({ eventId: e.metadata.eventId, type: e.type })),
      replayed: result.replayed,
    };
  }

  /**
   * Own events reach the read model at once (the Kafka feed brings the same events later; both are idempotent). The
   * read model keeps what Kafka carries: the stored form, personal fields as envelopes, never the decrypted text.
   */
  private async project(sql: Sql, recorded: RecordedEvent[]): Promise<void> {
    for (const e of await storedFormOf(this.store, recorded)) {
      const fact = adviceFactFrom(e.type, e.data as Record<string, unknown>, e.metadata.eventId, { caseId: e.metadata.caseId, time: e.metadata.occurredAt });
      if (fact) await readModel.recordAdviceVersion(sql, fact);
    }
  }
}
