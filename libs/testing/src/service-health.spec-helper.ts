import request from 'supertest';
import type { ServiceDefinition } from '@tio/service-kit';
import { metricLabelValues, metricValue, scrapeMetrics } from './metrics';
import { startTestService, type TestService } from './test-service';

export interface HealthSpecOptions {
  /** Paths the service's OpenAPI document must list besides /health/ready. */
  paths?: string[];
  /** Extra environment for the service (e.g. the audit service's sources). */
  env?: () => Promise<Record<string, string>> | Record<string, string>;
  cleanup?: () => Promise<void>;
}

/**
 * What every service must do, asserted the same way for each: ready when its own database answers and its consumers
 * run (Kafka is reported at /health/dependencies), its
 * OpenAPI document served, correlation ids echoed, unknown routes a 404 and never a 500.
 */
export function describeServiceHealth(definition: ServiceDefinition, options: HealthSpecOptions = {}): void {
  describe(`${definition.name} service health and API docs`, () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startTestService(definition, (await options.env?.()) ?? {});
    });
    afterAll(async () => {
      await service?.close();
      await options.cleanup?.();
    });

    it('is ready when its own database answers and none of its consumers is stalled; Kafka is reported apart', async () => {
      const res = await request(service.server).get('/health/ready').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'up' } } });
      expect(res.body.checks.kafka).toBeUndefined();
      for (const consumer of Object.values<{ ok: boolean; state: string }>(res.body.consumers ?? {})) expect(consumer).toMatchObject({ ok: true, state: 'running' });
      const deps = await request(service.server).get('/health/dependencies').expect(200);
      expect(deps.body).toMatchObject({ status: 'ok', dependencies: { kafka: { status: 'up' } } });
      await request(service.server).get('/health/live').expect(200, { status: 'ok' });
    });

    it('serves its OpenAPI document', async () => {
      const res = await request(service.server).get('/docs/openapi.json').expect(200);
      expect(res.body.info.title).toMatch(/Tell It Once/);
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/ready', ...(options.paths ?? [])]));
    });

    it('serves the HTTP request histogram at /metrics by route pattern and status (to the scraper only)', async () => {
      await request(service.server).get('/health/live').expect(200);
      await request(service.server).get('/metrics').expect(401);
      const text = await scrapeMetrics(service.server);
      expect(metricValue(text, 'tio_http_request_duration_seconds_count', { method: 'GET', route: '/health/live', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, 'tio_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '401' })).toBeGreaterThanOrEqual(1);
      // route patterns only: every label value is a registered route's template or `unmatched`
      for (const route of metricLabelValues(text, 'tio_http_request_duration_seconds_count', 'route')) expect(route).toMatch(/^(unmatched|\/[\w\-/:.]*)$/);
      for (const family of ['tio_event_store_append_duration_seconds', 'tio_forwarder_publish_duration_seconds', 'tio_consumer_ok']) expect(text).toContain(`# TYPE ${family} `);
    });

    it('echoes a correlation id and answers unknown routes with 404, not 500', async () => {
      const res = await request(service.server).get('/no-such-route').set('x-correlation-id', 'corr-123').expect(404);
      expect(res.headers['x-correlation-id']).toBe('corr-123');
      expect(res.body.correlationId).toBe('corr-123');
    });
  });
}
