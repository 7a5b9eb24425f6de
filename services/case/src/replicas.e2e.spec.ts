import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { integrationEvents, TOPICS } from '@tio/contracts';
import { dropDatabase } from '@tio/local-infra';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { caseService } from './service';

jest.setTimeout(240_000);

/**
 * Two replicas of the case service on one database and one broker, the way production runs them. Writes go to both;
 * mid-load the replica that forwards loses its PostgreSQL session (as when its process dies: the server ends the
 * session and with it the lease) and is then shut down, while the other keeps taking writes. Every stored event
 * must reach Kafka (distinct CloudEvents ids), the checkpoints must never move back, and the standby must take over.
 */
describe('two replicas of the case service', () => {
  const LA = 'E10000028';
  const prefix = `replicas-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let a: TestService;
  let b: TestService;
  let pool: Pool;
  let officer: string;

  beforeAll(async () => {
    a = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    // the second replica: same database, same topics
    b = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: a.databaseUrl });
    pool = new Pool({ connectionString: a.databaseUrl, max: 3 });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
  });
  afterAll(async () => {
    await pool?.end();
    await b?.close();
    await a?.app.close().catch(() => undefined);
    if (a) await dropDatabase(process.env['TIO_CLUSTER_URL'] as string, new URL(a.databaseUrl).pathname.slice(1));
  });

  /** Backends holding a lease of this database (session advisory locks). */
  const leaseHolders = async () =>
    (await pool.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows.map((r) => r.pid);

  async function writeCase(server: TestService['server']): Promise<void> {
    const res = await request(server).post('/cases').set('Authorization', `Bearer ${officer}`)
      .send({ at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    if (res.status !== 201) throw new Error(`POST /cases answered ${res.status}: ${JSON.stringify(res.body)}`);
    await request(server).post(`/cases/${res.body.caseId}/decision-to-assess`).set('Authorization', `Bearer ${officer}`).send({ at: '2026-01-20' }).expect(200);
  }

  /** `count` cases written by `workers` concurrent writers against one replica. */
  async function load(server: TestService['server'], count: number, workers = 4): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: workers }, async () => {
      while (next < count) {
        next++;
        await writeCase(server);
      }
    }));
  }

  it('publishes every event once in effect, never moves a checkpoint back, and fails over to the standby', async () => {
    const before = await leaseHolders();
    expect(before.length).toBeGreaterThan(0); // A took every lease at start; B stands by

    // watch the checkpoints for regressions the whole time
    const seen = new Map<string, bigint[]>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const { rows } = await pool.query<{ subscription_id: string; position: string }>('SELECT subscription_id, position FROM event_store.checkpoints');
        for (const r of rows) {
          const list = seen.get(r.subscription_id) ?? [];
          if (list.at(-1) !== BigInt(r.position)) list.push(BigInt(r.position));
          seen.set(r.subscription_id, list);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // load on both replicas; B's writers run throughout, A's stop when A "dies"
    const onB = load(b.server, 120);
    await load(a.server, 40);
    const killedAt = Date.now();
    // the holder's sessions end as they do when its process is killed: PostgreSQL releases its leases at once
    await pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    const tookOver = waitFor('the standby to hold every lease', async () => {
      const now = await leaseHolders();
      return now.length === before.length && now.every((pid) => !before.includes(pid));
    }, 60_000, 20).then(() => Date.now() - killedAt);
    await a.app.close();
    const failoverMs = await tookOver;
    await load(b.server, 40); // more writes after the fail-over, to the survivor only
    await onB;

    const stored = (await pool.query<{ event_id: string; type: string }>(`SELECT event_id, type FROM event_store.events WHERE category = 'case' ORDER BY global_position`)).rows
      .filter((e) => integrationEvents.forStoredType(e.type));
    const expected = new Set(stored.map((e) => e.event_id));
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => new Set(ms.map((m) => String(m.headers['ce_id']))).size >= expected.size, 90_000);
    watching = false;
    await watcher;

    const ids = messages.map((m) => String(m.headers['ce_id']));
    const distinct = new Set(ids);
    const regressions = [...seen].filter(([, positions]) => positions.some((p, i) => i > 0 && p < positions[i - 1]));
    const last = (await pool.query<{ subscription_id: string; position: string }>(`SELECT subscription_id, position FROM event_store.checkpoints WHERE subscription_id = 'forwarder-case'`)).rows[0];
    const maxCase = (await pool.query<{ max: string }>(`SELECT max(global_position) AS max FROM event_store.events WHERE category = 'case'`)).rows[0].max;
    console.log(`[replicas] ${expected.size} events stored; on Kafka ${ids.length} records, ${distinct.size} distinct ids, ${ids.length - distinct.size} raw duplicates; ` +
      `fail-over ${failoverMs} ms (lease retry 2000 ms); checkpoints watched: ${[...seen].map(([id, p]) => `${id} ${p.length} values`).join(', ')}; regressions: ${regressions.length}`);

    expect([...expected].filter((id) => !distinct.has(id))).toEqual([]); // nothing lost
    expect([...distinct].filter((id) => !expected.has(id))).toEqual([]); // nothing foreign
    expect(regressions).toEqual([]);
    expect(last.position).toBe(maxCase);
  });
});
