import type { PoolClient } from 'pg';
import { EventIdConflictError } from '../errors';
import { eventMac, headMac } from '../authentication';
import { computeEventHashFromJson } from '../hashing';
import type { AppendResult, ExpectedRevision } from '../port';
import { contentKeyOf, storedMetadataJson, type PreparedEvent } from '../prepare-events';
import { defined } from '../defined';
import { UNKNOWN_HEAD, type StreamHead } from './head-cache';
import { table } from './schema';

export interface AppendContext {
  schema: string;
  streamName: string;
  category: string;
  events: PreparedEvent[];
  expectedRevision: ExpectedRevision;
  /** The chain key: each event and the new head get their MAC, computed here (the key never goes to the database). */
  chainKey?: Buffer;
}

export type Queryable = Pick<PoolClient, 'query'>;

/** What one call of `append_events` did. Nothing is written unless `appended`. */
export type AppendOutcome =
  | { kind: 'appended'; result: AppendResult; head: StreamHead }
  | { kind: 'replayed'; result: AppendResult }
  | { kind: 'wrong-expected-revision'; head: StreamHead }
  /** The hashes were computed on another head than the stream's: compute them on `head` and call again. */
  | { kind: 'stale-head'; head: StreamHead; reserved: string[] };

interface StoredRow {
  event_id: string;
  stream_name: string;
  revision: string | number;
  global_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: object;
}

/**
 * Stored rows carrying some of the batch's event ids: the original result if this is a retry of the same append,
 * else the conflict (another stream, other content, or only part of the batch).
 */
