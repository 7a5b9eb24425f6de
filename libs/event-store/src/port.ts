/**
 * The EventStore port: what every service needs from an event store, independent of the engine.
 * Two adapters implement it (PostgreSQL, the embedded default; EventStoreDB/KurrentDB for production) and one
 * contract test suite proves they behave the same.
 */

import type { Actor } from '@tio/kernel';
import type { CheckpointStore } from './checkpoints';
import type { AuditReads } from './audit-reads';

/** Who caused an event (defined once, in the shared kernel). */
export type { Actor, ActorAgency } from '@tio/kernel';

/** Metadata every event carries. `recordedAt` is set by the store when the event is appended. */
export interface EventMetadata {
  eventId: string;
  caseId: string;
  /** When it happened in the world (ISO 8601); may be earlier than recordedAt. */
  occurredAt: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /**
   * W3C trace context of the span that recorded the event (the command's), when tracing is on: the forwarder's publish
   * span continues that trace, and the published CloudEvent carries it on.
   */
  traceparent?: string;
}

export interface NewEvent<TData = unknown> {
  type: string;
  data: TData;
  /** Version of this event type's data shape; 1 if omitted. */
  schemaVersion?: number;
  metadata: EventMetadata;
}

export interface RecordedEvent<TData = unknown> {
  streamName: string;
  /** 0-based position within its stream. */
  revision: number;
  /** Position in the store-wide order (the `$all` stream); strictly increasing in commit-visibility order. */
  globalPosition: bigint;
  type: string;
  data: TData;
  schemaVersion: number;
  metadata: EventMetadata & { recordedAt: string };
  /** Hex SHA-256 over type, data, metadata, revision and previousHash. */
  hash: string;
  previousHash: string | null;
}

/** `no_stream`: the stream must not exist; `stream_exists`: it must; a number: its last revision must be that. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event in the stream after this append. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: bigint;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Omit to start at the beginning. */
  after?: bigint;
  maxCount?: number;
  /** Only streams of this category (the part of the stream name before the first '-'). */
  category?: string;
}

export interface SubscriptionOptions {
  /** Durable name: the checkpoint is stored under it so a restarted subscriber resumes where it stopped. */
  subscriptionId: string;
  category?: string;
  /** Called in global order; the checkpoint advances only after it resolves. A throw stops the subscription. */
  handler: (event: RecordedEvent) => Promise<void>;
  batchSize?: number;
  onError?: (error: Error) => void;
}

export interface Subscription {
  /** Resolves when the subscription has caught up with everything visible when it started. */
  readonly caughtUp: Promise<void>;
  /** Last position handled and checkpointed. */
  position(): bigint | undefined;
  stop(): Promise<void>;
}

/**
 * Why a stream stops proving itself. `revision-gap`: that revision is missing (deleted); `not-authenticated`: the
 * event's MAC does not vouch for its (stream, revision, hash), so it was written or rewritten without the chain key;
 * `stream-head-mismatch` / `stream-head-not-authenticated`: the head does not match the last event or carries no
 * valid MAC, so events from that revision on may have been removed; `checkpoint-missing` / `checkpoint-mismatch`: a
 * head seen earlier and kept outside the store is no longer stored or no longer matches (an old copy restored).
 */
export type StreamBreakReason =
  | 'content-hash-mismatch' | 'chain-broken' | 'revision-gap' | 'not-authenticated' | 'stream-head-mismatch' | 'stream-head-not-authenticated'
  | 'checkpoint-missing' | 'checkpoint-mismatch';

export interface StreamVerification {
  streamName: string;
  eventsChecked: number;
  valid: boolean;
  /** The first revision that does not prove itself, with why (no eventId when that revision is not stored). */
  firstBreak?: { revision: number; eventId?: string; reason: StreamBreakReason };
}

/** What `onAppended` tells a listener: what became readable, as far as the one who noticed knows: the category appended to and its highest position. */
export interface Appended {
  /** Undefined when not known: then it concerns every category. */
  category?: string;
  /** Undefined when not known: then it concerns every reader of the category, however far it has read. */
  position?: bigint;
}

export interface EventStore {
  /**
   * Where durable readers outside the store (the forwarder, the reactions runner) keep their positions, next to the
   * events they read: the PostgreSQL store's `checkpoints` table, EventStoreDB's checkpoint streams.
   */
  readonly checkpoints: CheckpointStore;
  /** A case across streams, the log by position ranges, and what integrity verification compares (audit-reads.ts). */
  readonly audit: AuditReads;
  appendToStream(streamName: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribe(options: SubscriptionOptions): Subscription;
  /**
   * Calls `listener` whenever events of `options.category` (any category when omitted) may have become readable (by
   * `readAll`, subscriptions): right after each of this store's appends commits, and soon after other processes'
   * appends (the adapter watches the store for them). It is told what it can of the change: the category and the
   * highest global position (either may be undefined: then assume it concerns you). It is called synchronously, so
   * keep it cheap (set a flag, resolve a promise, cancel a sleep); it is a hint, at least once per change and
   * sometimes more, so read after it and treat an empty read as nothing new, and a position you have read already as
   * nothing new either. A reader that cannot miss one should set a flag in the listener, clear it before each read
   * and sleep only if it is still clear after the read. Returns the function that stops the calls.
   */
  onAppended(listener: (appended: Appended) => void, options?: { category?: string }): () => void;
  verifyStream(streamName: string): Promise<StreamVerification>;
  close(): Promise<void>;
}
