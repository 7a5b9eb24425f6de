import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, freePort } from '@tio/local-infra';
import { metricLabelValues, metricValue, testKeys, tokenFor, waitFor } from '@tio/testing';
import { DEV_PASSWORD } from '../scripts/dev-identity-provider';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { WEB_SERVICE } from '../scripts/services';
import { startDevProvider, webSessionEnv, type DevProvider } from './web-harness';

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
      // sessions in memory here (no DATABASE_URL): the next describe runs them in the service's database
      ...process.env, DATABASE_URL: '', JWT_PUBLIC_KEY: (await testKeys()).publicKeyPem, LOG_LEVEL: 'log',
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

/** A browser's cookies, as much as these requests need: the latest value of each cookie per origin (paths ignored). */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  private of(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    if (!this.byOrigin.has(origin)) this.byOrigin.set(origin, new Map());
    return this.byOrigin.get(origin) as Map<string, string>;
  }

  header(url: string): string {
    return [...this.of(url)].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  take(url: string, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const name = pair.slice(0, pair.indexOf('=')).trim();
      if (/max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) this.of(url).delete(name);
      else this.of(url).set(name, pair.slice(pair.indexOf('=') + 1).trim());
    }
  }

  /** A request with this jar's cookies, redirects not followed, its Set-Cookie kept. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: this.header(url) }, redirect: 'manual' });
    this.take(url, res);
    return res;
  }
}

/**
 * Sessions in the web service's own database (DATABASE_URL, sealed under WEB_SESSION_KEY), the way `npm start` runs
 * it: a practitioner signs in at the development OpenID provider (its own process) over plain HTTP, as a browser
 * would (cookies, redirects, the provider's sign-in form); the web process restarts and she is still signed in; a
 * second process over the same database (a replica) knows her session; signing out at one ends it at both.
 */
describe('the web service process: sessions in its database survive a restart and are shared by replicas', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const dbNames: string[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'tio-web-sessions-'));
  const running: RunningService[] = [];
  let provider: DevProvider;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let url: string;

  const start = async (at: number) => {
    const web = await startService(WEB_SERVICE, at, logDir, env);
    running.push(web);
    await waitReady(web, 120_000);
    return web;
  };

  beforeAll(async () => {
    const keys = await testKeys();
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    provider = await startDevProvider(await freePort(), url, keys.privateKeyPem);
    env = {
      ...process.env, JWT_PUBLIC_KEY: keys.publicKeyPem, LOG_LEVEL: 'log',
      ...(await webSessionEnv(cluster, dbNames)),
      OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret, OIDC_REDIRECT_URI: `${url}/auth/callback`,
      // no page here reads a case: the timeline service is not started
      TIMELINE_URL: 'http://127.0.0.1:9',
    };
    await start(port);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(running.map(stopService));
    provider?.process.kill();
    for (const db of dbNames) await dropDatabase(cluster, db).catch(() => undefined);
    rmSync(logDir, { recursive: true, force: true });
  });

  /** Who the page's header says is signed in, and its sign-out form's CSRF token (none when signed out). */
  const signedIn = async (jar: CookieJar, base = url) => {
    const html = await (await jar.fetch(`${base}/accessibility`)).text();
    return { who: /id="signed-in-as">([^<]*)</.exec(html)?.[1]?.trim(), csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] };
  };

  it('keeps Priya signed in across a restart of the web process, at a replica too, until she signs out', async () => {
    const jar = new CookieJar();
    // sign in: the service, the provider's sign-in form, back to the callback, then where she was going
    let res = await jar.fetch(`${url}/sign-in?returnTo=/accessibility`);
    let at = `${url}/sign-in`;
    for (let step = 0; step < 10 && res.status !== 200; step++) {
      expect([302, 303]).toContain(res.status);
      at = new URL(res.headers.get('location') as string, at).href;
      if (at === `${url}/accessibility`) break;
      res = await jar.fetch(at);
      if (res.status === 200 && /\/interaction\/[\w-]+$/.test(new URL(at).pathname)) {
        res = await jar.fetch(`${at}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'priya', password: DEV_PASSWORD }).toString() });
      }
    }
    expect(at).toBe(`${url}/accessibility`);
    const cookie = jar.header(url);
    expect(cookie).toMatch(/^tio_session=[\w-]{43}$/);
    const before = await signedIn(jar);
    expect(before.who).toContain('Priya');
    expect(before.csrf).toBeDefined();

    // the web process stops and starts again on the same port
    const first = running[0] as RunningService;
    const stopAsked = Date.now();
    await stopService(first);
    const restartAsked = Date.now();
    await start(port);
    console.log(`[sessions] web stopped in ${((restartAsked - stopAsked) / 1000).toFixed(2)} s, ready again ${((Date.now() - restartAsked) / 1000).toFixed(1)} s later`);
    expect(await signedIn(jar)).toEqual(before);

    // a second process over the same database, at the same time: the same session
    const replicaPort = await freePort();
    const replica = `http://127.0.0.1:${replicaPort}`;
    await start(replicaPort);
    const atReplica = new CookieJar();
    atReplica.take(replica, new Response(null, { headers: { 'set-cookie': cookie } }));
    expect(await signedIn(atReplica, replica)).toEqual(before);

    // she signs out at the replica: the session is gone at both processes, the same cookie is refused
    const out = await atReplica.fetch(`${replica}/sign-out`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(before.csrf as string)}` });
    expect(out.status).toBe(303);
    const stale = new CookieJar();
    stale.take(url, new Response(null, { headers: { 'set-cookie': cookie } }));
    expect(await signedIn(stale)).toEqual({ who: undefined, csrf: undefined });
    expect((await stale.fetch(`${url}/caseload`)).status).toBe(303);
  }, 300_000);
});
