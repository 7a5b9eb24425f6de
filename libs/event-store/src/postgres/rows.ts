import type { RecordedEvent } from '../port';

/** Columns every read selects, in the shape `toRecordedEvent` expects. */
export const EVENT_COLUMNS =
  'global_position, stream_name, revision, type, schema_version, data, metadata, hash, previous_hash';

export interface EventRow {
  global_position: string;
  stream_name: string;
  revision: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  hash: string;
  previous_hash: string | null;
}

/** The stored form of an event (before upcasting). */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamName: row.stream_name,
    revision: Number(row.revision),
    globalPosition: BigInt(row.global_position),
    type: row.type,
    data: row.data,
    schemaVersion: row.schema_version,
    metadata: row.metadata,
    hash: row.hash,
    previousHash: row.previous_hash,
  };
}
