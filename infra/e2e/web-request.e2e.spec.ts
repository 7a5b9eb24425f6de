import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { ensureDatabase, freePort } from '@tio/local-infra';
import { testKeys, tokenFor } from '@tio/testing';
import { startService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES, WEB_SERVICE } from '../scripts/services';
import { CHROMIUM, chromiumMissing, closeJourney, launchJourneyBrowser, resultsDir, runAxe, startDevProvider, tabTo, webSessionEnv, type AxeCounts, type JourneyBrowser } from './web-harness';

/**
 * reg 3 in a real browser (Debian's Chromium through playwright-core), at a phone's size and on a desktop: a parent
 * with no account finds "Ask your council for an EHC needs assessment" on the start page by keyboard, sends the form
 * too quickly (a script would: the case service refuses it, and the page says so), sends it again a moment later,
 * and gets a reference; the case service holds the request (day 0 of the council's 6 weeks) and its invitation, and
 * sending the same form again is the same request. The case service and the web service each run as their own
 * process, as under `npm start`. Every page is checked with axe-core at both sizes (no serious or critical
 * violation); screenshots go to .local/test-results/web-request/.
 */
const SHOTS = resultsDir('web-request');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
/** Long enough that filling the form by script beats it; short enough to wait out in the test. */
const MIN_FILL_SECONDS = 6;

