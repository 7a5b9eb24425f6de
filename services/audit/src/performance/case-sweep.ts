import type { PoolClient } from 'pg';
import { POSTGRES_EVENT_COLUMNS, recordedEventFromPostgresRow, type PostgresEventRow } from '@tio/event-store';
import { compareEvents } from '../history/merge';
import type { SourcedEvent, StoreReader } from '../stores/store-reader';

export interface CaseEvents {
  caseId: string;
  /** The case's events from every store, in the history order: recordedAt, store name, global position. */
  events: SourcedEvent[];
}

type Row = PostgresEventRow & { case_id: string };

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
      events.sort(compareEvents);
      yield { caseId: min, events };
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.(undefined)));
  }
}

async function* casesOfStore(reader: StoreReader, schema: string, batchSize: number): AsyncGenerator<CaseEvents> {
  if (!(await reader.exists())) return;
  const table = `"${schema.replace(/"/g, '""')}"."events"`;
  const sql = `SELECT metadata->>'caseId' AS case_id, ${POSTGRES_EVENT_COLUMNS}
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
        current.events.push({ source: reader.name, ...recordedEventFromPostgresRow(r) });
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
