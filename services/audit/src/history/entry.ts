import type { Actor } from '@tio/event-store';
import type { SourcedEvent } from '../stores/store-reader';

/** One line of a case's audited history: what happened, who did it, when, in which service, and why. */
export interface HistoryEntry {
  /** 1-based place in the merged order. */
  position: number;
  /** The event store (service) it was recorded in, as named in AUDIT_EVENT_STORES. */
  source: string;
  streamName: string;
  revision: number;
  /** Position in that store's global order (a string: it is a 64-bit integer). */
  globalPosition: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  data: unknown;
  hash: string;
  previousHash: string | null;
}

export function toEntry(e: SourcedEvent, position: number): HistoryEntry {
  const m = e.metadata;
  return {
    position,
    source: e.source,
    streamName: e.streamName,
    revision: e.revision,
    globalPosition: e.globalPosition.toString(),
    eventId: m.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    occurredAt: m.occurredAt,
    recordedAt: m.recordedAt,
    actor: m.actor,
    correlationId: m.correlationId,
    ...(m.causationId ? { causationId: m.causationId } : {}),
    data: e.data,
    hash: e.hash,
    previousHash: e.previousHash,
  };
}
