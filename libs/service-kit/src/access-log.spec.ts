import { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import { AccessLog, migrateAccessLog, type AccessLogTable } from './access-log';

/** The hash-chained access log on the real PostgreSQL: group commit under load, two instances, tamper evidence. */
describe('AccessLog (real PostgreSQL)', () => {
  const where: AccessLogTable = { table: 'probe_access_log', migrationsTable: 'probe_access_log_migrations' };
  let pool: Pool;
  beforeAll(async () => {
    pool = new Pool({ connectionString: await ensureDatabase(process.env['DATABASE_URL'] as string, 'service_kit_access_log_spec'), max: 6 });
    await pool.query(`DROP TABLE IF EXISTS ${where.table}, ${where.migrationsTable}`);
    await migrateAccessLog(pool, where);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('records 300 concurrent reads from two service instances as one unbroken chain, each read awaiting its own entry', async () => {
    const instances = [new AccessLog(pool, where), new AccessLog(pool, where)];
    const reads = Array.from({ length: 300 }, (_, i) => ({
      userId: `u-${i}`, organisationId: `org-${i % 7}`, agency: 'health', roles: ['practitioner'], action: 'timeline', caseId: `case-${i % 11}`, detail: { i, reason: i % 3 ? undefined : 'care plan' },
    }));
    const entries = await Promise.all(reads.map((r, i) => instances[i % 2].record(r)));
    // every read got back its own committed entry
    entries.forEach((e, i) => expect(e).toMatchObject({ userId: `u-${i}`, caseId: `case-${i % 11}`, detail: i % 3 ? { i } : { i, reason: 'care plan' } }));
    expect(new Set(entries.map((e) => e.seq)).size).toBe(300);
    const { rows } = await pool.query<{ seq: string }>(`SELECT seq FROM ${where.table} ORDER BY seq`);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await instances[0].verify()).toMatchObject({ valid: true, rowsChecked: 300 });
    // fewer transactions than reads: group commit
    expect(new Set(entries.map((e) => e.at)).size).toBeLessThan(300);
  });

  it('reports the first row that was edited, or removed from the middle', async () => {
    const log = new AccessLog(pool, where);
    await pool.query(`UPDATE ${where.table} SET organisation_id = 'someone-else' WHERE seq = 120`);
    expect(await log.verify()).toMatchObject({ valid: false, firstBreak: { seq: 120, reason: 'hash-mismatch' } });
    await pool.query(`DELETE FROM ${where.table} WHERE seq = 120`);
    expect(await log.verify()).toMatchObject({ valid: false, firstBreak: { seq: 121, reason: 'sequence-gap' } });
  });
});
