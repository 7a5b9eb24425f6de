import { Logger, type FactoryProvider } from '@nestjs/common';
import type { WebConfig } from '../config';
import { WEB_CONFIG } from '../tokens';
import { PostgresSessionStore } from './postgres-sessions';
import { MemorySessionStore, SessionStore } from './sessions';

/** The session store: this service's PostgreSQL database when DATABASE_URL is set, else this process's memory. */
export const SESSION_STORE_PROVIDER: FactoryProvider<SessionStore> = {
  provide: SessionStore,
  inject: [WEB_CONFIG],
  useFactory: (config: WebConfig): SessionStore => {
    const log = new Logger('sessions');
    const database = config.sessionDatabase;
    if (!database) {
      log.log('sessions are kept in this process (no DATABASE_URL): a restart signs everyone out');
      return new MemorySessionStore();
    }
    if (database.keyMadeAtStart) log.warn('WEB_SESSION_KEY is not set: sessions are sealed with a key made at start, so a restart signs everyone out');
    return PostgresSessionStore.fromUrl(database.url, { key: database.key, sweepEveryMs: database.sweepEveryMs });
  },
};
