import type { Pool } from 'pg';
import { testDatabase } from '../testing/support';
import { migrateMessagingTables } from './messaging-migrations';
import { PgUnitOfWork } from './unit-of-work';

/** The consumer's tables are versioned migrations: applied once per database, serialised, adopting tables made before. */
describe('messaging migrations (real PostgreSQL)', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await testDatabase('messaging_migrations_spec');
    await pool.query('DROP TABLE IF EXISTS processed_messages, parked_messages, messaging_migrations');
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('adopts a processed_messages made before the tables were versioned, applies each version once, and serialises concurrent starts', async () => {
    // what a consumer of an earlier version left: the table with a claim in it, no bookkeeping
    await pool.query(`CREATE TABLE processed_messages (consumer_group text NOT NULL, event_id text NOT NULL, event_type text NOT NULL, topic text NOT NULL,
      partition integer NOT NULL, "offset" bigint NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer_group, event_id))`);
    await pool.query(`INSERT INTO processed_messages (consumer_group, event_id, event_type, topic, partition, "offset") VALUES ('g', 'e1', 't', 'topic', 0, 1)`);

    const uow = new PgUnitOfWork(pool);
    const runs = await Promise.all([migrateMessagingTables(uow), migrateMessagingTables(uow), migrateMessagingTables(uow)]);
    expect(runs.flat().sort()).toEqual([1, 2]);
    expect(await migrateMessagingTables(uow)).toEqual([]);

    const { rows: versions } = await pool.query(`SELECT version, name FROM messaging_migrations ORDER BY version`);
    expect(versions).toEqual([{ version: 1, name: 'processed messages' }, { version: 2, name: 'parked messages' }]);
    expect((await pool.query(`SELECT event_id FROM processed_messages`)).rows).toEqual([{ event_id: 'e1' }]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM parked_messages`)).rows).toEqual([{ n: 0 }]);
  });
});
