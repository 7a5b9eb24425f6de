/** A progress bar on stderr: redrawn in place on a terminal, one line every few seconds otherwise (CI logs). */
export class ProgressBar {
  private readonly started = process.hrtime.bigint();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = !!out.isTTY;
  }

  elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : 1000)) return;
    this.lastDraw = now;
    const seconds = Math.max(this.elapsedSeconds(), 1e-6);
    const rate = Math.round(done / seconds);
    const share = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const eta = rate > 0 && this.total > done ? ` eta ${Math.ceil((this.total - done) / rate)}s` : '';
    const line = `${this.label} ${bar} ${(share * 100).toFixed(0).padStart(3)}% ${done}/${this.total} events ${rate.toLocaleString('en-GB')} events/s${eta}`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(done: number): void {
    this.update(done, true);
    if (!this.enabled) return;
    const seconds = this.elapsedSeconds();
    this.out.write(`${this.tty ? '\n' : ''}${this.label}: ${done} events in ${seconds.toFixed(2)}s (${Math.round(done / Math.max(seconds, 1e-6)).toLocaleString('en-GB')} events/s)\n`);
  }
}
