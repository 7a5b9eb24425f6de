import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { addDays, addWeeks, londonDateOf } from '@tio/ehc-domain';
import { tokenFor, waitFor } from '@tio/testing';
import type { RunningService } from '../scripts/service-processes';
import { CHROMIUM, chromiumMissing, closeJourney, launchJourneyBrowser, resultsDir, runAxe, type AxeCounts, type JourneyBrowser, startWebJourney } from './web-harness';

/**
 * The auditor's journey in a real browser (Debian's Chromium through playwright-core), signed in through the
 * development OpenID provider as `sam` (auditor): statutory performance (the chart's every label inside its viewBox)
 * -> integrity -> a case's history and why an event happened -> the case as at a business date (before and on the day
 * of a move mid-assessment) and as recorded before the move was recorded. The case, timeline and audit services, the
 * provider and the web service each run as their own process, as under `npm start`. Every page is checked with
 * axe-core (no serious or critical violation); a caseworker (`priya`) is refused the auditor's pages with a page
 * saying why. Screenshots and the axe counts go to .local/test-results/web-auditor/.
 */
const SHOTS = resultsDir('web-auditor');
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;
const LONDON_MINUTE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const londonMinute = () => LONDON_MINUTE.format(new Date());
const long = (day: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

describe("the auditor's pages: performance, integrity, a case's history and the case as at a date (real browser, dev OpenID provider)", () => {
  const OLD = 'E10000028';
  const NEW = 'E08000025';
  const prefix = `webaud-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const dbUrls: Record<string, string> = {};
  const url: Record<string, string> = {};
  const providers: ChildProcess[] = [];
  const browsers: JourneyBrowser[] = [];
  const today = londonDateOf(new Date());
  const day0 = addWeeks(today, -10);
  const moveOn = addWeeks(day0, 5);
  const dayBeforeMove = addDays(moveOn, -3);
  const caseId = randomUUID();
  /** The minute (in England) by which everything before the move had been recorded, and the move had not. */
  let beforeMoveRecorded = '';
  const axeResults: Record<string, AxeCounts> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    // the audit service replays the case service's event store and compares the timeline's read model, as under npm start
    Object.assign(dbUrls, await startWebJourney({
      journey: 'web-auditor', services: ['case', 'timeline', 'audit'], cluster, prefix, dbPrefix: 'webaud', running, databases: dbNames, url, providers,
      webEnv: ({ url }) => ({ TIMELINE_URL: url['timeline'], AUDIT_URL: url['audit'] }),
    }));

    // a case of the old LA, assessing; the family moves to the new LA mid-assessment (CFA 2014 s.24), the move
    // recorded in a later minute than everything before it
    const officer = async (organisationId: string) => tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId, userId: `officer-${organisationId}` });
    const [oldLa, newLa] = [await officer(OLD), await officer(NEW)];
    const post = async (path: string, body: object, token: string) => {
      const res = await fetch(`${url['case']}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    await post('/cases', { caseId, at: day0, childRef: `child:${caseId.slice(0, 6)}`, localAuthority: OLD, source: 'parent', requestedBy: { role: 'parent' } }, oldLa);
    await post(`/cases/${caseId}/decision-to-assess`, { at: addWeeks(day0, 2) }, oldLa);
    const recordedIn = londonMinute();
    beforeMoveRecorded = await waitFor('the next minute in England', async () => (londonMinute() !== recordedIn ? londonMinute() : false), 75_000, 500);
    const requested = await post(`/cases/${caseId}/service-transfers`, { at: addWeeks(day0, 4), kind: 'local-authority', toOrganisation: NEW, moveOn }, oldLa);
    const transferId = requested['transferId'] as string;
    await post(`/cases/${caseId}/service-transfers/${transferId}/acceptance`, { at: addDays(addWeeks(day0, 4), 1) }, newLa);
    await post(`/cases/${caseId}/service-transfers/${transferId}/completion`, { at: moveOn }, oldLa);

    for (let i = 0; i < 2; i++) browsers.push(await launchJourneyBrowser({ acceptDownloads: true }));
  }, 420_000);

  afterAll(() => closeJourney({ browsers, services: running, providers, cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } }));

  const problems: string[] = [];
  async function openPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('response', (r) => r.status() === 404 && problems.push(`404 ${r.url()}`));
    return page;
  }

  /** axe-core on the page as it is now: no serious or critical violation; the counts are kept for the report. */
  async function axe(page: Page, name: string): Promise<void> {
    const { counts, blocking } = await runAxe(page);
    axeResults[name] = counts;
    expect(blocking).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function signIn(page: Page, path: string, username: string): Promise<void> {
    await page.goto(`${url['web']}${path}`);
    await page.waitForURL(/\/interaction\//);
    await page.fill('#username', username);
    await page.fill('#password', 'demo');
    await Promise.all([page.waitForURL(`${url['web']}${path}`), page.locator('button[type=submit]').click()]);
  }

  async function noTokenIn(page: Page): Promise<void> {
    expect(await page.content()).not.toMatch(JWT);
    expect(page.url()).not.toMatch(JWT);
  }

  type Boxes = { viewBox: { x: number; y: number; width: number; height: number }; texts: Array<{ text: string; x: number; y: number; width: number; height: number }> };
  /** Each <text> of the SVG with the box the browser laid it out in, and the SVG's viewBox (both in user units). */
  const textBoxes = async (page: Page, selector: string) => (await page.evaluate(`(() => {
      const svg = document.querySelector(${JSON.stringify(selector)});
      const vb = svg.viewBox.baseVal;
      return { viewBox: { x: vb.x, y: vb.y, width: vb.width, height: vb.height }, texts: [...svg.querySelectorAll('text')].map((t) => { const b = t.getBBox(); return { text: t.textContent, x: b.x, y: b.y, width: b.width, height: b.height }; }) };
    })()`)) as Boxes;
  const outsideViewBox = (b: Boxes) => b.texts.filter((t) => t.x < b.viewBox.x || t.y < b.viewBox.y || t.x + t.width > b.viewBox.x + b.viewBox.width || t.y + t.height > b.viewBox.y + b.viewBox.height);

  /** The value of a summary list row, by its key's text. */
  const row = (page: Page, list: string, key: string) => page.locator(`${list} .govuk-summary-list__row`, { has: page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${key}\\s*$`) }) }).locator('.govuk-summary-list__value').textContent();

  it('shows statutory performance for a period with a chart whose every label lies inside it, the same figures as a table, and the exports', async () => {
    const page = await openPage((browsers[0] as JourneyBrowser).context);
    await signIn(page, '/audit/performance', 'sam');
    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('Sam Reid');
    const nav = await page.locator('.govuk-service-navigation__list').textContent();
    expect(nav).toMatch(/Performance[\s\S]*Integrity[\s\S]*Case audit/);

    // the period through the GOV.UK date inputs: from the case's request to today
    const [fy, fm, fd] = day0.split('-');
    const [ty, tm, td] = today.split('-');
    await page.fill('#from-day', String(Number(fd)));
    await page.fill('#from-month', String(Number(fm)));
    await page.fill('#from-year', fy as string);
    await page.fill('#to-day', String(Number(td)));
    await page.fill('#to-month', String(Number(tm)));
    await page.fill('#to-year', ty as string);
    await Promise.all([page.waitForURL(/\/audit\/performance\?/), page.locator('#show-period').click()]);
    await expect(page.locator('#performance-scope').textContent()).resolves.toContain(`${long(day0)} to ${long(today)}, all local authorities`);
    await expect(row(page, '#counts', 'Requests for an assessment')).resolves.toMatch(/^\s*1\s*$/);
    await expect(page.locator('#performance-table tbody tr').count()).resolves.toBe(6);
    await expect(page.locator('#performance-table tbody tr[data-measure="decisions"] td').last().textContent()).resolves.toMatch(/^\s*100\.0%\s*$/);

    // every text of the chart (labels, values, axis, legend) inside the SVG's viewBox, as the browser lays it out
    const boxes = await textBoxes(page, 'svg.tio-chart');
    expect(boxes.texts.length).toBeGreaterThanOrEqual(6 * 2 + 6 + 2);
    expect(outsideViewBox(boxes)).toEqual([]);
    expect(boxes.texts.map((t) => t.text)).toEqual(expect.arrayContaining(['Final plans issued within 20 weeks (excluding exception cases)', 'Staffordshire target (2020): 80%']));
    await expect(page.locator('svg.tio-chart').getAttribute('role')).resolves.toBe('img');
    await noTokenIn(page);
    await axe(page, '01-performance');

    const csvHref = await page.locator('#exports a', { hasText: 'CSV' }).getAttribute('href');
    expect(csvHref).toBe(`/audit/exports/performance.csv?from=${day0}&to=${today}`);
    const csv = await page.request.get(`${url['web']}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers()['content-disposition']).toBe(`attachment; filename="performance-${day0}-${today}.csv"`);
    expect((await csv.text()).split(/\r?\n/)[0]).toBe('measure,breakdown,group,metric,value');

    // the audit service's own printable page (performance.html) draws its chart the same way: nothing cut there either
    const auditPage = await openPage((browsers[0] as JourneyBrowser).context);
    await auditPage.setExtraHTTPHeaders({ authorization: `Bearer ${await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: OLD, userId: 'auditor-sam' })}` });
    await auditPage.goto(`${url['audit']}/performance.html?from=${day0}&to=${today}`);
    const auditBoxes = await textBoxes(auditPage, 'figure svg');
    expect(auditBoxes.texts.length).toBeGreaterThanOrEqual(6 * 2 + 6 + 2);
    expect(outsideViewBox(auditBoxes)).toEqual([]);
    await auditPage.screenshot({ path: join(SHOTS, '01b-audit-service-performance-page.png'), fullPage: true });
    await auditPage.close();

    // an impossible date: the error summary names the field, the figures for the default period still show
    const bad = await page.goto(`${url['web']}/audit/performance?from-day=31&from-month=2&from-year=2025&to-day=1&to-month=3&to-year=2025`);
    expect(bad?.status()).toBe(400);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/The first day of the period must be a real date/);
    await expect(page.locator('.govuk-error-summary a').first().getAttribute('href')).resolves.toBe('#from-day');
    await axe(page, '02-performance-error');
    await page.close();
  }, 240_000);

  it('shows the integrity of every store and what was checked, then finds the case from there', async () => {
    const page = await openPage((browsers[0] as JourneyBrowser).context);
    await page.goto(`${url['web']}/audit/performance`);
    await Promise.all([page.waitForURL(`${url['web']}/audit/integrity`), page.locator('.govuk-service-navigation__link', { hasText: 'Integrity' }).click()]);
    await expect(row(page, '#integrity-summary', 'Result')).resolves.toContain('Every chain verifies');
    await expect(row(page, '#integrity-summary', 'Checked')).resolves.toMatch(/\d{1,2} \w+ \d{4} at \d\d:\d\d:\d\d/);
    await expect(row(page, '#integrity-summary', 'What was checked')).resolves.toMatch(/\d+ events in \d+ streams of 1 event store/);
    await expect(page.locator('#stores tbody tr[data-store="case"]').textContent()).resolves.toContain('Verified');
    await expect(page.locator('#what-is-checked li').count()).resolves.toBe(4);
    await axe(page, '03-integrity');

    await page.fill('#caseId', caseId);
    await Promise.all([page.waitForURL(`${url['web']}/audit/cases/${caseId}`), page.locator('#find-case').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Audit of the case');
    await page.close();
  }, 120_000);

  it("shows the case's history with what caused each event, why the move happened, and the drift check", async () => {
    const page = await openPage((browsers[0] as JourneyBrowser).context);
    await page.goto(`${url['web']}/audit/cases/${caseId}`);
    const types = await page.locator('#history-table tbody tr code').evaluateAll((els) => els.map((e) => e.textContent));
    expect(types).toEqual(expect.arrayContaining(['ehc.request-received.v1', 'ehc.decision-to-assess.v1', 'transfer.completed.v1', 'ehc.assessment-transferred.v1']));
    await expect(row(page, '#case-summary', 'Integrity')).resolves.toContain('Every chain verifies');
    await expect(page.locator('#drift-result').textContent()).resolves.toMatch(/\S/);
    // the assessment moved because the transfer was completed: its "caused by" links to that event's row
    const moved = page.locator('#history-table tbody tr', { has: page.locator('code', { hasText: /^ehc\.assessment-transferred\.v1$/ }) });
    await expect(moved.locator('td[data-caused-by] a').textContent()).resolves.toContain('transfer.completed.v1');
    await noTokenIn(page);
    await axe(page, '04-case-audit');

    await Promise.all([page.waitForURL(/\/events\//), moved.locator('a', { hasText: 'Why?' }).click()]);
    const chain = await page.locator('#chain > li code').evaluateAll((els) => els.map((e) => e.textContent));
    expect(chain.slice(0, 2)).toEqual(['ehc.assessment-transferred.v1', 'transfer.completed.v1']);
    await axe(page, '05-why');

    const history = await page.request.get(`${url['web']}/audit/cases/${caseId}/exports/history.csv`);
    expect(history.status()).toBe(200);
    expect(history.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await history.text()).split(/\r?\n/)[0]).toMatch(/^position,recordedAt,occurredAt,source/);
    await page.close();
  }, 120_000);

  it('reads the case as at a business date (the old LA before the move, the new LA on the day) and as recorded before the move was recorded, each labelled', async () => {
    const page = await openPage((browsers[0] as JourneyBrowser).context);
    await page.goto(`${url['web']}/audit/cases/${caseId}`);
    const ask = async (reading: 'business-date' | 'recorded', day: string, time?: string) => {
      const [y, m, d] = day.split('-');
      await page.check(`input[name=reading][value=${reading}]`);
      await page.fill('#date-day', String(Number(d)));
      await page.fill('#date-month', String(Number(m)));
      await page.fill('#date-year', y as string);
      await page.fill('#time', time ?? '');
      await Promise.all([page.waitForURL(/\/as-at\?/), page.locator('#show-as-at').click()]);
    };

    await ask('business-date', dayBeforeMove);
    await expect(page.locator('h1').textContent()).resolves.toBe(`The case on ${long(dayBeforeMove)}, as known now`);
    await expect(page.locator('#reading-label').textContent()).resolves.toContain('By business date');
    await expect(page.locator('#reading-meaning').textContent()).resolves.toMatch(/What was true on \d{4}-\d\d-\d\d as far as is known now/);
    await expect(row(page, '#as-at-summary', 'Local authority responsible')).resolves.toContain(OLD);
    await expect(row(page, '#as-at-summary', 'Stage')).resolves.toContain('Assessing');
    await axe(page, '06-as-at-business-date');

    await ask('business-date', moveOn);
    await expect(row(page, '#as-at-summary', 'Local authority responsible')).resolves.toContain(NEW);

    await ask('recorded', today, beforeMoveRecorded);
    await expect(page.locator('h1').textContent()).resolves.toMatch(new RegExp(`^The case as recorded by ${long(today)} at ${beforeMoveRecorded}:00$`));
    await expect(page.locator('#reading-label').textContent()).resolves.toContain('As recorded');
    await expect(page.locator('#reading-meaning').textContent()).resolves.toMatch(/^\s*What had been recorded by /);
    await expect(row(page, '#as-at-summary', 'Local authority responsible')).resolves.toContain(OLD);
    await expect(row(page, '#as-at-summary', 'Events read')).resolves.toMatch(/^\s*2 replayed\s*$/);
    await expect(page.locator('[data-transfer]').count()).resolves.toBe(0);
    await axe(page, '07-as-at-recorded');

    const [y] = today.split('-');
    await page.goto(`${url['web']}/audit/cases/${caseId}/as-at?reading=business-date&date-day=30&date-month=2&date-year=${y}`);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/The date must be a real date/);
    await expect(page.locator('.govuk-error-summary a').getAttribute('href')).resolves.toBe('#date-day');
    await axe(page, '08-as-at-error');
    await page.close();
  }, 180_000);

  it("refuses a caseworker the auditor's pages with a page that says why, and shows them no auditor navigation", async () => {
    const page = await openPage((browsers[1] as JourneyBrowser).context);
    await page.goto(`${url['web']}/audit/integrity`);
    await page.waitForURL(/\/interaction\//);
    await page.fill('#username', 'priya');
    await page.fill('#password', 'demo');
    const refused = page.waitForResponse((r) => r.url() === `${url['web']}/audit/integrity` && r.status() !== 303);
    await page.locator('button[type=submit]').click();
    expect((await refused).status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('You cannot see the auditor’s pages');
    await expect(page.locator('#problem').textContent()).resolves.toMatch(/which do(es)? not include auditor/);
    expect(await page.locator('.govuk-service-navigation__list').textContent()).not.toMatch(/Integrity|Case audit/);
    await axe(page, '09-not-auditor');
    for (const path of [`/audit/cases/${caseId}`, `/audit/cases/${caseId}/as-at?reading=business-date&date-day=1&date-month=1&date-year=2025`, '/audit/exports/performance.csv']) {
      const res = await page.request.get(`${url['web']}${path}`);
      expect({ path, status: res.status() }).toEqual({ path, status: 403 });
    }
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 120_000);
});
