import { integrationEventFromRecorded, toKafkaRecord, type EventTypeRegistry, type IntegrationEvent } from '@tio/contracts';
import type { CheckpointStore, EventStore } from '@tio/event-store';
import { backoffDelay, sleep, type BackoffOptions } from '../backoff';
import type { MessageProducer, MessagingClient, TopicMessages } from '../kafka/port';
import { describePublish, endSpan, startPublishSpan, traceparentOf } from '../tracing';
import type { Span } from '@opentelemetry/api';

export interface ForwarderOptions {
  store: EventStore;
  /** Where the forwarder keeps its position: the event store's own `store.checkpoints` (either adapter). */
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
  /**
   * Whether a backlog's batches (full ones: more is waiting behind them) are encoded and sent by a producer on a
   * thread of its own (`ProducerOptions.ownThread`): KafkaJS's CPU per record then overlaps with reading and building
   * the next batch, and a catch-up does not hold the service's event loop for seconds. Default true; false sends every
   * batch from the forwarder's thread (the messaging bench's comparison). See `Forwarder`.
   */
  producerThread?: boolean;
  /** How long the producer on its own thread is kept without a full batch to send. Default 30 s. */
  producerThreadIdleMs?: number;
  log?: (message: string, error?: Error) => void;
  /** Told about the backlog and each acknowledged batch (a service passes `ServiceMetrics.forwarder(name)`). */
  metrics?: ForwarderMetrics;
}

type ProducerKind = 'caller' | 'thread';

export interface ForwarderMetrics {
  /** Events read from the store that Kafka has not acknowledged yet (0 once checkpointed), and the oldest one's time. */
  backlog(events: number, oldestRecordedAt?: string): void;
  /** A batch Kafka acknowledged: how many events, and seconds from the first send attempt to the acknowledgement. */
  published(events: number, seconds: number): void;
}

/** Events read from the store, with the Kafka records of those that are published. */
interface Batch {
  /**
   * How many events were read, and when the store recorded the first. The events themselves are not kept: only
   * their records live until Kafka acknowledges them (parsed events held across a send survive into the old
   * generation, and the collector's work on them showed in the forwarder's CPU).
   */
  size: number;
  oldestRecordedAt: string | undefined;
  /** The global position of the last event read (the checkpoint once the batch is acknowledged). */
  last: bigint;
  messages: TopicMessages[];
  /** How many records `messages` holds. */
  count: number;
  /** A `publish <topic>` span per topic and trace the batch continues (ended when Kafka acknowledges the batch). */
  spans: Span[];
  /** Whether the store said events were appended since this batch's read began. */
  appendedSinceRead(): boolean;
}

export interface ForwarderStats {
  published: number;
  skipped: number;
  batches: number;
  failures: number;
}

/**
 * Publishes the events of an event store to Kafka: a checkpointed catch-up loop over `readAll` that sends each
 * batch with an idempotent producer (acks = all, one request in flight), key = case id, and moves its checkpoint
 * only past batches Kafka acknowledged whole. A full batch (a backlog) is sent by a producer on a thread of its own
 * once that one is connected, the others (the live trickle) from the forwarder's thread, which saves them two
 * hand-overs between threads (their cost on a busy host: docs/benchmarks.md); the thread's producer is connected at
 * start and at a full batch, and closed after 30 s without one, so a service at rest holds no second thread. One
 * batch is sent at a time either way, each acknowledged before the next, so the two producers never reorder a
 * partition. While a batch is being sent the next one is read and built, and the checkpoint is saved in the
 * background, one save at a time, never more than one acknowledged batch behind when a send starts. At least once:
 * after a crash or a failed send it resends from the checkpoint, so nothing is skipped and consumers absorb the
 * duplicates (after a crash at most two batches: the one in flight and the one before it).
 */
