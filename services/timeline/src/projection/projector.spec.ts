import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import type { ConsumedEvent, TransactionContext } from '@tio/messaging';
import { migrateReadModel } from '../read-model/data-source';
import { ACTORS, caseStory, event, testTopics } from '../testing/fixtures';
import { buildEntry } from './entry-builders';
import { CaseLastEntry1760000000005 } from '../read-model/migrations/1760000000005-case-last-entry';
import { projectBatch } from './projector';

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

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * What the timeline must show for a set of deliveries, folded in memory: each event once (its first delivery), a
 * case's entries numbered 1..n by the order rule (occurred, recorded, id byte-wise), `arrival` the order of first
 * deliveries, the case's count and first/last dates, per organisation the earliest event that involved it, and every
 * `ehc.*` payload. The entry's words come from the pure builders (entry-builders.spec.ts checks those).
 */
function referenceModel(deliveries: readonly ConsumedEvent[]): ReadModel {
  const firsts = new Map<string, ConsumedEvent>();
  for (const e of deliveries) if (!firsts.has(e.id)) firsts.set(e.id, e);
  const byCase = new Map<string, ConsumedEvent[]>();
  for (const e of firsts.values()) byCase.set(e.subject, [...(byCase.get(e.subject) ?? []), e]);
  const recordedOf = (e: ConsumedEvent) => e.recordedAt ?? e.time;
  const byOrderRule = (a: ConsumedEvent, b: ConsumedEvent) =>
    Date.parse(a.time) - Date.parse(b.time) || Date.parse(recordedOf(a)) - Date.parse(recordedOf(b)) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

  const model: ReadModel = { entries: [], cases: [], members: [], clock: [] };
  for (const [caseId, arrived] of byCase) {
    const ordered = [...arrived].sort(byOrderRule);
    for (const [i, e] of ordered.entries()) {
      const draft = buildEntry(e as ConsumedEvent<Record<string, unknown>>);
      model.entries.push({
        case_id: caseId, seq: i + 1, arrival: arrived.indexOf(e) + 1, source_event_id: e.id, kind: draft.kind, title: draft.title, summary: draft.summary,
        agency: draft.agency, actor_user_id: e.actor.userId, actor_organisation_id: e.actor.organisationId, actor_agency: e.actor.agency, actor_role: e.actor.role,
        occurred_at: iso(e.time), recorded_at: iso(recordedOf(e)), details: draft.details, source_event_type: e.type, source_topic: e.topic,
        source_partition: e.partition, source_offset: e.offset,
      });
      if (e.type.startsWith('ehc.')) {
        model.clock.push({
          source_event_id: e.id, case_id: caseId, type: e.type, data: e.data ?? {}, occurred_at: iso(e.time), recorded_at: iso(recordedOf(e)),
          source_topic: e.topic, source_partition: e.partition, source_offset: e.offset,
        });
      }
    }
    const last = ordered[ordered.length - 1];
    model.cases.push({
      case_id: caseId, entry_count: ordered.length, first_occurred_at: iso(ordered[0].time), last_occurred_at: iso(last.time), last_recorded_at: iso(recordedOf(last)), last_event_id: last.id,
    });
    // earliest by (occurred, id): the first event in the order rule that names the organisation, as its actor or as a member
    const members = new Map<string, Member>();
    for (const e of [...ordered].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)))) {
      const involved = [{ organisationId: e.actor.organisationId, agency: e.actor.agency, reason: 'recorded an event' }, ...(buildEntry(e as ConsumedEvent<Record<string, unknown>>).members ?? [])];
      for (const m of involved) {
        if (!m.organisationId || members.has(m.organisationId)) continue;
        members.set(m.organisationId, { case_id: caseId, organisation_id: m.organisationId, agency: m.agency, reason: m.reason, since_event_id: e.id, since_occurred_at: iso(e.time) });
      }
    }
    model.members.push(...members.values());
  }
  return sorted(model);
}

const iso = (time: string) => new Date(time).toISOString();

interface Member { case_id: string; organisation_id: string; agency: string; reason: string; since_event_id: string; since_occurred_at: string }
interface ReadModel {
  entries: Record<string, unknown>[];
  cases: Record<string, unknown>[];
  members: Member[];
  clock: Record<string, unknown>[];
}

const byKey = <T extends object>(...keys: (keyof T & string)[]) => (a: T, b: T) => {
  for (const k of keys) {
    const c = Buffer.compare(Buffer.from(String(a[k])), Buffer.from(String(b[k])));
    if (c) return c;
  }
  return 0;
};
function sorted(m: ReadModel): ReadModel {
  return {
    entries: [...m.entries].sort(byKey('source_event_id')),
    cases: [...m.cases].sort(byKey('case_id')),
    members: [...m.members].sort(byKey('case_id', 'organisation_id')),
    clock: [...m.clock].sort(byKey('source_event_id')),
  };
}

