import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';

describe('rate limiting per client', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(caseService, { RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => service?.close());

  it('answers 429 once a client exceeds its requests per minute, but never limits health checks', async () => {
    const token = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E10000028' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await request(service.server).get(`/cases/${randomUUID()}`).set('Authorization', `Bearer ${token}`)).status);
    }
    // unknown cases: refused as not involved (403), the same as another LA's case
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    for (let i = 0; i < 10; i++) await request(service.server).get('/health/live').expect(200);
  });
});
