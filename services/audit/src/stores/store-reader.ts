import { Pool } from 'pg';
import {
  EventStoreDbEventStore, PostgresEventStore, survivePostgresRestarts,
  type AuthenticatedEvent, type CaseEventGroup, type CaseSweepFilter, type EventStore, type RecordedEvent, type StoredStreamHead,
} from '@tio/event-store';
import type { EventStoreSource } from '../config';

/** A stored event with the name of the store (service) it came from. */
export interface SourcedEvent extends RecordedEvent {
  source: string;
}

export { POSTGRES_CASE_INDEX_NAME as CASE_INDEX_NAME } from '@tio/event-store';

/** Whether a source names an EventStoreDB server rather than a PostgreSQL database. */
export function isEventStoreDbUrl(url: string): boolean {
  return /^esdb(\+discover)?:\/\//.test(url);
}

/**
 * Read-only access to one service's event store, through the event store port only (`store.audit`, `readStream`,
 * `verifyStream`): the audit never reads an engine's tables itself. A PostgreSQL source is opened on a pool whose
 * every connection has `default_transaction_read_only=on`, so nothing the audit does can change a store, even by
 * mistake; an EventStoreDB source is only read (the adapter's audit reads make no writes).
 */
export class StoreReader {
  private constructor(
    readonly name: string,
    readonly store: EventStore,
    private readonly pool?: Pool,
  ) {}

  static async open(source: EventStoreSource, schema = 'event_store', poolSize = 4): Promise<StoreReader> {
    if (isEventStoreDbUrl(source.url)) return new StoreReader(source.name, new EventStoreDbEventStore({ connectionString: source.url }));
    const pool = new Pool({
      connectionString: source.url, max: poolSize, application_name: 'tio-audit-reader',
      options: '-c default_transaction_read_only=on',
    });
    survivePostgresRestarts(pool);
    const store = await PostgresEventStore.create({ pool, schema, migrate: false });
    return new StoreReader(source.name, store, pool);
  }

  private sourced<T extends RecordedEvent>(event: T): T & SourcedEvent {
    return { source: this.name, ...event };
  }

  /** False when the store has no events and no tables (yet): a service that never recorded anything. */
  exists(): Promise<boolean> {
    return this.store.audit.exists();
  }

  /**
   * The case's events in this store, ordered by (recordedAt, global position): the per-store order the merge
   * expects. `at`: only events recorded at or before it. Yields batches.
   */
  async *caseEvents(caseId: string, options: { at?: string; batchSize?: number } = {}): AsyncGenerator<SourcedEvent[]> {
    for await (const batch of this.store.audit.caseEvents(caseId, options)) yield batch.map((e) => this.sourced(e));
  }

  countCaseEvents(caseId: string, at?: string): Promise<number> {
    return this.store.audit.countCaseEvents(caseId, at);
  }

  /** An event by id (unique in a store), or undefined. Non-UUID ids (e.g. command ids) are never events. */
  async findEvent(eventId: string): Promise<SourcedEvent | undefined> {
    const found = await this.store.audit.findEvent(eventId);
    return found ? this.sourced(found) : undefined;
  }

  /** Streams holding at least one event of the case. */
  caseStreams(caseId: string): Promise<string[]> {
    return this.store.audit.caseStreams(caseId);
  }

  /** Every stream's recorded head (revision, last hash and the head's MAC). */
  streamHeads(streamNames?: string[]): Promise<Map<string, StoredStreamHead>> {
    return this.store.audit.streamHeads(streamNames);
  }

  /** The case id of each stream's first event (every event carries one), for the given streams. */
  streamCaseIds(streamNames: string[]): Promise<Map<string, string>> {
    return this.store.audit.streamCaseIds(streamNames);
  }

  /** Every event of every stream (or of the given streams) with its MAC, grouped by stream in revision order, for verification. */
  async *streamsInOrder(streamNames?: string[], batchSize = 2000): AsyncGenerator<Array<SourcedEvent & AuthenticatedEvent>> {
    for await (const batch of this.store.audit.authenticatedStreams(streamNames, batchSize)) yield batch.map((e) => this.sourced(e));
  }

  /** Every case with the events passing `filter`, one case at a time in case-id order, each case's events in global order. */
  async *cases(filter: CaseSweepFilter, batchSize = 2000): AsyncGenerator<CaseEventGroup & { events: SourcedEvent[] }> {
    for await (const group of this.store.audit.sweepCases(filter, batchSize)) yield { caseId: group.caseId, events: group.events.map((e) => this.sourced(e)) };
  }

  /** Raw sequential read of a case (the benchmark's baseline: no merge, no decryption). */
  async rawCaseRows(caseId: string, batchSize = 2000): Promise<number> {
    let n = 0;
    for await (const batch of this.store.audit.caseEvents(caseId, { batchSize })) n += batch.length;
    return n;
  }

  /** Opt-in (AUDIT_CASE_INDEX=1): whatever makes case reads fast on this store's engine (PostgreSQL: an expression index). */
  async ensureCaseIndex(url: string): Promise<void> {
    await this.store.audit.optimiseCaseReads?.(url);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.pool?.end();
  }
}
