import type { Pool } from 'pg';
import type { Wakeup } from '../wakeup';
import { table } from './schema';

export interface HeadPollIntervals {
  /** Between polls while appends are being found. */
  minMs: number;
  /** The longest pause once nothing new turns up: the interval doubles after each empty poll up to this. */
  maxMs: number;
}

/**
 * Learns of appends made by other processes (this store's own appends nudge the wakeup as they commit): one query
 * per store, whatever the number of subscribers, while anyone is waiting. It asks, per category, for the highest
 * position a reader may be handed now (written by a transaction older than every one in flight, as readAll's filter
 * says) above the last one seen: normally a probe of the primary key's last entries. Each category that moved is
 * announced with its position, so only its readers that have not read that far wake (not the readers that this
 * store's own append already woke and that read it). The pause between polls starts at `minMs` and doubles after
 * each poll that found nothing new up to `maxMs`, but only once every append this store announced has become
 * readable: an append announced while an older transaction (of any process, any database of the cluster) is still in
 * flight is hidden from readers until that one ends, and nobody but this poller will tell them when. So an own
 * append brings the pause back to `minMs` at once. Best effort: a failed poll is retried on the next tick, and
 * subscriptions also poll on their own, slower, interval.
 */
export class HeadPoller {
  private visibleHead = '0';
  /** The highest position this store's own appends announced: the poller finding only those is idle. */
  private ownHead = 0n;
  private intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly wakeup: Wakeup,
    private readonly intervals: HeadPollIntervals,
    /** Whether anyone still wants to be woken; the poller stops when not, and `ensureRunning` restarts it. */
    private readonly wanted: () => boolean,
  ) {
    this.intervalMs = intervals.minMs;
  }

  ensureRunning(): void {
    if (this.stopped || this.timer || this.running) return;
    this.schedule();
  }

  /** This store appended up to `position` (and announced it itself). */
  appended(position: bigint): void {
    if (position > this.ownHead) this.ownHead = position;
    if (this.intervalMs > this.intervals.minMs) {
      this.intervalMs = this.intervals.minMs;
      if (this.timer) {
        // a long idle pause is under way: the append may stay hidden behind an older transaction, so poll soon
        clearTimeout(this.timer);
        this.timer = undefined;
        this.schedule();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.poll().finally(() => {
        this.running = undefined;
        if (!this.stopped && this.wanted()) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let foundNew = false;
    try {
      const { rows } = await this.pool.query<{ category: string; head: string }>({
        name: `tio-event-store-visible-heads:${this.schema}`,
        text: `SELECT category, max(global_position)::text AS head FROM ${table(this.schema, 'events')}
                WHERE global_position > $1::bigint AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
                GROUP BY category`,
        values: [this.visibleHead],
      });
      for (const { category, head } of rows) {
        if (this.stopped) return;
        const position = BigInt(head);
        if (position > BigInt(this.visibleHead)) {
          this.visibleHead = head;
          foundNew = true;
        }
        this.wakeup.notify({ category, position });
      }
    } catch {
      // the database is away; subscriptions keep their own poll and report their own errors
    } finally {
      const ownHidden = this.ownHead > BigInt(this.visibleHead);
      this.intervalMs = foundNew || ownHidden ? this.intervals.minMs : Math.min(this.intervalMs * 2, this.intervals.maxMs);
    }
  }
}
