import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { AdviceCorrectedV1, AdviceSubmittedV1, AdviceWithdrawnV1 } from '@tio/advice-domain';
import { ADVICE_TOPIC_BY_AGENCY, TOPICS } from '@tio/contracts';
import { EVENT_STORE, KEY_STORE, MESSAGING_CLIENT, reactionCaller } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { DomainError, type EhcCommand } from '@tio/ehc-domain';
import { EventConsumer, EventHandlers, PermanentHandlerError, PgUnitOfWork, type ConsumedEvent, type MessagingClient, type PgTransaction } from '@tio/messaging';
import { DeadLetterSealer, type KeyStore } from '@tio/personal-data';
import { ConsumerHealthRegistry, PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { AdviceCorrectedFieldsDto, AdviceSubmittedFieldsDto, AdviceWithdrawnFieldsDto } from './advice-intake.dto';
import { CaseCommand, caseStream } from './case-aggregate';

type AdviceEventData = AdviceSubmittedV1 | AdviceCorrectedV1 | AdviceWithdrawnV1;

/**
 * What an advice event means for the case: advice submitted or corrected is "advice received" (reg 8), marked
 * withheld from the family when this version is (the latest version decides: a correction can withhold advice or
 * release it); a withdrawal re-opens the request. Undefined for any other event type.
 */
export function adviceOnCaseCommand(type: string, data: AdviceEventData): EhcCommand | undefined {
  if (type === 'advice.withdrawn.v1' && 'withdrawnOn' in data) {
    return { type: 'WithdrawAdvice', caseId: data.caseId, at: data.withdrawnOn, adviceRequestId: data.adviceRequestId, adviceId: data.adviceId, reason: data.reason };
  }
  if ((type === 'advice.submitted.v1' && 'submittedOn' in data) || (type === 'advice.corrected.v1' && 'correctedOn' in data)) {
    return {
      type: 'RecordAdviceReceived', caseId: data.caseId, at: 'submittedOn' in data ? data.submittedOn : data.correctedOn,
      adviceRequestId: data.adviceRequestId as string, adviceId: data.adviceId, version: data.version, agency: data.agency,
      ...(data.withheldFromFamily ? { withheldFromFamily: true } : {}),
    };
  }
  return undefined;
}

/**
 * The case learns that advice it asked for has arrived from the agency services' own events (reg 8): each advice
 * submitted or corrected becomes "advice received" on the case, each withdrawal re-opens the request. The CloudEvent
 * id is the command's idempotency key, so a redelivered message records nothing twice; advice the case never asked
 * for is dead-lettered with the domain's reason.
 */
@Injectable()
export class AdviceIntake implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('advice-intake');
  private consumer?: EventConsumer<PgTransaction>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Optional() @Inject(ConsumerHealthRegistry) private readonly consumerHealth?: ConsumerHealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const apply = (event: ConsumedEvent<AdviceEventData>) => this.routed(event) && this.apply(event, adviceOnCaseCommand(event.type, event.data) as EhcCommand);
    const handlers = new EventHandlers<PgTransaction>()
      .on<AdviceSubmittedV1>('advice.submitted.v1', apply, { dto: AdviceSubmittedFieldsDto, allowUnknownFields: true })
      .on<AdviceCorrectedV1>('advice.corrected.v1', apply, { dto: AdviceCorrectedFieldsDto, allowUnknownFields: true })
      .on<AdviceWithdrawnV1>('advice.withdrawn.v1', apply, { dto: AdviceWithdrawnFieldsDto, allowUnknownFields: true });
    this.consumer = new EventConsumer({
      client: this.client,
      groupId: 'tio-case-advice-intake',
      // the agencies' topics; the advice this service holds itself (the family's views) is a reaction to its own store
      topics: [TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents],
      unitOfWork: new PgUnitOfWork(this.pool),
      handlers,
      // our topics carry envelopes, but whatever reaches them in clear is not dead-lettered in clear either; a dead
      // letter for an erased case is dropped (advice received is still recorded: it holds nothing personal)
      seal: new DeadLetterSealer(this.keys, { caseExists: async (caseId) => (await this.store.readStream(caseStream(caseId), { maxCount: 1 })).length > 0 }).seal,
      log: (message, error) => this.logger.warn({ msg: message, err: error?.message }),
    });
    await this.consumer.start();
    this.consumerHealth?.register(this.consumer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.consumer) this.consumerHealth?.unregister(this.consumer);
    await this.consumer?.stop();
  }

  /**
   * Advice counts only from the topic its agency publishes on (contracts' `ADVICE_TOPIC_BY_AGENCY`): the family's
   * views (`local-authority`) from `tio.case.events.v1`, health advice from `tio.health.events.v1`, and so on.
   */
  private routed(event: ConsumedEvent<{ agency: string }>): true {
    const expected = (ADVICE_TOPIC_BY_AGENCY as Record<string, string | undefined>)[event.data.agency];
    if (!expected || !event.topic.endsWith(expected)) {
      throw new PermanentHandlerError(`advice of agency ${event.data.agency} arrived on ${event.topic}, not on its agency's topic ${expected ?? '(none)'}`);
    }
    return true;
  }

  private async apply(event: ConsumedEvent, command: EhcCommand): Promise<void> {
    // the Kafka key and CloudEvents subject name the case; a payload naming another case is refused, never recorded there
    if (command.caseId !== event.subject) throw new PermanentHandlerError(`the advice names case ${command.caseId} but the event's subject is ${event.subject}`);
    try {
      await this.commands.execute(new CaseCommand(command, reactionCaller(event.actor), {
        caseId: command.caseId,
        actor: event.actor,
        correlationId: event.correlationId,
        causationId: event.id,
        occurredAt: event.time,
        idempotencyKey: `ce:${event.id}`,
      }));
    } catch (err) {
      if (err instanceof DomainError) throw new PermanentHandlerError(`${err.code}: ${err.message}`);
      throw err;
    }
  }
}