describe('a parent asks her council for an EHC needs assessment without an account (real browser, phone and desktop)', () => {
  const LA = 'E10000028';
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const url: Record<string, string> = {};
  let caseDb = '';
  const dbNames: string[] = [];
  let provider: ChildProcess | undefined;
  let browser: JourneyBrowser | undefined;
  const axeResults: Record<string, AxeCounts> = {};
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    const keys = await testKeys();
    const logDir = mkdtempSync(join(tmpdir(), 'tio-web-request-e2e-'));
    const [providerPort, casePort, webPort] = [await freePort(), await freePort(), await freePort()];
    url['web'] = `http://127.0.0.1:${webPort}`;
    url['case'] = `http://127.0.0.1:${casePort}`;
    // the web service needs its practitioners' provider to start, though nobody signs in here
    const dev = await startDevProvider(providerPort, url['web'], keys.privateKeyPem);
    provider = dev.process;
    const auth = { JWT_PUBLIC_KEY: keys.publicKeyPem, JWT_ISSUER: `tell-it-once-dev,${dev.issuer}` };
    caseDb = `webreq_case_${randomUUID().slice(0, 6)}`;
    dbNames.push(caseDb);
    running.push(await startService(SERVICES.find((s) => s.name === 'case') as (typeof SERVICES)[number], casePort, logDir, {
      ...process.env, ...auth, DATABASE_URL: await ensureDatabase(cluster, caseDb), KAFKA_TOPIC_PREFIX: `webreq-${randomUUID().slice(0, 8)}.`,
      // every browser request reaches the case service from the web service's one address
      PUBLIC_REQUEST_MIN_FILL_SECONDS: String(MIN_FILL_SECONDS), PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE: '50',
      SERVED_LOCAL_AUTHORITIES: `${LA}=Staffordshire County Council,E10000029=Suffolk County Council`,
    }));
    running.push(await startService(WEB_SERVICE, webPort, logDir, {
      ...process.env, ...auth, ...(await webSessionEnv(cluster, dbNames)), OIDC_ISSUER: dev.issuer, OIDC_CLIENT_ID: dev.clientId, OIDC_CLIENT_SECRET: dev.clientSecret, OIDC_REDIRECT_URI: `${url['web']}/auth/callback`,
      // nothing here reads the case record: the timeline service is not started
      TIMELINE_URL: 'http://127.0.0.1:9', CASE_URL: url['case'],
    }));
    await Promise.all(running.map((s) => waitReady(s, 240_000)));
    browser = await launchJourneyBrowser({ viewport: PHONE });
  }, 600_000);

  afterAll(async () => {
    await closeJourney({ browsers: [browser], services: running, providers: [provider], cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } });
    if (problems.length) console.warn(problems.join('\n'));
  });

  async function openPage(): Promise<Page> {
    const page = await (browser as JourneyBrowser).context.newPage();
    await page.setViewportSize(PHONE);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (r) => r.status() === 404 && problems.push(`404 ${r.url()}`));
    return page;
  }

  /** axe-core on the page at a phone's size and on a desktop: no serious or critical violation; a screenshot of each. */
  async function axe(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      await page.setViewportSize(viewport);
      const { counts, blocking } = await runAxe(page);
      axeResults[`${name}-${size}`] = counts;
      expect(blocking.map((b) => `${size} ${b}`)).toEqual([]);
      if (size === 'phone') expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(PHONE);
  }

  /** Sends the form from the keyboard (Enter on the focused button), answering with the web service's status. */
  async function sendByKeyboard(page: Page): Promise<number> {
    await page.locator('#send').focus();
    // the answer's page must have replaced the form before anything reads it: wait for that navigation to load, not
    // only for the response (the old page is already loaded, so waiting for 'load' alone can return too early)
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${url['web']}/request-an-assessment` && r.request().method() === 'POST'),
      page.waitForNavigation({ waitUntil: 'load' }),
      page.keyboard.press('Enter'),
    ]);
    return answer.status();
  }

  it('names every missing answer in the error summary, each linked to its field, and keeps the hidden field out of reach', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/request-an-assessment`);
    // the honeypot: hidden from people and assistive technology, never reached by Tab, not filled in by the browser
    const trap = `(() => { const el = document.getElementById('website'); const box = el.closest('[aria-hidden]');
      return [box.getAttribute('aria-hidden'), el.getAttribute('tabindex'), el.getAttribute('autocomplete'), box.getBoundingClientRect().width <= 1]; })()`;
    await expect(page.evaluate(trap)).resolves.toEqual(['true', '-1', 'off', true]);
    await axe(page, '01-form');
    expect(await sendByKeyboard(page)).toBe(400);
    const links = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#local-authority', '#relationship', '#child-name', '#dob-day', '#requester-name', '#email']);
    await expect(page.locator('#email-error').textContent()).resolves.toContain('we send you an invitation to follow your request');
    // the error summary takes focus; its first link takes the reader to the council question
    await expect(page.evaluate('document.activeElement.classList.contains("govuk-error-summary")')).resolves.toBe(true);
    await axe(page, '02-form-errors');
    await page.close();
  }, 240_000);

  it('refuses a form sent sooner than a person could fill it in, then sends it a moment later: a reference, the request recorded at the council, and a resend is the same request', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/`);
    // keyboard only: from the start page's link to the form
    await tabTo(page, 'el.id === "request-an-assessment"', 'the link to ask for an assessment');
    await Promise.all([page.waitForURL(`${url['web']}/request-an-assessment`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe('Ask your council for an EHC needs assessment');
    const opened = Date.now();
    const child = `Sam Carter ${randomUUID().slice(0, 4)}`;
    await page.locator('#local-authority').check();
    await page.locator('#relationship').check();
    await page.fill('#child-name', child);
    await page.fill('#dob-day', '2');
    await page.fill('#dob-month', '4');
    await page.fill('#dob-year', '2016');
    await page.fill('#requester-name', 'Jo Carter');
    await page.fill('#email', 'jo.carter@example.org');
    expect(Date.now() - opened).toBeLessThan(MIN_FILL_SECONDS * 1000);
    expect(await sendByKeyboard(page)).toBe(400);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('The form was sent too quickly after it was opened');
    // what was entered is still there
    await expect(page.locator('#child-name').inputValue()).resolves.toBe(child);
    await expect(page.locator('#local-authority').isChecked()).resolves.toBe(true);
    await axe(page, '03-sent-too-quickly');

    await page.waitForTimeout(Math.max(0, opened + MIN_FILL_SECONDS * 1000 + 500 - Date.now()));
    const form = (await page.evaluate('Object.fromEntries(new FormData(document.querySelector(\'form[action="/request-an-assessment"]\')))')) as Record<string, string>;
    expect(await sendByKeyboard(page)).toBe(303);
    await page.waitForURL(/\/request-an-assessment\/sent/);
    expect(page.url()).toMatch(new RegExp(`^${url['web']}/request-an-assessment/sent\\?reference=REQ-[0-9A-F]{4}-[0-9A-F]{4}$`));
    const reference = (await page.locator('#reference').textContent()) as string;
    await expect(page.locator('main').textContent()).resolves.toMatch(/email you an invitation to follow your request online[\s\S]*within 6 weeks/);
    await axe(page, '04-request-sent');

    // the case service holds it: the reference names a case with the request and the invitation to Jo
    const db = new Client({ connectionString: (await ensureDatabase(cluster, caseDb)) });
    await db.connect();
    const { rows } = await db.query<{ case_id: string }>('SELECT case_id FROM family.public_requests WHERE reference = $1', [reference]).finally(() => db.end());
    expect(rows).toHaveLength(1);
    const caseId = rows[0]?.case_id as string;
    const la = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const recorded = await fetch(`${url['case']}/cases/${caseId}`, { headers: { authorization: `Bearer ${la}` } });
    expect(recorded.status).toBe(200);
    const state = JSON.stringify(await recorded.json());
    expect(state).toContain(LA);
    expect(state).toContain('requestReceivedOn');

    // the same form sent again (a double click, a reload): the same reference, nothing new
    const again = await page.request.post(`${url['web']}/request-an-assessment`, { form });
    expect(again.url()).toBe(`${url['web']}/request-an-assessment/sent?reference=${reference}&again=yes`);
    expect(await again.text()).toContain('We already had this request');
    await page.close();
  }, 240_000);

  it('refuses a form without its CSRF cookie (another site posting it): nothing is sent', async () => {
    const res = await fetch(`${url['web']}/request-an-assessment`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=guess&localAuthority=E10000028' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('The form had expired');
  });
});
