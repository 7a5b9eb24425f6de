import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { eventMac, headMac } from '../authentication';
import { computeEventHash } from '../hashing';
import type { EventMetadata, RecordedEvent } from '../port';

/** Key under which the store keeps its own fields in an EventStoreDB event's metadata. */
export const TIO_KEY = 'tio';

/** What the store writes into EventStoreDB metadata besides the EventMetadata itself. */
export interface StoredTioFields {
  schemaVersion: number;
  hash: string;
  previousHash: string | null;
  /** With the chain key: the MAC of (stream, revision, hash), as PostgreSQL keeps in its `mac` column. */
  mac?: string;
  /** With the chain key, on the last event of each append: the MAC of the stream head it makes (see audit-reads.ts). */
  headMac?: string;
}

/** EventStoreDB metadata = EventMetadata (+recordedAt) + `$correlationId`/`$causationId` for ESDB projections + `tio`. */
export function toEsdbMetadata(metadata: RecordedEvent['metadata'], tio: StoredTioFields): Record<string, unknown> {
  return {
    ...metadata,
    $correlationId: metadata.correlationId,
    ...(metadata.causationId ? { $causationId: metadata.causationId } : {}),
    [TIO_KEY]: tio,
  };
}

/** The store's own fields of a resolved event, or undefined when this store did not write it. */
export function tioFieldsOf(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredTioFields | undefined {
  const event = resolved.event;
  if (!event || !event.isJson) return undefined;
  return ((event.metadata ?? {}) as Record<string, unknown>)[TIO_KEY] as StoredTioFields | undefined;
}

/** Maps a resolved EventStoreDB event back to the port's RecordedEvent (stored form, before upcasting). */
export function fromEsdb(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson) return undefined;
  const raw = (event.metadata ?? {}) as Record<string, unknown>;
  const tio = raw[TIO_KEY] as StoredTioFields | undefined;
  if (!tio) return undefined; // not written by this store
  const { $correlationId: _c, $causationId: _k, [TIO_KEY]: _t, ...metadata } = raw;
  const position = event.position?.commit ?? resolved.commitPosition;
  if (position === undefined) throw new Error('EventStoreDB did not return an event position (server 22.6 or later is required)');
  return {
    streamName: event.streamId,
    revision: Number(event.revision),
    globalPosition: position,
    type: event.type,
    data: event.data,
    schemaVersion: tio.schemaVersion,
    metadata: metadata as unknown as RecordedEvent['metadata'],
    hash: tio.hash,
    previousHash: tio.previousHash,
  };
}

/** An event ready to be chained (prepareEvents' output). */
export interface ChainInput {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

/** What goes to EventStoreDB for one event (`jsonEvent`'s input). */
export interface EsdbEventData {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Hash-chains a batch onto the stream's head (revision -1 and hash null for a new stream), exactly as on PostgreSQL,
 * and with the chain key MACs each event and, on the batch's last event, the head it makes.
 */
export function chainForEsdb(streamName: string, events: readonly ChainInput[], head: { revision: number; hash: string | null }, recordedAt: string, key?: Buffer): EsdbEventData[] {
  let previousHash = head.hash;
  return events.map((event, i) => {
    const revision = head.revision + 1 + i;
    const metadata = { ...event.metadata, recordedAt };
    const hash = computeEventHash({ streamName, revision, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata, previousHash });
    const tio: StoredTioFields = { schemaVersion: event.schemaVersion, hash, previousHash };
    if (key) tio.mac = eventMac(key, streamName, revision, hash);
    if (key && i === events.length - 1) tio.headMac = headMac(key, streamName, revision, hash);
    previousHash = hash;
    return { id: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: toEsdbMetadata(metadata, tio) };
  });
}
