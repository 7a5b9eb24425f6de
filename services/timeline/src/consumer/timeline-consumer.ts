import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { OUTBOUND_TOPICS, dlqTopic } from '@tio/contracts';
import { EventConsumer, KafkaJsClient, contextOfTraceparent, ensureTopics, inConsumeSpan, type ConsumedEvent, type ConsumerStats, type MessagingClient } from '@tio/messaging';
import { trace, type Link } from '@opentelemetry/api';
import { ConsumerHealthRegistry, PG_POOL, SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';
import type { Pool } from 'pg';
import { TimelineMetrics } from '../metrics/metrics';
import { CatchAllHandlers } from '../projection/handlers';
import { projectBatch } from '../projection/projector';
import { migrateReadModel, migrateService } from '../read-model/data-source';
import { LIVE_SCHEMA } from '../read-model/entities';
import { AfterCommitUnitOfWork, type TimelineTransaction } from './after-commit';

export interface TimelineConsumerSettings {
  topics: string[];
  groupId: string;
  enabled: boolean;
  /** Events of one partition projected per transaction (set-based inserts). */
  batchSize: number;
  /**
   * Partitions projected at the same time, each still in offset order. A case's events share a partition (the Kafka
   * key is the case id) and the projector locks each case's row (in case-id order, so batches cannot deadlock), so a
   * case's entries keep their order whatever runs beside them.
   */
  partitionsConcurrently: number;
}

/**
 * TIMELINE_TOPICS (comma-separated; default: the four case-related topics), TIMELINE_CONSUMER_GROUP, TIMELINE_CONSUMER=off,
 * TIMELINE_BATCH_SIZE (events per transaction, default 500; 1 = one transaction per event),
 * TIMELINE_PARTITIONS_CONCURRENTLY (partitions projected at once, default 4; 1 = one at a time).
 */
export function consumerSettings(env: NodeJS.ProcessEnv = process.env): TimelineConsumerSettings {
  return {
    topics: env['TIMELINE_TOPICS'] ? env['TIMELINE_TOPICS'].split(',').map((t) => t.trim()).filter(Boolean) : [...OUTBOUND_TOPICS],
    groupId: env['TIMELINE_CONSUMER_GROUP'] ?? 'tio-timeline',
    enabled: env['TIMELINE_CONSUMER'] !== 'off',
    batchSize: positiveInt(env, 'TIMELINE_BATCH_SIZE', 500),
    partitionsConcurrently: positiveInt(env, 'TIMELINE_PARTITIONS_CONCURRENTLY', 4),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const tracer = trace.getTracer('@tio/timeline');

/** Links from a batch's projection span to the traces of its events after the first (the first is its parent). */
function linksOf(events: ConsumedEvent[]): Link[] {
  const links: Link[] = [];
  for (const e of events.slice(1)) {
    const context = trace.getSpanContext(contextOfTraceparent(e.traceparent));
    if (context) links.push({ context });
  }
  return links;
}

export const TIMELINE_CONSUMER_SETTINGS = Symbol('TIMELINE_CONSUMER_SETTINGS');
export const TIMELINE_MESSAGING = Symbol('TIMELINE_MESSAGING');

/**
 * The read model's feed: migrates the schema before the app serves, then runs an EventConsumer over every
 * case-related topic (exactly-once effect: the processed_messages claim commits with the entry). Started on
 * bootstrap, stopped on shutdown, so `npm start` runs it with the API.
 */
@Injectable()
export class TimelineConsumer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('timeline-consumer');
  private consumer?: EventConsumer<TimelineTransaction>;
  private counted: ConsumerStats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0, dropped: 0, parked: 0, retries: 0 };

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(TIMELINE_CONSUMER_SETTINGS) readonly settings: TimelineConsumerSettings,
    @Inject(TIMELINE_MESSAGING) private readonly client: MessagingClient,
    @Inject(TimelineMetrics) private readonly metrics: TimelineMetrics,
    @Optional() @Inject(ConsumerHealthRegistry) private readonly consumerHealth?: ConsumerHealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.metrics.beforeScrape(() => this.refreshBrokerGauges());
    await migrateService(this.pool);
    await migrateReadModel(this.pool, LIVE_SCHEMA);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    await ensureTopics(this.client, this.settings.topics);
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  get running(): boolean {
    return this.consumer !== undefined;
  }

  get stats(): ConsumerStats | undefined {
    return this.consumer?.stats;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    // one `timeline project` span per transaction: a child of its first event's consume span, linked to the others'
    const project = (events: ConsumedEvent[], tx: TimelineTransaction): Promise<void> =>
      tracer.startActiveSpan('timeline project', { attributes: { 'tio.events': events.length }, links: linksOf(events) }, async (span) => {
        try {
          const applied = new Set((await projectBatch(tx, LIVE_SCHEMA, events, { notify: true })).filter((r) => r.applied).map((r) => r.eventId));
          span.setAttribute('tio.applied', applied.size);
          tx.afterCommit(() => {
            for (const e of events) {
              if (!applied.has(e.id)) continue;
              this.metrics.applied(e.topic, e.partition, e.offset, e.time);
              // a line per record (LOG_LEVEL=debug), in the record's own trace
              inConsumeSpan(e, () => this.logger.debug({ msg: 'timeline entry projected', eventId: e.id, type: e.type, topic: e.topic, partition: e.partition, offset: e.offset }));
            }
          });
        } finally {
          span.end();
        }
      });
    const consumer = new EventConsumer<TimelineTransaction>({
      client: this.client,
      groupId: this.settings.groupId,
      topics: this.settings.topics,
      unitOfWork: new AfterCommitUnitOfWork(this.pool),
      // a message on its own (batch size 1, or a retry after its batch failed) is a batch of one
      handlers: new CatchAllHandlers<TimelineTransaction>((event, tx) => project([event], tx)),
      transactionBatchSize: this.settings.batchSize,
      applyBatch: project,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrently,
      sessionTimeoutMs: 10_000,
      log: (message, error) => this.logger.warn({ msg: message, err: error?.message }),
    });
    this.counted = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0, dropped: 0, parked: 0, retries: 0 };
    this.consumer = consumer;
    await consumer.start();
    this.consumerHealth?.register(consumer);
    this.logger.log({ msg: 'timeline consumer started', groupId: this.settings.groupId, topics: this.settings.topics });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      this.consumerHealth?.unregister(consumer);
      this.syncCounters(consumer.stats);
      await consumer.stop();
    }
  }

  private syncCounters(stats: ConsumerStats): void {
    const map: [keyof ConsumerStats, string][] = [['applied', 'applied'], ['duplicates', 'duplicate'], ['deadLettered', 'dead-lettered'], ['retries', 'retry'], ['ignored', 'ignored'], ['dropped', 'dropped'], ['parked', 'parked']];
    for (const [key, outcome] of map) {
      const delta = stats[key] - this.counted[key];
      if (delta > 0) this.metrics.events.inc({ outcome }, delta);
    }
    this.counted = { ...stats };
  }

  /** Broker-side gauges (backlog per partition, dead-letter topic sizes), refreshed on each scrape. */
  async refreshBrokerGauges(): Promise<void> {
    if (this.consumer) {
      this.syncCounters(this.consumer.stats);
      this.metrics.consumerHealth(await this.consumer.health());
    }
    const admin = this.client.admin();
    try {
      await admin.connect();
      for (const topic of this.settings.topics) {
        for (const p of await admin.fetchTopicOffsets(topic).catch(() => [])) {
          const position = this.metrics.positionOf(topic, p.partition);
          const next = position === undefined ? BigInt(p.low) : position + 1n;
          this.metrics.backlog.set({ topic, partition: String(p.partition) }, Math.max(0, Number(BigInt(p.high) - next)));
        }
        const dlq = dlqTopic(topic);
        const offsets = await admin.fetchTopicOffsets(dlq).catch(() => []);
        this.metrics.dlq.set({ topic: dlq }, offsets.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0));
      }
    } catch (err) {
      this.logger.warn({ msg: 'could not read broker offsets for metrics', err: (err as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

export function timelineMessagingClient(config: ServiceConfig): MessagingClient {
  // KAFKA_TOPIC_PREFIX applies here as in every other service (topics are named without it everywhere else)
  return new KafkaJsClient({ brokers: config.kafkaBrokers, clientId: 'tio-timeline', topicPrefix: config.topicPrefix });
}
