/**
 * Lets pollers sleep until either a timeout or a nudge (an append, or the head poller seeing new events), whichever
 * comes first. `generation` counts nudges, so a poller that notes it before reading and passes it to `wait` is not
 * put to sleep by a nudge that came while it was busy (no lost wake-ups).
 */
export class Wakeup {
  private waiters = new Set<() => void>();
  private readonly listeners = new Set<() => void>();
  private count = 0;

  get generation(): number {
    return this.count;
  }

  /** Wakes everyone currently waiting and tells every listener. */
  notify(): void {
    this.count++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // a listener's failure is its own; the others and the appender must not see it
      }
    }
  }

  /** Calls `listener` on every nudge until the returned function is called. */
  listen(listener: () => void): () => void {
    const own = () => listener();
    this.listeners.add(own);
    return () => void this.listeners.delete(own);
  }

  get listening(): number {
    return this.listeners.size;
  }

  /** Sleeps until a nudge or the timeout; returns at once if there was a nudge since `sinceGeneration`. */
  wait(timeoutMs: number, sinceGeneration?: number): { promise: Promise<void>; cancel(): void } {
    if (sinceGeneration !== undefined && sinceGeneration !== this.count) return { promise: Promise.resolve(), cancel: () => undefined };
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve();
      }, timeoutMs);
      wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
    return { promise, cancel: () => wake() };
  }
}
