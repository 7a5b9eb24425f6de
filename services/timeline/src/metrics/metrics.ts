import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ServiceMetrics } from '@tio/service-kit';

/** The timeline's own series, in the service's one registry (ServiceMetrics) that `GET /metrics` serves. */
@Injectable()
export class TimelineMetrics {
  readonly registry: Registry;

  /** Event time (CloudEvents `time`, when it happened at its source) -> its entry committed and readable. */
  readonly freshness: Histogram;
  readonly position: Gauge;
  readonly backlog: Gauge;
  readonly events: Counter;
  readonly dlq: Gauge;
  readonly consumerOk: Gauge;
  readonly parked: Gauge;
  readonly lastErrorAt: Gauge;
  readonly sseClients: Gauge;

  private readonly positions = new Map<string, bigint>();

  constructor(@Inject(ServiceMetrics) private readonly service: ServiceMetrics) {
    this.registry = service.registry;
    const registers = [this.registry];
    this.freshness = new Histogram({
      name: 'timeline_freshness_lag_seconds',
      help: 'Seconds from an event happening at its source (CloudEvents time) to its timeline entry being readable',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 86400],
      registers,
    });
    this.position = new Gauge({
      name: 'timeline_consumer_position',
      help: 'Offset of the last event applied to the read model, per topic partition',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.backlog = new Gauge({
      name: 'timeline_consumer_backlog_messages',
      help: 'Messages in the topic partition after the last applied one (high watermark - position - 1)',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.events = new Counter({
      name: 'timeline_consumer_events_total',
      help: 'Messages the timeline consumer handled, by outcome (applied, duplicate, dead-lettered, parked, dropped, retry)',
      labelNames: ['outcome'],
      registers,
    });
    this.dlq = new Gauge({
      name: 'timeline_dlq_messages',
      help: 'Messages in each dead-letter topic of the topics the timeline consumes',
      labelNames: ['topic'],
      registers,
    });
    this.consumerOk = new Gauge({
      name: 'timeline_consumer_ok',
      help: '1 while the consumer can do its job, 0 while it is stalled on a record or crashed for good (readiness says the same)',
      registers,
    });
    this.parked = new Gauge({
      name: 'timeline_consumer_parked_messages',
      help: 'Records the consumer could neither apply nor dead-letter, waiting in parked_messages for an operator (dead-letters CLI)',
      registers,
    });
    this.lastErrorAt = new Gauge({
      name: 'timeline_consumer_last_error_timestamp_seconds',
      help: 'When the consumer last met an error (seconds since the epoch; 0 = none since start)',
      registers,
    });
    this.sseClients = new Gauge({ name: 'timeline_sse_clients', help: 'Open live-stream connections', registers });
  }

  /** Runs before every scrape of /metrics (the consumer refreshes its broker-side gauges). */
  beforeScrape(hook: () => Promise<void>): void {
    this.service.beforeScrape(hook);
  }

  applied(topic: string, partition: number, offset: string, occurredAt: string): void {
    this.positions.set(`${topic}\u0000${partition}`, BigInt(offset));
    this.position.set({ topic, partition: String(partition) }, Number(offset));
    const lag = (Date.now() - Date.parse(occurredAt)) / 1000;
    if (Number.isFinite(lag)) this.freshness.observe(Math.max(0, lag));
  }

  consumerHealth(health: { ok: boolean; parked?: number; lastError?: { at: string } }): void {
    this.consumerOk.set(health.ok ? 1 : 0);
    if (health.parked !== undefined) this.parked.set(health.parked);
    this.lastErrorAt.set(health.lastError ? Date.parse(health.lastError.at) / 1000 : 0);
  }

  positionOf(topic: string, partition: number): bigint | undefined {
    return this.positions.get(`${topic}\u0000${partition}`);
  }
}
