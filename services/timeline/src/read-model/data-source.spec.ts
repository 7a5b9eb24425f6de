import { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import { migrateReadModel, migrateService, timelineDataSource } from './data-source';
import { TimelineEntryEntity } from './entities';

/** One pool per database: the read model's DataSource and its migrations take their connections from the service's pool. */
describe('the timeline DataSource over the service pool (real PostgreSQL)', () => {
  let pool: Pool;
  beforeAll(async () => {
    const url = await ensureDatabase(process.env['DATABASE_URL'] as string, 'timeline_data_source_spec');
    pool = new Pool({ connectionString: url, max: 2, application_name: 'data-source-spec' });
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('migrates and reads through the given pool, and leaves it open when it is destroyed', async () => {
    // concurrent starts wait for each other on the migrations lock, each on one connection of the pool
    await Promise.all([migrateReadModel(pool), migrateReadModel(pool), migrateService(pool)]);
    const ds = await timelineDataSource(pool).initialize();
    const [{ application_name }] = await ds.query(`SELECT current_setting('application_name') AS application_name`);
    expect(application_name).toBe('data-source-spec');
    expect(await ds.getRepository(TimelineEntryEntity).count()).toBeGreaterThanOrEqual(0);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    await ds.destroy();
    // still open: the pool belongs to whoever created it
    const { rows: applied } = await pool.query(`SELECT name FROM timeline.migrations ORDER BY id`);
    expect(applied.map((r) => r.name)).toEqual(['ReadModel1760000000000', 'CaseClockEvents1760000000002', 'ProjectionVersion1760000000003', 'FamilyLinks1760000000004', 'CaseLastEntry1760000000005']);
  });
});