/** The read model as stored, in the reference's shape (times as ISO strings, bigints as strings, jsonb parsed). */
async function storedModel(pool: Pool, schema: string): Promise<ReadModel> {
  const s = `"${schema}"`;
  const times = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
  const rows = async (sql: string) => (await pool.query(sql)).rows.map(times);
  return sorted({
    entries: await rows(`SELECT case_id, seq, arrival, source_event_id, kind, title, summary, agency, actor_user_id, actor_organisation_id, actor_agency, actor_role,
      occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, source_offset::text FROM ${s}.timeline_entries`),
    cases: await rows(`SELECT case_id, entry_count, first_occurred_at, last_occurred_at, last_recorded_at, last_event_id FROM ${s}.timeline_cases`),
    members: (await rows(`SELECT case_id, organisation_id, agency, reason, since_event_id, since_occurred_at FROM ${s}.case_members`)) as unknown as Member[],
    clock: await rows(`SELECT source_event_id, case_id, type, data, occurred_at, recorded_at, source_topic, source_partition, source_offset::text FROM ${s}.case_clock_events`),
  });
}

/**
 * The projection (one transaction per partition chunk, set-based statements) stores what the reference model says
 * the timeline must show, whatever the delivery order, the chunking (a chunk of one is how a message retried on its
 * own is applied), or the redeliveries.
 */
