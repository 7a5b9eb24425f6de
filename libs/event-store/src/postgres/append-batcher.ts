import type { Pool } from 'pg';
import {
  APPEND_EVENTS_PARAMETERS, appendEventsCall, appendEventsValues, callAppendEvents, OUTCOME_COLUMNS, outcomeOf,
  type AppendContext, type AppendOutcome, type OutcomeRow,
} from './append';
import type { StreamHead } from './head-cache';
import { table } from './schema';
import { TurnBatches } from './turn-batches';

/** The most appends one statement carries (15 parameters each). */
export const APPEND_BATCH_LIMIT = 32;

interface PendingAppend {
  ctx: AppendContext;
  head: StreamHead;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/**
 * Appends to different streams asked for in the same turn of the event loop go to PostgreSQL as one statement: one
 * `append_events` call per append, in one transaction, so one round trip, one wake-up of the server and one commit
 * (one WAL flush) for all of them. Each call answers for its own append exactly as it would alone (appended, a
 * replay, a wrong expected revision, a stale head); a call that writes nothing leaves the others' writes alone. An
 * append made alone (the usual case when the service is not busy) is the same single call as before.
 *
 * If the statement fails as a whole (one call raised: a unique event id another writer stored meanwhile, a lost
 * connection, a deadlock), nothing of it was written and each append is made again on its own, so each caller gets
 * the answer or error of its own append. The calls run in stream-name order, so two batches lock stream rows in the
 * same order. Global order holds: the batch reserves all its positions at once (`batchStatement`).
 */
export class AppendBatcher {
  private readonly turn = new TurnBatches<PendingAppend>(APPEND_BATCH_LIMIT, (a) => a.ctx.streamName, (batch) => void this.send(batch));

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  call(ctx: AppendContext, head: StreamHead): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => this.turn.add({ ctx, head, resolve, reject }));
  }

  private async send(batch: PendingAppend[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0] as PendingAppend);
    batch.sort((x, y) => (x.ctx.streamName < y.ctx.streamName ? -1 : x.ctx.streamName > y.ctx.streamName ? 1 : 0));
    let rows: (OutcomeRow & { call: number })[];
    try {
      rows = (await this.pool.query<OutcomeRow & { call: number }>(batchStatement(this.schema, batch))).rows;
    } catch {
      // nothing of the statement was written: each append on its own, with its own answer or error
      await Promise.all(batch.map((a) => this.alone(a)));
      return;
    }
    batch.forEach((a, i) => {
      try {
        const row = rows.find((r) => r.call === i);
        if (!row) throw new Error(`append_events gave no outcome for ${a.ctx.streamName}`);
        a.resolve(outcomeOf(a.ctx, row));
      } catch (err) {
        a.reject(err);
      }
    });
  }

  private async alone(a: PendingAppend): Promise<void> {
    try {
      a.resolve(await callAppendEvents(this.pool, a.ctx, a.head));
    } catch (err) {
      a.reject(err);
    }
  }
}

/**
 * One statement for the batch: every position it may need is reserved first, in one `reserve_positions` call (the
 * transaction id and all the positions together under the reservation lock), and each call is handed its slice. So
 * the batch's transaction holds no position above one another appender took later, and readers' `transaction_id <
 * pg_snapshot_xmin` horizon keeps its promise: calls that each reserved their own would hand later calls positions
 * above an appender that took its own in between and may commit after this batch, and a reader could pass them.
 * Positions of a call that writes nothing stay unused, as a failed append's always did.
 */
function batchStatement(schema: string, batch: PendingAppend[]): { name: string; text: string; values: unknown[] } {
  const values: unknown[] = [batch.reduce((n, a) => n + a.ctx.events.length, 0)];
  const calls: string[] = [];
  let reservedUpTo = 0;
  batch.forEach((a, i) => {
    const first = 2 + APPEND_EVENTS_PARAMETERS * i;
    // the call's last parameter: where its positions start and end in the reservation
    values.push(...appendEventsValues(a.ctx, a.head, [reservedUpTo + 1, (reservedUpTo += a.ctx.events.length)]));
    const slice = (bounds: string) => `r.positions[(${bounds}::integer[])[1]:(${bounds}::integer[])[2]]`;
    calls.push(`SELECT ${i} AS call, ${OUTCOME_COLUMNS} FROM ${appendEventsCall(schema, first, slice)}`);
  });
  return {
    name: `tio-event-store-append-batch:${schema}:${batch.length}`,
    text: `WITH r AS MATERIALIZED (SELECT positions FROM ${table(schema, 'reserve_positions')}($1::integer))
           SELECT b.* FROM r CROSS JOIN LATERAL (${calls.join('\n             UNION ALL ')}) AS b`,
    values,
  };
}
