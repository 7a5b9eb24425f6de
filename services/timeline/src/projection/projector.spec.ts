import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import type { ConsumedEvent, TransactionContext } from '@tio/messaging';
import { migrateReadModel } from '../read-model/data-source';
import { ACTORS, caseStory, dumpTimeline, event, testTopics } from '../testing/fixtures';
import { projectBatch, projectEvent } from './projector';

async function inTransactionOf<T>(pool: Pool, work: (tx: TransactionContext) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await work({ query: async (sql, params) => (await c.query(sql, params)).rows });
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
}

/**
 * The batched projection (one transaction per partition chunk, set-based statements) must give exactly the read
 * model that projecting the events one at a time gives: same entries, same seq numbers by the order rule, same
 * memberships and clock payloads, whatever the delivery order, the chunking, or the redeliveries.
 */
describe('projectBatch = projectEvent applied one at a time (real PostgreSQL)', () => {
  let pool: Pool;
  const topics = testTopics('projector');
  const cases = Array.from({ length: 5 }, () => randomUUID());
  // five case stories across four topics, plus late events that sort before entries already there
  const stories = cases.flatMap((c, i) => caseStory(c, topics, Date.parse('2025-01-06T09:30:00Z') + i * 3_600_000));
  const late = cases.map((c) => ({ topic: topics.health, e: event('health.referral-made.v1', c, '2025-01-07T08:00:00Z', ACTORS.nhs, {}) }));
  const offsets = new Map<string, number>();
  const events: ConsumedEvent[] = [...stories, ...late].map(({ topic, e }) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    return { ...e, topic, partition: 0, offset: String(offset) } as ConsumedEvent;
  });

  const inTransaction = <T>(work: (tx: TransactionContext) => Promise<T>) => inTransactionOf(pool, work);

  const clear = (schema: string) => pool.query(`TRUNCATE "${schema}".timeline_entries, "${schema}".timeline_cases, "${schema}".case_members, "${schema}".case_clock_events`);

  let reference: Awaited<ReturnType<typeof dumpTimeline>>;

  beforeAll(async () => {
    const url = await ensureDatabase(process.env['DATABASE_URL'] as string, 'timeline_projector_spec');
    pool = new Pool({ connectionString: url, max: 3 });
    await migrateReadModel(url, 'proj_one');
    await migrateReadModel(url, 'proj_batch');
    await clear('proj_one');
    for (const e of events) await inTransaction((tx) => projectEvent(tx, 'proj_one', e));
    reference = await dumpTimeline(pool, 'proj_one');
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('the reference holds every event once, numbered 1..n per case', async () => {
    expect(reference.rows).toBe(events.length);
    const { rows } = await pool.query(`SELECT case_id, array_agg(seq ORDER BY seq) AS seqs FROM proj_one.timeline_entries GROUP BY case_id`);
    for (const r of rows) expect(r.seqs).toEqual(Array.from({ length: r.seqs.length }, (_, i) => i + 1));
  });

  it('gives the same read model for random delivery orders, chunk sizes and redeliveries', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 8 }),
        async (ordered, sizes, redelivered) => {
          runs++;
          await clear('proj_batch');
          // some events delivered a second time, later in the stream
          const stream = [...ordered, ...redelivered.map((i) => ordered[i])];
          let applied = 0;
          for (let at = 0, k = 0; at < stream.length; k++) {
            const chunk = stream.slice(at, at + sizes[k % sizes.length]);
            at += chunk.length;
            const results = await inTransaction((tx) => projectBatch(tx, 'proj_batch', chunk));
            applied += results.filter((r) => r.applied).length;
          }
          expect(applied).toBe(events.length);
          const dump = await dumpTimeline(pool, 'proj_batch');
          expect(dump.text).toBe(reference.text);
          // arrival is the delivery order: 1..n per case, no gaps, no repeats
          const { rows } = await pool.query(`SELECT case_id, array_agg(arrival ORDER BY arrival) AS a, max(entry_count) AS n FROM proj_batch.timeline_entries JOIN proj_batch.timeline_cases USING (case_id) GROUP BY case_id`);
          for (const r of rows) expect(r.a).toEqual(Array.from({ length: Number(r.n) }, (_, i) => i + 1));
        },
      ),
      { numRuns: 25 },
    );
    expect(runs).toBe(25);
  });

  it('in-order live delivery numbers by appending, and one late event renumbers its case', async () => {
    await clear('proj_batch');
    const byTime = [...events].filter((e) => e.type !== 'health.referral-made.v1').sort((a, b) => a.time.localeCompare(b.time));
    const results = await inTransaction((tx) => projectBatch(tx, 'proj_batch', byTime));
    expect(results.every((r) => r.applied && r.seq !== undefined)).toBe(true);
    const lateOnes = events.filter((e) => e.type === 'health.referral-made.v1');
    const lateResults = await inTransaction((tx) => projectBatch(tx, 'proj_batch', lateOnes));
    expect(lateResults.every((r) => r.applied && r.seq === undefined)).toBe(true); // renumbered by the order rule
    expect((await dumpTimeline(pool, 'proj_batch')).text).toBe(reference.text);
  });
});

