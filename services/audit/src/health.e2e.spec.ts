import request from 'supertest';
import { startTestService, type TestService } from '@tio/testing';
import { auditService } from './service';
import { createStores, type TestStores } from './testing/fixtures';

describe('audit service health and API docs', () => {
  let service: TestService;
  let stores: TestStores;
  beforeAll(async () => {
    stores = await createStores(['case']);
    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env });
  });
  afterAll(async () => {
    await service?.close();
    await stores?.close();
  });

  it('is ready when its PostgreSQL database and the Kafka broker answer', async () => {
    const res = await request(service.server).get('/health/ready').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
  });

  it('serves its OpenAPI document', async () => {
    const res = await request(service.server).get('/docs/openapi.json').expect(200);
    expect(res.body.info.title).toMatch(/Tell It Once/);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/ready', '/cases/{caseId}/history', '/cases/{caseId}/as-of', '/integrity', '/access-log']));
  });

  it('echoes a correlation id and answers unknown routes with 404, not 500', async () => {
    const res = await request(service.server).get('/no-such-route').set('x-correlation-id', 'corr-123').expect(404);
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    expect(res.body.correlationId).toBe('corr-123');
  });
});
