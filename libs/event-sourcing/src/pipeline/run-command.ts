import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  canonicalJson, EventIdConflictError, WrongExpectedRevisionError,
  type Actor, type EventMetadata, type EventStore, type NewEvent, type RecordedEvent,
} from '@tio/event-store';
import { requestScope } from '@tio/service-kit';
import type { Decider, DomainEvent } from '../decider';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './errors';
import { eventIdFor } from './ids';

/** Who asks and why: becomes every new event's metadata. */
export interface CommandContext {
  caseId: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** When the fact happened in the world; defaults to now. */
  occurredAt?: string;
  /**
   * Makes a retried command idempotent: its event ids are derived from the key (and the stream's category and the
   * caller's organisation), so a retry finds its events and writes nothing twice; the same key on another record is
   * refused by the store's unique event ids.
   */
  idempotencyKey?: string;
  /**
   * For an HTTP request (set by `requestContext`): when another request with the same key records its events while
   * this one is deciding, refuse with `IdempotencyKeyInFlightError` (409, as the Idempotency-Key draft says) instead
   * of answering that request's result. A message redelivered to a reaction leaves it unset and replays.
   */
  refuseConcurrentRetry?: boolean;
}

/** An event as this command recorded it (or, for a replayed retry, as the first attempt did). */
export interface RecordedRef {
  eventId: string;
  type: string;
  revision: number;
  data: unknown;
  metadata: EventMetadata;
}

export interface CommandResult<State, Event extends DomainEvent> {
  state: State;
  newEvents: Event[];
  /** Revision of the stream after the command (-1 if still empty). */
  revision: number;
  recorded: RecordedRef[];
  /** Global position of the last event recorded (by this command, or by the attempt it replays); none if nothing was. */
  position?: bigint;
  /** True when this was a retry of a command already handled (same idempotency key): nothing new was written. */
  replayed: boolean;
}

export interface StreamState<State> {
  state: State;
  revision: number;
  events: RecordedEvent[];
}

const SHARED_READS = Symbol('stream reads of this request');

type Folding<State, Event extends DomainEvent> = Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>;

/** A stream as one read found it, folded with one decider's evolve (the shared read and the cache keep both). */
interface FoldedRead {
  evolve: unknown;
  read: StreamState<unknown>;
}

/** The streams read so far in the current HTTP request, by store; none outside a request. */
function sharedReads(store: EventStore): Map<string, FoldedRead> | undefined {
  const scope = requestScope();
  if (!scope) return undefined;
  let byStore = scope.get(SHARED_READS) as WeakMap<EventStore, Map<string, FoldedRead>> | undefined;
  if (!byStore) scope.set(SHARED_READS, (byStore = new WeakMap()));
  let reads = byStore.get(store);
  if (!reads) byStore.set(store, (reads = new Map()));
  return reads;
}

/**
 * How much a store keeps per decider (least recently used evicted): at most this many streams, and this many events
 * in all (they are kept for the idempotency check; a stream longer than that is not kept at all). Memory stays
 * bounded however long a case's history grows: ~20,000 decrypted events of a few KiB at most.
 */
export const STREAM_STATE_CACHE_CAPACITY = { streams: 1_000, events: 20_000 };

interface CachedStream extends StreamState<unknown> {
  /** The stream's events up to this revision that follow `revision` were appended by this process's commands. */
  ownUpTo: number;
}

/**
 * The folded state of recently used streams, per store and decider: a command reads only the events after the
 * cached revision (usually none, or the one its previous command appended) instead of the whole stream, so neither
 * the rows, nor their decryption (and its data key lookup), nor the fold are repeated. The read is still a read of
 * the database, made by the same request at the same moment as before: nothing is decided on a stale state.
 * Events written by anyone else (another replica, a late commit: they follow the cached revision and are not this
 * process's own appends) make the next read a full one, so anything that changed how earlier events read (a
 * destroyed data key, an upcaster) is read again; `forgetStreamState` drops a stream at once (the erasure of its
 * personal data in this process).
 */
