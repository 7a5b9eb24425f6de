import type { ExpectedRevision } from './port';

/** Base class of every error the event store throws on purpose; `code` is stable and safe to branch on. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Another writer got there first (or the stream is not in the state the caller expected). Nothing was written. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamName: string,
    readonly expectedRevision: ExpectedRevision,
    /** The stream's last revision, or `'no_stream'` if it does not exist. */
    readonly actualRevision: number | 'no_stream',
  ) {
    super(`Wrong expected revision for stream "${streamName}": expected ${String(expectedRevision)}, actual ${String(actualRevision)}`);
  }
}

/** Stream names follow `<category>-<id>`; see stream-name.ts for the grammar. */
export class InvalidStreamNameError extends EventStoreError {
  readonly code = 'INVALID_STREAM_NAME';
  constructor(
    readonly streamName: unknown,
    readonly reason: string,
  ) {
    super(`Invalid stream name ${JSON.stringify(String(streamName))}: ${reason}`);
  }
}

/** The store was configured with `allowedCategories` and this stream's category is not one of them. */
export class CategoryNotAllowedError extends EventStoreError {
  readonly code = 'CATEGORY_NOT_ALLOWED';
  constructor(
    readonly streamName: string,
    readonly category: string,
    readonly allowedCategories: readonly string[],
  ) {
    super(`Stream "${streamName}" is in category "${category}", which this store may not write (allowed: ${allowedCategories.join(', ')})`);
  }
}

/** Data or metadata cannot be stored as JSON without changing its meaning (BigInt, cycles, functions, ...). */
export class NonSerialisableEventError extends EventStoreError {
  readonly code = 'NON_SERIALISABLE_EVENT';
  constructor(
    readonly eventId: string | undefined,
    /** JSON-path-like location of the offending value, e.g. `data.child.dob`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Event ${eventId ?? '(no id)'} cannot be serialised at ${path}: ${reason}`);
  }
}

/** A single event's serialised data plus metadata exceeds the store's limit. */
export class EventTooLargeError extends EventStoreError {
  readonly code = 'EVENT_TOO_LARGE';
  constructor(
    readonly eventId: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`Event ${eventId} is ${sizeBytes} bytes serialised; the limit is ${limitBytes} bytes`);
  }
}

/** The event is structurally wrong: missing/invalid type, schema version or metadata, or an empty append. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly eventId: string | undefined,
    readonly reason: string,
  ) {
    super(`Invalid event ${eventId ?? '(no id)'}: ${reason}`);
  }
}

/**
 * An event id was already used for different content, in another stream, or only some ids of a retried batch
 * exist. A retry of exactly the same batch is NOT an error: it returns the original result.
 */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    readonly reason: 'content-differs' | 'other-stream' | 'partial-batch',
  ) {
    super(`Event id ${eventId} appended to "${streamName}" conflicts with a stored event (${reason})`);
  }
}

/** Handed to `caughtUp` when a subscription stops before it caught up. */
export class SubscriptionStoppedError extends EventStoreError {
  readonly code = 'SUBSCRIPTION_STOPPED';
  constructor(
    readonly subscriptionId: string,
    cause?: unknown,
  ) {
    super(`Subscription "${subscriptionId}" stopped before it caught up${cause instanceof Error ? `: ${cause.message}` : ''}`);
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** The store has been closed. */
export class EventStoreClosedError extends EventStoreError {
  readonly code = 'EVENT_STORE_CLOSED';
  constructor() {
    super('The event store is closed');
  }
}
