import { Client, type ClientConfig } from 'pg';
import type { Wakeup } from '../wakeup';

/**
 * One LISTEN connection per store that nudges waiting subscriptions when an append commits. Best effort: if it
 * drops, subscriptions still poll, and it reconnects on the next subscription start.
 */
export class PostgresNotifier {
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly wakeup: Wakeup,
  ) {}

  ensureListening(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client(this.config);
      client.on('notification', () => this.wakeup.notify());
      client.on('error', () => {
        if (this.client === client) this.client = undefined;
        client.end().catch(() => undefined);
      });
      try {
        await client.connect();
        await client.query(`LISTEN "${this.channel}"`);
        this.client = client;
      } catch {
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
