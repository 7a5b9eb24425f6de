import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { startTestService, type TestService } from '@tio/testing';
import { PROJECTION_VERSION, resequence } from '../projection/projector';
import { timelineService } from '../service';
import { ACTORS, Publisher, caseStory, dumpTimeline, event, testTopics, topicList, waitFor } from '../testing/fixtures';
import { StaleReadModelRebuild } from './stale-model';

/**
 * Upgrading over a read model built by the projection that stored the event's business date as `recorded_at`
 * (before migration 1760000000003): the service finds the older projection version on start, rebuilds the model
 * aside from the topics and swaps it in, giving byte for byte the model the current projection builds.
 */
describe('a read model built by an older projection is rebuilt on start (real Kafka and PostgreSQL)', () => {
  const topics = testTopics('stale');
  const publisher = new Publisher();
  const cases = [randomUUID(), randomUUID()];
  const cluster = process.env['DATABASE_URL'] as string;
  const dbName = `timeline_stale_${randomUUID().slice(0, 8)}`;
  let databaseUrl: string;
  let pool: Pool;
  let service: TestService | undefined;
  const env = () => ({ DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-stale-${dbName}` });
  const count = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries`)).rows[0].n);

  beforeAll(async () => {
    databaseUrl = await ensureDatabase(cluster, dbName);
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
    await publisher.ensure(topicList(topics));
  });
  afterAll(async () => {
    await service?.close();
    await publisher.close();
    await pool?.end();
    await dropDatabase(cluster, dbName);
  });

  it('rebuilds it aside and swaps in the model the current projection gives', async () => {
    // two stories, and per case two events of one day recorded in the opposite order of their ids
    const items = cases.flatMap((c) => caseStory(c, topics));
    for (const c of cases) {
      const day = '2025-03-03T00:00:00.000Z';
      items.push(
        { topic: topics.case, e: { ...event('ehc.exception-recorded.v1', c, day, ACTORS.la, { exceptionId: 'x-1' }, `ffffffff-${randomUUID().slice(9)}`), recordedAt: '2025-03-03T09:00:00.000Z' } },
        { topic: topics.health, e: { ...event('health.referral-made.v1', c, day, ACTORS.nhs, {}, `00000000-${randomUUID().slice(9)}`), recordedAt: '2025-03-03T10:00:00.000Z' } },
      );
    }
    service = await startTestService(timelineService, env());
    await publisher.publish(items);
    await waitFor('every entry', async () => (await count()) === items.length);
    const current = await dumpTimeline(pool);
    await service.close();
    service = undefined;

    // the model as the older version left it: no projection column, recorded_at = the event's time, ordered by that
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`ALTER TABLE timeline.model_info DROP COLUMN projection`);
      await c.query(`DELETE FROM timeline.migrations WHERE name = 'ProjectionVersion1760000000003'`);
      await c.query(`UPDATE timeline.timeline_entries SET recorded_at = occurred_at`);
      await c.query(`UPDATE timeline.case_clock_events SET recorded_at = occurred_at`);
      await resequence({ query: async (sql, params) => (await c.query(sql, params)).rows }, 'timeline', cases);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    expect((await dumpTimeline(pool)).text).not.toBe(current.text);

    service = await startTestService(timelineService, env());
    const rebuild = service.app.get(StaleReadModelRebuild).running;
    expect(rebuild).toBeDefined();
    await rebuild;
    expect((await pool.query(`SELECT generation, projection FROM timeline.model_info`)).rows).toEqual([{ generation: 2, projection: PROJECTION_VERSION }]);
    const rebuilt = await dumpTimeline(pool);
    expect(rebuilt.text).toBe(current.text);
    expect(rebuilt.hash).toBe(current.hash);
  });

  it('leaves a model built by the current projection alone', async () => {
    await service?.close();
    service = await startTestService(timelineService, env());
    expect(service.app.get(StaleReadModelRebuild).running).toBeUndefined();
    expect((await pool.query(`SELECT generation, projection FROM timeline.model_info`)).rows).toEqual([{ generation: 2, projection: PROJECTION_VERSION }]);
  });
});
