import type { PgTransaction, UnitOfWork } from '@tio/messaging';
import { PgUnitOfWork } from '@tio/messaging';
import type { Pool } from 'pg';

export interface TimelineTransaction extends PgTransaction {
  /** Runs after the transaction commits (metrics); never after a rollback. */
  afterCommit(fn: () => void): void;
}

/** PgUnitOfWork plus after-commit hooks. */
export class AfterCommitUnitOfWork implements UnitOfWork<TimelineTransaction> {
  private readonly inner: PgUnitOfWork;
  constructor(pool: Pool) {
    this.inner = new PgUnitOfWork(pool);
  }

  async transaction<T>(work: (ctx: TimelineTransaction) => Promise<T>): Promise<T> {
    const hooks: (() => void)[] = [];
    const result = await this.inner.transaction((tx) => work({ ...tx, afterCommit: (fn) => hooks.push(fn) }));
    for (const hook of hooks) hook();
    return result;
  }
}
