import type { Pool, PoolClient } from 'pg';

/** What the runner needs of a connection: node-postgres's `query` (a PoolClient, or an adapter over a caller's transaction). */
export interface SqlMigrationClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface SqlMigration<C extends SqlMigrationClient = PoolClient> {
  version: number;
  name: string;
  sql: string;
  /** Work that needs Node (e.g. a key from the environment), run after `sql` in the same transaction. */
  then?: (client: C) => Promise<void>;
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
    const applied = await applySqlMigrations(client, migrations, options);
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * runSqlMigrations inside a transaction the caller has opened and commits (e.g. a consumer's unit of work): the
 * advisory lock is transaction-scoped, so it is held until that transaction ends.
 */
export async function applySqlMigrations<C extends SqlMigrationClient>(client: C, migrations: readonly SqlMigration<C>[], options: SqlMigrationOptions): Promise<number[]> {
  await client.query(`SELECT pg_advisory_xact_lock(${options.lockKey})`);
  if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${options.table} (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const { rows } = await client.query(`SELECT version FROM ${options.table}`);
  const done = new Set(rows.map((r) => Number(r['version'])));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await client.query(m.sql);
    await m.then?.(client);
    await client.query(`INSERT INTO ${options.table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    applied.push(m.version);
  }
  return applied;
}
