import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { timelineService } from '../service';
import { ACTORS, Publisher, caseStory, dumpTimeline, event, testTopics, topicList, waitFor } from '../testing/fixtures';
import { openSse } from '../testing/sse';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('rebuilding the read model from the topics, aside, with an atomic swap', () => {
  let service: TestService;
  let pool: Pool;
  const topics = testTopics('rebuild');
  const publisher = new Publisher();
  const cases = Array.from({ length: 6 }, () => randomUUID());
  let auditor: string;
  let stories: ReturnType<typeof caseStory>[] = [];
  const total = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries`)).rows[0].n);

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-rb-${randomUUID().slice(0, 6)}` });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    auditor = await tokenFor({ userId: 'inspector-1', organisationId: 'ofsted', agency: 'system', roles: ['auditor'] });
    // stories published agency by agency (topic by topic), so arrival order differs from the timeline order,
    // plus late events that must land early
    stories = cases.map((c, i) => caseStory(c, topics, Date.parse('2025-01-06T09:30:00Z') + i * 3_600_000));
    const items = stories.flat();
    for (const topic of topicList(topics).reverse()) await publisher.publish(items.filter((x) => x.topic === topic));
    await publisher.publish(cases.map((c) => ({ topic: topics.health, e: event('health.referral-made.v1', c, '2025-01-07T08:00:00Z', ACTORS.nhs, {}) })));
    await waitFor('all entries', async () => (await total()) === cases.length * 11);
  });
  afterAll(async () => {
    await publisher.close();
    await pool?.end();
    await service?.close();
  });

  it('gives a byte-identical timeline after a rebuild run by the CLI, while the API keeps answering', async () => {
    const before = await dumpTimeline(pool);
    const port = (service.server.address() as AddressInfo).port;
    const first = (await request(service.server).get(`/cases/${cases[0]}/timeline`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    const stream = openSse(`http://127.0.0.1:${port}/cases/${cases[0]}/timeline/stream?access_token=${auditor}&lastEventId=${first.resumeToken}`);

    // readers during the rebuild: every answer complete, none failing
    let reading = true;
    const answers: number[] = [];
    const reader = (async () => {
      while (reading) {
        const res = await request(service.server).get(`/cases/${cases[1]}/timeline`).set('Authorization', `Bearer ${auditor}`);
        answers.push(res.status === 200 ? res.body.entries.length : -res.status);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '..', 'cli', 'rebuild.ts')], {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'), DATABASE_URL: service.databaseUrl, TIMELINE_TOPICS: topicList(topics).join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d) => output.push(String(d)));
      child.stderr.on('data', (d) => output.push(String(d)));
      child.on('exit', resolve);
    });
    reading = false;
    await reader;
    const text = output.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/\[#+\] 100% 66\/66 events \d+ events\/s/);
    expect(text).toMatch(/rebuilt generation 2: 66 events/);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((n) => n === 11)).toBe(true);

    const after = await dumpTimeline(pool);
    expect(after.rows).toBe(before.rows);
    expect(after.text).toBe(before.text);
    expect(after.hash).toBe(before.hash);
    expect(after.text).toContain('"type":"ehc.advice-received.v1"'); // the clock's payloads are part of the compared model
    // the recorded times are the stores' (the stories' events were recorded a minute after they happened), rebuilt too
    const recorded = await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE recorded_at = occurred_at + interval '1 minute'`);
    expect(recorded.rows[0].n).toBe(cases.length * 10);
    const status = async () => (await request(service.server).get(`/cases/${cases[2]}/status?asOf=2025-04-01`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    expect(await status()).toMatchObject({ clockEvents: 7, weekOfProcess: 13, overdue: [expect.objectContaining({ responsible: 'social-care' })] });
    expect((await pool.query(`SELECT generation FROM timeline.model_info`)).rows[0].generation).toBe(2);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'timeline%' ORDER BY 1`)).rows.map((r) => r.nspname)).toEqual(['timeline']);

    // a connected stream is told to reset; the live consumer keeps feeding the new tables
    await waitFor('reset event', async () => stream.events.some((e) => e.event === 'reset'));
    const fresh = stories[0].domain.adviceEvent('2025-05-01T10:00:00Z', ACTORS.nhs, stories[0].requests.health, { type: 'CorrectAdvice', reason: 'Updated after clinic', headings: ['Update'] });
    await publisher.publish([{ topic: topics.health, e: fresh }]);
    await waitFor('entry after the swap', async () => stream.events.some((e) => e.event === 'entry' && JSON.parse(e.data).id === fresh.id));
    stream.close();
    const res = (await request(service.server).get(`/cases/${cases[0]}/timeline`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    expect(res.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(res.resumeToken).toBe('2-12');
  });
});
