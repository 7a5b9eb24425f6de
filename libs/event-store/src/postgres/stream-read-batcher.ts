import type { Pool } from 'pg';
import type { RecordedEvent } from '../port';
import { readStreamRows } from './read';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows';
import { table } from './schema';
import { TurnBatches } from './turn-batches';

/** The most streams one statement reads. */
export const STREAM_READ_BATCH_LIMIT = 100;

interface PendingRead {
  streamName: string;
  fromRevision: number | undefined;
  resolve(events: RecordedEvent[]): void;
  reject(err: unknown): void;
}

const QUALIFIED_COLUMNS = EVENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ');

/**
 * Forward stream reads (a whole stream, or from a revision on) asked for in the same turn of the event loop go to
 * PostgreSQL as one statement. Under load a service handles many requests per turn, and each command reads its case
 * before deciding (the access check's read, usually only the events after this process's cached state): one
 * statement for all of them costs one round trip, one wake-up of the server and one plan instead of one each.
 * A read made alone (the usual case when the service is not busy) is the same single-stream statement as before.
 *
 * The read is still made after it was asked for (the statement is sent at the end of the turn, never joined once under
 * way), so a caller sees everything committed before it asked, as with its own statement. One statement is one
 * snapshot: the streams of a batch are read at the same instant. Two reads of the same stream in one turn go in
 * separate statements, so every event object is handed to one caller only (callers decrypt and fold them).
 */
export class StreamReadBatcher {
  private readonly turn = new TurnBatches<PendingRead>(STREAM_READ_BATCH_LIMIT, (r) => r.streamName, (batch) => void this.send(batch));

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  read(streamName: string, fromRevision: number | undefined): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => this.turn.add({ streamName, fromRevision, resolve, reject }));
  }

  private async send(batch: PendingRead[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const [only] = batch as [PendingRead];
        only.resolve(await readStreamRows(this.pool, this.schema, only.streamName, only.fromRevision === undefined ? {} : { fromRevision: only.fromRevision }));
        return;
      }
      // named (prepared): one plan fits every batch, a nested loop over the (stream_name, revision) index
      const { rows } = await this.pool.query<EventRow>({
        name: `tio-event-store-read-streams:${this.schema}`,
        text: `SELECT ${QUALIFIED_COLUMNS}
                 FROM unnest($1::text[], $2::bigint[]) AS q(stream_name, from_revision)
                 JOIN ${table(this.schema, 'events')} e ON e.stream_name = q.stream_name AND e.revision >= q.from_revision
                ORDER BY e.stream_name, e.revision`,
        values: [batch.map((r) => r.streamName), batch.map((r) => r.fromRevision ?? 0)],
      });
      const byStream = new Map<string, RecordedEvent[]>(batch.map((r) => [r.streamName, []]));
      for (const row of rows) byStream.get(row.stream_name)?.push(toRecordedEvent(row));
      for (const r of batch) r.resolve(byStream.get(r.streamName) as RecordedEvent[]);
    } catch (err) {
      for (const r of batch) r.reject(err);
    }
  }
}
