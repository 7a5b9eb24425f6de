/**
 * What every browser journey of the web service shares: the browser and axe-core on disk, where results go, the
 * development OpenID providers (the practitioners' and the families' citizen one) started as processes of their own
 * (as `npm start` runs them in-process), the web service's session database (webSessionEnv), one axe-core check of a
 * page, and the browser's launch and the journey's teardown (launchJourneyBrowser, closeJourney).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dropDatabase, ensureDatabase, freePort, localStateDir, workspaceRoot } from '@tio/local-infra';
import { testKeys, waitFor } from '@tio/testing';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES, WEB_SERVICE } from '../scripts/services';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_SCRIPT = join(workspaceRoot(), 'node_modules/axe-core/axe.min.js');

/** Where a journey's screenshots and axe counts go: `$TIO_TEST_RESULTS/<journey>` or `.local/test-results/<journey>`. */
export function resultsDir(journey: string): string {
  return join(process.env['TIO_TEST_RESULTS'] ?? localStateDir('test-results'), journey);
}

export function chromiumMissing(): string {
  return `Chromium is missing at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium). It never downloads a browser.`;
}

/** A journey's browser: Chromium with a profile of its own. */
export interface JourneyBrowser {
  context: BrowserContext;
  profile: string;
}

/** Options of a journey's browser context (viewport, downloads); the browser, its flags and bypassCSP are the harness's. */
export type JourneyBrowserOptions = Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, 'executablePath' | 'headless' | 'args' | 'bypassCSP'>;

/** Debian's Chromium, headless, with a new profile; CSP bypassed so axe-core can be injected as a script. */
export async function launchJourneyBrowser(options: JourneyBrowserOptions = {}): Promise<JourneyBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tio-chromium-'));
  // bypassCSP: axe-core is injected as an inline script, which the service's Content-Security-Policy (rightly) refuses
  const context = await chromium.launchPersistentContext(profile, { ...options, executablePath: CHROMIUM, headless: true, args: BROWSER_FLAGS, bypassCSP: true });
  return { context, profile };
}

/** What a journey started, as far as it got (a beforeAll that failed half-way still tears down what it made). */
export interface JourneyParts {
  browsers?: ReadonlyArray<JourneyBrowser | undefined>;
  services?: readonly RunningService[];
  /** The development providers' processes: each stops when its stdin ends. */
  providers?: ReadonlyArray<ChildProcess | undefined>;
  /** The PostgreSQL cluster (DATABASE_URL) and the databases the journey made there. */
  cluster?: string;
  databases?: readonly string[];
  /** Where the axe-core counts go (resultsDir) and the counts: written to axe-results.json. */
  axe?: { dir: string; results: Record<string, AxeCounts> };
}

/** Tears a journey down: browsers closed and their profiles removed, services stopped, providers ended, databases dropped, axe results written. */
export async function closeJourney(parts: JourneyParts): Promise<void> {
  for (const browser of parts.browsers ?? []) {
    if (!browser) continue;
    await browser.context.close();
    rmSync(browser.profile, { recursive: true, force: true });
  }
  await Promise.all((parts.services ?? []).map(stopService));
  for (const provider of parts.providers ?? []) provider?.stdin?.end();
  for (const db of parts.databases ?? []) if (db && parts.cluster) await dropDatabase(parts.cluster, db);
  if (parts.axe) {
    mkdirSync(parts.axe.dir, { recursive: true });
    writeFileSync(join(parts.axe.dir, 'axe-results.json'), `${JSON.stringify(parts.axe.results, null, 2)}\n`);
  }
}

export interface DevProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  process: ChildProcess;
}

/** The development OpenID provider as its own process, signing with the key the services trust, registered for the web service at `webUrl`. */
export async function startDevProvider(port: number, webUrl: string, privateKeyPem: string): Promise<DevProvider> {
  const clientSecret = randomBytes(24).toString('base64url');
  const { issuer, process: child } = await providerProcess('the development OpenID provider', port, webUrl, { DEV_OIDC_PRIVATE_KEY: privateKeyPem, DEV_OIDC_CLIENT_ID: 'tio-web', DEV_OIDC_CLIENT_SECRET: clientSecret });
  return { issuer, clientId: 'tio-web', clientSecret, process: child };
}

export interface DevCitizenProvider {
  issuer: string;
  clientId: string;
  /** The web service's client key (PEM) for private_key_jwt: CITIZEN_OIDC_PRIVATE_KEY. */
  clientPrivateKeyPem: string;
  process: ChildProcess;
}