/**
 * `recorded_at` is the event store's recorded time, carried by the forwarder as the CloudEvents `recordedat`
 * extension, not the event's business date: two events of the same day are ordered by when their stores recorded
 * them (the README's order rule and the audit's drift check), not by their ids.
 */
describe('the recorded time is the event store’s, and orders entries of the same day (real PostgreSQL)', () => {
  let pool: Pool;
  const topics = testTopics('recorded');
  const caseId = randomUUID();
  const day = '2025-02-03T00:00:00.000Z';
  // the later id recorded first: id order and recorded order disagree
  const decided = { ...event('ehc.decision-to-assess.v1', caseId, day, ACTORS.la, { assessmentId: 'asmt-1' }, `ffffffff-${randomUUID().slice(9)}`), recordedAt: '2025-02-03T09:15:00.123Z' };
  const asked = { ...event('ehc.advice-requested.v1', caseId, day, ACTORS.la, { adviceRequestId: 'req-1', agency: 'health', adviceType: 'medical' }, `00000000-${randomUUID().slice(9)}`), recordedAt: '2025-02-03T09:15:00.456Z' };
  const consumed = [asked, decided].map((e, i) => ({ ...e, topic: topics.case, partition: 0, offset: String(i) }) as ConsumedEvent);

  async function entriesOf(schema: string) {
    const { rows } = await pool.query<{ source_event_id: string; seq: number; occurred_at: Date; recorded_at: Date }>(
      `SELECT source_event_id, seq, occurred_at, recorded_at FROM "${schema}".timeline_entries WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    );
    return rows.map((r) => ({ id: r.source_event_id, seq: r.seq, occurredAt: r.occurred_at.toISOString(), recordedAt: r.recorded_at.toISOString() }));
  }
  const expected = () => [
    { id: decided.id, seq: 1, occurredAt: day, recordedAt: decided.recordedAt },
    { id: asked.id, seq: 2, occurredAt: day, recordedAt: asked.recordedAt },
  ];

  beforeAll(async () => {
    const url = await ensureDatabase(process.env['DATABASE_URL'] as string, 'timeline_projector_spec');
    pool = new Pool({ connectionString: url, max: 2 });
    await migrateReadModel(url, 'proj_recorded_one');
    await migrateReadModel(url, 'proj_recorded_batch');
  });
  afterAll(async () => {
    await pool?.end();
  });

  const inTransaction = <T>(work: (tx: TransactionContext) => Promise<T>) => inTransactionOf(pool, work);

  it('one event at a time: the store’s recorded time is kept and decides the order within the day', async () => {
    for (const e of consumed) await inTransaction((tx) => projectEvent(tx, 'proj_recorded_one', e));
    expect(await entriesOf('proj_recorded_one')).toEqual(expected());
  });

  it('in one batch: the same entries, the same order', async () => {
    await inTransaction((tx) => projectBatch(tx, 'proj_recorded_batch', consumed));
    expect(await entriesOf('proj_recorded_batch')).toEqual(expected());
  });
});
