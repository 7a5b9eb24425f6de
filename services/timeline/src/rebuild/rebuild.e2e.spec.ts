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
  const total = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries`)).rows[0].n);

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-rb-${randomUUID().slice(0, 6)}` });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    auditor = await tokenFor({ userId: 'inspector-1', organisationId: 'ofsted', agency: 'system', roles: ['auditor'] });
    // stories published agency by agency (topic by topic), so arrival order differs from the timeline order,
    // plus late events that must land early
    const items = cases.flatMap((c, i) => caseStory(c, topics, Date.parse('2025-01-06T09:30:00Z') + i * 3_600_000));
    for (const topic of topicList(topics).reverse()) await publisher.publish(items.filter((x) => x.topic === topic));
    await publisher.publish(cases.map((c) => ({ topic: topics.health, e: event('health.referral-made.v1', c, '2025-01-07T08:00:00Z', ACTORS.nhs, {}) })));
    await waitFor('all entries', async () => (await total()) === cases.length * 9);
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
    expect(text).toMatch(/\[#+\] 100% 54\/54 events \d+ events\/s/);
    expect(text).toMatch(/rebuilt generation 2: 54 events/);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((n) => n === 9)).toBe(true);

    const after = await dumpTimeline(pool);
    expect(after.rows).toBe(before.rows);
    expect(after.text).toBe(before.text);
    expect(after.hash).toBe(before.hash);
    expect((await pool.query(`SELECT generation FROM timeline.model_info`)).rows[0].generation).toBe(2);
    expect((await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'timeline%' ORDER BY 1`)).rows.map((r) => r.nspname)).toEqual(['timeline']);

    // a connected stream is told to reset; the live consumer keeps feeding the new tables
    await waitFor('reset event', async () => stream.events.some((e) => e.event === 'reset'));
    const fresh = event('advice.submitted.v1', cases[0], '2025-05-01T10:00:00Z', ACTORS.nhs, { agency: 'health', adviceRequestId: randomUUID(), adviceId: randomUUID(), submittedAt: '2025-05-01T10:00:00Z', sections: [{ heading: 'Update', text: 'x' }] });
    await publisher.publish([{ topic: topics.health, e: fresh }]);
    await waitFor('entry after the swap', async () => stream.events.some((e) => e.event === 'entry' && JSON.parse(e.data).id === fresh.id));
    stream.close();
    const res = (await request(service.server).get(`/cases/${cases[0]}/timeline`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    expect(res.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(res.resumeToken).toBe('2-10');
  });
});
