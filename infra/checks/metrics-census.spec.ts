import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';
import { systemSources } from './system-sources';

/**
 * One metrics registry per service process, served by one /metrics route (service-kit's ServiceMetrics and
 * MetricsController), and every service's HTTP histogram checked on the running service: each service's health
 * e2e runs describeServiceHealth, which scrapes its /metrics. A service that skips it, a second registry or a second
 * /metrics route fails here. Test helpers, benchmarks and the spec files are not the system.
 */
describe('metrics census', () => {
  const root = workspaceRoot();

  const { files, read, rel } = systemSources(root);

  it('creates a Prometheus registry and a /metrics route in service-kit only', () => {
    expect(files.filter((f) => /new Registry\(/.test(read(f))).map(rel)).toEqual(['libs/service-kit/src/metrics/service-metrics.ts']);
    expect(files.filter((f) => /@Controller\(\s*'metrics'\s*\)/.test(read(f))).map(rel)).toEqual(['libs/service-kit/src/metrics/metrics.controller.ts']);
    expect(files.filter((f) => /collectDefaultMetrics\(/.test(read(f))).map(rel)).toEqual(['libs/service-kit/src/metrics/service-metrics.ts']);
  });

  it("scrapes every service's /metrics for the HTTP histogram in its health e2e", () => {
    // Not yet a service-kit service, each with its reason (a named service must exist, so the list cannot rot).
    const notYet: Record<string, string> = {
      web: "the practitioners' page server (issue 18): no database or Kafka of its own, its own /health routes, no /metrics yet",
    };
    const all = readdirSync(join(root, 'services')).filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')));
    expect(Object.keys(notYet).filter((s) => !all.includes(s))).toEqual([]);
    const services = all.filter((s) => !Object.hasOwn(notYet, s));
    console.log(`[census] services: ${services.join(', ')}`);
    expect(services.length).toBeGreaterThanOrEqual(6);
    const helper = read(join(root, 'libs/testing/src/service-health.spec-helper.ts'));
    expect(helper).toContain("'tio_http_request_duration_seconds_count'");
    for (const s of services) {
      const spec = join(root, 'services', s, 'src', 'health.e2e.spec.ts');
      expect(`${s}: ${existsSync(spec) && /describeServiceHealth\(/.test(read(spec))}`).toBe(`${s}: true`);
    }
  });
});
