import { Pool, type PoolClient } from 'pg';
import { CatchUpSubscription } from '../catch-up-subscription';
import { tracedAppend } from '../tracing';
import { measuredAppend } from '../append-metrics';
import { survivePostgresRestarts } from '../connection-errors';
import type { CheckpointStore } from '../checkpoints';
import { EventStoreClosedError, EventStoreError, InvalidEventError, WrongExpectedRevisionError } from '../errors';
import type {
  Appended, AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent,
  StreamVerification, Subscription, SubscriptionOptions,
} from '../port';
import { DEFAULT_MAX_EVENT_BYTES, prepareEvents } from '../prepare-events';
import { assertCategory, assertWritableStream, parseStreamName } from '../stream-name';
import { UpcasterRegistry, type Upcaster } from '../upcasting';
import { verifyStreamHistory, type StreamCheckpoint } from '../verification';
import { Wakeup } from '../wakeup';
import { appendInTransaction, callAppendEvents, findPreviousAppend, type AppendContext, type AppendOutcome } from './append';
import { PostgresCheckpointStore } from './checkpoints';
import type { AuditReads } from '../audit-reads';
import { PostgresAuditReads } from './audit-reads';
import { StreamHeadCache, type StreamHead } from './head-cache';
import { HeadPoller } from './head-poller';
import { migrate } from './migrator';
import { readAllRows, readAuthenticatedStream, readStreamHead, readStreamRows, readUnreadableEvents, type UnreadableEvents } from './read';
import { assertSchemaName, DEFAULT_SCHEMA } from './schema';
import { StreamReadBatcher } from './stream-read-batcher';
import { AppendBatcher } from './append-batcher';

export interface PostgresEventStoreOptions {
  /** Connection string; or pass `pool` to share one (then `close()` leaves it open). */
  connectionString?: string;
  pool?: Pool;
  /** Pool size when the store creates its pool. Default 10. */
  poolSize?: number;
  /** PostgreSQL schema for the tables. Default `event_store`. */
  schema?: string;
  /** Categories this store may append to (e.g. `['case']`); reads are not restricted. Default: any. */
  allowedCategories?: readonly string[];
  /** Per-event limit on serialised data + metadata. Default 1 MiB. */
  maxEventBytes?: number;
  upcasters?: Iterable<Upcaster> | UpcasterRegistry;
  /** Subscriptions poll at least this often even when nothing wakes them. Default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * How often the store looks for appends made by other processes (one query per store, while anything subscribes
   * or listens) while it is finding some: the catch-up latency for those. This store's own appends wake its
   * subscribers as they commit. Default 25 ms.
   */
  headPollIntervalMs?: number;
  /**
   * The longest pause between those looks once they find nothing new: the pause doubles after each empty look, from
   * `headPollIntervalMs` up to this (the catch-up latency for another process's first append after a quiet spell).
   * Default 200 ms.
   */
  headPollIdleIntervalMs?: number;
  /** Where subscriptions keep checkpoints. Default: `<schema>.checkpoints`. */
  checkpointStore?: CheckpointStore;
  /**
   * The chain key (`chainKeyFrom()`): every append then MACs its events and the new stream head, and `verifyStream`
   * requires those MACs. Services always pass it; without it the chain is unkeyed (tests of the store mechanics).
   */
  chainKey?: Buffer;
  /** Told how long each append took and how it ended (a service passes `ServiceMetrics.eventStore`). */
  metrics?: EventStoreMetrics;
  /** Run migrations on create. Default true. */
  migrate?: boolean;
  /** @internal For race tests: runs inside the append transaction just before COMMIT (e.g. `SELECT pg_sleep`). */
  beforeCommit?: (client: PoolClient, streamName: string) => Promise<void>;
}

export interface EventStoreMetrics {
  /** `refused`: the store said no (a revision conflict, an invalid event); `failed`: anything else (the database). */
  append(seconds: number, outcome: 'appended' | 'refused' | 'failed'): void;
}

