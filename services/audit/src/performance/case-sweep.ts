import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@tio/event-store';
import type { SourcedEvent, StoreReader } from '../stores/store-reader';

export interface CaseEvents {
  caseId: string;
  /** The case's events from every store, in the history order: recordedAt, store name, global position. */
  events: SourcedEvent[];
}

interface Row {
  case_id: string;
  global_position: string;
  stream_name: string;
  revision: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

/**
 * Every case in every store, one case at a time: per store one server-side cursor (REPEATABLE READ READ ONLY, a
 * consistent snapshot) ordered by case id, merged across stores by case id. Only the events the measures read are
 * fetched: the EHC case events (`ehc.*`) and agency events that name an advice request (who gave the advice).
 */
export async function* sweepCases(readers: StoreReader[], schema = 'event_store', batchSize = 2000): AsyncGenerator<CaseEvents> {
  const iterators = readers.map((r) => casesOfStore(r, schema, batchSize)[Symbol.asyncIterator]());
  try {
    const heads = await Promise.all(iterators.map((it) => it.next()));
    for (;;) {
      let min: string | undefined;
      for (const h of heads) if (!h.done && (min === undefined || h.value.caseId < min)) min = h.value.caseId;
      if (min === undefined) return;
      const events: SourcedEvent[] = [];
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i] as IteratorResult<CaseEvents>;
        if (!h.done && h.value.caseId === min) {
          events.push(...h.value.events);
          heads[i] = await (iterators[i] as AsyncIterator<CaseEvents>).next();
        }
      }
      events.sort(historyOrder);
      yield { caseId: min, events };
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.(undefined)));
  }
}

/** The audit's history order (see history/merge.ts): recordedAt as the canonical string, store, global position. */
export function historyOrder(a: SourcedEvent, b: SourcedEvent): number {
  const ra = a.metadata.recordedAt;
  const rb = b.metadata.recordedAt;
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0;
}

async function* casesOfStore(reader: StoreReader, schema: string, batchSize: number): AsyncGenerator<CaseEvents> {
  if (!(await reader.exists())) return;
  const table = `"${schema.replace(/"/g, '""')}"."events"`;
  const sql = `SELECT metadata->>'caseId' AS case_id, global_position, stream_name, revision, type, schema_version, data, metadata
    FROM ${table}
    WHERE metadata ? 'caseId' AND (type LIKE 'ehc.%' OR data ? 'adviceRequestId')
    ORDER BY metadata->>'caseId' COLLATE "C", global_position`;
  const client: PoolClient = await reader.pool.connect();
  let open = false;
  let current: CaseEvents | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    await client.query(`DECLARE performance_cursor NO SCROLL CURSOR FOR ${sql}`);
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${batchSize} FROM performance_cursor`);
      if (rows.length === 0) break;
      for (const r of rows) {
        if (current && current.caseId !== r.case_id) {
          yield current;
          current = undefined;
        }
        current ??= { caseId: r.case_id, events: [] };
        current.events.push({
          source: reader.name, streamName: r.stream_name, revision: Number(r.revision), globalPosition: BigInt(r.global_position), type: r.type,
          data: r.data, schemaVersion: r.schema_version, metadata: r.metadata, hash: '', previousHash: null,
        });
      }
    }
    if (current) yield current;
    await client.query('COMMIT');
    open = false;
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