/** The development citizen identity provider (One Login-shaped) as its own process, the web service at `webUrl` registered with a key made here. */
export async function startDevCitizenProvider(port: number, webUrl: string): Promise<DevCitizenProvider> {
  const key = await generateKeyPair('ES256', { extractable: true });
  const clientId = 'tio-web-families';
  const { issuer, process: child } = await providerProcess('the development citizen identity provider', port, webUrl, { DEV_OIDC_KIND: 'citizen', DEV_OIDC_CLIENT_ID: clientId, DEV_OIDC_CLIENT_PUBLIC_KEY: await exportSPKI(key.publicKey) });
  return { issuer, clientId, clientPrivateKeyPem: await exportPKCS8(key.privateKey), process: child };
}

/** What a journey's API services share: the cluster, their topic prefix, and where what they start is recorded. */
export interface JourneyServicesOptions {
  cluster: string;
  /** KAFKA_TOPIC_PREFIX of the journey (and of the timeline's consumer group). */
  prefix: string;
  /** Prefix of the databases' names, e.g. `webfam`. */
  dbPrefix: string;
  logDir: string;
  /** The environment every service gets (process.env and the journey's token settings). */
  env: NodeJS.ProcessEnv;
  /** Filled as they start (a start that fails half-way still tears down what it made). */
  running: RunningService[];
  databases: string[];
  url: Record<string, string>;
}

const EVENT_STORE_SERVICES = ['case', 'education', 'health', 'social-care'];

/**
 * The API services a journey needs, each its own process with a database of its own, wired as `npm start` wires
 * them: the timeline in a consumer group of the journey's, the audit service over the started services' event
 * stores (read-only) and the timeline's read model. Answers each service's database URL.
 */
export async function startJourneyServices(names: readonly string[], o: JourneyServicesOptions): Promise<Record<string, string>> {
  const dbUrls: Record<string, string> = {};
  for (const name of names) {
    const db = `${o.dbPrefix}_${name.replace('-', '_')}_${randomBytes(3).toString('hex')}`;
    o.databases.push(db);
    dbUrls[name] = await ensureDatabase(o.cluster, db);
  }
  for (const name of names) {
    const port = await freePort();
    const stores = names.filter((n) => EVENT_STORE_SERVICES.includes(n)).map((n) => `${n}=${dbUrls[n]}`).join(',');
    const extra = name === 'timeline' ? { TIMELINE_CONSUMER_GROUP: `${o.prefix}tio-timeline` }
      : name === 'audit' ? { AUDIT_EVENT_STORES: stores, AUDIT_TIMELINE_DATABASE_URL: dbUrls['timeline'] } : {};
    o.running.push(await startService(SERVICES.find((s) => s.name === name) as (typeof SERVICES)[number], port, o.logDir, { ...o.env, ...extra, DATABASE_URL: dbUrls[name], KAFKA_TOPIC_PREFIX: o.prefix }));
    o.url[name] = `http://127.0.0.1:${port}`;
  }
  return dbUrls;
}

export interface WebJourneyOptions extends Omit<JourneyServicesOptions, 'logDir' | 'env'> {
  /** Names the services' log directory (`tio-<journey>-e2e-*`). */
  journey: string;
  /** The API services behind the web service (startJourneyServices). */
  services: readonly string[];
  /** Filled with the development providers' processes as they start, for closeJourney. */
  providers: ChildProcess[];
  /** The web service's settings beyond sign-in and sessions (the APIs it calls), once every service's URL is known. */
  webEnv(started: { keys: { privateKeyPem: string; publicKeyPem: string }; url: Record<string, string>; providers: ChildProcess[] }): NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
}

/**
 * A browser journey's system, as `npm start` runs it: the development OpenID provider (its own process, signing with
 * the key the services trust), the API services (startJourneyServices), and the web service signing practitioners in
 * there with its sessions in a database of its own; resolves once every process is ready. Answers each API service's
 * database URL.
 */
