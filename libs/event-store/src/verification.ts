import { eventMac, headMac, macMatches } from './authentication';
import { computeEventHash } from './hashing';
import type { RecordedEvent, StreamBreakReason, StreamVerification } from './port';

/** A stored event with the MAC its append wrote (`null`: written without the key, or the MAC was removed). */
export type AuthenticatedEvent = RecordedEvent & { mac?: string | null };

/** What the store keeps about a stream's end: its last revision, that event's hash and the head's MAC. */
export interface StoredStreamHead {
  revision: number;
  lastHash: string | null;
  mac?: string | null;
}

export interface VerifyOptions {
  /** The chain key (chainKeyFrom): with it every event's MAC and the head's MAC must verify too. */
  key?: Buffer;
}

type FirstBreak = NonNullable<StreamVerification['firstBreak']>;

function brokenAt(revision: number, reason: StreamBreakReason, eventId?: string): FirstBreak {
  return { revision, ...(eventId ? { eventId } : {}), reason };
}

/**
 * Walks a stream's stored events (as written, before upcasting) in revision order and reports the first one
 * that does not prove itself: a missing revision (reported at the revision that is missing, not the one after it),
 * a `previousHash` that is not the previous event's hash, content that no longer produces its stored hash, and,
 * with the key, a MAC that does not vouch for (stream, revision, hash). The MAC is what catches a consistent
 * rewrite: the chain and every hash recomputed with the public algorithm, but no key to MAC them.
 */
export function verifyChain(streamName: string, events: Iterable<AuthenticatedEvent>, options: VerifyOptions = {}): StreamVerification {
  let expectedRevision = 0;
  let previousHash: string | null = null;
  let checked = 0;
  const fail = (firstBreak: FirstBreak): StreamVerification => ({ streamName, eventsChecked: checked, valid: false, firstBreak });
  for (const event of events) {
    checked++;
    const eventId = event.metadata?.eventId;
    if (event.revision !== expectedRevision) return fail(brokenAt(Math.min(expectedRevision, event.revision), 'revision-gap'));
    if (event.previousHash !== previousHash) return fail(brokenAt(event.revision, 'chain-broken', eventId));
    let recomputed: string | undefined;
    try {
      recomputed = computeEventHash({
        streamName,
        revision: event.revision,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
        previousHash: event.previousHash,
      });
    } catch {
      recomputed = undefined; // stored content that cannot even be canonicalised was certainly altered
    }
    if (recomputed !== event.hash) return fail(brokenAt(event.revision, 'content-hash-mismatch', eventId));
    if (options.key && !macMatches(eventMac(options.key, streamName, event.revision, event.hash), event.mac)) {
      return fail(brokenAt(event.revision, 'not-authenticated', eventId));
    }
    previousHash = event.hash;
    expectedRevision++;
  }
  return { streamName, eventsChecked: checked, valid: true };
}

/**
 * Checks the stored head against the verified events: the head must name an event that exists with that hash,
 * and (with the key) carry a valid head MAC. Anything else means events after the last stored one may have been
 * removed (a truncated tail with the head rewound or left behind), so the break is reported at the first revision
 * the store does not hold. `events` are the stream's events in revision order, already verified by `verifyChain`;
 * the head may be older than them (read first, while appends went on), never newer.
 */
export function verifyHead(events: readonly AuthenticatedEvent[], head: StoredStreamHead | undefined, options: VerifyOptions = {}): FirstBreak | undefined {
  const last = events[events.length - 1];
  if (!last && (!head || head.revision < 0)) return undefined;
  const firstNotHeld = last ? last.revision + 1 : 0;
  if (!head || head.revision < 0) return brokenAt(firstNotHeld, 'stream-head-mismatch');
  const atHead = events[head.revision];
  if (!atHead || atHead.hash !== head.lastHash) return brokenAt(firstNotHeld, 'stream-head-mismatch');
  if (options.key && !macMatches(headMac(options.key, atHead.streamName, head.revision, head.lastHash), head.mac)) {
    return brokenAt(firstNotHeld, 'stream-head-not-authenticated');
  }
  return undefined;
}

/** The chain, the MACs and the head together: the first break of a stream as `verifyStream` reports it. */
export function verifyStreamHistory(
  streamName: string, events: readonly AuthenticatedEvent[], head: StoredStreamHead | undefined, options: VerifyOptions & { checkpoints?: readonly StreamCheckpoint[] } = {},
): StreamVerification {
  const chain = verifyChain(streamName, events, options);
  const found = [chain.firstBreak, chain.valid ? verifyHead(events, head, options) : undefined].filter((b): b is FirstBreak => b !== undefined);
  const kept = options.checkpoints ? verifyCheckpoints(events, options.checkpoints) : undefined;
  // A kept head that no longer matches only bounds the alteration (somewhere after the last matching head, up to
  // it); a MAC or chain break within that bound is the exact revision, so it wins.
  if (kept && !(kept.reason === 'checkpoint-mismatch' && found.some((b) => b.revision <= kept.checkpoint.revision))) found.push(kept);
  if (found.length === 0) return chain;
  // the earliest revision any check doubts: everything from there on is unproven
  const first = found.reduce((a, b) => (b.revision < a.revision ? b : a));
  const { revision, eventId, reason } = first;
  return { streamName, eventsChecked: chain.eventsChecked, valid: false, firstBreak: { revision, ...(eventId ? { eventId } : {}), reason } };
}

/** A stream head seen earlier and kept where the store's writers cannot reach it (e.g. the audit's own database). */
export interface StreamCheckpoint {
  revision: number;
  hash: string;
  /** When it was taken (for the report). */
  takenAt?: string;
}

/**
 * Compares the stored events with heads seen earlier. A kept head whose revision is no longer stored means the
 * history was cut back (an old copy restored, or the newest events deleted with a head MAC saved from before): the
 * break is the first revision the store no longer holds. A kept head whose hash differs means the history up to it
 * was replaced by another validly MACed one: the break is the revision after the last head that still matches.
 */
export function verifyCheckpoints(events: readonly AuthenticatedEvent[], checkpoints: readonly StreamCheckpoint[]): (FirstBreak & { checkpoint: StreamCheckpoint }) | undefined {
  let lastMatching = -1;
  for (const checkpoint of [...checkpoints].sort((a, b) => a.revision - b.revision)) {
    const stored = events[checkpoint.revision];
    if (!stored) return { ...brokenAt(Math.max(lastMatching + 1, events.length), 'checkpoint-missing'), checkpoint };
    if (stored.hash !== checkpoint.hash) return { ...brokenAt(lastMatching + 1, 'checkpoint-mismatch', events[lastMatching + 1]?.metadata?.eventId), checkpoint };
    lastMatching = checkpoint.revision;
  }
  return undefined;
}
