import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Shapes the libraries accept as their optional metrics sink (declared there; repeated here so service-kit needs neither). */
export interface AppendObserver {
  append(seconds: number, outcome: 'appended' | 'refused' | 'failed'): void;
}
export interface ForwarderObserver {
  backlog(events: number, oldestRecordedAt?: string): void;
  published(events: number, seconds: number): void;
}
/** What the PostgreSQL event store says of its committed events that readers cannot be handed yet. */
export type UnreadableEventsProbe = () => Promise<{ events: number; oldestRecordedAt: string | undefined }>;
export interface AccessLogObserver {
  recorded(seconds: number, outcome: 'committed' | 'failed'): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One Prometheus registry per service process: every part (HTTP, event store, forwarder, access log, consumers, a
 * service's own series) registers here and `GET /metrics` serves it all. A registry of its own rather than the
 * global one, since tests run several services in one process.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly scrapeHooks: Array<() => Promise<void>> = [];
  private readonly oldestUnpublished = new Map<string, number>();

  /** Labelled with the route pattern (`/cases/:caseId/advice`), never the URL: one series per route, not per case. */
  readonly http = new Histogram({
    name: 'tio_http_request_duration_seconds',
    help: 'HTTP requests from arrival to the response ending, by method, route pattern (unmatched = no route) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly appendDuration = new Histogram({
    name: 'tio_event_store_append_duration_seconds',
    help: 'Event-store appends (one transaction each), by outcome: appended, refused (conflict or invalid) or failed',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly publishDuration = new Histogram({
    name: 'tio_forwarder_publish_duration_seconds',
    help: 'Forwarder batches from the first send to Kafka acknowledging them (retries during an outage included)',
    labelNames: ['forwarder'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  private readonly publishedEvents = new Counter({
    name: 'tio_forwarder_published_events_total',
    help: 'Events the forwarder published and Kafka acknowledged',
    labelNames: ['forwarder'],
    registers: [this.registry],
  });

  private readonly backlogEvents = new Gauge({
    name: 'tio_forwarder_backlog_events',
    help: 'Events read from the store that Kafka has not acknowledged yet (at most one batch; a full batch means more wait)',
    labelNames: ['forwarder'],
    registers: [this.registry],
  });

  private readonly backlogAge = new Gauge({
    name: 'tio_forwarder_oldest_unpublished_age_seconds',
    help: 'Age of the oldest event read and not yet acknowledged by Kafka (0 when caught up); grows while Kafka is down',
    labelNames: ['forwarder'],
    registers: [this.registry],
    collect: () => {
      for (const [forwarder, recordedAt] of this.oldestUnpublished) {
        this.backlogAge.set({ forwarder }, recordedAt ? Math.max(0, (Date.now() - recordedAt) / 1000) : 0);
      }
    },
  });

  private readonly accessLogDuration = new Histogram({
    name: 'tio_access_log_record_duration_seconds',
    help: 'What a read waits for its access-log entry: from recording to the group commit, by outcome',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  readonly eventStore: AppendObserver = {
    append: (seconds, outcome) => this.appendDuration.observe({ outcome }, seconds),
  };

  readonly accessLog: AccessLogObserver = {
    recorded: (seconds, outcome) => this.accessLogDuration.observe({ outcome }, seconds),
  };

  forwarder(name: string): ForwarderObserver {
    this.oldestUnpublished.set(name, 0);
    this.backlogEvents.set({ forwarder: name }, 0);
    this.publishedEvents.inc({ forwarder: name }, 0);
    return {
      backlog: (events, oldestRecordedAt) => {
        this.backlogEvents.set({ forwarder: name }, events);
        this.oldestUnpublished.set(name, events > 0 && oldestRecordedAt ? Date.parse(oldestRecordedAt) || 0 : 0);
      },
      published: (events, seconds) => {
        this.publishedEvents.inc({ forwarder: name }, events);
        this.publishDuration.observe({ forwarder: name }, seconds);
      },
    };
  }

  /**
   * Exports the event store's unreadable events (committed, but above the readers' horizon because an older
   * transaction anywhere in the PostgreSQL cluster is still in flight), asked at each scrape. They are what the
   * forwarder, subscriptions and `readAll` wait for: alert when the age grows. A failed probe keeps the last values.
   */
  eventStoreReaders(probe: UnreadableEventsProbe): void {
    const events = new Gauge({
      name: 'tio_event_store_unreadable_events',
      help: 'Events committed to the event store that readers cannot see yet: an older transaction in any database of the PostgreSQL cluster is still in flight',
      registers: [this.registry],
    });
    const age = new Gauge({
      name: 'tio_event_store_oldest_unreadable_age_seconds',
      help: 'Age of the oldest committed event readers cannot see yet (0 when none): how long publishing has been held back',
      registers: [this.registry],
    });
    events.set(0);
    age.set(0);
    this.beforeScrape(async () => {
      const seen = await probe().catch(() => undefined);
      if (!seen) return;
      events.set(seen.events);
      age.set(seen.oldestRecordedAt ? Math.max(0, (Date.now() - Date.parse(seen.oldestRecordedAt)) / 1000) : 0);
    });
  }

  /** Runs before every scrape (e.g. to ask the broker for high watermarks), so gauges are read fresh. */
  beforeScrape(hook: () => Promise<void>): void {
    this.scrapeHooks.push(hook);
  }

  async scrape(): Promise<string> {
    await Promise.all(this.scrapeHooks.map((hook) => hook()));
    return this.registry.metrics();
  }
}

export const secondsSince = (startedNs: bigint): number => Number(process.hrtime.bigint() - startedNs) / 1e9;
