import type { Pool, PoolClient } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { ALL_ENTITIES, LIVE_SCHEMA } from './entities';
import { ReadModel1760000000000 } from './migrations/1760000000000-read-model';
import { AccessLog1760000000001 } from './migrations/1760000000001-access-log';
import { CaseClockEvents1760000000002 } from './migrations/1760000000002-case-clock-events';
import { ProjectionVersion1760000000003 } from './migrations/1760000000003-projection-version';
import { FamilyLinks1760000000004 } from './migrations/1760000000004-family-links';
import { CaseLastEntry1760000000005 } from './migrations/1760000000005-case-last-entry';

/** Migrations of the rebuildable read model; they run inside the schema they are given (live or aside). */
export const READ_MODEL_MIGRATIONS = [ReadModel1760000000000, CaseClockEvents1760000000002, ProjectionVersion1760000000003, FamilyLinks1760000000004, CaseLastEntry1760000000005];
/** Migrations of what is never rebuilt (the access log), in `public`. */
export const SERVICE_MIGRATIONS = [AccessLog1760000000001];

const MIGRATIONS_LOCK = `hashtext('tio.timeline.migrations')`;

/**
 * ONE pool per database: TypeORM's `pg` driver (the `driver` option) made to take its connections from the service's
 * pool (service-kit's PG_POOL, which the health checks, the access log and the consumer use too). Destroying a
 * DataSource leaves the pool open: whoever created the pool ends it. TypeORM uses `connect`, `on('error')` (the pool
 * has its handler already) and `end` of the pool it makes.
 */
function driverOver(pool: Pool): { Pool: new () => unknown } {
  const borrowed = {
    connect: (callback: (err: Error | undefined, client: PoolClient | undefined, release: (err?: Error) => void) => void) => pool.connect(callback),
    on: () => borrowed,
    end: (callback?: (err?: Error) => void) => callback?.(),
  };
  return { Pool: function BorrowedPool() { return borrowed; } as unknown as new () => unknown };
}

/** The service's DataSource (entities for reads) over its pool. `synchronize` is never on. */
export function timelineDataSource(pool: Pool): DataSource {
  return new DataSource({ type: 'postgres', driver: driverOver(pool), entities: ALL_ENTITIES, synchronize: false, logging: false });
}

/** Creates the schema if needed and brings its read-model tables up to date (its own `migrations` table). */
export async function migrateReadModel(pool: Pool, schema: string = LIVE_SCHEMA): Promise<void> {
  await migrate(new DataSource({
    type: 'postgres', driver: driverOver(pool), schema, migrations: READ_MODEL_MIGRATIONS, migrationsTableName: 'migrations', synchronize: false, logging: false,
  }), schema);
}

/** Brings the access log up to date. */
export async function migrateService(pool: Pool): Promise<void> {
  await migrate(new DataSource({
    type: 'postgres', driver: driverOver(pool), migrations: SERVICE_MIGRATIONS, migrationsTableName: 'timeline_service_migrations', synchronize: false, logging: false,
  }));
}

/**
 * Runs a DataSource's pending migrations in one transaction, on ONE connection that holds the advisory lock for the
 * whole run: concurrent starts (two instances, a rebuild, a test suite booting several apps) wait for each other.
 */
async function migrate(ds: DataSource, schema?: string): Promise<void> {
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATIONS_LOCK})`);
    try {
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(ds, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATIONS_LOCK})`);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
