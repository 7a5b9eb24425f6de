import type { Pool } from 'pg';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../port';
import type { AuthenticatedEvent, StoredStreamHead } from '../verification';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows';
import { table } from './schema';

const NO_LIMIT = null;

export async function readStreamRows(pool: Pool, schema: string, streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
  const backwards = options.direction === 'backwards';
  const params: unknown[] = [streamName, options.maxCount ?? NO_LIMIT];
  let from = '';
  if (options.fromRevision !== undefined) {
    params.push(options.fromRevision);
    from = backwards ? 'AND revision <= $3' : 'AND revision >= $3';
  }
  // a named (prepared) statement: every command reads its stream, and parsing and planning this statement cost the
  // server more than running it (one plan fits every stream: the (stream_name, revision) index)
  const { rows } = await pool.query<EventRow>({
    name: `tio-event-store-read-stream:${schema}:${backwards ? 'backwards' : 'forwards'}${from ? ':from' : ''}`,
    text: `SELECT ${EVENT_COLUMNS} FROM ${table(schema, 'events')}
      WHERE stream_name = $1 ${from}
      ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
    values: params,
  });
  return rows.map(toRecordedEvent);
}

/**
 * Events in global order, but only those written by transactions older than every transaction still in flight
 * (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`). Anything an in-flight transaction commits later
 * gets a higher position than everything returned here, so a reader that continues "after" the last returned
 * position can never skip it. See README.md. The horizon is a sub-select so that it is taken once per query (an
 * InitPlan), not once per row scanned: `pg_current_snapshot()` copies the list of in-flight transactions each time.
 */
export async function readAllRows(pool: Pool, schema: string, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  const params: unknown[] = [options.after?.toString() ?? '0', options.maxCount ?? NO_LIMIT];
  let categoryFilter = '';
  if (options.category !== undefined) {
    params.push(options.category);
    categoryFilter = 'AND category = $3';
  }
  const { rows } = await pool.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${table(schema, 'events')}
      WHERE global_position > $1::bigint ${categoryFilter}
        AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      ORDER BY global_position LIMIT $2`,
    params,
  );
  return rows.map(toRecordedEvent);
}

/** Events committed to the store that no reader can be handed yet, and when the oldest of them was recorded. */
export interface UnreadableEvents {
  events: number;
  oldestRecordedAt: string | undefined;
}

/**
 * The committed events above the readers' horizon: written by a transaction that is not older than every one still
 * in flight in the cluster (any database: `pg_snapshot_xmin` is cluster-wide), so `readAll`, subscriptions and the
 * forwarder cannot see them until that older transaction ends. Normally none, or the last milliseconds' appends;
 * a long transaction anywhere in the cluster makes the count and the age grow. Cost: a backward walk of the primary
 * key over the hidden rows to the newest readable one, then those rows again.
 */
export async function readUnreadableEvents(pool: Pool, schema: string): Promise<UnreadableEvents> {
  const events = table(schema, 'events');
  const { rows } = await pool.query<{ events: number; oldest: Date | null }>(
    `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
          readable AS (SELECT coalesce((SELECT e.global_position FROM ${events} e, horizon
                                         WHERE e.transaction_id < horizon.xmin ORDER BY e.global_position DESC LIMIT 1), 0) AS head)
     SELECT count(*)::int AS events, min(e.recorded_at) AS oldest FROM ${events} e, readable WHERE e.global_position > readable.head`,
  );
  const row = rows[0];
  return { events: row?.events ?? 0, oldestRecordedAt: row?.oldest ? row.oldest.toISOString() : undefined };
}

/** Every stored event of a stream with its MAC, in revision order, for verification. */
export async function readAuthenticatedStream(pool: Pool, schema: string, streamName: string): Promise<AuthenticatedEvent[]> {
  const { rows } = await pool.query<EventRow & { mac: string | null }>(
    `SELECT ${EVENT_COLUMNS}, mac FROM ${table(schema, 'events')} WHERE stream_name = $1 ORDER BY revision`,
    [streamName],
  );
  return rows.map((r) => ({ ...toRecordedEvent(r), mac: r.mac }));
}

export async function readStreamHead(pool: Pool, schema: string, streamName: string): Promise<StoredStreamHead | undefined> {
  const { rows } = await pool.query<{ revision: string; last_hash: string | null; head_mac: string | null }>(
    `SELECT revision, last_hash, head_mac FROM ${table(schema, 'streams')} WHERE stream_name = $1`,
    [streamName],
  );
  const row = rows[0];
  return row ? { revision: Number(row.revision), lastHash: row.last_hash, mac: row.head_mac } : undefined;
}
