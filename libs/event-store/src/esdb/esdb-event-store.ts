import {
  BACKWARDS, END, EventStoreDBClient, FORWARDS, jsonEvent, NO_STREAM, START, StreamNotFoundError,
  streamNameFilter, excludeSystemEvents, WrongExpectedVersionError, type AllStreamSubscription, type AppendExpectedRevision,
} from '@eventstore/db-client';
import type { CheckpointStore } from '../checkpoints';
import { EventIdConflictError, EventStoreClosedError, InvalidEventError, SubscriptionStoppedError, WrongExpectedRevisionError } from '../errors';
import type {
  Appended, AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
  StreamVerification, Subscription, SubscriptionOptions,
} from '../port';
import { contentKeyOf, DEFAULT_MAX_EVENT_BYTES, prepareEvents, type PreparedEvent } from '../prepare-events';
import { assertCategory, assertWritableStream, parseStreamName } from '../stream-name';
import { UpcasterRegistry, type Upcaster } from '../upcasting';
import { verifyStreamHistory, type AuthenticatedEvent } from '../verification';
import type { AuditReads } from '../audit-reads';
import { EventStoreDbAuditReads } from './audit-reads';
import { Wakeup } from '../wakeup';
import { defined } from '../defined';
import { CHECKPOINT_CATEGORY, EventStoreDbCheckpointStore } from './checkpoints';
import { chainForEsdb, fromEsdb } from './mapping';
import { tracedAppend } from '../tracing';
import { measuredAppend } from '../append-metrics';
import type { EventStoreMetrics } from '../postgres/postgres-event-store';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`; or pass a `client`. */
  connectionString?: string;
  client?: EventStoreDBClient;
  allowedCategories?: readonly string[];
  maxEventBytes?: number;
  upcasters?: Iterable<Upcaster> | UpcasterRegistry;
  checkpointStore?: CheckpointStore;
  /** How many of a stream's latest events an append scans for already-stored event ids. Default 10,000. */
  idempotencyWindow?: number;
  /** Told how long each append took and how it ended (a service passes `ServiceMetrics.eventStore`). */
  metrics?: EventStoreMetrics;
  /**
   * The chain key (`chainKeyFrom()`): every append then writes each event's MAC and, on its last event, the new
   * head's MAC into the events' metadata, and `verifyStream` requires them, as on PostgreSQL.
   */
  chainKey?: Buffer;
}

const MAX_ANY_RETRIES = 50;

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * EventStore on EventStoreDB / KurrentDB. Stream revisions map 1:1; the global position is the `$all` commit
 * position. The hash chain is computed exactly as on PostgreSQL and kept in each event's metadata; every append
 * goes in at an exact expected revision (the head it read) so the chain cannot fork.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly client: EventStoreDBClient;
  private readonly upcasters: UpcasterRegistry;
  readonly checkpoints: CheckpointStore;
  readonly audit: AuditReads;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appended = new Wakeup();
  private watcher: AllStreamSubscription | undefined;
  private closed = false;

  constructor(private readonly options: EventStoreDbEventStoreOptions) {
    if (!options.client && !options.connectionString) throw new Error('EventStoreDbEventStore needs a connectionString or a client');
    this.client = options.client ?? EventStoreDBClient.connectionString(options.connectionString as string);
    for (const c of options.allowedCategories ?? []) assertCategory(c);
    this.upcasters = options.upcasters instanceof UpcasterRegistry ? options.upcasters : new UpcasterRegistry(options.upcasters ?? []);
    this.checkpoints = options.checkpointStore ?? new EventStoreDbCheckpointStore(this.client);
    this.audit = new EventStoreDbAuditReads(this.client);
  }

  appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return tracedAppend('eventstoredb', streamName, Array.isArray(events) ? events.length : 0, () => measuredAppend(this.options.metrics, () => this.append(streamName, events, options)));
  }

  private async append(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    this.assertOpen();
    assertWritableStream(streamName, this.options.allowedCategories);
    const raw = options.expectedRevision ?? 'any';
    if (!(raw === 'any' || raw === 'no_stream' || raw === 'stream_exists' || (Number.isInteger(raw) && raw >= -1))) {
      throw new InvalidEventError(undefined, `expectedRevision must be 'any', 'no_stream', 'stream_exists' or an integer >= 0, got ${String(raw)}`);
    }
    const expected: ExpectedRevision = raw === -1 ? 'no_stream' : raw;
    const prepared = prepareEvents(events, this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);

    for (let attempt = 0; ; attempt++) {
      const { head, replay } = await this.scan(streamName, prepared);
      if (replay) return replay;
      const current = head ? head.revision : -1;
      const ok = expected === 'any' || (expected === 'no_stream' ? current === -1 : expected === 'stream_exists' ? current >= 0 : expected === current);
      if (!ok) throw new WrongExpectedRevisionError(streamName, expected, current === -1 ? 'no_stream' : current);

      const data = chainForEsdb(streamName, prepared, { revision: current, hash: head?.hash ?? null }, new Date().toISOString(), this.options.chainKey).map((e) => jsonEvent(e));
      const at: AppendExpectedRevision = current === -1 ? NO_STREAM : BigInt(current);
      try {
        const result = await this.client.appendToStream(streamName, data, { expectedRevision: at });
        if (result.position === undefined) throw new Error('EventStoreDB returned no position for the append');
        this.appended.notify({ category: parseStreamName(streamName).category });
        return { nextExpectedRevision: Number(result.nextExpectedRevision), position: result.position.commit };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        // Someone appended between our read and our write. A concurrent identical retry is fine (the scan
        // finds it); otherwise callers with an exact expectation lose, 'any'/'stream_exists' try again.
        const rescan = await this.scan(streamName, prepared);
        if (rescan.replay) return rescan.replay;
        if ((expected === 'any' || expected === 'stream_exists') && attempt < MAX_ANY_RETRIES) continue;
        const actual = rescan.head ? rescan.head.revision : 'no_stream';
        throw new WrongExpectedRevisionError(streamName, expected, actual);
      }
    }
  }

  /** Reads the stream backwards: its head, and whether this batch's ids are already in it (a retry). */
  private async scan(streamName: string, prepared: PreparedEvent[]): Promise<{ head?: RecordedEvent; replay?: AppendResult }> {
    const wanted = new Map(prepared.map((e, i) => [e.eventId, i]));
    const found = new Map<number, RecordedEvent>();
    let head: RecordedEvent | undefined;
    const window = this.options.idempotencyWindow ?? 10_000;
    try {
      for await (const resolved of this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: window })) {
        const event = fromEsdb(resolved);
        if (!event) continue;
        head ??= event;
        const index = wanted.get(event.metadata.eventId);
        if (index !== undefined) found.set(index, event);
        if (found.size === prepared.length) break;
      }
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw err;
    }
    if (found.size === 0) return { head };
    let previous: RecordedEvent | undefined;
    for (let i = 0; i < prepared.length; i++) {
      const event = found.get(i);
      const want = prepared[i] as PreparedEvent;
      if (!event) throw new EventIdConflictError(streamName, defined([...found.values()][0], 'found event').metadata.eventId, 'partial-batch');
      if (contentKeyOf(event.type, event.schemaVersion, event.data, event.metadata) !== want.contentKey) {
        throw new EventIdConflictError(streamName, want.eventId, 'content-differs');
      }
      if (previous && event.revision !== previous.revision + 1) throw new EventIdConflictError(streamName, want.eventId, 'partial-batch');
      previous = event;
    }
    const last = defined(previous, 'last found event');
    return { head, replay: { nextExpectedRevision: last.revision, position: last.globalPosition } };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    parseStreamName(streamName);
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    if (options.maxCount === 0) return out;
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        const event = fromEsdb(resolved);
        if (event) out.push(this.upcasters.apply(event));
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const out: RecordedEvent[] = [];
    const max = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (max <= 0) return out;
    const fromPosition = options.after !== undefined ? { commit: options.after, prepare: options.after } : START;
    for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
      const event = this.accept(resolved, options.category, options.after);
      if (!event) continue;
      out.push(this.upcasters.apply(event));
      if (out.length >= max) break;
    }
    return out;
  }

  private accept(resolved: Parameters<typeof fromEsdb>[0], category: string | undefined, after: bigint | undefined): RecordedEvent | undefined {
    const streamId = resolved.event?.streamId;
    if (!streamId || streamId.startsWith('$')) return undefined;
    if (category !== undefined ? !streamId.startsWith(`${category}-`) : streamId.startsWith(`${CHECKPOINT_CATEGORY}-`)) return undefined;
    const event = fromEsdb(resolved);
    if (!event || (after !== undefined && compare(event.globalPosition, after) <= 0)) return undefined;
    return event;
  }

  subscribe(options: SubscriptionOptions): Subscription {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const sub = new EsdbCatchUpSubscription(this, options, this.checkpoints, (r, after) => this.accept(r, options.category, after), (e) => this.upcasters.apply(e));
    this.subscriptions.add(sub);
    void sub.done.finally(() => this.subscriptions.delete(sub));
    return sub;
  }

  /**
   * See the port. This store's appends call the listeners as they are acknowledged; other processes' appends arrive
   * through one live `$all` subscription (from the end, system events excluded) held while anyone listens. Listeners
   * are told the category (from the stream name), not the position.
   */
  onAppended(listener: (appended: Appended) => void, options: { category?: string } = {}): () => void {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const off = this.appended.listen(listener, options.category);
    this.watchAll();
    return () => {
      off();
      if (this.appended.listening === 0) this.unwatchAll();
    };
  }

  private watchAll(): void {
    if (this.watcher || this.closed) return;
    const watcher = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    this.watcher = watcher;
    watcher.on('data', (resolved) => {
      const streamId = resolved.event?.streamId;
      if (streamId?.startsWith(`${CHECKPOINT_CATEGORY}-`)) return;
      this.appended.notify({ category: streamId?.slice(0, Math.max(0, streamId.indexOf('-'))) || undefined });
    });
    // a lost subscription is opened again by the next listener; appends of this store still call listeners
    watcher.on('error', () => {
      if (this.watcher === watcher) this.watcher = undefined;
    });
  }

  private unwatchAll(): void {
    const watcher = this.watcher;
    this.watcher = undefined;
    void watcher?.unsubscribe().catch(() => undefined);
  }

  async verifyStream(streamName: string): Promise<StreamVerification> {
    this.assertOpen();
    parseStreamName(streamName);
    const events: AuthenticatedEvent[] = [];
    for await (const batch of this.audit.authenticatedStreams([streamName])) events.push(...batch);
    const key = this.options.chainKey;
    const heads = await this.audit.streamHeads([streamName]);
    return verifyStreamHistory(streamName, events, heads.get(streamName), key ? { key } : {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    this.unwatchAll();
    if (!this.options.client) await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

/** A catch-up subscription to `$all`, filtered server-side by stream prefix, checkpointed after each event. */
class EsdbCatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  readonly done: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (e: Error) => void;
  private checkpointed: bigint | undefined;
  private stream: AllStreamSubscription | undefined;
  private stopping = false;

  constructor(
    private readonly store: EventStoreDbEventStore,
    private readonly options: SubscriptionOptions,
    private readonly checkpoints: CheckpointStore,
    private readonly accept: (r: Parameters<typeof fromEsdb>[0], after: bigint | undefined) => RecordedEvent | undefined,
    private readonly upcast: (e: RecordedEvent) => RecordedEvent,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    this.caughtUp.catch(() => undefined);
    this.done = this.run();
  }

  position(): bigint | undefined {
    return this.checkpointed;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.stream?.unsubscribe().catch(() => undefined);
    await this.done;
  }

  private async run(): Promise<void> {
    const { subscriptionId, category, handler } = this.options;
    try {
      this.checkpointed = await this.checkpoints.load(subscriptionId);
      // head at start: a fallback for servers that do not send "caught up"
      let head: bigint | undefined;
      for await (const r of this.store.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) head = r.event?.position.commit;
      if (head === undefined || (this.checkpointed !== undefined && this.checkpointed >= head)) this.resolveCaughtUp();
      if (this.stopping) throw new SubscriptionStoppedError(subscriptionId);
      const filter = category !== undefined ? streamNameFilter({ prefixes: [`${category}-`] }) : excludeSystemEvents();
      const from = this.checkpointed !== undefined ? { commit: this.checkpointed, prepare: this.checkpointed } : START;
      this.stream = this.store.client.subscribeToAll({ fromPosition: from, filter });
      this.stream.on('caughtUp', () => this.resolveCaughtUp());
      for await (const resolved of this.stream) {
        if (this.stopping) break;
        const commit = resolved.event?.position.commit;
        const event = this.accept(resolved, this.checkpointed);
        if (event) {
          await handler(this.upcast(event));
          await this.checkpoints.save(subscriptionId, event.globalPosition);
          this.checkpointed = event.globalPosition;
        }
        if (head !== undefined && commit !== undefined && commit >= head) this.resolveCaughtUp();
      }
      this.rejectCaughtUp(new SubscriptionStoppedError(subscriptionId));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.rejectCaughtUp(new SubscriptionStoppedError(subscriptionId, error));
      await this.stream?.unsubscribe().catch(() => undefined);
      if (!this.stopping) this.options.onError?.(error);
    }
  }
}

