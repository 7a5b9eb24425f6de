import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tio/local-infra';
import { metricLabelValues, metricValue, testKeys, tokenFor, waitFor } from '@tio/testing';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { WEB_SERVICE } from '../scripts/services';

const HISTOGRAM = 'tio_http_request_duration_seconds_count';

/** Takes whatever spans the web service exports (the log lines' trace ids are what is checked, not the spans). */
async function spanSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`, close: () => new Promise((r) => server.close(() => r())) };
}

// The web service as its own process, the way `npm start` runs it: what every service has (metrics, JSON logs) and a
// prompt stop. It needs neither its identity provider nor the timeline for this (discovery and reads are lazy).
describe('the web service process: /metrics, JSON logs with trace ids, and its stop', () => {
  let web: RunningService;
  let url: string;
  let sink: Awaited<ReturnType<typeof spanSink>>;
  const logDir = mkdtempSync(join(tmpdir(), 'tio-web-service-'));

  beforeAll(async () => {
    sink = await spanSink();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    web = await startService(WEB_SERVICE, port, logDir, {
      ...process.env, JWT_PUBLIC_KEY: (await testKeys()).publicKeyPem, LOG_LEVEL: 'log',
      OIDC_ISSUER: 'http://127.0.0.1:9/provider', OIDC_CLIENT_ID: 'tio-web', OIDC_CLIENT_SECRET: 'secret', OIDC_REDIRECT_URI: `${url}/auth/callback`,
      TIMELINE_URL: 'http://127.0.0.1:9',
      OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await waitReady(web, 120_000);
  }, 180_000);

  afterAll(async () => {
    if (web) await stopService(web);
    await sink?.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers, redirect: 'manual' });

  it('serves the HTTP request histogram at /metrics by route pattern and status, to the scraper or an auditor only', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(401);
    const caseworker = await tokenFor({ agency: 'local-authority', roles: ['case-officer'] });
    expect((await get('/metrics', { authorization: `Bearer ${caseworker}` })).status).toBe(403);
    const auditor = await tokenFor({ agency: 'local-authority', roles: ['auditor'] });
    expect((await get('/metrics', { authorization: `Bearer ${auditor}` })).status).toBe(200);
    // a page without a session: sent to sign in by the session middleware (counted under the page's route)
    expect((await get('/cases/case-a1')).status).toBe(303);
    const scraper = await tokenFor({ userId: 'prometheus', organisationId: 'tio-ops', agency: 'system', roles: ['service'] });
    const scrape = await get('/metrics', { authorization: `Bearer ${scraper}` });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    console.log(`[metrics] web:\n${text.split('\n').filter((l) => l.startsWith(HISTOGRAM)).join('\n')}`);
    expect(metricValue(text, HISTOGRAM, { method: 'GET', route: '/health/live', status: '200' })).toBeGreaterThanOrEqual(1);
    for (const status of ['401', '403', '200']) expect(metricValue(text, HISTOGRAM, { method: 'GET', route: '/metrics', status })).toBe(1);
    expect(metricValue(text, HISTOGRAM, { method: 'GET', route: '/cases/:caseId', status: '303' })).toBe(1);
    for (const route of metricLabelValues(text, HISTOGRAM, 'route')) expect(route).toMatch(/^(unmatched|\/[\w\-/:.]*)$/);
    expect(text).not.toContain('case-a1');
    expect(text).toContain('# TYPE process_cpu_seconds_total ');
  });

  it('logs one JSON object a line, named web; a line written while a request is traced carries its trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    // the identity provider does not answer: the start page says so with a 502, and the service logs it
    expect((await get('/sign-in', { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` })).status).toBe(502);
    const logged = () => readFileSync(web.logFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return l; } });
    await waitFor('the failed sign-in in the log', async () => logged().some((l) => typeof l === 'object' && l['traceId'] === traceId), 10_000);
    const parsed = logged();
    expect(parsed.filter((l) => typeof l === 'string')).toEqual([]);
    expect(parsed).toContainEqual(expect.objectContaining({ service: 'web', level: 'log', context: 'bootstrap', msg: expect.stringContaining('web listening') }));
    expect(parsed).toContainEqual(expect.objectContaining({ service: 'web', level: 'warn', context: 'pages', status: 502, route: '/sign-in', traceId, spanId: expect.stringMatching(/^[0-9a-f]{16}$/) }));
    // the refused scrapes of the test above, logged as every service logs a denial
    expect(parsed).toContainEqual(expect.objectContaining({ service: 'web', level: 'warn', context: 'auth', msg: 'access denied', status: 403 }));
  });

  it('stops when the run command closes it', async () => {
    const asked = Date.now();
    await stopService(web);
    console.log(`[stop] web stopped ${((Date.now() - asked) / 1000).toFixed(2)} s after its stdin closed`);
    expect(web.child.exitCode).toBe(0);
  });
});
