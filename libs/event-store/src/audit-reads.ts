import type { RecordedEvent } from './port';
import type { AuthenticatedEvent, StoredStreamHead } from './verification';

/**
 * The reads an auditor needs from an event store, beyond per-stream reads: a case across all its streams, the log
 * by position ranges, and everything integrity verification compares (every event with its MAC, the stream heads).
 * Part of the EventStore port (`store.audit`), so the audit service never reads an engine's tables itself.
 *
 * Every read returns events in their stored form (as written, before upcasting): hashes and MACs are over that form.
 * A store that has never been written to (the PostgreSQL tables do not exist yet) reads as empty.
 */
export interface AuditReads {
  /** False when the store holds nothing and has no tables yet (a service that never recorded anything). */
  exists(): Promise<boolean>;
  /**
   * The case's events across every stream, ordered by (recordedAt, global position), in batches. `at`: only those
   * recorded at or before it (ISO 8601). PostgreSQL reads one consistent snapshot for the whole read.
   */
  caseEvents(caseId: string, options?: CaseEventsOptions): AsyncIterable<RecordedEvent[]>;
  countCaseEvents(caseId: string, at?: string): Promise<number>;
  /** An event by its id, or undefined (ids that are not UUIDs are never events). */
  findEvent(eventId: string): Promise<RecordedEvent | undefined>;
  /** The streams holding at least one event of the case, sorted by name. */
  caseStreams(caseId: string): Promise<string[]>;
  /** The case id of each given stream's first event. */
  streamCaseIds(streamNames: string[]): Promise<Map<string, string>>;
  /**
   * What the store keeps about each stream's end (every stream, or the given ones): its last revision, that event's
   * hash and the head's MAC, as `verifyStreamHistory` expects.
   */
  streamHeads(streamNames?: string[]): Promise<Map<string, StoredStreamHead>>;
  /**
   * Every event of every stream (or of the given streams) with the MAC its append wrote, grouped by stream (streams
   * in code-point order of their names) and in revision order within a stream, in batches.
   */
  authenticatedStreams(streamNames?: string[], batchSize?: number): AsyncIterable<AuthenticatedEvent[]>;
  /** Every case with the events that pass `filter`, one case at a time, in code-point order of the case id. */
  sweepCases(filter: CaseSweepFilter, batchSize?: number): AsyncIterable<CaseEventGroup>;
  /** The log between two global positions (`after` exclusive, `through` inclusive), in global order, in batches. */
  readRange(range: PositionRange): AsyncIterable<RecordedEvent[]>;
  /**
   * Optional, PostgreSQL only: builds what makes case reads fast (an expression index on the case id) over its own
   * writable connection. EventStoreDB has no equivalent here (see the adapter).
   */
  optimiseCaseReads?(writableConnectionString: string): Promise<void>;
}

export interface CaseEventsOptions {
  at?: string;
  batchSize?: number;
}

/** An event passes when its type starts with one of `typePrefixes` or its data has one of `dataKeys` at the top level. */
export interface CaseSweepFilter {
  typePrefixes: string[];
  dataKeys: string[];
}

export interface CaseEventGroup {
  caseId: string;
  /** In global order. */
  events: RecordedEvent[];
}

export interface PositionRange {
  after?: bigint;
  through?: bigint;
  category?: string;
  batchSize?: number;
}

export function passesSweepFilter(event: Pick<RecordedEvent, 'type' | 'data'>, filter: CaseSweepFilter): boolean {
  if (filter.typePrefixes.some((p) => event.type.startsWith(p))) return true;
  const data = event.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) && filter.dataKeys.some((k) => Object.prototype.hasOwnProperty.call(data, k));
}

export const EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The history order of one store: recordedAt (code points of the ISO string), then global position. */
export function compareRecordedOrder(a: RecordedEvent, b: RecordedEvent): number {
  const ra = a.metadata.recordedAt;
  const rb = b.metadata.recordedAt;
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0;
}
