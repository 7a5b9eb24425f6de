import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';
import { Client } from 'pg';
import { CHANGES_CHANNEL } from '../projection/projector';

type Listener = () => void;

/**
 * One LISTEN connection per service instance. The projector NOTIFYs the case id inside its transaction, so a
 * notification arrives only once the entry is committed and readable, in whichever instance (or rebuild process)
 * wrote it. `*` (sent after a rebuild swap) wakes every stream. After a reconnect every stream is woken too, so a
 * notification lost while disconnected cannot leave a stream behind.
 */
@Injectable()
export class ChangeNotifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('change-notifier');
  private readonly listeners = new Map<string, Set<Listener>>();
  private client?: Client;
  private closed = false;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'tio-timeline-listen' });
    client.on('notification', (n) => this.wake(n.payload ?? '*'));
    client.on('error', (err) => this.logger.warn({ msg: 'LISTEN connection failed', err: err.message }));
    client.on('end', () => {
      if (this.closed) return;
      setTimeout(() => void this.connect().then(() => this.wake('*')).catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.client = client;
  }

  private wake(caseId: string): void {
    const targets = caseId === '*' ? [...this.listeners.values()] : [this.listeners.get(caseId)].filter((s): s is Set<Listener> => !!s);
    for (const set of targets) for (const listener of set) listener();
  }

  subscribe(caseId: string, listener: Listener): () => void {
    const set = this.listeners.get(caseId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(caseId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(caseId);
    };
  }
}