class StreamStateCache {
  private readonly streams = new Map<string, CachedStream>();

  get(streamName: string): CachedStream | undefined {
    const cached = this.streams.get(streamName);
    if (cached) {
      this.streams.delete(streamName);
      this.streams.set(streamName, cached);
    }
    return cached;
  }

  private events = 0;

  set(streamName: string, entry: CachedStream): void {
    this.forget(streamName);
    this.streams.set(streamName, entry);
    this.events += entry.events.length;
    while (this.streams.size > STREAM_STATE_CACHE_CAPACITY.streams || this.events > STREAM_STATE_CACHE_CAPACITY.events) {
      this.forget(this.streams.keys().next().value as string);
    }
  }

  /** This process appended the events after `revision` up to `upTo`, deciding on the cached state at `revision`. */
  appended(streamName: string, revision: number, upTo: number): void {
    const cached = this.streams.get(streamName);
    if (cached && cached.revision === revision) cached.ownUpTo = upTo;
  }

  forget(streamName: string): void {
    const cached = this.streams.get(streamName);
    if (!cached) return;
    this.streams.delete(streamName);
    this.events -= cached.events.length;
  }
}

/** By store, then by the decider's evolve (a module's constant: a handful per service). */
const caches = new WeakMap<EventStore, Map<unknown, StreamStateCache>>();

function cacheOf(store: EventStore, evolve: unknown): StreamStateCache {
  let byDecider = caches.get(store);
  if (!byDecider) caches.set(store, (byDecider = new Map()));
  let cache = byDecider.get(evolve);
  if (!cache) byDecider.set(evolve, (cache = new StreamStateCache()));
  return cache;
}

/** Drops this process's cached state of a stream (every decider's): its next read reads it whole. */
export function forgetStreamState(store: EventStore, streamName: string): void {
  for (const cache of caches.get(store)?.values() ?? []) cache.forget(streamName);
}

/**
 * The stream now, folded: the cached state and the events after it when this process has it, otherwise the whole
 * stream. Always a read of the database (see StreamStateCache).
 */
async function readFolded<State, Event extends DomainEvent>(store: EventStore, streamName: string, decider: Folding<State, Event>): Promise<StreamState<State>> {
  const cache = cacheOf(store, decider.evolve);
  const cached = cache.get(streamName);
  if (cached) {
    const delta = await store.readStream(streamName, { fromRevision: cached.revision + 1 });
    const last = delta.length ? delta[delta.length - 1].revision : cached.revision;
    const contiguous = delta.every((e, i) => e.revision === cached.revision + 1 + i);
    if (contiguous && last <= Math.max(cached.revision, cached.ownUpTo)) {
      if (delta.length === 0) return cached as StreamState<State>;
      const entry: CachedStream = {
        state: delta.reduce((s, e) => decider.evolve(s as State, { type: e.type, data: e.data } as Event), cached.state as State),
        revision: last,
        events: cached.events.concat(delta),
        ownUpTo: cached.ownUpTo,
      };
      cache.set(streamName, entry);
      return entry as StreamState<State>;
    }
  }
  const read = stateOf(decider, await store.readStream(streamName));
  cache.set(streamName, { ...read, ownUpTo: -1 });
  return read;
}

/**
 * Replays a stream into state with the decider's evolve. In an HTTP request the read is kept for the request's
 * command on the same stream (e.g. the involvement check's read of the case, then the command): see runCommand.
 *
 * `cached: true` (access checks, whose state is only decided on): the read starts from this process's cached state
 * of the stream when it has one (see StreamStateCache); the state is as fresh as a whole read's. Reads whose state
 * or events are shown to someone read the whole stream (the default), so personal data reads as the key store says now.
 */
export async function loadState<State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Folding<State, Event>,
  options: { cached?: boolean } = {},
): Promise<StreamState<State>> {
  const read = options.cached ? await readFolded(store, streamName, decider) : stateOf(decider, await store.readStream(streamName));
  sharedReads(store)?.set(streamName, { evolve: decider.evolve, read });
  return read;
}

