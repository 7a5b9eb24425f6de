import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { PostgresEventStore, type EventStore } from '@tio/event-store';
import { SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';

export const EVENT_STORE = Symbol('EVENT_STORE');

class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown() {
    await this.store.close();
  }
}

export interface EventStoreModuleOptions {
  /** Stream categories this service owns and may append to (e.g. `['case']`). */
  categories: string[];
}

/**
 * The service's own event store: PostgreSQL in the service's database (schema `event_store`, created by its
 * migrations). Streams outside the service's categories are refused by the store itself.
 */
@Global()
@Module({})
export class EventStoreModule {
  static forService(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => PostgresEventStore.create({ connectionString: config.databaseUrl, allowedCategories: options.categories }),
        },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE],
    };
  }
}