export class Forwarder {
  readonly stats: ForwarderStats = { published: 0, skipped: 0, batches: 0, failures: 0 };
  /** The producers, connected once each: on the forwarder's thread, and on a thread of their own (full batches). */
  private producers: Partial<Record<ProducerKind, Promise<MessageProducer>>> = {};
  /** The producer on its own thread once connected (until then full batches go from the forwarder's thread). */
  private threadProducer: MessageProducer | undefined;
  /** When the thread's producer connected or last had a full batch to send: it is closed `producerThreadIdleMs` after. */
  private threadProducerUsedAt = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Backoff sleeps under way (the send loop's and the checkpoint saver's): stop() ends them. */
  private readonly backoffs = new Set<{ cancel(): void }>();
  /** The sleep once caught up (an append ends it; a backoff sleep after a failure is not cut short by appends). */
  private idle: { cancel(): void } | undefined;
  private checkpoint: bigint | undefined;
  /**
   * The highest position the store announced for this forwarder's category since the last read began ('unknown' when
   * an announcement had none): if above what that read returned, the loop reads again instead of sleeping.
   */
  private announced: bigint | 'unknown' | undefined;
  /** Where the last read ended: an announcement at or below it wakes nothing (the read had it). */
  private readUpTo: bigint | undefined;
  private stopListening: (() => void) | undefined;
  private positionWaiters: { position: bigint; resolve: () => void }[] = [];
  /** The last position Kafka acknowledged (the checkpoint follows it, saved in the background). */
  private acked: bigint | undefined;
  /** Acknowledged batches whose position is not saved yet. */
  private unsavedBatches = 0;
  private saving: Promise<void> | undefined;
  /** Sends waiting for the checkpoint to catch up: told after every save. */
  private saveWaiters: (() => void)[] = [];
  private sending = false;

  constructor(private readonly options: ForwarderOptions) {}

  /** Starts the loop in the background; resolves once the checkpoint is loaded. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const loaded = await this.withRetry('load checkpoint', () => this.options.checkpoints.load(this.options.name));
    if (!loaded) return;
    this.checkpoint = loaded.value;
    this.readUpTo = this.checkpoint;
    this.stopListening = this.options.store.onAppended(({ position }) => this.heard(position), this.options.category !== undefined ? { category: this.options.category } : {});
    this.loop = this.run();
  }

  /** The store announced an append of this forwarder's category up to `position` (undefined: not known). */
  private heard(position: bigint | undefined): void {
    const announced = this.announced;
    if (position === undefined || announced === 'unknown') this.announced = 'unknown';
    else if (announced === undefined || position > announced) this.announced = position;
    if (position === undefined || this.readUpTo === undefined || position > this.readUpTo) this.idle?.cancel();
  }

  /** Stops after the batch in flight (its checkpoint is only saved if Kafka acknowledged it). */
  async stop(): Promise<void> {
    this.running = false;
    this.stopListening?.();
    this.stopListening = undefined;
    for (const s of this.backoffs) s.cancel();
    this.idle?.cancel();
    await this.loop;
    await this.closeProducers();
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
    let next: Promise<Batch | undefined> | undefined;
    let position = this.checkpoint;
    // connect while the first batch is read (a failure here is met again, and retried, by the first send)
    this.connectedProducer('caller').catch(() => undefined);
    if (this.usesProducerThread) this.connectedProducer('thread').catch(() => undefined);
    try {
      while (this.running) {
        const batch = await (next ?? this.read(position, batchSize));
        next = undefined;
        if (!this.running || !batch) break;
        if (batch.size > 0) {
          position = batch.last;
          // a full batch means more is waiting: read and build the next one while Kafka takes this one
          if (batch.size === batchSize) next = this.read(position, batchSize);
          this.options.metrics?.backlog(batch.size, batch.oldestRecordedAt);
          if (!(await this.checkpointCaughtUp())) break;
          if (!(await this.publish(batch, batch.size === batchSize))) break; // stopping
          this.acknowledged(batch.last);
        }
        if (batch.size < batchSize) this.closeIdleThreadProducer();
        if (batch.size < batchSize && this.running && !batch.appendedSinceRead()) {
          const s = sleep(this.options.pollIntervalMs ?? 1000);
          this.idle = s;
          await s.promise;
          this.idle = undefined;
        }
      }
    } finally {
      await next; // a read under way when stopping (withRetry gives up rather than throw)
      await this.saving; // the last acknowledged position is saved before stop() resolves
    }
  }

