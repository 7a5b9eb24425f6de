import { integrationEventFromRecorded, toKafkaRecord, type EventTypeRegistry } from '@tio/contracts';
import type { CheckpointStore, EventStore, RecordedEvent } from '@tio/event-store';
import { backoffDelay, sleep, type BackoffOptions } from '../backoff';
import type { MessageProducer, MessagingClient, TopicMessages } from '../kafka/port';

export interface ForwarderOptions {
  store: EventStore;
  /** Where the forwarder keeps its position (e.g. the event store's own `PostgresCheckpointStore`). */
  checkpoints: CheckpointStore;
  client: MessagingClient;
  /** Durable name: the checkpoint id. */
  name: string;
  /** CloudEvents `source`, e.g. `/tio/case-service`. */
  source: string;
  /** Which stored types are published, as what, on which topic. */
  registry: EventTypeRegistry;
  /** Only streams of this category. */
  category?: string;
  /** Events read and published per Kafka request. Default 500. */
  batchSize?: number;
  /**
   * How long to sleep once caught up when the store says nothing: the store wakes the forwarder itself when events
   * are appended (`EventStore.onAppended`), so this is only the fallback. Default 1,000 ms.
   */
  pollIntervalMs?: number;
  /** Delays between attempts while Kafka or the store is unavailable. Default 100 ms doubling to 5 s. */
  backoff?: BackoffOptions;
  /** Retries inside the Kafka client before a send counts as failed and the forwarder backs off. Default 3. */
  producerRetries?: number;
  log?: (message: string, error?: Error) => void;
  /** Told about the backlog and each acknowledged batch (a service passes `ServiceMetrics.forwarder(name)`). */
  metrics?: ForwarderMetrics;
}

export interface ForwarderMetrics {
  /** Events read from the store that Kafka has not acknowledged yet (0 once checkpointed), and the oldest one's time. */
  backlog(events: number, oldestRecordedAt?: string): void;
  /** A batch Kafka acknowledged: how many events, and seconds from the first send attempt to the acknowledgement. */
  published(events: number, seconds: number): void;
}

export interface ForwarderStats {
  published: number;
  skipped: number;
  batches: number;
  failures: number;
}

/**
 * Publishes the events of an event store to Kafka: a checkpointed catch-up loop over `readAll` that sends each
 * batch with an idempotent producer (acks = all, one request in flight), key = case id, and saves its checkpoint
 * only after Kafka acknowledged the whole batch. At least once: after a crash or a failed send it resends from the
 * checkpoint, so nothing is skipped and consumers absorb the duplicates.
 */
export class Forwarder {
  readonly stats: ForwarderStats = { published: 0, skipped: 0, batches: 0, failures: 0 };
  private producer: MessageProducer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private sleeper: { cancel(): void } | undefined;
  /** The sleep once caught up (an append ends it; a backoff sleep after a failure is not cut short by appends). */
  private idle: { cancel(): void } | undefined;
  private checkpoint: bigint | undefined;
  /** Set by the store when events were appended since the last read: the loop reads again instead of sleeping. */
  private appended = false;
  private stopListening: (() => void) | undefined;
  private positionWaiters: { position: bigint; resolve: () => void }[] = [];

  constructor(private readonly options: ForwarderOptions) {}

  /** Starts the loop in the background; resolves once the checkpoint is loaded. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const loaded = await this.withRetry('load checkpoint', () => this.options.checkpoints.load(this.options.name));
    if (!loaded) return;
    this.checkpoint = loaded.value;
    this.stopListening = this.options.store.onAppended(() => {
      this.appended = true;
      this.idle?.cancel();
    });
    this.loop = this.run();
  }

  /** Stops after the batch in flight (its checkpoint is only saved if Kafka acknowledged it). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopListening?.();
    this.stopListening = undefined;
    this.sleeper?.cancel();
    this.idle?.cancel();
    await this.loop;
    await this.closeProducer();
  }

  /** The last global position published and checkpointed. */
  position(): bigint | undefined {
    return this.checkpoint;
  }

  /** Resolves once everything up to `position` is acknowledged by Kafka and checkpointed. */
  waitFor(position: bigint): Promise<void> {
    if (this.checkpoint !== undefined && this.checkpoint >= position) return Promise.resolve();
    return new Promise((resolve) => this.positionWaiters.push({ position, resolve }));
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while (this.running) {
      this.appended = false; // an append from here on makes the loop read again rather than sleep
      const read = await this.withRetry('read events', () =>
        this.options.store.readAll({ after: this.checkpoint, maxCount: batchSize, category: this.options.category }),
      );
      if (!this.running || !read) break;
      const events = read.value;
      if (events.length > 0) {
        this.options.metrics?.backlog(events.length, events[0].metadata.recordedAt);
        const published = await this.publish(events);
        if (!published) break; // stopping
        const last = events[events.length - 1].globalPosition;
        const saved = await this.withRetry('save checkpoint', () => this.options.checkpoints.save(this.options.name, last));
        if (!saved) break;
        this.checkpoint = last;
        this.options.metrics?.backlog(0);
        this.notifyWaiters();
      }
      if (events.length < batchSize && this.running && !this.appended) {
        const s = sleep(this.options.pollIntervalMs ?? 1000);
        this.idle = s;
        await s.promise;
        this.idle = undefined;
      }
    }
  }

  /** Sends a batch until Kafka acknowledges it; false if the forwarder stopped first. */
  private async publish(events: RecordedEvent[]): Promise<boolean> {
    const byTopic = new Map<string, TopicMessages>();
    let count = 0;
    for (const event of events) {
      const integration = integrationEventFromRecorded(event, { source: this.options.source, registry: this.options.registry });
      if (!integration) {
        this.stats.skipped++;
        continue;
      }
      const topic = this.options.registry.topicOf(integration);
      const entry = byTopic.get(topic) ?? { topic, messages: [] };
      entry.messages.push(toKafkaRecord(integration));
      byTopic.set(topic, entry);
      count++;
    }
    if (count === 0) return true;
    const started = performance.now();
    const sent = await this.withRetry('publish to Kafka', async () => {
      const producer = await this.connectedProducer();
      try {
        await producer.send([...byTopic.values()]);
      } catch (err) {
        // the idempotent producer's sequence state is unknown after a failed send: start a fresh session
        await this.closeProducer();
        throw err;
      }
    });
    if (!sent) return false;
    this.options.metrics?.published(count, (performance.now() - started) / 1000);
    this.stats.published += count;
    this.stats.batches++;
    return true;
  }

  private async connectedProducer(): Promise<MessageProducer> {
    if (this.producer) return this.producer;
    const producer = this.options.client.producer({ idempotent: true, retries: this.options.producerRetries ?? 3 });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async closeProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  /** Retries with backoff until it succeeds; undefined if the forwarder is stopped meanwhile. */
  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await fn() };
      } catch (err) {
        this.stats.failures++;
        this.options.log?.(`forwarder ${this.options.name}: ${what} failed (attempt ${attempt})`, err as Error);
        if (!this.running) return undefined;
        const s = sleep(backoffDelay(attempt, this.options.backoff ?? { initialMs: 100, maxMs: 5000 }));
        this.sleeper = s;
        await s.promise;
        this.sleeper = undefined;
        if (!this.running) return undefined;
      }
    }
  }

  private notifyWaiters(): void {
    const reached = this.positionWaiters.filter((w) => this.checkpoint !== undefined && this.checkpoint >= w.position);
    this.positionWaiters = this.positionWaiters.filter((w) => !reached.includes(w));
    for (const w of reached) w.resolve();
  }
}
