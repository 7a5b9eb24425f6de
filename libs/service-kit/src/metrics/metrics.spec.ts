import { Controller, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import request from 'supertest';
import { mintToken, RequireRoles, type TokenRequest } from '@tio/auth';
import { CoreModule } from '../core.module';
import { createServiceApp } from '../run-service';
import { metricLabelValues, metricValue } from './metrics-text';
import { ServiceMetrics } from './service-metrics';

@Controller('cases/:caseId/things')
class ThingsController {
  @RequireRoles('service')
  @Get(':thingId')
  thing(@Param('caseId') caseId: string, @Param('thingId') thingId: string) {
    return { caseId, thingId };
  }
}

@Module({ imports: [CoreModule.forService('metrics-probe', 0)], controllers: [ThingsController] })
class MetricsProbeModule {}

const HISTOGRAM = 'tio_http_request_duration_seconds';

// A real Nest app with the real CoreModule (its pool on the test PostgreSQL, JWT verification with a key made here);
// not @tio/testing's startTestService, which depends on this library.
describe('service metrics: one registry, one /metrics, HTTP requests by route pattern and status', () => {
  let app: INestApplication;
  let service: { server: ReturnType<INestApplication['getHttpServer']> };
  let privateKeyPem: string;
  const savedPublicKey = process.env['JWT_PUBLIC_KEY'];
  const tokenFor = (r: Pick<TokenRequest, 'agency' | 'roles'>) => mintToken(privateKeyPem, { userId: 'u-1', organisationId: 'org-1', ...r });
  const scrapeMetrics = async (server: typeof service.server) =>
    (await request(server).get('/metrics').set('Authorization', `Bearer ${await tokenFor({ agency: 'system', roles: ['service'] })}`).expect(200)).text;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKeyPem = await exportPKCS8(pair.privateKey);
    process.env['JWT_PUBLIC_KEY'] = await exportSPKI(pair.publicKey);
    app = await createServiceApp({ name: 'metrics-probe', title: 'Probe', description: 'probe', module: MetricsProbeModule }, { logger: false });
    await app.init();
    service = { server: app.getHttpServer() };
  });
  afterAll(async () => {
    await app?.close();
    if (savedPublicKey === undefined) delete process.env['JWT_PUBLIC_KEY'];
    else process.env['JWT_PUBLIC_KEY'] = savedPublicKey;
  });

  it('times every request under its route pattern and status, never its URL', async () => {
    const token = await tokenFor({ agency: 'system', roles: ['service'] });
    for (const caseId of ['case-a1', 'case-b2']) {
      await request(service.server).get(`/cases/${caseId}/things/t-${caseId}`).set('Authorization', `Bearer ${token}`).expect(200);
    }
    await request(service.server).get('/cases/case-c3/things/t-9').expect(401);
    await request(service.server).get('/no-such-route/case-d4').expect(404);
    // refused by the body parser before any route matched
    await request(service.server).post('/cases/case-e5/things/t-1').set('content-type', 'application/json').send('{"x":').expect(400);

    const text = await scrapeMetrics(service.server);
    const route = '/cases/:caseId/things/:thingId';
    const count = (labels: Record<string, string>) => metricValue(text, `${HISTOGRAM}_count`, labels);
    console.log(`[metrics] ${text.split('\n').filter((l) => l.startsWith(`${HISTOGRAM}_count`)).join('\n[metrics] ')}`);
    expect(count({ method: 'GET', route, status: '200' })).toBe(2);
    expect(count({ method: 'GET', route, status: '401' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(count({ method: 'POST', route: 'unmatched', status: '400' })).toBe(1);
    expect(metricValue(text, `${HISTOGRAM}_bucket`, { method: 'GET', route, status: '200', le: '+Inf' })).toBe(2);
    expect(metricValue(text, `${HISTOGRAM}_sum`, { method: 'GET', route, status: '200' })).toBeGreaterThan(0);
    expect(metricLabelValues(text, HISTOGRAM + '_count', 'route')).not.toEqual(expect.arrayContaining([expect.stringContaining('case-')]));
    expect(text).not.toMatch(/case-(a1|b2|c3|d4|e5)/);
  });

  it('serves the consumer, event-store, forwarder and access-log families and the process metrics from the same registry', async () => {
    const text = await scrapeMetrics(service.server);
    for (const family of [
      'tio_consumer_ok', 'tio_consumer_lag_messages', 'tio_consumer_parked_messages', 'tio_consumer_messages_total',
      'tio_event_store_append_duration_seconds', 'tio_forwarder_publish_duration_seconds', 'tio_forwarder_backlog_events',
      'tio_forwarder_oldest_unpublished_age_seconds', 'tio_forwarder_published_events_total', 'tio_access_log_record_duration_seconds',
      'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds',
    ]) {
      expect(`${family}: ${text.includes(`# TYPE ${family} `)}`).toBe(`${family}: true`);
    }
  });

  it('answers /metrics only to the scraper (service) or an auditor', async () => {
    await request(service.server).get('/metrics').expect(401);
    const caseworker = await tokenFor({ agency: 'local-authority', roles: ['case-officer'] });
    await request(service.server).get('/metrics').set('Authorization', `Bearer ${caseworker}`).expect(403);
    const auditor = await tokenFor({ agency: 'local-authority', roles: ['auditor'] });
    await request(service.server).get('/metrics').set('Authorization', `Bearer ${auditor}`).expect(200);
  });
});

describe('the event store readers gauges (ServiceMetrics.eventStoreReaders)', () => {
  it('asks the probe at each scrape: the unreadable events and the age of the oldest; a failed probe keeps the last values', async () => {
    const metrics = new ServiceMetrics();
    const answers: Array<{ events: number; oldestRecordedAt: string | undefined } | Error> = [
      { events: 0, oldestRecordedAt: undefined },
      { events: 3, oldestRecordedAt: new Date(Date.now() - 90_000).toISOString() },
      new Error('the database is away'),
    ];
    metrics.eventStoreReaders(async () => {
      const next = answers.shift();
      if (!next || next instanceof Error) throw next ?? new Error('no more answers');
      return next;
    });
    const scrape = async () => {
      const text = await metrics.scrape();
      return [metricValue(text, 'tio_event_store_unreadable_events'), metricValue(text, 'tio_event_store_oldest_unreadable_age_seconds')];
    };
    expect(await scrape()).toEqual([0, 0]);
    const [events, age] = await scrape();
    expect(events).toBe(3);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(100);
    const [stillEvents, stillAge] = await scrape();
    expect(stillEvents).toBe(3);
    expect(stillAge).toBe(age);
  });
});
