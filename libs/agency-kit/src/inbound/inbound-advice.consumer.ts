import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, InboundAdviceCorrectedV1Dto, InboundAdviceSubmittedV1Dto } from '@tio/contracts';
import { KEY_STORE, MESSAGING_CLIENT } from '@tio/event-sourcing';
import { DomainError, londonDateOf, type AdviceType } from '@tio/ehc-domain';
import { EventConsumer, EventHandlers, PermanentHandlerError, PgUnitOfWork, ensureTopics, type ConsumedEvent, type MessagingClient, type PgTransaction } from '@tio/messaging';
import { DeadLetterSealer, PersonalDataErasedError, type KeyStore } from '@tio/personal-data';
import { ConsumerHealthRegistry, PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { AdviceCommands, type AdviceCommandContext } from '../advice-commands.service';
import { InboundNotAcceptedError } from '../errors';
import { AGENCY_OPTIONS, type AgencyAdviceOptions } from '../options';
import { poolSql, readModel } from '../read-model/read-model';

const INBOUND_TOPIC = { education: TOPICS.educationInbound, health: TOPICS.healthInbound, 'social-care': TOPICS.socialCareInbound } as const;

export function inboundTopicOf(agency: keyof typeof INBOUND_TOPIC): string {
  return INBOUND_TOPIC[agency];
}

/** The consumer group that reads a service's inbound topic (its committed offsets say what may be purged). */
export const inboundGroupId = (service: string) => `tio-${service}-inbound`;

/** Thrown while the case's request for the advice has not reached this service yet: retried, then dead-lettered. */
class RequestNotYetKnown extends Error {}

/**
 * The agency's own systems (a school MIS, an NHS record system, a social care system) publish advice on
 * `tio.<agency>.inbound.v1`. Each message is validated with the same class-validator DTO rules as HTTP input and
 * runs the same command as the REST API. The idempotency key comes from the message (`externalReference`, plus
 * `correctionReference` for a correction: the published contract), so a redelivered or re-sent record is recorded
 * once; the CloudEvent's actor attributes say who sent it (their agency must be this one) and `authorRef`, when
 * given, who wrote it. Anything that can never be recorded goes to `<topic>.dlq` with
 * the precise reason, and the partition moves on.
 */
@Injectable()
export class InboundAdviceConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('agency-inbound');
  private consumer?: EventConsumer<PgTransaction>;

  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AgencyAdviceOptions,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    private readonly commands: AdviceCommands,
    @Optional() @Inject(ConsumerHealthRegistry) private readonly consumerHealth?: ConsumerHealthRegistry,
  ) {}

  get topic(): string {
    return inboundTopicOf(this.options.agency);
  }

  get stats() {
    return this.consumer?.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    const handlers = new EventHandlers<PgTransaction>()
      .on<InboundAdviceSubmittedV1Dto>(`${this.options.agency}.advice-submitted.v1`, (event, tx) => this.submitted(event, tx), { dto: InboundAdviceSubmittedV1Dto })
      .on<InboundAdviceCorrectedV1Dto>(`${this.options.agency}.advice-corrected.v1`, (event, tx) => this.corrected(event, tx), { dto: InboundAdviceCorrectedV1Dto });
    await ensureTopics(this.client, [this.topic]);
    this.consumer = new EventConsumer<PgTransaction>({
      client: this.client,
      groupId: inboundGroupId(this.options.service),
      topics: [this.topic],
      unitOfWork: new PgUnitOfWork(this.pool),
      handlers,
      unknownTypes: 'dead-letter',
      maxAttempts: this.options.inboundMaxAttempts ?? 5,
      // agency systems send personal data in clear: a dead letter is encrypted with the case's key (or dropped once
      // the case is erased), so erasure shreds it too
      seal: new DeadLetterSealer(this.keys, { caseExists: (caseId) => readModel.caseKnown(poolSql(this.pool), caseId) }).seal,
      log: (message, error) => this.logger.warn({ msg: message, err: error?.message }),
    });
    await this.consumer.start();
    this.consumerHealth?.register(this.consumer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.consumer) this.consumerHealth?.unregister(this.consumer);
    await this.consumer?.stop();
  }

  private async submitted(event: ConsumedEvent<InboundAdviceSubmittedV1Dto>, tx: PgTransaction): Promise<void> {
    const d = event.data;
    if (await this.erased(event)) return;
    await this.permanent(async () => {
      if (d.status === 'draft') throw new InboundNotAcceptedError('drafts are not advice: publish the advice when it is final (status "final" or absent)');
      const request = await this.request(event, d, tx);
      await this.commands.submit(
        { caseId: d.caseId, adviceRequestId: d.adviceRequestId, adviceType: request.adviceType as AdviceType, sections: d.sections, citations: d.citations, at: londonDateOf(d.submittedAt) },
        this.context(event, `ext:${d.externalReference}`, d.submittedAt, d.authorRef),
        tx,
      );
    });
  }

  private async corrected(event: ConsumedEvent<InboundAdviceCorrectedV1Dto>, tx: PgTransaction): Promise<void> {
    const d = event.data;
    if (await this.erased(event)) return;
    await this.permanent(async () => {
      const request = await this.request(event, d, tx);
      await this.commands.correct(
        {
          caseId: d.caseId, adviceType: request.adviceType as AdviceType, assessmentId: request.assessmentId, correctsVersion: d.correctsVersion, reason: d.reason,
          sections: d.sections, citations: d.citations, at: londonDateOf(d.correctedAt),
        },
        this.context(event, `ext:${d.externalReference}:${d.correctionReference}`, d.correctedAt, d.authorRef),
        tx,
      );
    });
  }

  /**
   * Before any rule that could dead-letter the record: a record for a case whose personal data was erased can never
   * be recorded, and a dead letter would keep its personal data. It is dropped (acknowledged); only ids are logged.
   */
  private async erased(event: ConsumedEvent<{ caseId: string }>): Promise<boolean> {
    for (const caseId of new Set([event.subject, event.data.caseId])) {
      const tombstone = await this.keys.tombstone(caseId);
      if (!tombstone) continue;
      this.logger.warn({ msg: 'inbound advice for a case whose personal data was erased: dropped, not dead-lettered', caseId, eventId: event.id, type: event.type, topic: event.topic, partition: event.partition, offset: event.offset });
      return true;
    }
    return false;
  }

  /** The case's request the message answers: its assessment and advice type come from there. */
  private async request(event: ConsumedEvent, d: { caseId: string; adviceRequestId: string }, tx: PgTransaction) {
    if (d.caseId !== event.subject) throw new InboundNotAcceptedError(`data.caseId ${d.caseId} differs from the CloudEvent subject ${event.subject}`);
    this.commands.assertOwnAgency(event.actor);
    const request = await readModel.request(tx, d.adviceRequestId);
    // the case event may still be on its way: retried, and dead-lettered with this reason if it never comes
    if (!request) throw new RequestNotYetKnown(`advice-not-requested: no advice request ${d.adviceRequestId} for case ${d.caseId} has reached the ${this.options.service} service`);
    return request;
  }

  private context(event: ConsumedEvent, idempotencyKey: string, at: string, authorRef?: string): AdviceCommandContext {
    return { actor: event.actor, correlationId: event.correlationId, causationId: event.id, idempotencyKey, occurredAt: new Date(at).toISOString(), authorRef };
  }

  /** A broken rule can never succeed: dead-letter it at once with the rule's code and message. */
  private async permanent(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      // advice for a case whose personal data was erased can never be recorded, and a dead letter would keep its
      // text in clear: it is dropped (acknowledged), and only the ids are logged
      if (err instanceof PersonalDataErasedError) {
        this.logger.warn({ msg: 'inbound advice for a case whose personal data was erased: dropped, not dead-lettered', caseId: err.details['caseId'] });
        return;
      }
      if (err instanceof DomainError) throw new PermanentHandlerError(`${err.code}: ${err.message}`);
      throw err;
    }
  }
}
