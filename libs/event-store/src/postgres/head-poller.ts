import type { Pool } from 'pg';
import type { Wakeup } from '../wakeup';
import { table } from './schema';

/**
 * Learns of appends made by other processes (this store's own appends nudge the wakeup as they commit): one query
 * per store every `intervalMs`, whatever the number of subscribers, while anyone is waiting. It asks for the highest
 * position a reader may be handed now (written by a transaction older than every one in flight, as readAll's filter
 * says), above the last one seen: normally one probe of the primary key's last entry. When that moves, or a late
 * commit makes earlier events readable, the wakeup is nudged. Best effort: a failed poll is retried on the next tick,
 * and subscriptions also poll on their own, slower, interval.
 */
export class HeadPoller {
  private visibleHead = '0';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly wakeup: Wakeup,
    private readonly intervalMs: number,
    /** Whether anyone still wants to be woken; the poller stops when not, and `ensureRunning` restarts it. */
    private readonly wanted: () => boolean,
  ) {}

  ensureRunning(): void {
    if (this.stopped || this.timer || this.running) return;
    this.schedule();
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
    try {
      const { rows } = await this.pool.query<{ head: string | null }>({
        name: `tio-event-store-visible-head:${this.schema}`,
        text: `SELECT max(global_position)::text AS head FROM ${table(this.schema, 'events')}
                WHERE global_position > $1::bigint AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
        values: [this.visibleHead],
      });
      const head = rows[0]?.head;
      if (head && !this.stopped) {
        this.visibleHead = head;
        this.wakeup.notify();
      }
    } catch {
      // the database is away; subscriptions keep their own poll and report their own errors
    }
  }
}
