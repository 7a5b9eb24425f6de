import type { Pool } from 'pg';
import { EventStoreDbEventStore, PostgresEventStore, type EventStore, type EventStoreMetrics } from '@tio/event-store';

/** Which adapter holds a service's events. */
export type EventStoreChoice = { adapter: 'postgresql' } | { adapter: 'eventstoredb'; connectionString: string };

/** What EventStoreDB's client accepts (`esdb://host:2113?tls=false`, `esdb+discover://cluster:2113`). */
const ESDB_URL = /^esdb(\+discover)?:\/\/\S+$/;

/**
 * EVENTSTORE_CONNECTION_STRING selects EventStoreDB (KurrentDB) for the service's events; unset, they stay in the
 * service's PostgreSQL database. A value the client cannot take stops the service at start, naming the variable.
 */
export function eventStoreChoice(env: NodeJS.ProcessEnv = process.env): EventStoreChoice {
  const value = env['EVENTSTORE_CONNECTION_STRING']?.trim();
  if (!value) return { adapter: 'postgresql' };
  if (!ESDB_URL.test(value)) {
    throw new Error(`EVENTSTORE_CONNECTION_STRING must be an EventStoreDB connection string (esdb://host:2113?tls=false or esdb+discover://...), got ${JSON.stringify(value)}`);
  }
  return { adapter: 'eventstoredb', connectionString: value };
}

export interface ServiceEventStoreOptions {
  /** The service's pool on its own database (the PostgreSQL adapter keeps its tables there). */
  pool: Pool;
  /** Stream categories the service may append to. */
  categories: string[];
  /** The key every append is MACed with, on either adapter (EventStoreDB keeps the MACs in each event's metadata). */
  chainKey: Buffer;
  metrics?: EventStoreMetrics;
}

/**
 * The service's event store on the chosen adapter, before the personal-data decorator. The EventStoreDB client
 * connects on its first call, so nothing is contacted here.
 */
export async function openEventStore(choice: EventStoreChoice, options: ServiceEventStoreOptions): Promise<EventStore> {
  if (choice.adapter === 'eventstoredb') {
    return new EventStoreDbEventStore({ connectionString: choice.connectionString, allowedCategories: options.categories, chainKey: options.chainKey, metrics: options.metrics });
  }
  return PostgresEventStore.create({ pool: options.pool, allowedCategories: options.categories, chainKey: options.chainKey, metrics: options.metrics });
}