describe('projectBatch stores what the reference model says the timeline shows (real PostgreSQL)', () => {
  let pool: Pool;
  const topics = testTopics('projector');
  const cases = Array.from({ length: 5 }, () => randomUUID());
  // five case stories across four topics, plus late events that sort before entries already there
  const stories = cases.flatMap((c, i) => caseStory(c, topics, Date.parse('2025-01-06T09:30:00Z') + i * 3_600_000));
  const late = cases.map((c) => ({ topic: topics.health, e: event('health.referral-made.v1', c, '2025-01-07T08:00:00Z', ACTORS.nhs, {}) }));
  // two events of one case at the same instant, recorded at the same instant: the ids alone order them
  const tied = ['2025-01-08T10:00:00.000Z', '2025-01-08T10:00:00.000Z'].map((t) => ({ topic: topics.socialCare, e: { ...event('social-care.family-visit-recorded.v1', cases[0], t, ACTORS.socialCare, {}), recordedAt: t } }));
  const offsets = new Map<string, number>();
  const events: ConsumedEvent[] = [...stories, ...late, ...tied].map(({ topic, e }) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    return { ...e, topic, partition: 0, offset: String(offset) } as ConsumedEvent;
  });

  const inTransaction = <T>(work: (tx: TransactionContext) => Promise<T>) => inTransactionOf(pool, work);
  const SCHEMA = 'proj_batch';
  const clear = () => pool.query(`TRUNCATE "${SCHEMA}".timeline_entries, "${SCHEMA}".timeline_cases, "${SCHEMA}".case_members, "${SCHEMA}".case_clock_events`);

  /** Delivers the stream in chunks of the given sizes (cycled); returns how many events were applied. */
  async function deliver(stream: readonly ConsumedEvent[], sizes: readonly number[]): Promise<number> {
    let applied = 0;
    for (let at = 0, k = 0; at < stream.length; k++) {
      const chunk = stream.slice(at, at + sizes[k % sizes.length]);
      at += chunk.length;
      const results = await inTransaction((tx) => projectBatch(tx, SCHEMA, chunk));
      applied += results.filter((r) => r.applied).length;
    }
    return applied;
  }

  beforeAll(async () => {
    const url = await ensureDatabase(process.env['DATABASE_URL'] as string, 'timeline_projector_spec');
    pool = new Pool({ connectionString: url, max: 3 });
    await migrateReadModel(pool, SCHEMA);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('the reference itself: every event once, numbered 1..n per case, the memberships the stories name', () => {
    const reference = referenceModel([...events, ...events]);
    expect(reference.entries).toHaveLength(events.length);
    for (const c of cases) {
      expect(reference.entries.filter((e) => e.case_id === c).map((e) => e.seq).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: c === cases[0] ? 13 : 11 }, (_, i) => i + 1));
      expect(reference.members.filter((m) => m.case_id === c).map((m) => m.organisation_id).sort()).toEqual(
        [ACTORS.la.organisationId, ACTORS.nhs.organisationId, ACTORS.school.organisationId, ACTORS.socialCare.organisationId].sort(),
      );
    }
    // the late referral sorts before everything but the request: second in its case
    expect(reference.entries.filter((e) => e.source_event_type === 'health.referral-made.v1').map((e) => e.seq)).toEqual([2, 2, 2, 2, 2]);
  });

  it('one event per transaction, in time order, gives the reference', async () => {
    await clear();
    const byTime = [...events].sort((a, b) => a.time.localeCompare(b.time));
    expect(await deliver(byTime, [1])).toBe(events.length);
    expect(await storedModel(pool, SCHEMA)).toEqual(referenceModel(byTime));
  });

  it('random delivery orders, chunk sizes and redeliveries give the reference', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 8 }),
        async (ordered, sizes, redelivered) => {
          runs++;
          await clear();
          // some events delivered a second time, later in the stream
          const stream = [...ordered, ...redelivered.map((i) => ordered[i])];
          expect(await deliver(stream, sizes)).toBe(events.length);
          expect(await storedModel(pool, SCHEMA)).toEqual(referenceModel(stream));
        },
      ),
      { numRuns: 25 },
    );
    expect(runs).toBe(25);
  });

  it('topics delivered at once on separate connections, as the consumer’s partitions are, give the reference but for the arrival numbers', async () => {
    // each case's batches serialise on its row: the later one numbers after what the earlier one committed
    const withoutArrival = (m: ReadModel) => ({ ...m, entries: m.entries.map(({ arrival: _arrival, ...e }) => e) });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }), async (sizes) => {
        runs++;
        await clear();
        const byTopic = [...new Set(events.map((e) => e.topic))].map((t) => events.filter((e) => e.topic === t));
        const applied = await Promise.all(byTopic.map((stream) => deliver(stream, sizes)));
        expect(applied.reduce((a, b) => a + b, 0)).toBe(events.length);
        const stored = await storedModel(pool, SCHEMA);
        expect(withoutArrival(stored)).toEqual(withoutArrival(referenceModel(events)));
        for (const c of cases) {
          const arrivals = stored.entries.filter((e) => e.case_id === c).map((e) => Number(e.arrival)).sort((a, b) => a - b);
          expect(arrivals).toEqual(arrivals.map((_, i) => i + 1));
        }
      }),
      { numRuns: 10 },
    );
    expect(runs).toBe(10);
  });

  it('an event a concurrent batch stores while this one waits for the case lock is never stored twice: this batch fails, and applied again it skips the event', async () => {
    await clear();
    const [first, ...rest] = events.filter((e) => e.subject === cases[1]).sort((a, b) => a.time.localeCompare(b.time));
    await deliver([first], [1]);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      // holds the case row (as a batch of the same case does) while it stores the next event
      await projectBatch({ query: async (sql, params) => (await holder.query(sql, params)).rows }, SCHEMA, [rest[0]]);
      const waiting = inTransaction((tx) => projectBatch(tx, SCHEMA, [rest[0], rest[1]]));
      const settled = waiting.then(() => 'applied', (err: Error) => err.message);
      // the second batch is blocked on the case row once its lock statement waits
      await waitUntil(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`)).rows[0].n > 0);
      await holder.query('COMMIT');
      expect(await settled).toMatch(/duplicate key value violates unique constraint/);
    } finally {
      holder.release();
    }
    const again = await inTransaction((tx) => projectBatch(tx, SCHEMA, [rest[0], rest[1]]));
    expect(again.map((r) => r.eventId)).toEqual([rest[1].id]);
    const stored = await storedModel(pool, SCHEMA);
    const ofCase = stored.entries.filter((e) => e.case_id === cases[1]).sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(ofCase.map((e) => [e.source_event_id, e.seq])).toEqual([[first.id, 1], [rest[0].id, 2], [rest[1].id, 3]]);
  });

  it('the migration that keeps each case’s last entry on its row fills it from the entries already stored', async () => {
    await clear();
    await deliver(events, [7]);
    const migration = new CaseLastEntry1760000000005();
    const queryRunner = { connection: { options: { schema: SCHEMA } }, query: (sql: string) => pool.query(sql) } as unknown as Parameters<typeof migration.up>[0];
    await migration.down(queryRunner);
    await migration.up(queryRunner);
    expect(await storedModel(pool, SCHEMA)).toEqual(referenceModel(events));
  });

  it('in-order live delivery numbers by appending, and late events renumber their cases', async () => {
    await clear();
    const lateIds = new Set(late.map((l) => l.e.id));
    const byTime = events.filter((e) => !lateIds.has(e.id)).sort((a, b) => a.time.localeCompare(b.time));
    const results = await inTransaction((tx) => projectBatch(tx, SCHEMA, byTime));
    expect(results.every((r) => r.applied && r.seq !== undefined)).toBe(true);
    const lateOnes = events.filter((e) => lateIds.has(e.id));
    const lateResults = await inTransaction((tx) => projectBatch(tx, SCHEMA, lateOnes));
    expect(lateResults.every((r) => r.applied && r.seq === undefined)).toBe(true); // renumbered by the order rule
    expect(await storedModel(pool, SCHEMA)).toEqual(referenceModel([...byTime, ...lateOnes]));
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
    await migrateReadModel(pool, 'proj_recorded_one');
    await migrateReadModel(pool, 'proj_recorded_batch');
  });
  afterAll(async () => {
    await pool?.end();
  });

  const inTransaction = <T>(work: (tx: TransactionContext) => Promise<T>) => inTransactionOf(pool, work);

  it('one event at a time: the store’s recorded time is kept and decides the order within the day', async () => {
    for (const e of consumed) await inTransaction((tx) => projectBatch(tx, 'proj_recorded_one', [e]));
    expect(await entriesOf('proj_recorded_one')).toEqual(expected());
  });

  it('in one batch: the same entries, the same order', async () => {
    await inTransaction((tx) => projectBatch(tx, 'proj_recorded_batch', consumed));
    expect(await entriesOf('proj_recorded_batch')).toEqual(expected());
  });
});
