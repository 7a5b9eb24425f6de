import { Inject, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MESSAGING_CLIENT } from '@tio/event-sourcing';
import { EventConsumer, PgUnitOfWork, ensureTopics, type EventHandlers, type MessagingClient, type PgTransaction } from '@tio/messaging';
import { ConsumerHealthRegistry, PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { AGENCY_OPTIONS, AGENCY_READ_MODEL, type AdviceKitOptions } from '../options';

/** What a feed consumes, as which group, and how each event changes the read model. */
export interface FeedSubscription {
  groupId: string;
  topics: string[];
  handlers: EventHandlers<PgTransaction>;
}

/**
 * A consumer group that keeps part of the kit's read model from Kafka: it starts once the read model's tables exist
 * (AGENCY_READ_MODEL), applies each event exactly once in a PostgreSQL transaction (EventConsumer's claim in
 * `processed_messages`), is reported to readiness and /metrics, and stops with the service. A new group reads its
 * topics from the beginning (EventConsumer's default).
 */
export abstract class ReadModelFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: EventConsumer<PgTransaction>;

  constructor(
    @Inject(AGENCY_OPTIONS) protected readonly options: AdviceKitOptions,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(AGENCY_READ_MODEL) _readModel: unknown,
    @Optional() @Inject(ConsumerHealthRegistry) private readonly consumerHealth?: ConsumerHealthRegistry,
  ) {}

  protected abstract readonly logger: Logger;

  protected abstract subscription(): FeedSubscription;

  get stats() {
    return this.consumer?.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { groupId, topics, handlers } = this.subscription();
    await ensureTopics(this.client, topics);
    this.consumer = new EventConsumer<PgTransaction>({
      client: this.client,
      groupId,
      topics,
      fromBeginning: true,
      unitOfWork: new PgUnitOfWork(this.pool),
      handlers,
      log: (message, error) => this.logger.warn({ msg: message, err: error?.message }),
    });
    await this.consumer.start();
    this.consumerHealth?.register(this.consumer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.consumer) this.consumerHealth?.unregister(this.consumer);
    await this.consumer?.stop();
  }
}
