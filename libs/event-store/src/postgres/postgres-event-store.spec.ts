import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { Pool } from 'pg';
import { eventStoreContract, type ContractStoreOptions } from '../contract/event-store.contract';
import type { EventStore } from '../port';
import { PostgresEventStore } from './postgres-event-store';
import { table } from './schema';

const DB = 'es_contract_pg';
let url: string;

function clusterUrl(): string {
  const value = process.env['DATABASE_URL'];
  if (!value) throw new Error('DATABASE_URL is not set (the Jest global setup provides it)');
  return value;
}

const create = (options: ContractStoreOptions & { beforeCommit?: PostgresEventStore extends never ? never : Parameters<typeof PostgresEventStore.create>[0]['beforeCommit'] } = {}) =>
  PostgresEventStore.create({ connectionString: url, poolSize: 12, ...options });

eventStoreContract({
  name: 'PostgreSQL',
  globallyUniqueEventIds: true,
  async setup() {
    url = await ensureDatabase(clusterUrl(), DB);
  },
  async teardown() {
    await dropDatabase(clusterUrl(), DB);
  },
  create: (options) => create(options),
  async tamper(store: EventStore, streamName, revision, data) {
    const pg = store as PostgresEventStore;
    const { rowCount } = await pg.pool.query(
      `UPDATE ${table(pg.schema, 'events')} SET data = $3::jsonb WHERE stream_name = $1 AND revision = $2`,
      [streamName, revision, JSON.stringify(data)],
    );
    expect(rowCount).toBe(1);
  },
  beginAppend: (store, streamName, events, expectedRevision) => (store as PostgresEventStore).beginAppend(streamName, events, { expectedRevision }),
  createWithSlowCommits: (maxDelayMs) =>
    create({
      beforeCommit: async (client) => {
        await client.query('SELECT pg_sleep($1)', [(Math.random() * maxDelayMs) / 1000]);
      },
    }),
});

describe('PostgreSQL adapter specifics', () => {
  const db = 'es_pg_specifics';
  let dbUrl: string;
  beforeAll(async () => {
    dbUrl = await ensureDatabase(clusterUrl(), db);
  });
  afterAll(async () => {
    await dropDatabase(clusterUrl(), db);
  });

  it('Given an empty database, When several stores start at once, Then migrations run exactly once and are recorded', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_migrate' })));
    await Promise.all(stores.map((s) => s.close()));
    const pool = new Pool({ connectionString: dbUrl });
    try {
      const { rows } = await pool.query('SELECT version, name FROM es_migrate.migrations ORDER BY version');
      expect(rows).toEqual([{ version: 1, name: 'streams, events, checkpoints' }, { version: 2, name: 'chain MACs on events and stream heads' }]);
      const cols = await pool.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'es_migrate' AND table_name = 'events' AND column_name IN ('transaction_id', 'global_position')`,
      );
      expect(Object.fromEntries(cols.rows.map((r) => [r.column_name, r.data_type]))).toEqual({ transaction_id: 'xid8', global_position: 'bigint' });
    } finally {
      await pool.end();
    }
  });

  it('Given a failed append (wrong revision), When the connection is reused, Then no advisory lock is left behind', async () => {
    const store = await PostgresEventStore.create({ connectionString: dbUrl, poolSize: 1 });
    try {
      const { newEvent } = await import('../contract/fixtures');
      await store.appendToStream('case-1', [newEvent()]);
      await expect(store.appendToStream('case-1', [newEvent()], { expectedRevision: 'no_stream' })).rejects.toThrow(/Wrong expected revision/);
      const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(rows[0].n).toBe(0);
      await store.appendToStream('case-1', [newEvent()], { expectedRevision: 0 });
    } finally {
      await store.close();
    }
  });
});