function stateOf<State, Event extends DomainEvent>(decider: Folding<State, Event>, events: RecordedEvent[]): StreamState<State> {
  return { state: fold(decider, events), revision: events.length ? events[events.length - 1].revision : -1, events };
}

export interface RunOptions<State> {
  /** Checked on the loaded state before anything is decided (the access rule); throws to refuse. */
  authorise?: (state: State) => void;
  /** Attempts when another writer appends to the stream first. Default 5. */
  maxAttempts?: number;
  /**
   * Is the command a retry of the one that recorded these events (found by the key's event ids)? Default: deciding
   * it again on the state before them gives the same events. An aggregate whose events carry the day they were
   * recorded on (a retry may come the next day) says what "the same request" means instead.
   */
  isRetryOf?: (earlier: RecordedEvent[]) => boolean;
}

const tracer = trace.getTracer('@tio/event-sourcing');

/** What the command span is called: the command's `type` when it has one, else the stream's category. */
function commandName(command: unknown, streamName: string): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type ? type : streamName.split('-')[0];
}

/** The active span's W3C traceparent, for the events it records; none when tracing is off (no propagator). */
function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  return carrier['traceparent'];
}

/**
 * Runs a command against a stream: load once, authorise, recognise a retry by its derived event ids, decide, append
 * at the expected revision. When another writer got there first the command is decided again on the new state
 * (optimistic concurrency). The recorded events come from what was appended: the stream is not read again.
 *
 * Loading once: when the same HTTP request already read the stream (`loadState`, e.g. the involvement check of a
 * case-scoped route, a few milliseconds earlier), the first attempt decides on that read instead of reading again.
 * Otherwise the read starts from this process's cached state of the stream (StreamStateCache: only the events after
 * it are read, usually none or this process's own last append).
 * Nothing is weakened: the append at that read's revision fails if anyone wrote since, and the next attempt reads
 * afresh. The read is used once: later loads in the request read again and see the command's events.
 *
 * Traced as one `command <type>` span (a child of the HTTP request's or the consumed message's); the events it
 * records carry that span's `traceparent` in their metadata, so their publication continues the trace.
 */
export function runCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: RunOptions<State> = {},
): Promise<CommandResult<State, Event>> {
  const attributes = { 'tio.stream': streamName, 'tio.stream.category': streamName.split('-')[0] };
  return tracer.startActiveSpan(`command ${commandName(command, streamName)}`, { attributes }, async (span: Span) => {
    try {
      const result = await execute(store, streamName, decider, command, context, options);
      span.setAttributes({ 'tio.events': result.recorded.length, 'tio.replayed': result.replayed });
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
      throw err;
    } finally {
      span.end();
    }
  });
}

