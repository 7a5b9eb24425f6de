import { verifyStreamHistory, type AuthenticatedEvent, type StreamBreakReason, type StreamCheckpoint } from '@tio/event-store';
import type { CheckpointStore } from './checkpoints';
import type { StoreReader } from '../stores/store-reader';

export type BreakReason = StreamBreakReason | 'events-missing';

/** The first point at which a stream's stored history stops proving itself. */
export interface StreamBreak {
  store: string;
  stream: string;
  revision: number;
  eventId?: string;
  reason: BreakReason;
  /** Plain words for the report. */
  explanation: string;
}

export interface StoreIntegrity {
  store: string;
  streamsChecked: number;
  eventsChecked: number;
  valid: boolean;
}

export interface IntegrityReport {
  checkedAt: string;
  valid: boolean;
  caseId?: string;
  stores: StoreIntegrity[];
  /** One entry per broken stream: its FIRST break. */
  breaks: StreamBreak[];
}

const EXPLAIN: Record<BreakReason, string> = {
  'content-hash-mismatch': 'the stored content no longer matches its hash: the event was altered after it was recorded',
  'chain-broken': "the event's previous-hash does not match the event before it: history was rewritten or an event replaced",
  'revision-gap': 'this revision is missing: the event recorded at it was deleted',
  'not-authenticated':
    'the MAC written with this event does not vouch for it: the event at this revision was changed, replaced or renumbered (e.g. an earlier one deleted) by someone without the chain key, even if the hashes were recomputed',
  'stream-head-mismatch': "the stream's recorded head does not match its last stored event: events from this revision on were removed or the head was edited",
  'stream-head-not-authenticated': "the stream's head carries no valid MAC: it was rewound or edited without the chain key, so events from this revision on were removed",
  'checkpoint-missing':
    'the audit kept an authenticated head of this stream at a later revision than the store now holds: the newest events were removed or an older copy restored; this is the first revision the store no longer holds',
  'checkpoint-mismatch':
    'the store no longer matches a head the audit kept: the history was replaced by another one (e.g. an older copy restored and written on); this is the first revision after the last kept head that still matches',
  'events-missing': 'the stream is registered but none of its events are stored',
};

function breakOf(store: string, stream: string, revision: number, eventId: string | undefined, reason: BreakReason): StreamBreak {
  return { store, stream, revision, ...(eventId ? { eventId } : {}), reason, explanation: EXPLAIN[reason] };
}

/** The key the heads and events are MACed with, and the heads the audit kept in its own database. */
export interface IntegrityAnchors {
  key: Buffer;
  checkpoints?: CheckpointStore;
}

/**
 * Verifies every stream of a store (or only the given streams) with the event store's own `verifyStreamHistory`,
 * over the stored (not upcast) events: the hash chain, the MAC of every event and of the stream head under the chain
 * key, and the heads the audit kept earlier (checkpoints). Each stream's break is the earliest revision any of
 * them doubts. Streams are read in one ordered pass through a cursor; heads and checkpoints first, so appends
 * landing meanwhile only make the events newer than them.
 */
export async function verifyStore(reader: StoreReader, streamNames: string[] | undefined, anchors: IntegrityAnchors): Promise<{ summary: StoreIntegrity; breaks: StreamBreak[] }> {
  const heads = await reader.streamHeads(streamNames);
  const kept: Map<string, StreamCheckpoint[]> = anchors.checkpoints ? await anchors.checkpoints.of(reader.name, streamNames) : new Map();
  const breaks: StreamBreak[] = [];
  const seen = new Set<string>();
  let events = 0;
  const check = (stream: string, group: AuthenticatedEvent[]) => {
    seen.add(stream);
    const result = verifyStreamHistory(stream, group, heads.get(stream), { key: anchors.key, checkpoints: kept.get(stream) ?? [] });
    events += group.length;
    if (!result.valid && result.firstBreak) {
      breaks.push(breakOf(reader.name, stream, result.firstBreak.revision, result.firstBreak.eventId, result.firstBreak.reason));
    }
  };
  let current: string | undefined;
  let group: AuthenticatedEvent[] = [];
  for await (const batch of reader.streamsInOrder(streamNames)) {
    for (const e of batch) {
      if (e.streamName !== current) {
        if (current !== undefined) check(current, group);
        current = e.streamName;
        group = [];
      }
      group.push(e);
    }
  }
  if (current !== undefined) check(current, group);
  for (const [stream, head] of heads) {
    if (!seen.has(stream) && head.revision >= 0) breaks.push(breakOf(reader.name, stream, 0, undefined, 'events-missing'));
  }
  // a stream the audit kept a head of and the store no longer knows at all (events and head deleted)
  for (const stream of kept.keys()) if (!seen.has(stream) && !heads.has(stream)) check(stream, []);
  breaks.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  const streamsChecked = new Set([...seen, ...heads.keys()]).size;
  // every head that verified is kept: the next check (and the sweep) compares against it
  if (anchors.checkpoints) await anchors.checkpoints.take(reader, streamNames);
  return { summary: { store: reader.name, streamsChecked, eventsChecked: events, valid: breaks.length === 0 }, breaks };
}

/** The case's streams in the store, and those the audit kept a head of for the case (they may have vanished). */
async function caseStreams(reader: StoreReader, anchors: IntegrityAnchors, caseId: string): Promise<string[]> {
  const stored = await reader.caseStreams(caseId);
  const kept = anchors.checkpoints ? await anchors.checkpoints.caseStreams(reader.name, caseId) : [];
  return [...new Set([...stored, ...kept])].sort();
}

export async function verifyStores(readers: StoreReader[], anchors: IntegrityAnchors, caseId?: string): Promise<IntegrityReport> {
  const stores: StoreIntegrity[] = [];
  const breaks: StreamBreak[] = [];
  for (const reader of readers) {
    const streams = caseId === undefined ? undefined : await caseStreams(reader, anchors, caseId);
    const result = await verifyStore(reader, streams, anchors);
    stores.push(result.summary);
    breaks.push(...result.breaks);
  }
  return { checkedAt: new Date().toISOString(), valid: breaks.length === 0, ...(caseId !== undefined ? { caseId } : {}), stores, breaks };
}
