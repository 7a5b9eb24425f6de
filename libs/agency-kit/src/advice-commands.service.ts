import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler } from '@nestjs/cqrs';
import {
  adviceDecider,
  adviceStreamName,
  InvalidCitationError,
  isRetryOfAdvice,
  type AdviceCommand,
  type AdviceEvent,
  type AdviceRequestFacts,
  type AdviceSection,
  type AdviceState,
  type Citation,
  type WithheldFromFamily,
} from '@tio/advice-domain';
import {
  AggregateCommand, AggregateCommandHandler, EVENT_STORE, idFromKey, ReactionsRunner,
  type Aggregate, type Caller,
} from '@tio/event-sourcing';
import type { Actor, EventStore } from '@tio/event-store';
import { londonDateOf, type AdviceType, type Agency } from '@tio/ehc-domain';
import { PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import type { Principal } from '@tio/auth';
import { CaseReads } from './access/case-reads';
import { AGENCY_READ_MODEL } from './options';
import { AdviceNotFoundError, WrongAgencyError } from './errors';
import { AGENCY_OPTIONS, type AdviceKitOptions } from './options';
import { poolSql, readModel, type Sql } from './read-model/read-model';

/** Why and as part of what a command runs: becomes the metadata of the events it records. */
export interface AdviceCommandContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** Required: the same key on a retry records nothing twice (HTTP Idempotency-Key header, Kafka message key). */
  idempotencyKey: string;
  /** An HTTP request: a concurrent retry with the same key is refused with 409 (see `CommandContext`). */
  refuseConcurrentRetry?: boolean;
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
  /** Not for the family's view, and the lawful ground (absent: the family sees it with the draft plan). */
  withheldFromFamily?: WithheldFromFamily;
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
  withheldFromFamily?: WithheldFromFamily;
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

/** The rule every advice write obeys: only the service's own agency writes its advice. */
export function assertOwnAgency(agency: string, caller: { agency: string }, familyWriters = false): void {
  // a family member writes the family's own views in the host that keeps them (the host's family routes check the case)
  if (familyWriters && caller.agency === 'family') return;
  if (caller.agency !== agency) {
    throw new WrongAgencyError(`only ${agency} practitioners and systems record ${agency} advice here; the caller is from ${caller.agency}`, {
      required: agency,
      actual: caller.agency,
    });
  }
}

/** One agency's advice streams: the advice decider, its stream per case, assessment, agency and type, its write rule. */
export function adviceAggregate(agency: string, familyWriters = false): Aggregate<AdviceState, AdviceCommand, AdviceEvent> {
  return {
    decider: adviceDecider,
    streamOf: adviceStreamName,
    authorise: (command, _state, caller) => {
      if (familyWriters && caller.agency === 'family' && command.adviceType !== 'parent-views') {
        throw new WrongAgencyError('a family member writes only the family’s own views (parent-views)', { required: agency, actual: caller.agency });
      }
      assertOwnAgency(agency, caller, familyWriters);
    },
    // the same advice content is a retry whatever day it comes on (the events carry the content's fingerprint)
    isRetryOf: isRetryOfAdvice,
    occurredAt: (command) => (command.at === londonDateOf(new Date()) ? new Date().toISOString() : `${command.at}T12:00:00.000Z`),
  };
}

/** An advice command (submit, correct, withdraw) on the command bus. */
export class AdviceBusCommand extends AggregateCommand<AdviceCommand, AdviceState, AdviceEvent> {}

@CommandHandler(AdviceBusCommand)
export class AdviceCommandHandler extends AggregateCommandHandler<AdviceState, AdviceCommand, AdviceEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(AGENCY_OPTIONS) options: AdviceKitOptions) {
    super(store, adviceAggregate(options.agency, options.familyWriters));
  }
}

/** The assessment the agency's advice of a type belongs to: the one given, else that of the case's latest request for it. */
export async function assessmentOfAdvice(sql: Sql, agency: Agency, caseId: string, adviceType: AdviceType, given?: string): Promise<string> {
  if (given) return given;
  const request = await readModel.latestRequest(sql, caseId, agency, adviceType);
  if (!request) throw new AdviceNotFoundError(`case ${caseId} has not asked ${agency} for ${adviceType} advice, so there is none to change`, { caseId, adviceType });
  return request.assessmentId;
}

