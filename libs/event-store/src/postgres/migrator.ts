import type { Pool, PoolClient } from 'pg';
import { advisoryKey, assertSchemaName, MIGRATIONS, table, type Migration, type MigrationContext } from './schema';
import { runSqlMigrations } from './sql-migrations';

/**
 * Brings the event store's schema up to date (see runSqlMigrations): each migration applied once and recorded in
 * `<schema>.migrations`. Returns the versions it applied.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS, context: MigrationContext = {}): Promise<number[]> {
  assertSchemaName(schema);
  return runSqlMigrations(
    pool,
    migrations.map((m) => {
      const then = m.then?.bind(m);
      return { version: m.version, name: m.name, sql: m.sql(schema), ...(then ? { then: (client: PoolClient) => then(client, schema, context) } : {}) };
    }),
    { schema, table: table(schema, 'migrations'), lockKey: advisoryKey(schema, 'migrations') },
  );
}
