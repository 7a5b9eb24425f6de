import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { newEvent } from '../contract/fixtures';
import { CASE_INDEX_NAME } from './audit-reads';
import { PostgresEventStore } from './postgres-event-store';

const DB = 'es_audit_reads_pg';
const EMPTY_DB = 'es_audit_reads_pg_empty';

async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of batches) out.push(...b);
  return out;
}

/** What only the PostgreSQL audit reads do: read-only connections, a store without tables, the optional case index. */
describe('PostgreSQL audit reads (store.audit)', () => {
  const cluster = () => process.env['DATABASE_URL'] as string;
  let url: string;
  let writer: PostgresEventStore;
  const readOnlyPools: Pool[] = [];
  const readOnly = (connectionString: string) => {
    const pool = new Pool({ connectionString, max: 2, options: '-c default_transaction_read_only=on' });
    readOnlyPools.push(pool);
    return PostgresEventStore.create({ pool, migrate: false });
  };

  beforeAll(async () => {
    url = await ensureDatabase(cluster(), DB);
    writer = await PostgresEventStore.create({ connectionString: url });
  });
  afterAll(async () => {
    await writer?.close();
    await Promise.allSettled(readOnlyPools.map((p) => p.end()));
    await dropDatabase(cluster(), DB);
    await dropDatabase(cluster(), EMPTY_DB);
  });

  it('Given a database where no store was ever created, Then every audit read is empty rather than an error', async () => {
    const store = await readOnly(await ensureDatabase(cluster(), EMPTY_DB));
    expect(await store.audit.exists()).toBe(false);
    expect(await all(store.audit.caseEvents('c-1'))).toEqual([]);
    expect(await store.audit.countCaseEvents('c-1')).toBe(0);
    expect(await store.audit.findEvent(randomUUID())).toBeUndefined();
    expect(await store.audit.caseStreams('c-1')).toEqual([]);
    expect(await store.audit.streamHeads()).toEqual(new Map());
    expect(await all(store.audit.authenticatedStreams())).toEqual([]);
    expect(await all(store.audit.readRange({}))).toEqual([]);
    await store.close();
  });

  it('Given a case, When read over read-only connections before and after the optional case index is built, Then the answers are the same and the index exists', async () => {
    const caseId = randomUUID();
    const streams = [`case-${caseId}`, `plan-${caseId}`];
    for (let i = 0; i < 6; i++) {
      const e = newEvent('CaseNoteAdded', { i });
      await writer.appendToStream(streams[i % 2] as string, [{ ...e, metadata: { ...e.metadata, caseId } }]);
    }
    const store = await readOnly(url);
    const before = (await all(store.audit.caseEvents(caseId, { batchSize: 4 }))).map((e) => e.metadata.eventId);
    expect(before).toHaveLength(6);
    await store.audit.optimiseCaseReads?.(url);
    const { rows } = await writer.pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'event_store' AND indexname = $1`, [CASE_INDEX_NAME]);
    expect(rows).toHaveLength(1);
    expect((await all(store.audit.caseEvents(caseId))).map((e) => e.metadata.eventId)).toEqual(before);
    expect(await store.audit.caseStreams(caseId)).toEqual(streams);
    await store.close();
  });
});