async function execute<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  options: RunOptions<State>,
): Promise<CommandResult<State, Event>> {
  const traceparent = activeTraceparent();
  const maxAttempts = options.maxAttempts ?? 5;
  const scope = `${streamName.split('-')[0]}:${context.actor.organisationId}`;
  const ids: string[] = []; // each a SHA-256: derived once per command, not once per event looked at
  const idOf = (i: number) => (ids[i] ??= eventIdFor(scope, context.idempotencyKey as string, i));
  // the key's events were absent when this request first read the stream: if they are there after a lost append, a
  // request with the same key was in flight at the same time
  let keyAbsentAtFirstRead = false;
  const reads = sharedReads(store);
  for (let attempt = 1; ; attempt++) {
    const earlierRead = reads?.get(streamName);
    reads?.delete(streamName);
    const read: StreamState<State> = attempt === 1 && earlierRead
      ? (earlierRead.evolve === decider.evolve ? (earlierRead.read as StreamState<State>) : stateOf(decider, earlierRead.read.events))
      : await readFolded(store, streamName, decider);
    const { state, revision, events } = read;
    options.authorise?.(state);
    if (context.idempotencyKey) {
      const replay = earlierAttempt(events, idOf, decider, command, context.idempotencyKey, options.isRetryOf);
      if (replay && keyAbsentAtFirstRead && context.refuseConcurrentRetry) throw new IdempotencyKeyInFlightError(context.idempotencyKey);
      if (!replay && attempt === 1) keyAbsentAtFirstRead = true;
      if (replay) return { state, newEvents: [], revision, recorded: replay.map(refOf), position: replay[replay.length - 1].globalPosition, replayed: true };
    }
    const newEvents = decider.decide(command, state);
    if (newEvents.length === 0) return { state, newEvents, revision, recorded: [], replayed: false };
    const occurredAt = context.occurredAt ?? new Date().toISOString();
    const toAppend: NewEvent[] = newEvents.map((event, i) => ({
      type: event.type,
      data: event.data,
      metadata: {
        eventId: context.idempotencyKey ? idOf(i) : randomUUID(),
        caseId: context.caseId,
        occurredAt,
        actor: context.actor,
        correlationId: context.correlationId,
        ...(context.causationId ? { causationId: context.causationId } : {}),
        ...(traceparent ? { traceparent } : {}),
      },
    }));
    try {
      const appended = await store.appendToStream(streamName, toAppend, { expectedRevision: revision === -1 ? 'no_stream' : revision });
      // the next command on this stream reads only what follows: these events, known to be this process's own
      const cache = cacheOf(store, decider.evolve);
      if (cache.get(streamName)?.revision !== revision) cache.set(streamName, { ...read, ownUpTo: -1 });
      cache.appended(streamName, revision, appended.nextExpectedRevision);
      const first = appended.nextExpectedRevision - toAppend.length + 1;
      return {
        state: newEvents.reduce(decider.evolve, state),
        newEvents,
        revision: appended.nextExpectedRevision,
        recorded: toAppend.map((e, i) => ({ eventId: e.metadata.eventId, type: e.type, revision: first + i, data: e.data, metadata: e.metadata })),
        position: appended.position,
        replayed: false,
      };
    } catch (err) {
      if (err instanceof EventIdConflictError && context.idempotencyKey) {
        if (err.reason === 'other-stream') throw new IdempotencyKeyReusedError(context.idempotencyKey, 'other-record');
        // a concurrent retry of the same keyed command won: the next attempt finds its events and replays them
        if (attempt < maxAttempts) continue;
      }
      if (err instanceof WrongExpectedRevisionError && attempt < maxAttempts) continue;
      throw err;
    }
  }
}

const refOf = (e: RecordedEvent): RecordedRef => ({ eventId: e.metadata.eventId, type: e.type, revision: e.revision, data: e.data, metadata: e.metadata });

function fold<State, Event extends DomainEvent>(decider: Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>, events: RecordedEvent[]): State {
  return events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), decider.initialState());
}

/**
 * The events an earlier attempt of this keyed command recorded, or undefined if there was none. The retry must be
 * the same command: decided again on the state before those events, it must give the same events, or the key is
 * being reused for something else.
 */
function earlierAttempt<State, Command, Event extends DomainEvent>(
  events: RecordedEvent[],
  idOf: (i: number) => string,
  decider: Decider<State, Command, Event>,
  command: Command,
  key: string,
  isRetryOf?: (earlier: RecordedEvent[]) => boolean,
): RecordedEvent[] | undefined {
  const first = idOf(0);
  const at = events.findIndex((e) => e.metadata.eventId === first);
  if (at === -1) return undefined;
  const earlier: RecordedEvent[] = [];
  for (let i = 0; events[at + i]?.metadata.eventId === idOf(i); i++) earlier.push(events[at + i]);
  const same = isRetryOf ? isRetryOf(earlier) : sameEvents(() => decider.decide(command, fold(decider, events.slice(0, at))), earlier);
  if (!same) throw new IdempotencyKeyReusedError(key, 'different-content');
  return earlier;
}

function sameEvents(decideAgain: () => DomainEvent[], recorded: RecordedEvent[]): boolean {
  try {
    const again = decideAgain();
    return again.length === recorded.length && again.every((e, i) => e.type === recorded[i].type && canonicalJson(e.data) === canonicalJson(recorded[i].data));
  } catch {
    return false;
  }
}
