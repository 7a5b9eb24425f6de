import type { SourcedEvent } from '../stores/store-reader';

/**
 * The audit's one order for a case's history across stores: recordedAt (as stored in the hash-covered metadata,
 * compared as the canonical ISO string, i.e. byte order), then the source (store) name, then the global position
 * within that store. Every part is fixed once an event is recorded, so the same stores always give the same order.
 */
export function compareEvents(a: SourcedEvent, b: SourcedEvent): number {
  const ra = a.metadata.recordedAt;
  const rb = b.metadata.recordedAt;
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0;
}

/** Pulls batches from one store's (already ordered) iterator on demand. */
class Head {
  private buffer: SourcedEvent[] = [];
  private index = 0;
  done = false;
  constructor(private readonly iterator: AsyncIterator<SourcedEvent[]>) {}

  async fill(): Promise<void> {
    while (!this.done && this.index >= this.buffer.length) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        this.buffer = next.value;
        this.index = 0;
      }
    }
  }
  peek(): SourcedEvent | undefined {
    return this.index < this.buffer.length ? this.buffer[this.index] : undefined;
  }
  take(): void {
    this.index++;
  }
  async close(): Promise<void> {
    await this.iterator.return?.(undefined);
  }
}

/**
 * k-way merge of per-store streams that are each ordered by `compareEvents`; yields the merged order in batches,
 * holding only one batch per store in memory. An out-of-order input is a bug in the reader, so it throws.
 */
export async function* mergeOrdered(sources: AsyncIterable<SourcedEvent[]>[], batchSize = 1000): AsyncGenerator<SourcedEvent[]> {
  const heads = sources.map((s) => new Head(s[Symbol.asyncIterator]()));
  try {
    await Promise.all(heads.map((h) => h.fill()));
    let out: SourcedEvent[] = [];
    let last: SourcedEvent | undefined;
    for (;;) {
      let best: Head | undefined;
      let bestEvent: SourcedEvent | undefined;
      for (const h of heads) {
        const e = h.peek();
        if (e && (!bestEvent || compareEvents(e, bestEvent) < 0)) {
          best = h;
          bestEvent = e;
        }
      }
      if (!best || !bestEvent) break;
      if (last && compareEvents(last, bestEvent) > 0) throw new Error(`store ${bestEvent.source} returned events out of order`);
      last = bestEvent;
      out.push(bestEvent);
      best.take();
      if (!best.peek()) await best.fill();
      if (out.length >= batchSize) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    await Promise.all(heads.map((h) => h.close()));
  }
}
