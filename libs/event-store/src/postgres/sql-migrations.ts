import type { Pool, PoolClient } from 'pg';

export interface SqlMigration {
  version: number;
  name: string;
  sql: string;
  /** Work that needs Node (e.g. a key from the environment), run after `sql` in the same transaction. */
  then?: (client: PoolClient) => Promise<void>;
}

export interface SqlMigrationOptions {
  /** Schema to create first (if any). */
  schema?: string;
  /** Bookkeeping table, schema-qualified and quoted as needed, e.g. `"event_store"."migrations"`. */
  table: string;
  /** Advisory lock key (a bigint literal or SQL expression) serialising concurrent starts. */
  lockKey: string;
}

/**
 * Brings a database up to date with ordered SQL migrations: idempotent, safe when several processes start at once
 * (an advisory lock serialises them), each migration applied once, in one transaction with its record in `table`.
 * Shared by the event store and every service with its own tables. Returns the versions it applied.
 */
export async function runSqlMigrations(pool: Pool, migrations: readonly SqlMigration[], options: SqlMigrationOptions): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${options.lockKey})`);
    if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${options.table} (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${options.table}`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await m.then?.(client);
      await client.query(`INSERT INTO ${options.table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
