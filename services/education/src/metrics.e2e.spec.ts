import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { eventually, publishAdviceRequest, TestBus } from '@tio/agency-kit/testing';
import { metricValue, scrapeMetrics, startTestService, tokenFor, type TestService } from '@tio/testing';
import { educationService } from './service';

/**
 * One scrape of a real service (its PostgreSQL database, the Kafka broker) after a write: the HTTP histogram by
 * route pattern, the event store's append latency, the forwarder's publish latency and backlog, the access log's
 * latency and the consumer's counts, all from the one registry at /metrics.
 */
describe('education service metrics after a POST', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;

  beforeAll(async () => {
    service = await startTestService(educationService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  /** An educational psychologist's credentials and an advice request of theirs that the service has taken in. */
  async function adviceRequested(userId: string) {
    const ep = await tokenFor({ agency: 'education', roles: ['practitioner'], userId, organisationId: 'LA-EPS' });
    const auth = { Authorization: `Bearer ${ep}` };
    const requested = await publishAdviceRequest(bus, { agency: 'education', adviceType: 'psychological' });
    await eventually('the advice request in the read model', async () => {
      const res = await request(service.server).get(`/cases/${requested.caseId}/advice-requests`).set(auth);
      return res.status === 200 && res.body.requests.length === 1;
    });
    return { auth, requested };
  }

  it('counts the request, the append, the publish and the access-log entry', async () => {
    const { auth, requested } = await adviceRequested('ep-7');
    await request(service.server)
      .post(`/cases/${requested.caseId}/advice`).set(auth).set('Idempotency-Key', 'metrics-advice-01')
      .send({ adviceRequestId: requested.adviceRequestId, adviceType: 'psychological', sections: [{ heading: 'Cognition and learning', text: 'Working memory below average.' }] })
      .expect(201);

    // the forwarder publishes after the response: wait until Kafka acknowledged the advice event and the
    // checkpoint moved (the backlog drains only then)
    const text = await eventually('the forwarder to publish and checkpoint', async () => {
      const scraped = await scrapeMetrics(service.server);
      const published = metricValue(scraped, 'tio_forwarder_published_events_total') ?? 0;
      return published > 0 && metricValue(scraped, 'tio_forwarder_backlog_events') === 0 ? scraped : undefined;
    });
    const shown = /^(tio_http_request_duration_seconds_count\{method="POST"|tio_event_store_append_duration_seconds_count|tio_forwarder_\w+(_count)?\{|tio_access_log_record_duration_seconds_count|tio_consumer_messages_total|tio_consumer_lag)/;
    console.log(`[metrics]\n${text.split('\n').filter((l) => shown.test(l)).join('\n')}`);

    expect(metricValue(text, 'tio_http_request_duration_seconds_count', { method: 'POST', route: '/cases/:caseId/advice', status: '201' })).toBe(1);
    expect(metricValue(text, 'tio_http_request_duration_seconds_count', { method: 'GET', route: '/cases/:caseId/advice-requests', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(requested.caseId);
    expect(metricValue(text, 'tio_event_store_append_duration_seconds_count', { outcome: 'appended' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'tio_event_store_append_duration_seconds_sum', { outcome: 'appended' })).toBeGreaterThan(0);
    expect(metricValue(text, 'tio_forwarder_publish_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'tio_forwarder_backlog_events')).toBe(0);
    expect(metricValue(text, 'tio_forwarder_oldest_unpublished_age_seconds')).toBe(0);
    expect(metricValue(text, 'tio_access_log_record_duration_seconds_count', { outcome: 'committed' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'tio_consumer_messages_total', { outcome: 'applied' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'tio_consumer_ok')).toBeGreaterThanOrEqual(1);
  });

  it('shows the events committed but held back from readers by an older transaction elsewhere in the cluster, and how long, until it ends', async () => {
    const { auth, requested } = await adviceRequested('ep-8');
    // a report left open in the cluster's default database, not the service's
    const older = new Client({ connectionString: process.env['DATABASE_URL'] });
    await older.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      // answered after the 5 s read-your-writes wait: the service's own projection cannot read the advice either
      await request(service.server)
        .post(`/cases/${requested.caseId}/advice`).set(auth).set('Idempotency-Key', 'metrics-advice-02')
        .send({ adviceRequestId: requested.adviceRequestId, adviceType: 'psychological', sections: [{ heading: 'Communication', text: 'Understands two-step instructions.' }] })
        .expect(201);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const held = await scrapeMetrics(service.server);
      expect(metricValue(held, 'tio_event_store_unreadable_events')).toBeGreaterThanOrEqual(1);
      expect(metricValue(held, 'tio_event_store_oldest_unreadable_age_seconds')).toBeGreaterThanOrEqual(1);
      await older.query('COMMIT');
      await eventually('the advice readable again', async () => metricValue(await scrapeMetrics(service.server), 'tio_event_store_unreadable_events') === 0);
      expect(metricValue(await scrapeMetrics(service.server), 'tio_event_store_oldest_unreadable_age_seconds')).toBeLessThan(1);
    } finally {
      await older.end();
    }
  });
});
