import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

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

/** TypeORM: handlers get the transaction's `queryRunner` and its `manager` (repositories join the transaction). */
export interface TypeOrmTransaction extends TransactionContext {
  queryRunner: QueryRunner;
  manager: EntityManager;
}

export class TypeOrmUnitOfWork implements UnitOfWork<TypeOrmTransaction> {
  constructor(private readonly dataSource: DataSource) {}

  async transaction<T>(work: (ctx: TypeOrmTransaction) => Promise<T>): Promise<T> {
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    await queryRunner.startTransaction();
    try {
      const ctx: TypeOrmTransaction = {
        queryRunner,
        manager: queryRunner.manager,
        query: async (sql, params) => {
          const result = await queryRunner.query(sql, params as unknown[], true);
          return result.records;
        },
      };
      const out = await work(ctx);
      await queryRunner.commitTransaction();
      return out;
    } catch (err) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await queryRunner.release();
    }
  }
}