/** An append whose transaction is still open (tests use it to commit "late"). */
export interface HeldAppend {
  result: AppendResult;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

const UNIQUE_VIOLATION = '23505';
/** Calls made outside a transaction before an append takes the stream lock for good (a hot stream under 'any'). */
const AUTOCOMMIT_ATTEMPTS = 2;

export class PostgresEventStore implements EventStore {
  readonly schema: string;
  readonly pool: Pool;
  readonly checkpoints: CheckpointStore;
  readonly audit: AuditReads;
  private readonly upcasters: UpcasterRegistry;
  private readonly wakeup = new Wakeup();
  private readonly headPoller: HeadPoller;
  private readonly heads = new StreamHeadCache();
  private readonly streamReads: StreamReadBatcher;
  private readonly appends: AppendBatcher;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  static async create(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    if (options.migrate !== false) {
      try {
        await migrate(store.pool, store.schema, undefined, options.chainKey ? { chainKey: options.chainKey } : {});
      } catch (err) {
        await store.close();
        throw err;
      }
    }
    return store;
  }

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    assertSchemaName(this.schema);
    if (!options.pool && !options.connectionString) throw new Error('PostgresEventStore needs a connectionString or a pool');
    this.pool = options.pool ?? new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // idle client errors surface on the next query; a connection lost mid-append fails that append, not the process
    if (!options.pool) survivePostgresRestarts(this.pool);
    for (const c of options.allowedCategories ?? []) assertCategory(c);
    this.upcasters = options.upcasters instanceof UpcasterRegistry ? options.upcasters : new UpcasterRegistry(options.upcasters ?? []);
    this.checkpoints = options.checkpointStore ?? new PostgresCheckpointStore(this.pool, this.schema);
    this.audit = new PostgresAuditReads(this.pool, this.schema);
    this.streamReads = new StreamReadBatcher(this.pool, this.schema);
    this.appends = new AppendBatcher(this.pool, this.schema);
    const minMs = options.headPollIntervalMs ?? 25;
    this.headPoller = new HeadPoller(this.pool, this.schema, this.wakeup, { minMs, maxMs: Math.max(minMs, options.headPollIdleIntervalMs ?? 200) }, () => this.subscriptions.size > 0 || this.wakeup.listening > 0);
  }

  appendToStream(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return tracedAppend('postgresql', streamName, Array.isArray(events) ? events.length : 0, () => measuredAppend(this.options.metrics, () => this.append(streamName, events, options)));
  }

  /**
   * The append in one round trip when this store knows the stream's head (it appended or read it last): validated
   * and hashed here, written by one call of `append_events` outside any explicit transaction (in a statement shared
   * with the other appends asked for in the same turn, AppendBatcher). If another process
   * moved the head, the call answers with it and is repeated once; if it moved again (a hot stream written with
   * 'any'), the append takes the stream lock in a transaction and cannot lose again.
   */
  private async append(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    const ctx = this.prepare(streamName, events, options.expectedRevision);
    if (this.options.beforeCommit) {
      const held = await this.appendHeld(ctx);
      if ('replayed' in held) return held.replayed;
      try {
        await this.options.beforeCommit(held.client, streamName);
      } catch (err) {
        await held.rollback().catch(() => undefined);
        throw err;
      }
      await held.commit();
      return held.result;
    }
    let head = this.heads.assumed(streamName, ctx.expectedRevision);
    for (let attempt = 0; attempt < AUTOCOMMIT_ATTEMPTS; attempt++) {
      let outcome: AppendOutcome;
      try {
        // the first call shares a statement with the other appends of this turn (AppendBatcher)
        outcome = attempt === 0 ? await this.appends.call(ctx, head) : await callAppendEvents(this.pool, ctx, head);
      } catch (err) {
        return this.failedCall(ctx, err);
      }
      if (outcome.kind !== 'stale-head') return this.settle(ctx, outcome);
      this.heads.remember(streamName, outcome.head);
      head = outcome.head;
    }
    const held = await this.appendHeld(ctx);
    if ('replayed' in held) return held.replayed;
    await held.commit();
    return held.result;
  }

