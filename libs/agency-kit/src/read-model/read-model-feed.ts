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
 * How a feed fetches: the broker answers once 64 KiB are waiting or after 250 ms. A feed reads the whole case topic
 * for a few of its types, and answered at once it cost a fetch and an offset commit per case event (~270 of each per
 * second per group at 300 case events/s); batched, ~4 fetches and ~10 commits per second. What it adds: up to 250 ms
 * between a case event and the read model when the topic is quiet (none once 64 KiB are waiting). The read model
 * serves people (a request in an agency's worklist, a family's facts), for whom that does not show; readiness and
 * stop are unaffected (the wait stays under the 500 ms an idle fetch was held before).
 */
export const READ_MODEL_FETCH = { minBytes: 64 * 1024, maxWaitTimeMs: 250 };

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
      fetch: READ_MODEL_FETCH,
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
