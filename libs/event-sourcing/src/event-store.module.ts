import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { chainKeyFrom, PostgresEventStore, type EventStore } from '@tio/event-store';
import { keyStoreSettings, masterKeyFrom, PersonalDataEventStore, PostgresKeyStore, type KeyStore } from '@tio/personal-data';
import { PG_POOL, ServiceMetrics } from '@tio/service-kit';
import { eventStoreChoice, openEventStore } from './event-store-selection';

export const EVENT_STORE = Symbol('EVENT_STORE');
/** The per-case data keys (KEYSTORE_DATABASE_URL, wrapped with TIO_MASTER_KEY): erasure destroys them here. */
export const KEY_STORE = Symbol('KEY_STORE');

class EventStoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
  ) {}
  async onApplicationShutdown() {
    await this.store.close();
    await this.keys.close();
  }
}

export interface EventStoreModuleOptions {
  /** Stream categories this service owns and may append to (e.g. `['case']`). */
  categories: string[];
}

/**
 * The service's own event store: PostgreSQL in the service's database (schema `event_store`, created by its
 * migrations), or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set (`./event-store-selection`). Streams outside the service's categories are refused by the store itself. Personal fields
 * (`@tio/personal-data` PERSONAL_FIELDS) are encrypted on append with the case's data key and decrypted when a stream
 * is loaded; the forwarder reads the stored form, so Kafka only ever carries envelopes. Every append is MACed with
 * the chain key (TIO_CHAIN_KEY, or derived from TIO_MASTER_KEY; `@tio/event-store` authentication.ts).
 * The store shares the service's one pool on its database (PG_POOL). It also brings the command, query and event
 * buses (@nestjs/cqrs): every write goes through an aggregate's command handler (`./pipeline`).
 */
@Global()
@Module({})
export class EventStoreModule {
  static forService(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        {
          provide: KEY_STORE,
          useFactory: () => PostgresKeyStore.create({ ...keyStoreSettings(), masterKey: masterKeyFrom() }),
        },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL, KEY_STORE, ServiceMetrics],
          useFactory: async (pool: Pool, keys: KeyStore, metrics: ServiceMetrics) => {
            const store = await openEventStore(eventStoreChoice(), { pool, categories: options.categories, chainKey: chainKeyFrom(), metrics: metrics.eventStore });
            // only PostgreSQL readers wait behind the cluster's oldest transaction (EventStoreDB orders $all itself)
            if (store instanceof PostgresEventStore) metrics.eventStoreReaders(() => store.unreadableEvents());
            return new PersonalDataEventStore(store, keys);
          },
        },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE, KEY_STORE, CqrsModule],
    };
  }
}
