import type { Appended } from './port';

export type { Appended };

/** Which nudges concern a reader: those of its category (all when undefined) above the position it has read. */
export interface WakeFilter {
  category?: string;
  after?: bigint;
}

/** Taken before a read (`mark`): `wait` returns at once if a nudge that concerns the reader came after it. */
export interface WakeMark {
  nudges: number;
  unpositioned: number;
}

interface Tally {
  nudges: number;
  /** Nudges without a position (they concern every reader of the category). */
  unpositioned: number;
  /** The highest position announced. */
  top: bigint | undefined;
}

const ALL = Symbol('all categories');
const UNKNOWN = Symbol('unknown category');

/**
 * Lets pollers sleep until either a timeout or a nudge (an append, or the head poller seeing new events), whichever
 * comes first, and tells listeners of nudges. A nudge names what became readable (`Appended`), so only readers of that
 * category that have not read that far yet are woken: an append to a case stream does not wake the advice forwarder,
 * and the head poller seeing an append this store already announced (and its reader already read) wakes nobody. A
 * reader that marks before reading and passes the mark to `wait` is not put to sleep by a nudge that came while it
 * was busy (no lost wake-ups).
 */
export class Wakeup {
  private waiters = new Set<{ filter: WakeFilter; wake: () => void }>();
  private readonly listeners = new Set<{ category: string | undefined; listener: (appended: Appended) => void }>();
  private readonly tallies = new Map<string | symbol, Tally>();

  /** Where the nudges that concern `category` stand (every category's when undefined). */
  mark(category?: string): WakeMark {
    const own = this.tallies.get(category ?? ALL);
    const unknown = category === undefined ? undefined : this.tallies.get(UNKNOWN);
    return { nudges: (own?.nudges ?? 0) + (unknown?.nudges ?? 0), unpositioned: (own?.unpositioned ?? 0) + (unknown?.unpositioned ?? 0) };
  }

  /** Wakes the waiters and tells the listeners that `appended` concerns. */
  notify(appended: Appended = {}): void {
    const { category, position } = appended;
    for (const key of category === undefined ? [UNKNOWN, ALL] : [category, ALL]) {
      const tally = this.tallies.get(key) ?? { nudges: 0, unpositioned: 0, top: undefined };
      tally.nudges++;
      if (position === undefined) tally.unpositioned++;
      else if (tally.top === undefined || position > tally.top) tally.top = position;
      this.tallies.set(key, tally);
    }
    for (const waiter of this.waiters) if (concerns(appended, waiter.filter)) waiter.wake();
    for (const { category: wanted, listener } of this.listeners) {
      if (wanted !== undefined && category !== undefined && wanted !== category) continue;
      try {
        listener(appended);
      } catch {
        // a listener's failure is its own; the others and the appender must not see it
      }
    }
  }

  /** Calls `listener` on every nudge of `category` (or of any, when undefined) until the returned function is called. */
  listen(listener: (appended: Appended) => void, category?: string): () => void {
    const entry = { category, listener };
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  get listening(): number {
    return this.listeners.size;
  }

  /**
   * Sleeps until a nudge that concerns `filter` or the timeout; returns at once if one came since `since` (a nudge
   * with a position counts only above `filter.after`; the check is by the highest position announced, so it may wake
   * once too often, never too seldom).
   */
  wait(timeoutMs: number, filter: WakeFilter = {}, since?: WakeMark): { promise: Promise<void>; cancel(): void } {
    if (since && this.cameSince(filter, since)) return { promise: Promise.resolve(), cancel: () => undefined };
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      const waiter = {
        filter,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      this.waiters.add(waiter);
      wake = waiter.wake;
    });
    return { promise, cancel: () => wake() };
  }

  /** Whether a nudge that concerns `filter` came since `since` (a `wait` would return at once). */
  cameSince(filter: WakeFilter, since: WakeMark): boolean {
    const now = this.mark(filter.category);
    if (now.unpositioned !== since.unpositioned) return true;
    if (now.nudges === since.nudges) return false;
    if (filter.after === undefined) return true;
    const top = this.tallies.get(filter.category ?? ALL)?.top;
    return top !== undefined && top > filter.after;
  }
}

function concerns(appended: Appended, filter: WakeFilter): boolean {
  if (appended.category !== undefined && filter.category !== undefined && appended.category !== filter.category) return false;
  return appended.position === undefined || filter.after === undefined || appended.position > filter.after;
}
