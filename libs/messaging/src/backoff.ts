/** Exponential backoff with full jitter: attempt 1 -> up to initialMs, doubling up to maxMs. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A sleep that `cancel()` ends early (used to stop promptly and to wake a poller). */
export function sleep(ms: number): { promise: Promise<void>; cancel(): void } {
  let cancel!: () => void;
  const promise = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { promise, cancel };
}
