import { Pool, type PoolClient } from 'pg';
import {
  POSTGRES_EVENT_COLUMNS, PostgresEventStore, recordedEventFromPostgresRow, survivePostgresRestarts,
  type AuthenticatedEvent, type PostgresEventRow, type RecordedEvent, type StoredStreamHead,
} from '@tio/event-store';
import type { EventStoreSource } from '../config';

/** A stored event with the name of the store (service) it came from. */
export interface SourcedEvent extends RecordedEvent {
  source: string;
}

type EventRow = PostgresEventRow;

const COLUMNS = POSTGRES_EVENT_COLUMNS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Name of the optional expression index (see AUDIT_CASE_INDEX in config.ts). */
export const CASE_INDEX_NAME = 'audit_events_case_id_idx';

function toEvent(source: string, row: EventRow): SourcedEvent {
  return { source, ...recordedEventFromPostgresRow(row) };
}

/**
 * Read-only access to one service's PostgreSQL event store.
 *
 * Every connection is opened with `default_transaction_read_only=on`, so nothing the audit does can change a store,
 * even by mistake. Per-stream reads and verification go through the library's `PostgresEventStore` (opened without
 * migrations on the same read-only pool); reads the port does not offer (all of one case's events across streams,
 * every stream for a full integrity sweep) are SQL here, against the store's documented table
 * `<schema>.events` (libs/event-store/src/postgres/schema.ts), never changing it.
 *
 * A case's events are found by `metadata->>'caseId'` (every event carries it). Without an index that is one
 * sequential scan per query, which is why long reads use a server-side cursor inside one REPEATABLE READ, READ ONLY
 * transaction: a single scan, rows streamed in batches, and a consistent snapshot of the store for the whole read.
 * With `AUDIT_CASE_INDEX=1` the service creates an expression index `(metadata->>'caseId', global_position)` once.
 */
export class StoreReader {
  private constructor(
    readonly name: string,
    readonly pool: Pool,
    readonly store: PostgresEventStore,
    private readonly schema: string,
  ) {}

  static async open(source: EventStoreSource, schema = 'event_store', poolSize = 4): Promise<StoreReader> {
    const pool = new Pool({
      connectionString: source.url, max: poolSize, application_name: 'tio-audit-reader',
      options: '-c default_transaction_read_only=on',
    });
    survivePostgresRestarts(pool);
    const store = await PostgresEventStore.create({ pool, schema, migrate: false });
    return new StoreReader(source.name, pool, store, schema);
  }

  private get events(): string {
    return `"${this.schema}"."events"`;
  }

