import type { Pool, PoolClient } from 'pg';

/** What the consumer needs inside a transaction: run SQL. Handlers get the richer context of their adapter. */
export interface TransactionContext {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** Runs a function in one database transaction: commit if it resolves, roll back if it throws. */
export interface UnitOfWork<TCtx extends TransactionContext = TransactionContext> {
  transaction<T>(work: (ctx: TCtx) => Promise<T>): Promise<T>;
}

/** node-postgres: handlers get the transaction's `client`. */
export interface PgTransaction extends TransactionContext {
  client: PoolClient;
}

export class PgUnitOfWork implements UnitOfWork<PgTransaction> {
  constructor(private readonly pool: Pool) {}

  async transaction<T>(work: (ctx: PgTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const ctx: PgTransaction = { client, query: async (sql, params) => (await client.query(sql, params as unknown[])).rows };
      const result = await work(ctx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
