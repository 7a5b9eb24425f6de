import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CategoryNotAllowedError, EventStoreDbEventStore } from '@tio/event-store';
import { eventStoreChoice, openEventStore } from './event-store-selection';

describe('EVENTSTORE_CONNECTION_STRING selects the event store adapter', () => {
  it('keeps events in PostgreSQL when unset or empty', () => {
    expect(eventStoreChoice({})).toEqual({ adapter: 'postgresql' });
    expect(eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: ' ' })).toEqual({ adapter: 'postgresql' });
  });

  it('selects EventStoreDB for an esdb:// or esdb+discover:// connection string', () => {
    expect(eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false' })).toEqual({ adapter: 'eventstoredb', connectionString: 'esdb://eventstore:2113?tls=false' });
    expect(eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: 'esdb+discover://cluster.example:2113' }).adapter).toBe('eventstoredb');
  });

  it('refuses anything else at start, naming the variable', () => {
    expect(() => eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: 'postgres://localhost/events' })).toThrow(/EVENTSTORE_CONNECTION_STRING must be an EventStoreDB connection string/);
  });

  it('opens the EventStoreDB adapter from the choice without contacting a server, limited to the service\'s categories', async () => {
    // nothing listens on this address: the client connects on its first call, and this test makes none
    const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    const store = await openEventStore(eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' }), { pool, categories: ['case'], chainKey: Buffer.alloc(32) });
    try {
      expect(store).toBeInstanceOf(EventStoreDbEventStore);
      // refused by the store itself before any network call
      await expect(store.appendToStream(`health-${randomUUID()}`, [])).rejects.toBeInstanceOf(CategoryNotAllowedError);
      expect(pool.totalCount).toBe(0); // the PostgreSQL pool was not used either
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
