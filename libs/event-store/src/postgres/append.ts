import type { PoolClient } from 'pg';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import { eventMac, headMac } from '../authentication';
import { computeEventHash } from '../hashing';
import type { AppendResult, ExpectedRevision } from '../port';
import { contentKeyOf, type PreparedEvent } from '../prepare-events';
import { defined } from '../defined';
import { notifyChannel, table } from './schema';

export interface AppendContext {
  schema: string;
  streamName: string;
  category: string;
  events: PreparedEvent[];
  expectedRevision: ExpectedRevision;
  /** The chain key: each event and the new head get their MAC in the same statements (no extra round trip). */
  chainKey?: Buffer;
}

interface ExistingRow {
  event_id: string;
  stream_name: string;
  revision: string;
  global_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: object;
}

/**
 * If the batch's event ids are already stored, decides whether this is a retry of the same append (returns its
 * original result) or a conflict (throws). Returns undefined when none of the ids exist.
 */
export async function findPreviousAppend(client: Pick<PoolClient, 'query'>, ctx: AppendContext): Promise<AppendResult | undefined> {
  const ids = ctx.events.map((e) => e.eventId);
  const { rows } = await client.query<ExistingRow>(
    `SELECT event_id, stream_name, revision, global_position, type, schema_version, data, metadata
       FROM ${table(ctx.schema, 'events')} WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
    [ids],
  );
  if (rows.length === 0) return undefined;
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  let previous: ExistingRow | undefined;
  for (const event of ctx.events) {
    const row = byId.get(event.eventId);
    if (!row) throw new EventIdConflictError(ctx.streamName, defined(rows[0], 'first stored row').event_id, 'partial-batch');
    if (row.stream_name !== ctx.streamName) throw new EventIdConflictError(ctx.streamName, event.eventId, 'other-stream');
    if (contentKeyOf(row.type, row.schema_version, row.data, row.metadata) !== event.contentKey) {
      throw new EventIdConflictError(ctx.streamName, event.eventId, 'content-differs');
    }
    if (previous && Number(row.revision) !== Number(previous.revision) + 1) {
      throw new EventIdConflictError(ctx.streamName, event.eventId, 'partial-batch');
    }
    previous = row;
  }
  const last = defined(previous, 'last stored row');
  return { nextExpectedRevision: Number(last.revision), position: BigInt(last.global_position) };
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

export interface PendingAppend {
  result: AppendResult;
  /** True when nothing was written because the same batch had been appended before. */
  idempotentReplay: boolean;
}

/**
 * Runs one append inside the caller's open transaction (BEGIN already issued; the caller commits or rolls back).
 * Order matters:
 *  1. reserve the transaction id and global positions together (see schema.ts, reserve_positions);
 *  2. create-or-lock the stream row, which serialises writers of this stream until commit;
 *  3. with the lock held, look for the event ids (a retry of a committed append is now visible);
 *  4. check the expected revision, hash-chain the events, insert them and move the stream head, NOTIFY.
 */
export async function appendInTransaction(client: PoolClient, ctx: AppendContext): Promise<PendingAppend> {
  const { schema, streamName, events } = ctx;
  const reserved = await client.query<{ transaction_id: string; positions: string[] }>(
    `SELECT transaction_id::text, positions::text[] FROM ${table(schema, 'reserve_positions')}($1)`,
    [events.length],
  );
  const { transaction_id: transactionId, positions } = defined(reserved.rows[0], 'reserved positions');
  const head = await client.query<{ revision: string; last_hash: string | null }>(
    `INSERT INTO ${table(schema, 'streams')} AS s (stream_name, category, revision)
       VALUES ($1, $2, -1)
       ON CONFLICT (stream_name) DO UPDATE SET stream_name = s.stream_name
       RETURNING revision, last_hash`,
    [streamName, ctx.category],
  );
  const headRow = defined(head.rows[0], 'stream head');
  const current = Number(headRow.revision);
  let previousHash = headRow.last_hash;

  const replay = await findPreviousAppend(client, ctx);
  if (replay) return { result: replay, idempotentReplay: true };
  if (!revisionMatches(ctx.expectedRevision, current)) {
    throw new WrongExpectedRevisionError(streamName, ctx.expectedRevision, current === -1 ? 'no_stream' : current);
  }

  const recordedAt = new Date().toISOString();
  const cols = {
    position: [] as string[], eventId: [] as string[], revision: [] as number[], type: [] as string[],
    version: [] as number[], data: [] as string[], metadata: [] as string[], hash: [] as string[], previous: [] as (string | null)[],
    mac: [] as (string | null)[],
  };
  const sortedPositions = positions.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  events.forEach((event, i) => {
    const revision = current + 1 + i;
    const metadata = { ...event.metadata, recordedAt };
    const hash = computeEventHash({
      streamName, revision, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata, previousHash,
    });
    cols.position.push(defined(sortedPositions[i], 'position').toString());
    cols.eventId.push(event.eventId);
    cols.revision.push(revision);
    cols.type.push(event.type);
    cols.version.push(event.schemaVersion);
    cols.data.push(JSON.stringify(event.data));
    cols.metadata.push(JSON.stringify(metadata));
    cols.hash.push(hash);
    cols.previous.push(previousHash);
    cols.mac.push(ctx.chainKey ? eventMac(ctx.chainKey, streamName, revision, hash) : null);
    previousHash = hash;
  });
  await client.query(
    `INSERT INTO ${table(schema, 'events')}
       (global_position, transaction_id, event_id, stream_name, category, revision, type, schema_version, data, metadata,
        hash, previous_hash, recorded_at, mac)
     SELECT p, $2::xid8, e, $3, $4, r, t, v, d::jsonb, m::jsonb, h, ph, $5::timestamptz, mc
       FROM unnest($1::bigint[], $6::uuid[], $7::bigint[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
         AS x(p, e, r, t, v, d, m, h, ph, mc)`,
    [cols.position, transactionId, streamName, ctx.category, recordedAt, cols.eventId, cols.revision, cols.type,
      cols.version, cols.data, cols.metadata, cols.hash, cols.previous, cols.mac],
  );
  const last = current + events.length;
  await client.query(
    `WITH moved AS (
       UPDATE ${table(schema, 'streams')} SET revision = $2, last_hash = $3, head_mac = $5, updated_at = now() WHERE stream_name = $1
     ) SELECT pg_notify($4, '')`,
    [streamName, last, previousHash, notifyChannel(schema), ctx.chainKey ? headMac(ctx.chainKey, streamName, last, previousHash) : null],
  );
  return { result: { nextExpectedRevision: last, position: defined(sortedPositions[sortedPositions.length - 1], 'last position') }, idempotentReplay: false };
}
