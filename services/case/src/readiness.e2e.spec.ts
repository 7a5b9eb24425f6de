import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import { TOPICS, toKafkaRecord } from '@tio/contracts';
import { startKafka } from '@tio/local-infra';
import { KafkaJsClient } from '@tio/messaging';
import { startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { caseService } from './service';

const LA = 'E10000028';
const INTAKE = 'tio-case-advice-intake';

/**
 * Readiness means "can do its own job" (Kubernetes conventions): the case service takes writes while Kafka is down
 * (its forwarder publishes them later), so it stays ready and reports Kafka apart; a consumer that cannot get past a
 * record makes it unready until it can.
 */
describe('case service readiness', () => {
  it('stays ready and takes writes while Kafka is unreachable, and reports Kafka down at /health/dependencies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tio-case-readiness-'));
    // a broker of this test's own, so it can be stopped without disturbing other suites
    const broker = await startKafka({ dir, persistent: false });
    let brokerUp = true;
    let service: TestService | undefined;
    try {
      service = await startTestService(caseService, { KAFKA_BROKERS: broker.brokers });
      const server = service.server;
      await request(server).get('/health/ready').expect(200);
      expect((await request(server).get('/health/dependencies').expect(200)).body).toMatchObject({ status: 'ok', dependencies: { kafka: { status: 'up' } } });

      await broker.stop();
      brokerUp = false;
      await waitFor('Kafka reported down', async () => (await request(server).get('/health/dependencies')).body.dependencies?.kafka?.status === 'down', 30_000);
      const deps = (await request(server).get('/health/dependencies').expect(200)).body;
      const ready = await request(server).get('/health/ready');
      console.log(`[readiness] case with Kafka stopped: /health/ready ${ready.status} ${JSON.stringify(ready.body.checks)}; /health/dependencies ${JSON.stringify(deps.dependencies)}`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'up' } }, consumers: { [INTAKE]: { ok: true } } });
      expect(deps).toMatchObject({ status: 'degraded', dependencies: { kafka: { status: 'down', error: expect.any(String) } } });

      const officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
      const created = await request(server)
        .post('/cases')
        .set('authorization', `Bearer ${officer}`)
        .send({ at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
      expect(created.status).toBe(201);
      await request(server).get('/health/ready').expect(200);
    } finally {
      await service?.close().catch(() => undefined);
      if (brokerUp) await broker.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('is unready while its advice intake cannot get past a record, and ready again once it can', async () => {
    const prefix = `t-${randomUUID().slice(0, 8)}.`;
    const service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    const pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
    const producer = kafka.producer();
    try {
      await request(service.server).get('/health/ready').expect(200);
      // the intake's own bookkeeping is gone: it can record nothing, not even a dead letter's position
      await pool.query('ALTER TABLE processed_messages RENAME TO processed_messages_away');
      const caseId = randomUUID();
      await producer.connect();
      await producer.send([{
        topic: TOPICS.healthEvents,
        messages: [toKafkaRecord({
          id: randomUUID(), source: '/tio/health-service', type: 'advice.submitted.v1', subject: caseId, time: new Date().toISOString(), data: { caseId },
          correlationId: 'c', actor: { userId: 'u', organisationId: 'o', agency: 'health', role: 'practitioner' },
        })],
      }]);
      await waitFor('unready', async () => (await request(service.server).get('/health/ready')).status === 503, 60_000);
      const res = await request(service.server).get('/health/ready').expect(503);
      console.log(`[readiness] case with a stalled intake: ${JSON.stringify({ status: res.body.status, checks: res.body.checks, intake: { state: res.body.consumers[INTAKE].state, lastError: res.body.consumers[INTAKE].lastError } })}`);
      expect(res.body).toMatchObject({ status: 'unavailable', checks: { postgres: { status: 'up' } } });
      expect(res.body.consumers[INTAKE]).toMatchObject({ ok: false, state: 'stalled', lastError: { message: 'see the service log', at: expect.any(String) } });
      // no token on health routes: the error's text (which can name a case) is never shown there
      expect(JSON.stringify(res.body)).not.toContain('processed_messages');
      await request(service.server).get('/health/live').expect(200);
      // a scraper sees the same at /metrics (a token like every route but /health)
      const auditor = await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: LA, userId: 'auditor-1' });
      await request(service.server).get('/metrics').expect(401);
      const metrics = (await request(service.server).get('/metrics').set('authorization', `Bearer ${auditor}`).expect(200)).text;
      expect(metrics).toContain(`tio_consumer_ok{group="${INTAKE}"} 0`);
      expect(metrics).toContain(`tio_consumer_parked_messages{group="${INTAKE}"} 0`);

      await pool.query('ALTER TABLE processed_messages_away RENAME TO processed_messages');
      await waitFor('ready again', async () => (await request(service.server).get('/health/ready')).status === 200, 120_000);
      const after = (await request(service.server).get('/health/ready').expect(200)).body.consumers[INTAKE];
      expect(after).toMatchObject({ ok: true, state: 'running', stats: expect.objectContaining({ deadLettered: 1 }) });
      const recovered = (await request(service.server).get('/metrics').set('authorization', `Bearer ${auditor}`).expect(200)).text;
      expect(recovered).toContain(`tio_consumer_ok{group="${INTAKE}"} 1`);
      expect(recovered).toContain(`tio_consumer_messages_total{group="${INTAKE}",outcome="deadLettered"} 1`);
    } finally {
      await producer.disconnect().catch(() => undefined);
      await pool.end();
      await service.close();
    }
  }, 240_000);
});
