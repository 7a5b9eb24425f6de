import type { ExpectedRevision, RecordedEvent } from '../port';

/** A stream's last revision and the hash of its last event (`-1` and `null` before its first event). */
export interface StreamHead {
  revision: number;
  hash: string | null;
}

/** Assumed when nothing is known: no stream can be at this revision, so the database answers with the real head. */
export const UNKNOWN_HEAD: StreamHead = Object.freeze({ revision: -2, hash: null });
const NO_STREAM_HEAD: StreamHead = Object.freeze({ revision: -1, hash: null });

/**
 * The last head this store saw of each recently used stream (bounded, least recently used evicted). An append needs
 * the previous hash before it goes to the database (the hashes and MACs are computed here, with the chain key), so
 * it assumes the cached head and the database checks it under the stream lock: a stale entry (another process
 * appended) costs one more round trip, never a wrong chain.
 */
export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity = 10_000) {}

  /** The head to compute an append on: the cached one, or what the expected revision implies. */
  assumed(streamName: string, expected: ExpectedRevision): StreamHead {
    const cached = this.heads.get(streamName);
    if (cached) {
      this.heads.delete(streamName);
      this.heads.set(streamName, cached);
      return cached;
    }
    return expected === 'no_stream' ? NO_STREAM_HEAD : UNKNOWN_HEAD;
  }

  /** The head as the database just stated it (after an append, or in its answer to one). */
  remember(streamName: string, head: StreamHead): void {
    this.heads.delete(streamName);
    this.heads.set(streamName, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
  }

  /** A read of a stream: its latest event is a head at least as new as the cached one, unless an append overtook it. */
  observe(streamName: string, events: readonly RecordedEvent[]): void {
    let latest: RecordedEvent | undefined;
    for (const e of events) if (!latest || e.revision > latest.revision) latest = e;
    if (!latest) return;
    const cached = this.heads.get(streamName);
    if (!cached || cached.revision <= latest.revision) this.remember(streamName, { revision: latest.revision, hash: latest.hash });
  }

  forget(streamName: string): void {
    this.heads.delete(streamName);
  }
}
