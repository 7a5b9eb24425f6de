import type { Pool, PoolClient } from 'pg';
import { EVENT_ID_PATTERN, type AuditReads, type CaseEventGroup, type CaseEventsOptions, type CaseSweepFilter, type PositionRange } from '../audit-reads';
import type { RecordedEvent } from '../port';
import type { AuthenticatedEvent, StoredStreamHead } from '../verification';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows';
import { table } from './schema';

/** Name of the optional expression index that finds a case's events without a full scan. */
export const CASE_INDEX_NAME = 'audit_events_case_id_idx';
const DEFAULT_BATCH = 2000;

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The audit reads over the store's tables (schema.ts). A case's events are found by `metadata->>'caseId'`; without
 * the optional index (`optimiseCaseReads`) that is one sequential scan per query, which is why long reads use a
 * server-side cursor inside one REPEATABLE READ, READ ONLY transaction: a single scan, rows streamed in batches,
 * and a consistent snapshot of the store for the whole read. Nothing here writes, so it works on a read-only pool.
 */
export class PostgresAuditReads implements AuditReads {
  private present = false;

  constructor(private readonly pool: Pool, private readonly schema: string) {}

  private get events(): string {
    return table(this.schema, 'events');
  }

  async exists(): Promise<boolean> {
    if (this.present) return true;
    const { rows } = await this.pool.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${this.schema}.events`]);
    this.present = rows[0]?.t != null;
    return this.present;
  }

  async *caseEvents(caseId: string, options: CaseEventsOptions = {}): AsyncGenerator<RecordedEvent[]> {
    if (!(await this.exists())) return;
    const params: unknown[] = [caseId];
    let until = '';
    if (options.at) {
      params.push(options.at);
      until = `AND (metadata->>'recordedAt')::timestamptz <= $2::timestamptz`;
    }
    const sql = `SELECT ${EVENT_COLUMNS} FROM ${this.events}
      WHERE metadata->>'caseId' = $1 ${until}
      ORDER BY metadata->>'recordedAt' COLLATE "C", global_position`;
    for await (const rows of this.cursor<EventRow>(sql, params, options.batchSize ?? DEFAULT_BATCH)) yield rows.map(toRecordedEvent);
  }

  async countCaseEvents(caseId: string, at?: string): Promise<number> {
    if (!(await this.exists())) return 0;
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.events} WHERE metadata->>'caseId' = $1 ${at ? `AND (metadata->>'recordedAt')::timestamptz <= $2::timestamptz` : ''}`,
      at ? [caseId, at] : [caseId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    if (!EVENT_ID_PATTERN.test(eventId) || !(await this.exists())) return undefined;
    const { rows } = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE event_id = $1::uuid`, [eventId]);
    return rows[0] ? toRecordedEvent(rows[0]) : undefined;
  }

  async caseStreams(caseId: string): Promise<string[]> {
    if (!(await this.exists())) return [];
    const { rows } = await this.pool.query<{ stream_name: string }>(
      `SELECT DISTINCT stream_name COLLATE "C" AS stream_name FROM ${this.events} WHERE metadata->>'caseId' = $1 ORDER BY 1`,
      [caseId],
    );
    return rows.map((r) => r.stream_name);
  }

  async streamCaseIds(streamNames: string[]): Promise<Map<string, string>> {
    if (streamNames.length === 0 || !(await this.exists())) return new Map();
    const { rows } = await this.pool.query<{ stream_name: string; case_id: string | null }>(
      `SELECT stream_name, metadata->>'caseId' AS case_id FROM ${this.events} WHERE stream_name = ANY($1::text[]) AND revision = 0`,
      [streamNames],
    );
    return new Map(rows.filter((r) => r.case_id !== null).map((r) => [r.stream_name, r.case_id as string]));
  }

  async streamHeads(streamNames?: string[]): Promise<Map<string, StoredStreamHead>> {
    if (!(await this.exists())) return new Map();
    const { rows } = await this.pool.query<{ stream_name: string; revision: string; last_hash: string | null; head_mac: string | null }>(
      `SELECT stream_name, revision, last_hash, head_mac FROM ${table(this.schema, 'streams')} ${streamNames ? 'WHERE stream_name = ANY($1::text[])' : ''}`,
      streamNames ? [streamNames] : [],
    );
    return new Map(rows.map((r) => [r.stream_name, { revision: Number(r.revision), lastHash: r.last_hash, mac: r.head_mac }]));
  }

  async *authenticatedStreams(streamNames?: string[], batchSize = DEFAULT_BATCH): AsyncGenerator<AuthenticatedEvent[]> {
    if (!(await this.exists())) return;
    const sql = `SELECT ${EVENT_COLUMNS}, mac FROM ${this.events} ${streamNames ? 'WHERE stream_name = ANY($1::text[])' : ''}
      ORDER BY stream_name COLLATE "C", revision`;
    for await (const rows of this.cursor<EventRow & { mac: string | null }>(sql, streamNames ? [streamNames] : [], batchSize)) {
      yield rows.map((r) => ({ ...toRecordedEvent(r), mac: r.mac }));
    }
  }

  async *sweepCases(filter: CaseSweepFilter, batchSize = DEFAULT_BATCH): AsyncGenerator<CaseEventGroup> {
    if (!(await this.exists())) return;
    const sql = `SELECT metadata->>'caseId' AS case_id, ${EVENT_COLUMNS}
      FROM ${this.events}
      WHERE metadata ? 'caseId' AND (type LIKE ANY($1::text[]) OR data ?| $2::text[])
      ORDER BY metadata->>'caseId' COLLATE "C", global_position`;
    let current: CaseEventGroup | undefined;
    for await (const rows of this.cursor<EventRow & { case_id: string }>(sql, [filter.typePrefixes.map(likePrefix), filter.dataKeys], batchSize)) {
      for (const r of rows) {
        if (current && current.caseId !== r.case_id) {
          yield current;
          current = undefined;
        }
        current ??= { caseId: r.case_id, events: [] };
        current.events.push(toRecordedEvent(r));
      }
    }
    if (current) yield current;
  }

  /**
   * Like `readAll`, only events older than every transaction still in flight are returned, so a range read up to
   * the last position seen never skips one that commits later with a lower position.
   */
  async *readRange(range: PositionRange): AsyncGenerator<RecordedEvent[]> {
    if (!(await this.exists())) return;
    const batch = Math.max(1, Math.floor(range.batchSize ?? DEFAULT_BATCH));
    let after = range.after ?? 0n;
    for (;;) {
      const params: unknown[] = [after.toString(), batch, range.through?.toString() ?? null, range.category ?? null];
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${this.events}
          WHERE global_position > $1::bigint AND ($3::bigint IS NULL OR global_position <= $3::bigint)
            AND ($4::text IS NULL OR category = $4::text)
            AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
          ORDER BY global_position LIMIT $2`,
        params,
      );
      if (rows.length === 0) return;
      const events = rows.map(toRecordedEvent);
      yield events;
      if (rows.length < batch) return;
      after = (events[events.length - 1] as RecordedEvent).globalPosition;
    }
  }

  async optimiseCaseReads(writableConnectionString: string): Promise<void> {
    if (!(await this.exists())) return;
    const { Client } = await import('pg');
    const client = new Client({ connectionString: writableConnectionString, application_name: 'tio-audit-index' });
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
}
