import { Pool } from 'pg';
import { runSqlMigrations } from '@tio/event-store';
import { ensureDatabase } from '@tio/local-infra';
import { AccessLog, LEGACY_CHAIN, accessEntryHash, accessLogMigrations, chainKeyOrNull, chainOf, migrateAccessLog, type AccessLogTable, type AccessRecord } from './access-log';

const read = (caseId: string | null, i = 0): AccessRecord => ({
  userId: `u-${i}`, organisationId: `org-${i % 7}`, agency: 'health', roles: ['practitioner'], action: 'timeline', caseId, detail: { i },
});

/** The access log on the real PostgreSQL: a chain per case, group commit, two instances, tamper evidence, MACed heads. */
describe('AccessLog (real PostgreSQL)', () => {
  let pool: Pool;
  const tables = (name: string): AccessLogTable => ({ table: name, migrationsTable: `${name}_migrations` });
  async function freshLog(name: string): Promise<AccessLogTable> {
    const where = tables(name);
    await pool.query(`DROP TABLE IF EXISTS ${name}, ${name}_heads, ${where.migrationsTable}`);
    await migrateAccessLog(pool, where);
    return where;
  }
  beforeAll(async () => {
    pool = new Pool({ connectionString: await ensureDatabase(process.env['DATABASE_URL'] as string, 'service_kit_access_log_spec'), max: 8 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  describe('a chain per case', () => {
    let where: AccessLogTable;
    beforeAll(async () => {
      where = await freshLog('probe_access_log');
    });

    it('records 300 concurrent reads from two service instances as one unbroken chain per case, each read awaiting its own entry', async () => {
      expect(chainKeyOrNull()).not.toBeNull(); // the Jest setup gives every worker a master key: heads are MACed
      const instances = [new AccessLog(pool, where), new AccessLog(pool, where)];
      const reads = Array.from({ length: 300 }, (_, i) => ({ ...read(`case-${i % 11}`, i), detail: { i, reason: i % 3 ? undefined : 'care plan' } }));
      const entries = await Promise.all(reads.map((r, i) => instances[i % 2].record(r)));
      // every read got back its own committed entry, in its case's chain
      entries.forEach((e, i) => expect(e).toMatchObject({ userId: `u-${i}`, caseId: `case-${i % 11}`, chain: `case:case-${i % 11}`, detail: i % 3 ? { i } : { i, reason: 'care plan' } }));
      expect(new Set(entries.map((e) => e.seq)).size).toBe(300);
      const { rows } = await pool.query<{ chain: string; positions: string[] }>(`SELECT chain, array_agg(position ORDER BY position) AS positions FROM ${where.table} GROUP BY chain`);
      expect(rows).toHaveLength(11);
      for (const r of rows) expect(r.positions.map(Number)).toEqual(Array.from({ length: r.positions.length }, (_, i) => i + 1));
      expect(await instances[0].verify()).toMatchObject({ valid: true, rowsChecked: 300, chainsChecked: 11, headsAuthenticated: true, breaks: [] });
      expect(await instances[1].verify({ chain: chainOf('case-3') })).toMatchObject({ valid: true, chainsChecked: 1, rowsChecked: entries.filter((e) => e.caseId === 'case-3').length });
      // fewer statements than reads: group commit within a case
      expect(new Set(entries.map((e) => `${e.chain} ${e.at}`)).size).toBeLessThan(300);
    });

    it('puts reads that name no case in the service chain', async () => {
      const entry = await new AccessLog(pool, where).record(read(null));
      expect(entry).toMatchObject({ chain: 'service', position: 1, previousHash: null });
    });

    it("appends a case's read while another case's chain is held: reads of different cases do not wait for each other", async () => {
      const log = new AccessLog(pool, where);
      await log.record(read('held-case'));
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM ${where.table}_heads WHERE chain = $1 FOR UPDATE`, [chainOf('held-case')]);
        let heldDone = false;
        const held = log.record(read('held-case', 1)).then((e) => ((heldDone = true), e));
        const other = await log.record(read('other-case', 2));
        expect(other).toMatchObject({ chain: 'case:other-case', position: 1 });
        expect(heldDone).toBe(false);
        await holder.query('COMMIT');
        expect(await held).toMatchObject({ chain: 'case:held-case', position: 2 });
      } finally {
        holder.release();
      }
    });

    it('verifies one snapshot while reads of many cases keep appending', async () => {
      const writer = new AccessLog(pool, where);
      const appends = Promise.all(Array.from({ length: 200 }, (_, i) => writer.record(read(`busy-${i % 20}`, i))));
      const during = await new AccessLog(pool, where).verify();
      await appends;
      expect(during).toMatchObject({ valid: true, breaks: [] });
    });

    it('names the chain and position of an edited row or a row removed from the middle; other chains stay valid', async () => {
      const log = new AccessLog(pool, where);
      const chain = chainOf('case-4');
      await pool.query(`UPDATE ${where.table} SET organisation_id = 'someone-else' WHERE chain = $1 AND position = 10`, [chain]);
      const edited = await log.verify();
      expect(edited).toMatchObject({ valid: false, firstBreak: { chain, position: 10, reason: 'hash-mismatch' } });
      expect(edited.breaks).toHaveLength(1);
      expect(await log.verify({ chain: chainOf('case-5') })).toMatchObject({ valid: true });
      await pool.query(`DELETE FROM ${where.table} WHERE chain = $1 AND position = 10`, [chain]);
      expect(await log.verify({ chain })).toMatchObject({ valid: false, firstBreak: { chain, position: 10, reason: 'sequence-gap' } });
    });
  });

  describe('heads', () => {
    let where: AccessLogTable;
    let log: AccessLog;
    beforeEach(async () => {
      where = await freshLog('probe_access_log_heads');
      log = new AccessLog(pool, where);
      for (const c of ['a', 'b', 'c']) for (let i = 0; i < 5; i++) await log.record(read(c, i));
    });

    it('catches a chain whose newest row was deleted (its head no longer matches), naming the missing position', async () => {
      await pool.query(`DELETE FROM ${where.table} WHERE chain = 'case:b' AND position = 5`);
      const v = await log.verify();
      expect(v).toMatchObject({ valid: false, firstBreak: { chain: 'case:b', position: 5, reason: 'head-mismatch' } });
      expect(v.breaks).toHaveLength(1);
    });

    it('catches a deleted head row, a chain deleted under its head, and a head rewound without the key', async () => {
      const before = await log.verify();
      await pool.query(`DELETE FROM ${where.table}_heads WHERE chain = 'case:a'`);
      await pool.query(`DELETE FROM ${where.table} WHERE chain = 'case:b'`);
      // rewind c's head to position 4 after cutting the tail: the hash is right, the MAC cannot be
      await pool.query(`DELETE FROM ${where.table} WHERE chain = 'case:c' AND position = 5`);
      await pool.query(`UPDATE ${where.table}_heads h SET position = 4, hash = t.hash FROM ${where.table} t WHERE h.chain = 'case:c' AND t.chain = 'case:c' AND t.position = 4`);
      const v = await log.verify();
      expect(v.valid).toBe(false);
      expect(v.breaks).toEqual([
        { chain: 'case:a', position: 5, seq: expect.any(Number), reason: 'head-missing' },
        { chain: 'case:b', position: 5, seq: null, reason: 'entries-missing' },
        { chain: 'case:c', position: 4, seq: null, reason: 'head-mac-mismatch' },
      ]);
      expect(v.headHash).not.toBe(before.headHash);
    });

    it('records a new read after another instance moved the head (it re-reads the head and tries again)', async () => {
      const other = new AccessLog(pool, where);
      await other.record(read('a', 9)); // log still remembers a's head at 5
      expect(await log.record(read('a', 10))).toMatchObject({ chain: 'case:a', position: 7 });
      expect(await log.verify()).toMatchObject({ valid: true, rowsChecked: 17 });
    });
  });

  it('keeps the rows written before chains as the legacy chain, verifiable, its head anchored by the migration', async () => {
    const where = tables('probe_access_log_legacy');
    await pool.query(`DROP TABLE IF EXISTS ${where.table}, ${where.table}_heads, ${where.migrationsTable}`);
    await runSqlMigrations(pool, accessLogMigrations(where.table).slice(0, 1), { table: where.migrationsTable, lockKey: `hashtext('tio.${where.migrationsTable}')` });
    // rows as the previous release wrote them: one chain over the global seq
    let previousHash: string | null = null;
    for (let seq = 1; seq <= 4; seq++) {
      const e = { ...read(`case-${seq % 2}`, seq), seq, at: new Date(Date.UTC(2026, 0, seq)).toISOString(), previousHash };
      const hash = accessEntryHash(e);
      await pool.query(
        `INSERT INTO ${where.table} (seq, at, user_id, organisation_id, agency, roles, action, case_id, detail, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [seq, e.at, e.userId, e.organisationId, e.agency, e.roles, e.action, e.caseId, JSON.stringify(e.detail), previousHash, hash],
      );
      previousHash = hash;
    }
    await migrateAccessLog(pool, where);
    const log = new AccessLog(pool, where);
    const next = await log.record(read('case-1', 5));
    expect(next).toMatchObject({ chain: 'case:case-1', position: 1, previousHash: null });
    expect(next.seq).toBeGreaterThan(4);
    expect(await log.verify()).toMatchObject({ valid: true, rowsChecked: 5, chainsChecked: 2, unanchoredChains: [] });
    expect(await log.verify({ chain: LEGACY_CHAIN })).toMatchObject({ valid: true, rowsChecked: 4, headHash: previousHash });
    // the legacy head is MACed like any other: rewinding it is caught
    await pool.query(`DELETE FROM ${where.table} WHERE seq = 4`);
    await pool.query(`UPDATE ${where.table}_heads h SET position = 3, hash = t.hash FROM ${where.table} t WHERE h.chain = $1 AND t.seq = 3`, [LEGACY_CHAIN]);
    expect(await log.verify()).toMatchObject({ valid: false, firstBreak: { chain: LEGACY_CHAIN, position: 3, reason: 'head-mac-mismatch' } });
  });
});
