import { DataSource } from 'typeorm';
import { ALL_ENTITIES, LIVE_SCHEMA } from './entities';
import { ReadModel1760000000000 } from './migrations/1760000000000-read-model';
import { AccessLog1760000000001 } from './migrations/1760000000001-access-log';
import { CaseClockEvents1760000000002 } from './migrations/1760000000002-case-clock-events';
import { ProjectionVersion1760000000003 } from './migrations/1760000000003-projection-version';

/** Migrations of the rebuildable read model; they run inside the schema they are given (live or aside). */
export const READ_MODEL_MIGRATIONS = [ReadModel1760000000000, CaseClockEvents1760000000002, ProjectionVersion1760000000003];
/** Migrations of what is never rebuilt (the access log), in `public`. */
export const SERVICE_MIGRATIONS = [AccessLog1760000000001];

/** The service's DataSource: entities for reads, `public` migrations. `synchronize` is never on. */
export function timelineDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres', url, entities: ALL_ENTITIES, migrations: SERVICE_MIGRATIONS, migrationsTableName: 'timeline_service_migrations',
    synchronize: false, logging: false, poolSize, applicationName: 'tio-timeline',
  });
}

/** Creates the schema if needed and brings its read-model tables up to date (its own `migrations` table). */
export async function migrateReadModel(url: string, schema: string = LIVE_SCHEMA): Promise<void> {
  const ds = new DataSource({
    type: 'postgres', url, schema, migrations: READ_MODEL_MIGRATIONS, migrationsTableName: 'migrations', synchronize: false, logging: false, poolSize: 1,
  });
  await ds.initialize();
  try {
    // serialise concurrent starts (two instances, or a test suite booting several apps on one database)
    await ds.query(`SELECT pg_advisory_lock(hashtext('tio.timeline.migrations'))`);
    try {
      await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      await ds.query(`SELECT pg_advisory_unlock(hashtext('tio.timeline.migrations'))`);
    }
  } finally {
    await ds.destroy();
  }
}

/** Brings the access log up to date (a single connection, so the advisory lock holds for the whole run). */
export async function migrateService(url: string): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url, migrations: SERVICE_MIGRATIONS, migrationsTableName: 'timeline_service_migrations', synchronize: false, logging: false, poolSize: 1 });
  await ds.initialize();
  try {
    await ds.query(`SELECT pg_advisory_lock(hashtext('tio.timeline.migrations'))`);
    try {
      await ds.runMigrations({ transaction: 'all' });
    } finally {
      await ds.query(`SELECT pg_advisory_unlock(hashtext('tio.timeline.migrations'))`);
    }
  } finally {
    await ds.destroy();
  }
}
