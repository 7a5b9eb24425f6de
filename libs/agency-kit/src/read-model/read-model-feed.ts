import { Inject, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MESSAGING_CLIENT } from '@tio/event-sourcing';
import { DEFAULT_FETCH_MAX_WAIT_MS, EventConsumer, PgUnitOfWork, ensureTopics, type EventHandlers, type MessagingClient, type PgTransaction } from '@tio/messaging';
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
 * How a feed fetches: the broker answers once 256 KiB are waiting, or after 500 ms (the wait an idle fetch had
 * already). A feed reads the whole case topic for a few of its types; answered at once, a producer that publishes
 * records one by one cost each feed group a fetch and an offset commit per case event (~280 of each per second at
 * 300 events/s, measured), where batched it is ~2 fetches and a commit per partition with records per 500 ms.
 * KafkaJS commits after every batch whatever autoCommitInterval says, so the fetch size is the commit rate: at
 * 64 KiB the three agency services still spent a quarter of their busy CPU writing fetches and commits at 1,000
 * events/s; at 256 KiB they spent 20-30% less CPU per event (five interleaved pairs, docs/benchmarks.md).
 * What it adds: up to 500 ms between a case event and the read model while the topic carries less than 256 KiB per
 * 500 ms (none beyond that). The read model serves people (a request in an agency's worklist, a family's facts),
 * for whom that does not show; an idle feed fetches exactly as before, and stops as fast.
 */
export const READ_MODEL_FETCH = { minBytes: 256 * 1024, maxWaitTimeMs: DEFAULT_FETCH_MAX_WAIT_MS };

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
