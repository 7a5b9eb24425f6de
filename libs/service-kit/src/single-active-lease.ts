import { Client } from 'pg';

/** What a lease runs while it holds the lock: started on acquiring, stopped on losing or releasing it. */
export interface LeasedJob {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface SingleActiveLeaseOptions {
  /** The database every replica of the service shares (the lock lives in its server). */
  connectionString: string;
  /** Lock name, the same on every replica of one job, e.g. `forwarder-case`. */
  name: string;
  /** How often a standby tries to take the lock and the holder checks its connection. Default 2000 ms. */
  retryMs?: number;
  log?: (message: string, error?: Error) => void;
}

/** Keeps our session-level advisory locks apart from any other user of the single-key form. */
const LOCK_NAMESPACE = 0x74696f; // "tio"
export const DEFAULT_LEASE_RETRY_MS = 2000;
const LEASE_QUERY_TIMEOUT_MS = 10_000;

/**
 * Single-active across replicas: a PostgreSQL session-level advisory lock (`pg_try_advisory_lock`) held on a
 * connection of its own. The replica that holds it runs the job; the others retry every `retryMs`. The lock belongs
 * to the session, so when the holder's connection ends (process killed, network cut, backend terminated) PostgreSQL
 * releases it and a standby takes over at its next try; the old holder, seeing its connection fail, stops its job.
 * Between the server ending the session and the old holder noticing, both may run for a moment: jobs must stay
 * correct under that (the forwarder is at-least-once with checkpoints that never move back; the periodic jobs are
 * idempotent).
 */
export class SingleActiveLease {
  private client: Client | undefined;
  private held = false;
  private starting = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** When the lock was last acquired (ms since epoch), for fail-over measurements and logs. */
  acquiredAt: number | undefined;

  constructor(
    private readonly options: SingleActiveLeaseOptions,
    private readonly job: LeasedJob,
  ) {}

  get name(): string {
    return this.options.name;
  }

  /** True while this replica holds the lock and runs the job. */
  get active(): boolean {
    return this.held;
  }

  /** Tries once (so a lone replica has started its job when this resolves), then keeps trying in the background. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.serial(() => this.tick());
    this.schedule();
  }

  /** Stops the job if it runs here, releases the lock and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // a job still starting (e.g. retrying against a database that went away) must be told now, not after it started
    if (this.starting) await this.stopJob();
    await this.serial(async () => {
      const client = this.client;
      this.client = undefined;
      if (this.held) {
        this.held = false;
        await this.stopJob();
        await client?.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, this.options.name]).catch(() => undefined);
        this.log('released');
      }
      await client?.end().catch(() => undefined);
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.serial(() => this.tick()).finally(() => this.schedule());
    }, this.options.retryMs ?? DEFAULT_LEASE_RETRY_MS);
    this.timer.unref();
  }

  /** Transitions run one at a time: a tick, a lost connection and stop never interleave. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.held) {
      // a connection can die silently (no RST): a round trip per interval finds out
      await this.client?.query('SELECT 1').catch((err: Error) => this.lose(this.client, err));
      return;
    }
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS got', [LOCK_NAMESPACE, this.options.name]);
      if (!rows[0]?.got || this.stopped) {
        if (rows[0]?.got) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, this.options.name]);
        return;
      }
      this.held = true;
      this.acquiredAt = Date.now();
      this.log('acquired: this replica runs the job');
      try {
        this.starting = true;
        await this.job.start();
      } catch (err) {
        // could not start: give the lock to another replica rather than hold it idle
        this.held = false;
        this.log('job did not start; releasing the lock', err as Error);
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, this.options.name]).catch(() => undefined);
      } finally {
        this.starting = false;
      }
    } catch (err) {
      this.log('could not try the lock (will retry)', err as Error);
      await this.lose(this.client, err as Error);
    }
  }

  private async connect(): Promise<Client> {
    // query_timeout: on a network cut without a reset the round trip would hang; time out and give the job up instead
    const client = new Client({
      connectionString: this.options.connectionString, keepAlive: true, query_timeout: LEASE_QUERY_TIMEOUT_MS,
      application_name: `tio-lease:${this.options.name}`.slice(0, 63),
    });
    const onGone = (err?: Error) => void this.serial(() => this.lose(client, err ?? new Error('connection ended')));
    client.on('error', onGone);
    client.on('end', () => onGone());
    await client.connect();
    this.client = client;
    return client;
  }

  /** The lock's session is gone (or about to be): PostgreSQL has released it, so the job must stop here. */
  private async lose(client: Client | undefined, err: Error): Promise<void> {
    if (!client || client !== this.client) return;
    this.client = undefined;
    await client.end().catch(() => undefined);
    if (!this.held) return;
    this.held = false;
    this.log('lost (its connection ended): stopping the job', err);
    await this.stopJob();
  }

  private async stopJob(): Promise<void> {
    try {
      await this.job.stop();
    } catch (err) {
      this.log('job did not stop cleanly', err as Error);
    }
  }

  private log(message: string, error?: Error): void {
    this.options.log?.(`lease ${this.options.name}: ${message}`, error);
  }
}
