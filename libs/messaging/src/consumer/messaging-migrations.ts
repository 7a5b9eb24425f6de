import { applySqlMigrations, type SqlMigration, type SqlMigrationClient } from '@tio/event-store';
import type { TransactionContext, UnitOfWork } from './unit-of-work';

/**
 * The consumer's own tables, in the consumer's database, as versioned migrations of the SQL migration runner (the
 * event store's): `processed_messages` (processed-messages.ts) and `parked_messages` (dead-letters/parked-messages.ts).
 * Both were created with `CREATE TABLE IF NOT EXISTS` before they were versioned, so the first two adopt a table
 * that is already there. A change to either table is a new version here, never an edit of an applied one.
 */
export const MESSAGING_MIGRATIONS: readonly SqlMigration<SqlMigrationClient>[] = [
  {
    version: 1,
    name: 'processed messages',
    sql: `
      CREATE TABLE IF NOT EXISTS processed_messages (
        consumer_group text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`,
  },
  {
    version: 2,
    name: 'parked messages',
    sql: `
      CREATE TABLE IF NOT EXISTS parked_messages (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        status text NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL,
        key bytea,
        value bytea,
        headers jsonb NOT NULL,
        value_bytes integer NOT NULL,
        value_sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        PRIMARY KEY (consumer_group, topic, partition, "offset")
      )`,
  },
];

/** Brings the consumer's tables up to date, in one transaction of the consumer's unit of work (before its first message). */
export async function migrateMessagingTables(uow: UnitOfWork): Promise<number[]> {
  return uow.transaction((tx) =>
    applySqlMigrations(withRows(tx), MESSAGING_MIGRATIONS, { table: 'messaging_migrations', lockKey: `hashtext('tio.messaging.migrations')` }),
  );
}

/** The runner speaks node-postgres (`{ rows }`); a unit of work's context returns the rows themselves. */
function withRows(tx: TransactionContext): SqlMigrationClient {
  return { query: async (sql, params) => ({ rows: await tx.query(sql, params) }) };
}
