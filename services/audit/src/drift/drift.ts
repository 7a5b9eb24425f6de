import { Pool } from 'pg';
import { survivePostgresRestarts } from '@tio/event-store';
import type { SourcedEvent } from '../stores/store-reader';

/**
 * What the drift check needs from the timeline read model: one row per case event. Today this is the timeline
 * service's `timeline.timeline_entries` table (services/timeline/src/read-model/entities.ts, migration
 * 1760000000000-read-model): `source_event_id` (= the stored event's `metadata.eventId`, carried as the CloudEvents
 * id), `case_id`, `seq` (its place in the case's order: occurred_at, recorded_at, source_event_id COLLATE "C"),
 * `occurred_at`, `recorded_at`, `source_event_type`. The audit reads it through its own read-only connection and
 * never imports the timeline's code (services never import each other).
 */
export interface TimelineRow {
  eventId: string;
  seq: number;
  occurredAt: string;
  recordedAt: string;
  type: string;
}

export interface TimelineSource {
  entries(caseId: string): Promise<TimelineRow[]>;
  close(): Promise<void>;
}

export class PostgresTimelineSource implements TimelineSource {
  private readonly pool: Pool;
  constructor(url: string, private readonly schema = 'timeline') {
    this.pool = new Pool({ connectionString: url, max: 2, application_name: 'tio-audit-drift', options: '-c default_transaction_read_only=on' });
    survivePostgresRestarts(this.pool);
  }

  async entries(caseId: string): Promise<TimelineRow[]> {
    const { rows } = await this.pool.query<{ source_event_id: string; seq: number; occurred_at: Date; recorded_at: Date; source_event_type: string }>(
      `SELECT source_event_id, seq, occurred_at, recorded_at, source_event_type FROM "${this.schema}".timeline_entries WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    );
    return rows.map((r) => ({ eventId: r.source_event_id, seq: r.seq, occurredAt: r.occurred_at.toISOString(), recordedAt: r.recorded_at.toISOString(), type: r.source_event_type }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface DriftReport {
  caseId: string;
  checkedAt: string;
  inSync: boolean;
  storeEvents: number;
  timelineEntries: number;
  /** Recorded in an event store, absent from the timeline. `recent`: recorded in the last 60 s (may still be on its way). */
  missing: Array<{ eventId: string; type: string; source: string; recordedAt: string; recent: boolean }>;
  /** In the timeline, but no event store has that event for the case. */
  extra: Array<{ eventId: string; seq: number; type: string }>;
  /** Entries the timeline shows out of the order the events dictate (the fewest entries that must move). */
  reordered: Array<{ eventId: string; timelineSeq: number; expectedIndex: number }>;
  /** Same event, different facts. */
  mismatched: Array<{ eventId: string; field: 'occurredAt' | 'recordedAt'; store: string; timeline: string }>;
}

/**
 * The timeline's own order rule, applied to the stored events: occurredAt, recordedAt (the store's, which the
 * forwarder carries to the timeline), event id in byte order (the timeline's COLLATE "C", i.e. UTF-8 bytes).
 */
function timelineOrder(a: SourcedEvent, b: SourcedEvent): number {
  const o = Date.parse(a.metadata.occurredAt) - Date.parse(b.metadata.occurredAt);
  if (o) return o;
  const r = Date.parse(a.metadata.recordedAt) - Date.parse(b.metadata.recordedAt);
  if (r) return r;
  return Buffer.compare(Buffer.from(a.metadata.eventId), Buffer.from(b.metadata.eventId));
}

/** Indexes (into `values`) of a longest strictly increasing subsequence. */
function longestIncreasing(values: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((values[tails[mid] as number] as number) < (values[i] as number)) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  let k = tails.length ? (tails[tails.length - 1] as number) : -1;
  while (k >= 0) {
    keep.add(k);
    k = prev[k] as number;
  }
  return keep;
}

/** Compares the replayed history (every store) with the timeline's entries for one case. */
export function compareWithTimeline(caseId: string, events: SourcedEvent[], rows: TimelineRow[], now = Date.now()): DriftReport {
  const byId = new Map(events.map((e) => [e.metadata.eventId, e]));
  const rowIds = new Set(rows.map((r) => r.eventId));
  const missing = events
    .filter((e) => !rowIds.has(e.metadata.eventId))
    .map((e) => ({ eventId: e.metadata.eventId, type: e.type, source: e.source, recordedAt: e.metadata.recordedAt, recent: now - Date.parse(e.metadata.recordedAt) < 60_000 }));
  const extra = rows.filter((r) => !byId.has(r.eventId)).map((r) => ({ eventId: r.eventId, seq: r.seq, type: r.type }));
  const mismatched: DriftReport['mismatched'] = [];
  const common = rows.filter((r) => byId.has(r.eventId));
  for (const r of common) {
    const e = byId.get(r.eventId) as SourcedEvent;
    if (Date.parse(e.metadata.occurredAt) !== Date.parse(r.occurredAt)) mismatched.push({ eventId: r.eventId, field: 'occurredAt', store: e.metadata.occurredAt, timeline: r.occurredAt });
    if (Date.parse(e.metadata.recordedAt) !== Date.parse(r.recordedAt)) mismatched.push({ eventId: r.eventId, field: 'recordedAt', store: e.metadata.recordedAt, timeline: r.recordedAt });
  }
  const expected = events.filter((e) => rowIds.has(e.metadata.eventId)).sort(timelineOrder);
  const expectedIndex = new Map(expected.map((e, i) => [e.metadata.eventId, i]));
  const shown = common.map((r) => expectedIndex.get(r.eventId) as number);
  const inPlace = longestIncreasing(shown);
  const reordered = common.flatMap((r, i) => (inPlace.has(i) ? [] : [{ eventId: r.eventId, timelineSeq: r.seq, expectedIndex: shown[i] as number }]));
  return {
    caseId, checkedAt: new Date(now).toISOString(), inSync: !missing.length && !extra.length && !reordered.length && !mismatched.length,
    storeEvents: events.length, timelineEntries: rows.length, missing, extra, reordered, mismatched,
  };
}