  /** Reads the events after `after` and builds their Kafka records. */
  private async read(after: bigint | undefined, batchSize: number): Promise<Batch | undefined> {
    this.announced = undefined; // an append from here on makes the loop read again rather than sleep
    const read = await this.withRetry('read events', () => this.options.store.readAll({ after, maxCount: batchSize, category: this.options.category }));
    if (!read) return undefined;
    const events = read.value;
    const byTopic = new Map<string, TopicMessages>();
    // records of one topic that continue one trace share a publish span (key: topic and stored traceparent)
    const traced = new Map<string, { span: Span; traceparent: string | undefined; events: IntegrationEvent[] }>();
    let count = 0;
    for (const [i, event] of events.entries()) {
      // a turn of the event loop every 100 events: the acknowledgement of the batch being sent is taken at once, and
      // the producer thread is handed the next batch, instead of waiting for this whole batch to be built
      if (i > 0 && i % 100 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const integration = integrationEventFromRecorded(event, { source: this.options.source, registry: this.options.registry });
      if (!integration) {
        this.stats.skipped++;
        continue;
      }
      const topic = this.options.registry.topicOf(integration);
      // the record continues the trace its event was recorded in, through the publish span (when tracing is on)
      const traceKey = `${topic} ${integration.traceparent ?? ''}`;
      let trace = traced.get(traceKey);
      if (!trace) {
        const span = startPublishSpan(topic, integration.traceparent);
        trace = { span, traceparent: traceparentOf(span), events: [] };
        traced.set(traceKey, trace);
      }
      trace.events.push(integration);
      integration.traceparent = trace.traceparent ?? integration.traceparent;
      const entry = byTopic.get(topic) ?? { topic, messages: [] };
      entry.messages.push(toKafkaRecord(integration));
      byTopic.set(topic, entry);
      count++;
    }
    const spans = [...traced.values()].map(({ span, events: covered }) => {
      describePublish(span, covered);
      return span;
    });
    const last = events.length ? events[events.length - 1].globalPosition : after ?? 0n;
    this.readUpTo = last;
    const appendedSinceRead = () => this.announced === 'unknown' || (this.announced !== undefined && this.announced > last);
    return { size: events.length, oldestRecordedAt: events[0]?.metadata.recordedAt, last, messages: [...byTopic.values()], count, spans, appendedSinceRead };
  }

  /**
   * Waits, before a send, until at most one acknowledged batch is not checkpointed yet: saves run beside the sends,
   * and a crash resends at most that batch and the one in flight. False if the forwarder stopped first.
   */
  private async checkpointCaughtUp(): Promise<boolean> {
    // woken by each save, not by the end of the saver's loop: that may go on to save the batch just acknowledged too
    while (this.unsavedBatches > 1 && this.saving) await new Promise<void>((resolve) => this.saveWaiters.push(resolve));
    return this.running;
  }

  private wakeSaveWaiters(): void {
    const waiters = this.saveWaiters;
    this.saveWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Kafka acknowledged everything up to `position`: checkpoint it in the background (one save at a time). */
  private acknowledged(position: bigint): void {
    this.acked = position;
    this.unsavedBatches++;
    this.saving ??= this.saveCheckpoints().finally(() => {
      this.saving = undefined;
      this.wakeSaveWaiters();
    });
  }

  /** Saves the latest acknowledged position until the checkpoint has caught up with it. */
  private async saveCheckpoints(): Promise<void> {
    while (this.acked !== undefined && (this.checkpoint === undefined || this.acked > this.checkpoint)) {
      const target = this.acked;
      const batches = this.unsavedBatches;
      const saved = await this.withRetry('save checkpoint', () => this.options.checkpoints.save(this.options.name, target));
      if (!saved) return; // stopped while the checkpoint store was failing: the next start resends from the last save
      this.checkpoint = target;
      this.unsavedBatches -= batches;
      this.wakeSaveWaiters();
      if (!this.sending) this.options.metrics?.backlog(0);
      this.notifyWaiters();
    }
  }

  /** Sends a batch until Kafka acknowledges it; false if the forwarder stopped first. */
  private async publish(batch: Batch, full: boolean): Promise<boolean> {
    if (batch.count === 0) return true;
    const started = performance.now();
    this.sending = true;
    const sent = await this.withRetry('publish to Kafka', async () => {
      const producer = await this.connectedProducer(this.producerFor(full));
      try {
        await producer.send(batch.messages);
      } catch (err) {
        // the idempotent producer's sequence state is unknown after a failed send: start fresh sessions
        await this.closeProducers();
        throw err;
      }
    }).finally(() => (this.sending = false));
    for (const span of batch.spans) endSpan(span, sent ? 'published' : 'not-sent');
    if (!sent) return false;
    this.options.metrics?.published(batch.count, (performance.now() - started) / 1000);
    this.stats.published += batch.count;
    this.stats.batches++;
    return true;
  }

  private get usesProducerThread(): boolean {
    return this.options.producerThread !== false;
  }

  /**
   * Where a batch goes: a full one to the producer on its own thread if it is connected (else from here while it
   * connects), any other from here. A full batch also restarts the thread's producer's idle time.
   */
  private producerFor(full: boolean): ProducerKind {
    if (!full || !this.usesProducerThread) return 'caller';
    this.threadProducerUsedAt = performance.now();
    if (this.threadProducer) return 'thread';
    this.connectedProducer('thread').catch(() => undefined);
    return 'caller';
  }

  /** Closes the thread's producer once no full batch came for `producerThreadIdleMs`. */
  private closeIdleThreadProducer(): void {
    if (this.threadProducer && performance.now() - this.threadProducerUsedAt > (this.options.producerThreadIdleMs ?? 30_000)) void this.closeProducers('thread');
  }

  /** A producer, connecting it once (concurrent callers share the connection under way; a failed one is dropped). */
  private connectedProducer(kind: ProducerKind): Promise<MessageProducer> {
    let connecting = this.producers[kind];
    if (!connecting) {
      const producer = this.options.client.producer({ idempotent: true, retries: this.options.producerRetries ?? 3, ownThread: kind === 'thread' });
      const attempt: Promise<MessageProducer> = producer.connect().then(
        () => {
          if (kind === 'thread' && this.producers.thread === attempt) {
            this.threadProducer = producer;
            this.threadProducerUsedAt = performance.now();
          }
          return producer;
        },
        async (err) => {
          if (this.producers[kind] === attempt) delete this.producers[kind];
          await producer.disconnect().catch(() => undefined);
          throw err;
        },
      );
      this.producers[kind] = connecting = attempt;
    }
    return connecting;
  }

  private async closeProducers(...kinds: ProducerKind[]): Promise<void> {
    const closing = kinds.length ? kinds : (['caller', 'thread'] as const);
    const all = closing.flatMap((kind) => this.producers[kind] ?? []);
    for (const kind of closing) delete this.producers[kind];
    if (closing.includes('thread')) this.threadProducer = undefined;
    await Promise.all(all.map(async (connecting) => {
      const producer = await connecting.catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
    }));
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
        this.backoffs.add(s);
        await s.promise;
        this.backoffs.delete(s);
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