export async function startWebJourney(o: WebJourneyOptions): Promise<Record<string, string>> {
  const keys = await testKeys();
  const logDir = mkdtempSync(join(tmpdir(), `tio-${o.journey}-e2e-`));
  const [providerPort, webPort] = [await freePort(), await freePort()];
  o.url['web'] = `http://127.0.0.1:${webPort}`;
  const dev = await startDevProvider(providerPort, o.url['web'], keys.privateKeyPem);
  o.providers.push(dev.process);
  const auth = { JWT_PUBLIC_KEY: keys.publicKeyPem, JWT_ISSUER: `tell-it-once-dev,${dev.issuer}` };
  const dbUrls = await startJourneyServices(o.services, { ...o, logDir, env: { ...process.env, ...auth } });
  o.running.push(await startService(WEB_SERVICE, webPort, logDir, {
    ...process.env, ...auth, ...(await webSessionEnv(o.cluster, o.databases)),
    OIDC_ISSUER: dev.issuer, OIDC_CLIENT_ID: dev.clientId, OIDC_CLIENT_SECRET: dev.clientSecret, OIDC_REDIRECT_URI: `${o.url['web']}/auth/callback`,
    ...(await o.webEnv({ keys, url: o.url, providers: o.providers })),
  }));
  await Promise.all(o.running.map((s) => waitReady(s, 240_000)));
  return dbUrls;
}

/**
 * The web service's sessions as `npm start` keeps them: a database of its own in `cluster` (its name added to
 * `dbNames`, so the journey's teardown drops it) and WEB_SESSION_KEY (base64 of 32 random bytes) to seal the rows.
 * Spread after `...process.env`: the cluster's own DATABASE_URL (the maintenance database) is never the web service's.
 */
export async function webSessionEnv(cluster: string, dbNames: string[]): Promise<{ DATABASE_URL: string; WEB_SESSION_KEY: string }> {
  const db = `web_sessions_${randomBytes(4).toString('hex')}`;
  dbNames.push(db);
  return { DATABASE_URL: await ensureDatabase(cluster, db), WEB_SESSION_KEY: randomBytes(32).toString('base64') };
}

/** The web service's environment for families' sign-in at `citizen`, signing family tokens with `familyKeyPem` (a key the services trust). */
export function citizenSignInEnv(citizen: DevCitizenProvider, familyKeyPem: string): Record<string, string> {
  return { CITIZEN_OIDC_ISSUER: citizen.issuer, CITIZEN_OIDC_CLIENT_ID: citizen.clientId, CITIZEN_OIDC_PRIVATE_KEY: citizen.clientPrivateKeyPem, FAMILY_JWT_PRIVATE_KEY: familyKeyPem };
}

async function providerProcess(what: string, port: number, webUrl: string, env: Record<string, string>): Promise<{ issuer: string; process: ChildProcess }> {
  const issuer = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(workspaceRoot(), 'infra/scripts/dev-identity-provider.ts')], {
    cwd: workspaceRoot(),
    env: {
      ...process.env, SWC_NODE_PROJECT: join(workspaceRoot(), 'tsconfig.base.json'), DEV_OIDC_PORT: String(port),
      DEV_OIDC_REDIRECT_URIS: `${webUrl}/auth/callback`, DEV_OIDC_POST_LOGOUT_REDIRECT_URIS: `${webUrl}/signed-out`, ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitFor(what, async () => output.includes(`issuer ${issuer}`) || (child.exitCode !== null ? Promise.reject(new Error(output)) : false), 60_000);
  return { issuer, process: child };
}

export interface AxeCounts {
  serious: number;
  critical: number;
  moderate: number;
  minor: number;
  passes: number;
  violations: string[];
}

/** axe-core (WCAG 2.0, 2.1, 2.2 A and AA and best practice) on the page as it is now: the counts, and each serious or critical violation described. */
export async function runAxe(page: Page): Promise<{ counts: AxeCounts; blocking: string[] }> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const result = (await page.evaluate('axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } })')) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
    passes: unknown[];
  };
  const count = (impact: string) => result.violations.filter((v) => v.impact === impact).length;
  const where = (v: { nodes: Array<{ target: string[] }> }) => v.nodes.map((n) => n.target.join(' ')).join(', ');
  return {
    counts: { serious: count('serious'), critical: count('critical'), moderate: count('moderate'), minor: count('minor'), passes: result.passes.length, violations: result.violations.map((v) => `${v.impact} ${v.id} at ${where(v)}`) },
    blocking: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${where(v)}`),
  };
}

/** Presses Tab until the focused element matches `test` (a JS expression over `el`), as a keyboard user would. */
export async function tabTo(page: Page, test: string, what: string, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`(() => { const el = document.activeElement; return Boolean(el && (${test})); })()`)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}
