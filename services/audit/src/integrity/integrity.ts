import { verifyChain, type RecordedEvent } from '@tio/event-store';
import type { StoreReader } from '../stores/store-reader';

export type BreakReason = 'content-hash-mismatch' | 'chain-broken' | 'revision-gap' | 'stream-head-mismatch' | 'events-missing';

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
  'revision-gap': 'a revision is missing before this event: an event was deleted',
  'stream-head-mismatch': "the stream's recorded head (last revision and hash) does not match its last event: events were removed from the end or the head was edited",
  'events-missing': 'the stream is registered but none of its events are stored',
};

function breakOf(store: string, stream: string, revision: number, eventId: string | undefined, reason: BreakReason): StreamBreak {
  return { store, stream, revision, ...(eventId ? { eventId } : {}), reason, explanation: EXPLAIN[reason] };
}

/**
 * Verifies the hash chain of every stream in a store (or only the given streams) with the event store's own
 * `verifyChain`, over the stored (not upcast) events, plus the stream head the store keeps: that catches a tail
 * that was cut off, which a chain alone cannot. Streams are read in one ordered pass through a cursor.
 */
export async function verifyStore(reader: StoreReader, streamNames?: string[]): Promise<{ summary: StoreIntegrity; breaks: StreamBreak[] }> {
  const heads = await reader.streamHeads(streamNames);
  const breaks: StreamBreak[] = [];
  const seen = new Set<string>();
  let events = 0;
  const check = (stream: string, group: RecordedEvent[]) => {
    seen.add(stream);
    events += group.length;
    const result = verifyChain(stream, group);
    if (!result.valid && result.firstBreak) {
      breaks.push(breakOf(reader.name, stream, result.firstBreak.revision, result.firstBreak.eventId, result.firstBreak.reason));
      return;
    }
    // The heads were read just before the events (an earlier snapshot), so a concurrent append may have moved the
    // stream on since: the head must match the event at the head's revision, and no event may be missing after it.
    const last = group[group.length - 1];
    const head = heads.get(stream);
    const atHead = head ? group[head.revision] : undefined;
    if (last && (!head || !atHead || atHead.hash !== head.lastHash)) {
      breaks.push(breakOf(reader.name, stream, head?.revision ?? last.revision, (atHead ?? last).metadata?.eventId, 'stream-head-mismatch'));
    }
  };
  let current: string | undefined;
  let group: RecordedEvent[] = [];
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
  breaks.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  const streamsChecked = new Set([...seen, ...heads.keys()]).size;
  return { summary: { store: reader.name, streamsChecked, eventsChecked: events, valid: breaks.length === 0 }, breaks };
}

export async function verifyStores(readers: StoreReader[], caseId?: string): Promise<IntegrityReport> {
  const stores: StoreIntegrity[] = [];
  const breaks: StreamBreak[] = [];
  for (const reader of readers) {
    const streams = caseId === undefined ? undefined : await reader.caseStreams(caseId);
    const result = await verifyStore(reader, streams);
    stores.push(result.summary);
    breaks.push(...result.breaks);
  }
  return { checkedAt: new Date().toISOString(), valid: breaks.length === 0, ...(caseId !== undefined ? { caseId } : {}), stores, breaks };
}