  /** False when the database has no event store tables (yet): a service that never recorded anything. */
  async exists(): Promise<boolean> {
    const { rows } = await this.pool.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${this.schema}.events`]);
    return rows[0]?.t != null;
  }

  /**
   * The case's events in this store, ordered by (recordedAt, global position): the per-store order the merge
   * expects. `at`: only events recorded at or before it. Yields batches.
   */
  async *caseEvents(caseId: string, options: { at?: string; batchSize?: number } = {}): AsyncGenerator<SourcedEvent[]> {
    if (!(await this.exists())) return;
    const params: unknown[] = [caseId];
    let until = '';
    if (options.at) {
      params.push(options.at);
      until = `AND (metadata->>'recordedAt')::timestamptz <= $2::timestamptz`;
    }
    const sql = `SELECT ${COLUMNS} FROM ${this.events}
      WHERE metadata->>'caseId' = $1 ${until}
      ORDER BY metadata->>'recordedAt' COLLATE "C", global_position`;
    for await (const rows of this.cursor<EventRow>(sql, params, options.batchSize ?? 2000)) yield rows.map((r) => toEvent(this.name, r));
  }

  async countCaseEvents(caseId: string, at?: string): Promise<number> {
    if (!(await this.exists())) return 0;
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.events} WHERE metadata->>'caseId' = $1 ${at ? `AND (metadata->>'recordedAt')::timestamptz <= $2::timestamptz` : ''}`,
      at ? [caseId, at] : [caseId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** An event by id (unique in a store), or undefined. Non-UUID ids (e.g. command ids) are never events. */
  async findEvent(eventId: string): Promise<SourcedEvent | undefined> {
    if (!UUID.test(eventId) || !(await this.exists())) return undefined;
    const { rows } = await this.pool.query<EventRow>(`SELECT ${COLUMNS} FROM ${this.events} WHERE event_id = $1::uuid`, [eventId]);
    return rows[0] ? toEvent(this.name, rows[0]) : undefined;
  }

  /** Streams holding at least one event of the case. */
  async caseStreams(caseId: string): Promise<string[]> {
    if (!(await this.exists())) return [];
    const { rows } = await this.pool.query<{ stream_name: string }>(
      `SELECT DISTINCT stream_name COLLATE "C" AS stream_name FROM ${this.events} WHERE metadata->>'caseId' = $1 ORDER BY 1`,
      [caseId],
    );
    return rows.map((r) => r.stream_name);
  }

  /** Every stream's recorded head (revision, last hash and the head's MAC) from the store's `streams` table. */
  async streamHeads(streamNames?: string[]): Promise<Map<string, StoredStreamHead>> {
    if (!(await this.exists())) return new Map();
    const { rows } = await this.pool.query<{ stream_name: string; revision: string; last_hash: string | null; head_mac: string | null }>(
      `SELECT stream_name, revision, last_hash, head_mac FROM "${this.schema}"."streams" ${streamNames ? 'WHERE stream_name = ANY($1::text[])' : ''}`,
      streamNames ? [streamNames] : [],
    );
    return new Map(rows.map((r) => [r.stream_name, { revision: Number(r.revision), lastHash: r.last_hash, mac: r.head_mac }]));
  }

  /** The case id of each stream's first event (every event carries one), for the given streams. */
  async streamCaseIds(streamNames: string[]): Promise<Map<string, string>> {
    if (streamNames.length === 0 || !(await this.exists())) return new Map();
    const { rows } = await this.pool.query<{ stream_name: string; case_id: string | null }>(
      `SELECT stream_name, metadata->>'caseId' AS case_id FROM ${this.events} WHERE stream_name = ANY($1::text[]) AND revision = 0`,
      [streamNames],
    );
    return new Map(rows.filter((r) => r.case_id !== null).map((r) => [r.stream_name, r.case_id as string]));
  }

  /** Every event of every stream (or of the given streams) with its MAC, grouped by stream in revision order, for verification. */
  async *streamsInOrder(streamNames?: string[], batchSize = 2000): AsyncGenerator<Array<SourcedEvent & AuthenticatedEvent>> {
    if (!(await this.exists())) return;
    const sql = `SELECT ${COLUMNS}, mac FROM ${this.events} ${streamNames ? 'WHERE stream_name = ANY($1::text[])' : ''}
      ORDER BY stream_name COLLATE "C", revision`;
    for await (const rows of this.cursor<EventRow & { mac: string | null }>(sql, streamNames ? [streamNames] : [], batchSize)) {
      yield rows.map((r) => ({ ...toEvent(this.name, r), mac: r.mac }));
    }
  }

  /** Raw sequential read of rows (the benchmark's baseline: no mapping, no merge). */
  async rawCaseRows(caseId: string, batchSize = 2000): Promise<number> {
    let n = 0;
    for await (const rows of this.cursor<EventRow>(
      `SELECT ${COLUMNS} FROM ${this.events} WHERE metadata->>'caseId' = $1 ORDER BY global_position`, [caseId], batchSize,
    )) n += rows.length;
    return n;
  }

  /** Opt-in (AUDIT_CASE_INDEX=1): an expression index for case lookups. Uses its own writable connection. */
  async ensureCaseIndex(url: string): Promise<void> {
    if (!(await this.exists())) return;
    const { Client } = await import('pg');
    const client = new Client({ connectionString: url, application_name: 'tio-audit-index' });
    await client.connect();
    try {
      await client.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${CASE_INDEX_NAME} ON ${this.events} ((metadata->>'caseId'), global_position)`);
    } finally {
      await client.end();
    }
  }

  private async *cursor<T>(sql: string, params: unknown[], batchSize: number): AsyncGenerator<T[]> {
    const client: PoolClient = await this.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await client.query(`DECLARE audit_cursor NO SCROLL CURSOR FOR ${sql}`, params);
      for (;;) {
        const { rows } = await client.query(`FETCH ${Math.max(1, Math.floor(batchSize))} FROM audit_cursor`);
        if (rows.length === 0) break;
        yield rows as T[];
      }
      await client.query('COMMIT');
      open = false;
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}
