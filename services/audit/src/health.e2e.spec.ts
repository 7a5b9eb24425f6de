import request from 'supertest';
import { freePort } from '@tio/local-infra';
import { describeServiceHealth, startTestService } from '@tio/testing';
import { auditService } from './service';
import { createStores, type TestStores } from './testing/fixtures';

let stores: TestStores | undefined;
describeServiceHealth(auditService, {
  paths: ['/cases/{caseId}/history', '/cases/{caseId}/as-of', '/integrity', '/access-log'],
  env: async () => {
    stores = await createStores(['case']);
    return { AUDIT_EVENT_STORES: stores.env };
  },
  cleanup: async () => stores?.close(),
});

describe('audit service readiness while Kafka is unreachable', () => {
  it('is ready (it does not use Kafka) and reports Kafka down at /health/dependencies', async () => {
    const sources = await createStores(['case']);
    // nothing listens on a port just found free
    const service = await startTestService(auditService, { AUDIT_EVENT_STORES: sources.env, KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
    try {
      const ready = await request(service.server).get('/health/ready');
      const deps = await request(service.server).get('/health/dependencies').expect(200);
      console.log(`[readiness] audit with no broker: /health/ready ${ready.status} ${JSON.stringify(ready.body)}; /health/dependencies ${JSON.stringify(deps.body)}`);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { postgres: { status: 'up' } } });
      expect(deps.body).toMatchObject({ status: 'degraded', dependencies: { kafka: { status: 'down', error: expect.any(String) } } });
    } finally {
      await service.close();
      await sources.close();
    }
  });
});