  /** @internal Appends but keeps the transaction open until `commit()`; for tests of late-committing writers. */
  async beginAppend(streamName: string, events: NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<HeldAppend> {
    const held = await this.appendHeld(this.prepare(streamName, events, options.expectedRevision));
    if ('replayed' in held) throw new Error('beginAppend: the batch was already appended');
    return held;
  }

  /** The append inside a transaction left open (the stream row stays locked until `commit()` or `rollback()`). */
  private async appendHeld(ctx: AppendContext): Promise<(HeldAppend & { client: PoolClient }) | { replayed: AppendResult }> {
    const client = await this.connect();
    let outcome: Exclude<AppendOutcome, { kind: 'stale-head' }>;
    try {
      await client.query('BEGIN');
      outcome = await appendInTransaction(client, ctx, this.heads.assumed(ctx.streamName, ctx.expectedRevision));
      if (outcome.kind !== 'appended') await client.query('ROLLBACK');
    } catch (err) {
      return { replayed: await this.failAppend(client, ctx, err, true) };
    }
    if (outcome.kind !== 'appended') {
      client.release();
      return { replayed: this.settle(ctx, outcome) };
    }
    const { result, head } = outcome;
    return {
      client,
      result,
      commit: async () => {
        try {
          await client.query('COMMIT');
        } catch (err) {
          client.release(err as Error);
          throw err;
        }
        client.release();
        this.committed(ctx, head, result.position);
      },
      rollback: async () => {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  }

  private prepare(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision = 'any'): AppendContext {
    this.assertOpen();
    const { category } = assertWritableStream(streamName, this.options.allowedCategories);
    if (!(expectedRevision === 'any' || expectedRevision === 'no_stream' || expectedRevision === 'stream_exists' || (Number.isInteger(expectedRevision) && expectedRevision >= -1))) {
      throw new InvalidEventError(undefined, `expectedRevision must be 'any', 'no_stream', 'stream_exists' or an integer >= 0, got ${String(expectedRevision)}`);
    }
    // -1 is how some callers spell "no stream"
    const expected: ExpectedRevision = expectedRevision === -1 ? 'no_stream' : expectedRevision;
    const prepared = prepareEvents(events, this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
    return {
      schema: this.schema, streamName, category, events: prepared, expectedRevision: expected,
      ...(this.options.chainKey ? { chainKey: this.options.chainKey } : {}),
    };
  }

  private async connect(): Promise<PoolClient> {
    this.assertOpen();
    return this.pool.connect();
  }

  /** The result of a call that did not leave a transaction to commit: committed (autocommit), a replay, or a refusal. */
  private settle(ctx: AppendContext, outcome: Exclude<AppendOutcome, { kind: 'stale-head' }>): AppendResult {
    switch (outcome.kind) {
      case 'appended':
        this.committed(ctx, outcome.head, outcome.result.position);
        return outcome.result;
      case 'replayed':
        return outcome.result;
      case 'wrong-expected-revision':
        this.heads.remember(ctx.streamName, outcome.head);
        throw new WrongExpectedRevisionError(ctx.streamName, ctx.expectedRevision, outcome.head.revision === -1 ? 'no_stream' : outcome.head.revision);
    }
  }

  /**
   * After an append commits: its head is the stream's, and this store's subscribers and listeners of its category
   * hear of it at once (the head poller, seeing it later, wakes only those that have not read it yet).
   */
  private committed(ctx: AppendContext, head: StreamHead, position: bigint): void {
    this.heads.remember(ctx.streamName, head);
    this.headPoller.appended(position);
    this.wakeup.notify({ category: ctx.category, position });
  }

  private async failAppend(client: PoolClient, ctx: AppendContext, err: unknown, inTransaction: boolean): Promise<AppendResult> {
    try {
      if (inTransaction) await client.query('ROLLBACK');
      // Our own errors leave the connection clean; anything else (e.g. a cancelled statement) may have left a
      // session-level lock behind, so that connection is discarded rather than reused.
      client.release(err instanceof EventStoreError || (err as { code?: string }).code === UNIQUE_VIOLATION ? undefined : (err as Error));
    } catch {
      client.release(true);
    }
    return this.failedCall(ctx, err);
  }

  /** An `append_events` call failed (its connection already dealt with): a replay if another writer stored its ids, else the error. */
  private async failedCall(ctx: AppendContext, err: unknown): Promise<AppendResult> {
    this.heads.forget(ctx.streamName);
    if ((err as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && (err as { constraint?: string }).constraint === 'events_event_id_key') {
      // Another transaction stored one of these ids (in another stream, or a concurrent retry) while we waited.
      const replay = await findPreviousAppend(this.pool, ctx);
      if (replay) return replay;
    }
    throw err;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    parseStreamName(streamName);
    // forward reads without a limit (what commands and views make) share statements with the others of this turn
    const batched = options.direction !== 'backwards' && options.maxCount === undefined;
    const events = batched
      ? await this.streamReads.read(streamName, options.fromRevision)
      : await readStreamRows(this.pool, this.schema, streamName, options);
    this.heads.observe(streamName, events);
    return events.map((e) => this.upcasters.apply(e));
  }

  /**
   * Committed events that readers cannot be handed yet because an older transaction, in any database of the cluster,
   * is still in flight (see readUnreadableEvents); services export it as `tio_event_store_unreadable_events`.
   */
  async unreadableEvents(): Promise<UnreadableEvents> {
    this.assertOpen();
    return readUnreadableEvents(this.pool, this.schema);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const events = await readAllRows(this.pool, this.schema, options);
    return events.map((e) => this.upcasters.apply(e));
  }

  /** Convenience: every event of a category (`case` for all `case-*` streams) in global order. */
  readCategory(category: string, options: Omit<ReadAllOptions, 'category'> = {}): Promise<RecordedEvent[]> {
    return this.readAll({ ...options, category });
  }

  subscribe(options: SubscriptionOptions): Subscription {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const subscription = new CatchUpSubscription(options, {
      readAfter: (after, maxCount, category) => this.readAll({ after, maxCount, category }),
      checkpoints: this.checkpoints,
      wakeup: this.wakeup,
      pollIntervalMs: this.options.pollIntervalMs ?? 1000,
    });
    this.subscriptions.add(subscription);
    this.headPoller.ensureRunning();
    const stop = subscription.stop.bind(subscription);
    return Object.assign(subscription, {
      stop: async () => {
        await stop();
        this.subscriptions.delete(subscription);
      },
    });
  }

  /**
   * Calls `listener` (synchronously: keep it cheap, e.g. set a flag or resolve a promise) whenever events of
   * `options.category` (any, when omitted) may have become readable, with the category and the highest position:
   * right after each append of this store commits, and when the head poller sees that appends of other processes,
   * or a late commit, made events readable (then again for an append this store announced already). A hint, at least
   * once per change, never a guarantee of new events for a given reader: read after it and treat an empty read as
   * nothing new. Returns the unsubscribe.
   */
  onAppended(listener: (appended: Appended) => void, options: { category?: string } = {}): () => void {
    this.assertOpen();
    if (options.category !== undefined) assertCategory(options.category);
    const off = this.wakeup.listen(listener, options.category);
    this.headPoller.ensureRunning();
    return off;
  }

  /**
   * The chain, with the key the MACs of every event and of the head, and the heads seen earlier (`checkpoints`,
   * kept outside this database): the first revision that does not prove itself.
   */
  async verifyStream(streamName: string, options: { checkpoints?: readonly StreamCheckpoint[] } = {}): Promise<StreamVerification> {
    this.assertOpen();
    parseStreamName(streamName);
    // the head first: appends that land in between only make the events newer than it, never older
    const head = await readStreamHead(this.pool, this.schema, streamName);
    const events = await readAuthenticatedStream(this.pool, this.schema, streamName);
    return verifyStreamHistory(streamName, events, head, { ...(this.options.chainKey ? { key: this.options.chainKey } : {}), ...options });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.headPoller.stop();
    if (!this.options.pool) await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}
