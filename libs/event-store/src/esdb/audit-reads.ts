import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError, type AllStreamResolvedEvent, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import {
  compareRecordedOrder, EVENT_ID_PATTERN, passesSweepFilter,
  type AuditReads, type CaseEventGroup, type CaseEventsOptions, type CaseSweepFilter, type PositionRange,
} from '../audit-reads';
import type { RecordedEvent } from '../port';
import type { AuthenticatedEvent, StoredStreamHead } from '../verification';
import { CHECKPOINT_CATEGORY } from './checkpoints';
import { fromEsdb, tioFieldsOf } from './mapping';

const DEFAULT_BATCH = 2000;

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The audit reads on EventStoreDB. The v6 client reads `$all` without server-side filters, and EventStoreDB has no
 * index by a metadata field, so everything about a case (its events, its streams, an event by id) is one pass over
 * `$all` filtered here: correct, but linear in the size of the log (PostgreSQL's optional case index has no
 * equivalent in this adapter; a by-case projection would be one). Stream heads are the server's own: a stream's
 * last event, whose append wrote the head MAC into its metadata (EventStoreDB has no API that removes a stream's
 * latest events, so the last event is the head).
 */
export class EventStoreDbAuditReads implements AuditReads {
  constructor(private readonly client: EventStoreDBClient) {}

  async exists(): Promise<boolean> {
    return true;
  }

  /** Every store event in `$all` (no system or checkpoint streams, nothing this store did not write), in global order. */
  private async *all(after?: bigint): AsyncGenerator<RecordedEvent> {
    const fromPosition = after !== undefined ? { commit: after, prepare: after } : START;
    for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
      const streamId = resolved.event?.streamId;
      if (!streamId || streamId.startsWith('$') || streamId.startsWith(`${CHECKPOINT_CATEGORY}-`)) continue;
      const event = fromEsdb(resolved);
      if (event && (after === undefined || event.globalPosition > after)) yield event;
    }
  }

  private async caseOnly(caseId: string, at?: string): Promise<RecordedEvent[]> {
    const until = at !== undefined ? Date.parse(at) : undefined;
    const out: RecordedEvent[] = [];
    for await (const event of this.all()) {
      if (event.metadata.caseId !== caseId) continue;
      if (until !== undefined && Date.parse(event.metadata.recordedAt) > until) continue;
      out.push(event);
    }
    return out;
  }

  async *caseEvents(caseId: string, options: CaseEventsOptions = {}): AsyncGenerator<RecordedEvent[]> {
    const events = (await this.caseOnly(caseId, options.at)).sort(compareRecordedOrder);
    const size = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
    for (let i = 0; i < events.length; i += size) yield events.slice(i, i + size);
  }

  async countCaseEvents(caseId: string, at?: string): Promise<number> {
    return (await this.caseOnly(caseId, at)).length;
  }

  async findEvent(eventId: string): Promise<RecordedEvent | undefined> {
    if (!EVENT_ID_PATTERN.test(eventId)) return undefined;
    const wanted = eventId.toLowerCase();
    for await (const event of this.all()) if (event.metadata.eventId.toLowerCase() === wanted) return event;
    return undefined;
  }

  async caseStreams(caseId: string): Promise<string[]> {
    return [...new Set((await this.caseOnly(caseId)).map((e) => e.streamName))].sort(codePointOrder);
  }

  async streamCaseIds(streamNames: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const stream of streamNames) {
      const [first] = await this.readStored(stream, { fromRevision: 0n, maxCount: 1 });
      const caseId = first ? fromEsdb(first)?.metadata.caseId : undefined;
      if (first && first.event?.revision === 0n && caseId) out.set(stream, caseId);
    }
    return out;
  }

  async streamHeads(streamNames?: string[]): Promise<Map<string, StoredStreamHead>> {
    const names = streamNames ?? (await this.allStreams());
    const out = new Map<string, StoredStreamHead>();
    for (const stream of names) {
      const [last] = await this.readStored(stream, { backwards: true, maxCount: 1 });
      const head = last ? headOf(last) : undefined;
      if (head) out.set(stream, head);
    }
    return out;
  }

  async *authenticatedStreams(streamNames?: string[], batchSize = DEFAULT_BATCH): AsyncGenerator<AuthenticatedEvent[]> {
    const names = [...new Set(streamNames ?? (await this.allStreams()))].sort(codePointOrder);
    const size = Math.max(1, Math.floor(batchSize));
    let batch: AuthenticatedEvent[] = [];
    for (const stream of names) {
      for (const resolved of await this.readStored(stream, {})) {
        batch.push(authenticated(stream, resolved));
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  async *sweepCases(filter: CaseSweepFilter): AsyncGenerator<CaseEventGroup> {
    const cases = new Map<string, RecordedEvent[]>();
    for await (const event of this.all()) {
      const caseId = event.metadata.caseId;
      if (typeof caseId !== 'string' || !passesSweepFilter(event, filter)) continue;
      let list = cases.get(caseId);
      if (!list) cases.set(caseId, (list = []));
      list.push(event);
    }
    for (const caseId of [...cases.keys()].sort(codePointOrder)) yield { caseId, events: cases.get(caseId) as RecordedEvent[] };
  }

  async *readRange(range: PositionRange): AsyncGenerator<RecordedEvent[]> {
    const size = Math.max(1, Math.floor(range.batchSize ?? DEFAULT_BATCH));
    let batch: RecordedEvent[] = [];
    for await (const event of this.all(range.after)) {
      if (range.through !== undefined && event.globalPosition > range.through) break;
      if (range.category !== undefined && !event.streamName.startsWith(`${range.category}-`)) continue;
      batch.push(event);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** The names of every stream this store wrote to, from one pass over `$all`. */
  private async allStreams(): Promise<string[]> {
    const names = new Set<string>();
    for await (const event of this.all()) names.add(event.streamName);
    return [...names].sort(codePointOrder);
  }

  private async readStored(stream: string, options: { fromRevision?: bigint; maxCount?: number; backwards?: boolean }): Promise<ResolvedEvent[]> {
    const out: ResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        direction: options.backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (options.backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) out.push(resolved);
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw err;
    }
    return out;
  }
}

/**
 * A stream event with the MAC its append wrote. An event without this store's metadata inside a store stream (written
 * around the store) keeps its revision and id but no hash, so verification breaks there.
 */
export function authenticated(streamName: string, resolved: ResolvedEvent | AllStreamResolvedEvent): AuthenticatedEvent {
  const event = fromEsdb(resolved);
  if (event) return { ...event, mac: tioFieldsOf(resolved)?.mac ?? null };
  const raw = resolved.event;
  return {
    streamName, revision: Number(raw?.revision ?? -1), globalPosition: raw?.position?.commit ?? 0n, type: raw?.type ?? '', data: null, schemaVersion: 0,
    metadata: { eventId: raw?.id } as RecordedEvent['metadata'], hash: '', previousHash: null, mac: null,
  };
}

/** The head a stream's last event makes: its revision and hash, and the head MAC its append wrote. */
export function headOf(last: ResolvedEvent | AllStreamResolvedEvent): StoredStreamHead | undefined {
  if (!last.event) return undefined;
  const tio = tioFieldsOf(last);
  return { revision: Number(last.event.revision), lastHash: tio?.hash ?? null, mac: tio?.headMac ?? null };
}