export function judgeStoredRows(ctx: Pick<AppendContext, 'streamName' | 'events'>, rows: readonly StoredRow[]): AppendResult {
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  let previous: StoredRow | undefined;
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

/**
 * If the batch's event ids are already stored, decides whether this is a retry of the same append (returns its
 * original result) or a conflict (throws). Returns undefined when none of the ids exist. For the rare path where a
 * concurrent append stored one of the ids while this one was in flight (a unique violation).
 */
export async function findPreviousAppend(client: Queryable, ctx: AppendContext): Promise<AppendResult | undefined> {
  const { rows } = await client.query<StoredRow>(
    `SELECT event_id, stream_name, revision, global_position, type, schema_version, data, metadata
       FROM ${table(ctx.schema, 'events')} WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
    [ctx.events.map((e) => e.eventId)],
  );
  return rows.length === 0 ? undefined : judgeStoredRows(ctx, rows);
}

interface Columns {
  types: string[];
  versions: number[];
  data: string[];
  metadata: string[];
  hashes: string[];
  macs: (string | null)[];
  headMac: string | null;
  recordedAt: string | null;
}

const PROBE: Columns = { types: [], versions: [], data: [], metadata: [], hashes: [], macs: [], headMac: null, recordedAt: null };

/** Hash-chains the batch onto `head` (and MACs it with the key): the rows `append_events` writes if `head` is right. */
function chainOnto(ctx: AppendContext, head: StreamHead): Columns {
  const { streamName, chainKey } = ctx;
  const recordedAt = new Date().toISOString();
  const cols: Columns = { types: [], versions: [], data: [], metadata: [], hashes: [], macs: [], headMac: null, recordedAt };
  let previousHash = head.hash;
  ctx.events.forEach((event, i) => {
    const revision = head.revision + 1 + i;
    const metadataJson = storedMetadataJson(event, recordedAt);
    const hash = computeEventHashFromJson({
      streamName, revision, type: event.type, schemaVersion: event.schemaVersion, dataJson: event.dataJson, metadataJson, previousHash,
    });
    cols.types.push(event.type);
    cols.versions.push(event.schemaVersion);
    cols.data.push(event.dataJson);
    cols.metadata.push(metadataJson);
    cols.hashes.push(hash);
    cols.macs.push(chainKey ? eventMac(chainKey, streamName, revision, hash) : null);
    previousHash = hash;
  });
  const last = head.revision + ctx.events.length;
  cols.headMac = chainKey ? headMac(chainKey, streamName, last, previousHash) : null;
  return cols;
}

function expectedText(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? String(expected) : expected;
}

export interface OutcomeRow {
  outcome: 'appended' | 'stored' | 'wrong_expected_revision' | 'stale_head';
  revision: string;
  last_hash: string | null;
  positions: string[] | null;
  existing: StoredRow[] | null;
}

function maxPosition(positions: readonly string[]): bigint {
  let max = BigInt(defined(positions[0], 'a position'));
  for (const p of positions) if (BigInt(p) > max) max = BigInt(p);
  return max;
}

/** Parameters of one `append_events` call. */
export const APPEND_EVENTS_PARAMETERS = 15;

/**
 * The text of one `append_events` call with its parameters numbered from `$first`. `reserved`: how the last one becomes
 * the positions reserved beforehand (default: it is those positions, or null).
 */
export function appendEventsCall(schema: string, first: number, reserved: (parameter: string) => string = (p) => `${p}::bigint[]`): string {
  const $ = (i: number) => `$${first + i}`;
  return `${table(schema, 'append_events')}(${$(0)}, ${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}::uuid[], ${$(6)}::text[], ${$(7)}::integer[], ${$(8)}::jsonb,
                  ${$(9)}::jsonb, ${$(10)}::text[], ${$(11)}::text[], ${$(12)}, ${$(13)}::timestamptz, ${reserved($(14))})`;
}

export const OUTCOME_COLUMNS = 'outcome, revision::text AS revision, last_hash, positions::text[] AS positions, existing';

/** The parameters of one `append_events` call (see `appendEventsCall`). */
export function appendEventsValues(ctx: AppendContext, head: StreamHead, reserved?: readonly (string | number)[]): unknown[] {
  const cols = head === UNKNOWN_HEAD ? PROBE : chainOnto(ctx, head);
  return [
    ctx.streamName, ctx.category, expectedText(ctx.expectedRevision), head.revision, head.hash, ctx.events.map((e) => e.eventId),
    // the canonical documents joined into one JSON array each (no array literal to escape)
    cols.types, cols.versions, `[${cols.data.join(',')}]`, `[${cols.metadata.join(',')}]`, cols.hashes, cols.macs, cols.headMac, cols.recordedAt, reserved ?? null,
  ];
}

/** What the row one `append_events` call answered means for this append. */
export function outcomeOf(ctx: AppendContext, row: OutcomeRow): AppendOutcome {
  const current: StreamHead = { revision: Number(row.revision), hash: row.last_hash };
  switch (row.outcome) {
    case 'appended':
      return { kind: 'appended', head: current, result: { nextExpectedRevision: current.revision, position: maxPosition(defined(row.positions ?? undefined, 'positions')) } };
    case 'stored':
      return { kind: 'replayed', result: judgeStoredRows(ctx, defined(row.existing ?? undefined, 'stored rows')) };
    case 'wrong_expected_revision':
      return { kind: 'wrong-expected-revision', head: current };
    case 'stale_head':
      return { kind: 'stale-head', head: current, reserved: defined(row.positions ?? undefined, 'reserved positions') };
  }
}

/**
 * One call of `<schema>.append_events` (schema.ts, migrations 3, 4, 6, 7): the whole append in one statement, so in one round
 * trip when `head` is the stream's head. With an unknown head only the ids travel (the call is a probe: it answers
 * with the head, or a replay, or a wrong revision). `reserved`: the positions an earlier call in the same
 * transaction took (see `stale-head`).
 */
export async function callAppendEvents(client: Queryable, ctx: AppendContext, head: StreamHead, reserved?: string[]): Promise<AppendOutcome> {
  const { rows } = await client.query<OutcomeRow>({
    name: `tio-event-store-append:${ctx.schema}`,
    text: `SELECT ${OUTCOME_COLUMNS} FROM ${appendEventsCall(ctx.schema, 1)}`,
    values: appendEventsValues(ctx, head, reserved),
  });
  return outcomeOf(ctx, defined(rows[0], 'append_events outcome'));
}

/** Most calls one append makes inside a transaction that holds the stream lock before giving up (it never should). */
const LOCKED_ATTEMPTS = 5;

/**
 * The append inside the caller's open transaction (BEGIN issued; the caller commits or rolls back). A stale head is
 * recomputed and the call repeated with the positions the first call reserved; from the first call on the stream row
 * is locked, so the second call normally writes.
 */
export async function appendInTransaction(client: PoolClient, ctx: AppendContext, head: StreamHead): Promise<Exclude<AppendOutcome, { kind: 'stale-head' }>> {
  let assumed = head;
  let reserved: string[] | undefined;
  for (let attempt = 0; attempt < LOCKED_ATTEMPTS; attempt++) {
    const outcome = await callAppendEvents(client, ctx, assumed, reserved);
    if (outcome.kind !== 'stale-head') return outcome;
    assumed = outcome.head;
    reserved = outcome.reserved;
  }
  throw new Error(`append to ${ctx.streamName}: the stream head kept moving inside a locked transaction`);
}
