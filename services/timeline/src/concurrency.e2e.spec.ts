import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import type { ConsumedEvent } from '@tio/messaging';
import type { DataSource } from 'typeorm';
import { TimelineConsumer } from './consumer/timeline-consumer';
import { CaseFeeds } from './live/case-feeds';
import { CaseChangesBatcher } from './live/changes-batcher';
import { projectBatch } from './projection/projector';
import { LIVE_SCHEMA } from './read-model/entities';
import { TIMELINE_DB } from './read-model/timeline.queries';
import { ACTORS, Publisher, caseStory, event, testTopics, topicList, waitFor } from './testing/fixtures';
import { openSse } from './testing/sse';
import { timelineService } from './service';

/**
 * Issue 20: the consumer projects several partitions at once, and a case's open streams share one read per change.
 * Neither may cost a guarantee: a case's entries keep their partition's order, and every stream of a case gets every
 * change once, in arrival order. The streams of the cases one consumer batch changed are served by one statement.
 */
describe('timeline concurrency (real Kafka, PostgreSQL and HTTP)', () => {
  let service: TestService;
  let pool: Pool;
  const topics = testTopics('conc');
  const publisher = new Publisher();
  const tokens: Record<string, string> = {};
  const url = (path: string) => `http://127.0.0.1:${(service.server.address() as AddressInfo).port}${path}`;
  const count = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].n);
  /** Projects events in one transaction, NOTIFYing every case it changed at commit, as one consumer batch does. */
  const projectOneBatch = async (events: ConsumedEvent[]) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await projectBatch({ query: async (sql, params) => (await c.query(sql, params)).rows }, LIVE_SCHEMA, events, { notify: true });
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  };

  beforeAll(async () => {
    await publisher.ensure(topicList(topics)); // 3 partitions each: 12 partitions in all
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-conc-${randomUUID().slice(0, 6)}`, TIMELINE_PARTITIONS_CONCURRENTLY: '4', TIMELINE_BATCH_SIZE: '7' });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    tokens['school'] = await tokenFor({ userId: 'senco-1', organisationId: ACTORS.school.organisationId, agency: 'education', roles: ['practitioner'] });
    tokens['nhs'] = await tokenFor({ userId: 'paed-1', organisationId: ACTORS.nhs.organisationId, agency: 'health', roles: ['practitioner'] });
    tokens['auditor'] = await tokenFor({ userId: 'inspector-1', organisationId: 'ofsted', agency: 'system', roles: ['auditor'] });
  });
  afterAll(async () => {
    await publisher.close();
    await pool?.end();
    await service?.close();
  });

  it('projects four partitions at once and keeps each case in its partition order: 40 cases over 12 partitions, every entry once, seq 1..10 by time', async () => {
    expect(service.app.get(TimelineConsumer).settings.partitionsConcurrently).toBe(4);
    const cases = Array.from({ length: 40 }, () => randomUUID());
    const stories = cases.map((c, i) => caseStory(c, topics, Date.parse('2025-01-06T09:30:00Z') + i * 60_000));
    // in story order, each story step of every case in one send: the partitions fill together
    for (let step = 0; step < 10; step++) await publisher.publish(stories.map((s) => s[step]));
    await waitFor('every case projected', async () => (await count(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE case_id = ANY($1)`, [cases])) === 400, 120_000);

    const rows = (await pool.query<{ case_id: string; seq: number; arrival: number; source_event_id: string; source_topic: string; source_offset: string }>(
      `SELECT case_id, seq, arrival, source_event_id, source_topic, source_offset::text FROM timeline.timeline_entries WHERE case_id = ANY($1) ORDER BY case_id, seq`, [cases],
    )).rows;
    for (const [i, caseId] of cases.entries()) {
      const mine = rows.filter((r) => r.case_id === caseId);
      // the story's order (its events are in time order), numbered 1..10, nothing twice
      expect(mine.map((r) => r.source_event_id)).toEqual(stories[i].map((x) => x.e.id));
      expect(mine.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // within one partition (the case id is the key), entries arrived in offset order
      const caseTopic = mine.filter((r) => r.source_topic === topics.case).sort((a, b) => a.arrival - b.arrival);
      expect(caseTopic.map((r) => BigInt(r.source_offset))).toEqual([...caseTopic.map((r) => BigInt(r.source_offset))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it("sends every change to every open stream of a case once, in arrival order, with one read per change for all of them", async () => {
    const caseId = randomUUID();
    await publisher.publish(caseStory(caseId, topics));
    await waitFor('the story', async () => (await count(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE case_id = $1`, [caseId])) === 10);
    const page = (await request(service.server).get(`/cases/${caseId}/timeline`).set('Authorization', `Bearer ${tokens['nhs']}`).expect(200)).body as { resumeToken: string };
    const feeds = service.app.get(CaseFeeds);
    // two readers of one organisation, one of another, an auditor; one from the beginning, the rest from the page
    const streams = [
      openSse(url(`/cases/${caseId}/timeline/stream?access_token=${tokens['nhs']}&lastEventId=${page.resumeToken}`)),
      openSse(url(`/cases/${caseId}/timeline/stream?access_token=${tokens['nhs']}&lastEventId=${page.resumeToken}`)),
      openSse(url(`/cases/${caseId}/timeline/stream?access_token=${tokens['school']}&lastEventId=${page.resumeToken}`)),
      openSse(url(`/cases/${caseId}/timeline/stream?access_token=${tokens['auditor']}`)),
    ];
    await Promise.all(streams.map((s) => s.ready));
    expect(streams.map((s) => s.status())).toEqual([200, 200, 200, 200]);
    const readsBefore = feeds.reads; // the joins' own reads (one each) may still be under way: counted below
    await waitFor('the auditor caught up', async () => streams[3].events.length === 10);

    const changes = Array.from({ length: 6 }, (_, i) => event('health.clinic-appointment-held.v1', caseId, `2025-06-0${i + 1}T10:00:00Z`, ACTORS.nhs, {}));
    for (const e of changes) {
      await publisher.publish([{ topic: topics.health, e }]);
      await waitFor('the change on every stream', async () => streams.every((s) => s.events.some((x) => x.event === 'entry' && JSON.parse(x.data).id === e.id)));
    }
    await new Promise((r) => setTimeout(r, 500)); // anything sent twice would have arrived by now
    for (const s of streams.slice(0, 3)) {
      expect(s.events.filter((x) => x.event === 'entry').map((x) => x.id)).toEqual(['1-11', '1-12', '1-13', '1-14', '1-15', '1-16']);
      expect(s.events.map((x) => JSON.parse(x.data).id)).toEqual(changes.map((e) => e.id));
    }
    expect(streams[3].events.map((x) => x.id)).toEqual(Array.from({ length: 16 }, (_, i) => `1-${i + 1}`));
    // one read per change for the four streams, plus at most one per join (the old path made four per stream and change: 96)
    expect(feeds.reads - readsBefore).toBeLessThanOrEqual(changes.length + streams.length);
    for (const s of streams) s.close();
    await waitFor('the feed closed with its last stream', async () => feeds.size === 0);
  });

  it('answers the streams of all the cases one batch changed with ONE statement, each stream getting its entries in arrival order', async () => {
    const cases = Array.from({ length: 5 }, () => randomUUID());
    let offset = 0;
    const consumed = (e: ReturnType<typeof event>): ConsumedEvent => ({ ...e, topic: topics.health, partition: 0, offset: String(offset++) }) as ConsumedEvent;
    const held = (caseId: string, day: number) => consumed(event('health.clinic-appointment-held.v1', caseId, `2025-07-${String(day).padStart(2, '0')}T10:00:00Z`, ACTORS.nhs, {}));
    // each case starts with one entry by the health organisation (a member from then on)
    await projectOneBatch(cases.map((c) => held(c, 1)));
    // on each case a member's stream and an auditor's, both from the beginning
    const streams = cases.flatMap((c) => [
      { caseId: c, sse: openSse(url(`/cases/${c}/timeline/stream?access_token=${tokens['nhs']}`)) },
      { caseId: c, sse: openSse(url(`/cases/${c}/timeline/stream?access_token=${tokens['auditor']}`)) },
    ]);
    await Promise.all(streams.map((s) => s.sse.ready));
    expect(streams.map((s) => s.sse.status())).toEqual(streams.map(() => 200));
    await waitFor('every stream has the first entry', async () => streams.every((s) => s.sse.events.length === 1));

    // every statement the service reads the live model with, from here on
    const db = service.app.get<DataSource>(TIMELINE_DB);
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const query = db.query.bind(db);
    db.query = ((sql: string, params?: unknown[]) => (statements.push({ sql, params: params ?? [] }), query(sql, params))) as DataSource['query'];
    const batcher = service.app.get(CaseChangesBatcher);
    const statementsBefore = batcher.statements;
    try {
      // one batch, two entries on every case, the cases interleaved
      const batch = [...cases.map((c) => held(c, 2)), ...cases.map((c) => held(c, 3))];
      await projectOneBatch(batch);
      await waitFor('every stream has the batch', async () => streams.every((s) => s.sse.events.length === 3));
      await new Promise((r) => setTimeout(r, 500)); // anything sent twice would have arrived by now

      for (const s of streams) {
        const expected = batch.filter((e) => e.subject === s.caseId).map((e) => e.id);
        expect(s.sse.events.map((x) => x.event)).toEqual(['entry', 'entry', 'entry']);
        expect(s.sse.events.map((x) => x.id)).toEqual(['1-1', '1-2', '1-3']);
        expect(s.sse.events.slice(1).map((x) => JSON.parse(x.data).id)).toEqual(expected);
      }
      // the statements that asked about these cases: one, naming all five (the old path made one per case)
      const asked = statements.filter((s) => Array.isArray(s.params[0]) && (s.params[0] as unknown[]).some((c) => (cases as string[]).includes(c as string)));
      expect(asked).toHaveLength(1);
      expect([...(asked[0].params[0] as string[])].sort()).toEqual([...cases].sort());
      expect(batcher.statements - statementsBefore).toBe(1);
    } finally {
      db.query = query;
      for (const s of streams) s.sse.close();
    }
  });
});
