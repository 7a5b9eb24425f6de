import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import { ensureTopics } from '../kafka/topics';
import { appliedOrder, client, count, createTimeline, env, expectContiguous, stepRecord, testDatabase, timelineHandlers, unique, waitFor } from '../testing/support';
import { EventConsumer } from './event-consumer';
import { PgUnitOfWork, type PgTransaction } from './unit-of-work';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('a consumer killed mid-batch (SIGKILL, no offset commit) and restarted', () => {
  let pool: Pool;
  const kafka = client();
  let restarted: EventConsumer<PgTransaction> | undefined;

  beforeAll(async () => {
    pool = await testDatabase('messaging_crash_spec');
  });
  afterAll(async () => {
    await restarted?.stop();
    await pool.end();
  });

  it('ends with exactly N rows in per-case order', async () => {
    const topic = unique('tio.test.crash');
    const table = unique('timeline_crash').replace(/-/g, '_');
    const groupId = unique('g');
    await ensureTopics(kafka, [topic]);
    await createTimeline(pool, table);
    const cases = Array.from({ length: 8 }, () => randomUUID());
    const perCase = 25;
    const messages = [];
    for (let seq = 1; seq <= perCase; seq++) for (const c of cases) messages.push(stepRecord(c, seq));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic, messages }]);
    await producer.disconnect();

    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '..', 'testing', 'consumer-process.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'), TEST_DB_URL: await ensureDatabase(env('DATABASE_URL'), 'messaging_crash_spec'),
        TEST_GROUP: groupId, TEST_TOPIC: topic, TEST_TABLE: table, TEST_DELAY_MS: '15',
      },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await waitFor('the child to apply a part', async () => (await count(pool, table)) >= 40, 90_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = await count(pool, table);
    expect(atKill).toBeLessThan(messages.length);

    restarted = new EventConsumer({ client: kafka, groupId, topics: [topic], unitOfWork: new PgUnitOfWork(pool), handlers: timelineHandlers(table), sessionTimeoutMs: 6000 });
    await restarted.start();
    await waitFor('all rows', async () => (await count(pool, table)) === messages.length, 90_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count(pool, table)).toBe(messages.length);
    // the killed consumer had not committed everything it applied: some were redelivered and absorbed
    expect(restarted.stats.applied).toBeLessThanOrEqual(messages.length - atKill);
    expect(restarted.stats.duplicates).toBeGreaterThan(0);
    expectContiguous(await appliedOrder(pool, table), perCase);
  });
});