/** How long a write waits for its own projection before answering anyway (the projection still happens). */
const READ_YOUR_WRITES_MS = 5_000;

const callerOf = (actor: Actor): Caller => ({ userId: actor.userId, organisationId: actor.organisationId, agency: actor.agency, roles: actor.role.split(',') });

/**
 * Prepares the "tell it once" advice commands of one agency (finds the case's request for the advice and the cited
 * advice in the read model) and sends them through the command bus, where the advice handler checks who writes,
 * decides, and appends with optimistic concurrency and idempotency. The read model learns of the new advice from the
 * service's own store (OwnAdviceProjection, a durable reaction), and the write answers once it has.
 */
@Injectable()
export class AdviceCommands {
  private readonly sql: Sql;

  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AdviceKitOptions,
    private readonly commands: CommandBus,
    private readonly reactions: ReactionsRunner,
    @Inject(PG_POOL) pool: Pool,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
    @Inject(CaseReads) private readonly access: CaseReads,
  ) {
    this.sql = poolSql(pool);
  }

  get agency(): Agency {
    return this.options.agency;
  }

  /** The rule every write obeys: only the service's own agency writes its advice. */
  assertOwnAgency(actor: { agency: string }): void {
    assertOwnAgency(this.options.agency, actor, this.options.familyWriters);
  }

  /**
   * Who may write through the REST API: the writer roles of this agency, then the host's write policy for the case
   * (refusals in the access log). Kafka intake is the agency's own system and skips it.
   */
  async authoriseHttpWrite(p: Principal, caseId: string): Promise<void> {
    const writers = this.options.writerRoles ?? ['practitioner', 'service'];
    if (!p.roles.some((r) => writers.includes(r))) {
      const who = writers.filter((r) => r !== 'service').map((r) => `${r}s`).join(' and ');
      throw new ForbiddenException(`only ${this.agency} ${who} record ${this.agency} advice; the token has roles ${p.roles.join(', ')}`);
    }
    this.assertOwnAgency(p);
    await this.access.authorise(p, caseId, 'write', 'advice-write');
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
      adviceId: idFromKey(`advice:${this.agency}:${input.caseId}:${ctx.idempotencyKey}`),
      request: facts,
      sections: input.sections.map((s) => ({ heading: s.heading, text: s.text })),
      citations,
      ...(input.withheldFromFamily ? { withheldFromFamily: { reason: input.withheldFromFamily.reason } } : {}),
    };
    return this.run(command, ctx);
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
        ...(input.withheldFromFamily ? { withheldFromFamily: { reason: input.withheldFromFamily.reason } } : {}),
      },
      ctx,
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
    );
  }

  private author(ctx: AdviceCommandContext) {
    return { userRef: ctx.authorRef ?? ctx.actor.userId, organisationRef: ctx.actor.organisationId };
  }

  private assessmentOf(sql: Sql, caseId: string, adviceType: AdviceType, given?: string): Promise<string> {
    return assessmentOfAdvice(sql, this.agency, caseId, adviceType, given);
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

  private async run(command: AdviceCommand, ctx: AdviceCommandContext): Promise<AdviceCommandResult> {
    const result = await this.commands.execute(new AdviceBusCommand(command, callerOf(ctx.actor), {
      caseId: command.caseId,
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
      ...(ctx.occurredAt ? { occurredAt: ctx.occurredAt } : {}),
      idempotencyKey: command.idempotencyKey,
      ...(ctx.refuseConcurrentRetry ? { refuseConcurrentRetry: true } : {}),
    }));
    // read your writes: the read model has this advice (its own projection is a reaction) before the caller hears back
    if (result.position !== undefined) await this.reactions.reachedPosition(result.position, READ_YOUR_WRITES_MS);
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
      recorded: result.recorded.map((e) => ({ eventId: e.eventId, type: e.type })),
      replayed: result.replayed,
    };
  }
}
