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

  // Not service-kit's CoreModule services (no database or Kafka of their own), each checked as a process by its spec.
  const pageServers: Record<string, string> = { web: 'infra/e2e/web-service.e2e.spec.ts' };
  const all = readdirSync(join(root, 'services')).filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')));

  it("scrapes every service's /metrics for the HTTP histogram in its health e2e (a page server's in its process spec)", () => {
    expect(Object.keys(pageServers).filter((s) => !all.includes(s))).toEqual([]);
    const services = all.filter((s) => !Object.hasOwn(pageServers, s));
    console.log(`[census] services: ${services.join(', ')}; page servers: ${Object.keys(pageServers).join(', ')}`);
    expect(services.length).toBeGreaterThanOrEqual(6);
    const helper = read(join(root, 'libs/testing/src/service-health.spec-helper.ts'));
    expect(helper).toContain("'tio_http_request_duration_seconds_count'");
    for (const s of services) {
      const spec = join(root, 'services', s, 'src', 'health.e2e.spec.ts');
      expect(`${s}: ${existsSync(spec) && /describeServiceHealth\(/.test(read(spec))}`).toBe(`${s}: true`);
    }
    for (const [s, spec] of Object.entries(pageServers)) {
      const text = existsSync(join(root, spec)) ? read(join(root, spec)) : '';
      expect(`${s}: ${/'tio_http_request_duration_seconds_count'/.test(text) && text.includes("'/metrics'") && /JSON/.test(text)}`).toBe(`${s}: true`);
    }
  });

  it('starts every service through service-kit, so each logs JSON lines (JsonLogger) and times every request', () => {
    for (const s of all) {
      const main = read(join(root, 'services', s, 'src', 'main.ts'));
      const through = Object.hasOwn(pageServers, s) ? /createPageServerApp\(/ : /runService\(/;
      expect(`${s}: ${through.test(main) && !/NestFactory/.test(main)}`).toBe(`${s}: true`);
    }
    expect(read(join(root, 'libs/service-kit/src/page-server.ts'))).toMatch(/new JsonLogger\(name\)[\s\S]*httpMetricsMiddleware/);
  });
});
