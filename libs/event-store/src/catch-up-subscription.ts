import type { CheckpointStore } from './checkpoints';
import { SubscriptionStoppedError } from './errors';
import type { RecordedEvent, Subscription, SubscriptionOptions } from './port';
import type { Wakeup } from './wakeup';

export interface CatchUpSources {
  /** Reads the next batch after a position in global order (only events safe to hand out: no later gaps). */
  readAfter(after: bigint | undefined, maxCount: number, category: string | undefined): Promise<RecordedEvent[]>;
  checkpoints: CheckpointStore;
  wakeup: Wakeup;
  pollIntervalMs: number;
  /** Awaited before the first read, e.g. until the source that nudges `wakeup` is running. */
  beforeFirstRead?(): Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 500;
/** The longest a subscription that is never idle defers saving its checkpoint (see `run`). */
export const CHECKPOINT_DEFERRED_AT_MOST_MS = 1000;

/**
 * A polling catch-up subscription: load checkpoint, read a batch, hand each event to the handler in order, save
 * the checkpoint after the batch (or the part of it that succeeded; deferred while more is already waiting, see
 * `run`), repeat; when a read comes back short it has
 * caught up and sleeps until woken (an append, or the store's head poller) or the poll interval passes. At-least-once: after a crash the events
 * handled since the last saved checkpoint are delivered again.
 */
export class CatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: Error) => void;
  private isCaughtUp = false;
  private stopping = false;
  private checkpointed: bigint | undefined;
  private sleeper: { cancel(): void } | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly options: SubscriptionOptions,
    private readonly sources: CatchUpSources,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    this.caughtUp.catch(() => undefined); // nobody has to await it
    this.done = this.run();
  }

  position(): bigint | undefined {
    return this.checkpointed;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper?.cancel();
    await this.done;
  }

  private async run(): Promise<void> {
    const { subscriptionId, category, handler } = this.options;
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    let handled: bigint | undefined;
    try {
      await this.sources.beforeFirstRead?.();
      this.checkpointed = await this.sources.checkpoints.load(subscriptionId);
      handled = this.checkpointed;
      let savedAt = Date.now();
      let unsaved = 0;
      while (!this.stopping) {
        // a nudge while this batch is read and handled must not be slept through
        const mark = this.sources.wakeup.mark(category);
        const batch = await this.sources.readAfter(handled, batchSize, category);
        for (const event of batch) {
          if (this.stopping) break;
          await handler(event);
          handled = event.globalPosition;
          unsaved++;
        }
        // When more was appended while this batch was handled, it is read first and one save covers both (a busy
        // subscription saved after every one-event batch); the checkpoint is saved whenever the subscription goes
        // idle, on stop, and at least every CHECKPOINT_DEFERRED_AT_MOST_MS or batch size of events, so a restart
        // redelivers little more than before (at-least-once either way).
        const moreWaiting = batch.length < batchSize && this.sources.wakeup.cameSince({ category, after: handled }, mark);
        if (!moreWaiting || this.stopping || unsaved >= batchSize || Date.now() - savedAt >= CHECKPOINT_DEFERRED_AT_MOST_MS) {
          await this.saveCheckpoint(handled);
          savedAt = Date.now();
          unsaved = 0;
        }
        if (this.stopping) break;
        if (batch.length < batchSize) {
          if (!this.isCaughtUp) {
            this.isCaughtUp = true;
            this.resolveCaughtUp();
          }
          // woken only by appends to its category past what it has handled
          const sleep = this.sources.wakeup.wait(this.sources.pollIntervalMs, { category, after: handled }, mark);
          this.sleeper = sleep;
          if (!this.stopping) await sleep.promise;
          this.sleeper = undefined;
        }
      }
      await this.saveCheckpoint(handled); // stopped while a save was deferred
      this.rejectCaughtUp(new SubscriptionStoppedError(subscriptionId));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      try {
        await this.saveCheckpoint(handled);
      } catch {
        // the original error matters more; the events will be redelivered
      }
      this.rejectCaughtUp(new SubscriptionStoppedError(subscriptionId, error));
      this.options.onError?.(error);
    }
  }

  private async saveCheckpoint(position: bigint | undefined): Promise<void> {
    if (position === undefined || position === this.checkpointed) return;
    await this.sources.checkpoints.save(this.options.subscriptionId, position);
    this.checkpointed = position;
  }
}
