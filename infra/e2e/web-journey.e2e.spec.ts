import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, addWeeks, londonDateOf } from '@tio/ehc-domain';
import { tokenFor, waitFor } from '@tio/testing';
import type { RunningService } from '../scripts/service-processes';
import { CHROMIUM, chromiumMissing, closeJourney, launchJourneyBrowser, resultsDir, runAxe, tabTo, type AxeCounts, type JourneyBrowser, startWebJourney } from './web-harness';

/**
 * The caseworker's journey in a real browser (Debian's Chromium through playwright-core), signed in through the
 * development OpenID provider: sign in -> caseload (overdue first, filters, CSV) -> the demo-like case -> its timeline
 * and statutory clock -> sign out. The case and timeline services, the provider and the web service each run as their
 * own process, as under `npm start`. Every page is checked with axe-core (no serious or critical violation); the main
 * journey is driven with the keyboard alone; screenshots go to .local/test-results/web-journey/.
 */
const SHOTS = resultsDir('web-journey');
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

describe("the practitioners' web service: a caseworker signs in and finds the case (real browser, dev OpenID provider)", () => {
  const LA = 'E10000028';
  const prefix = `web-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const providers: ChildProcess[] = [];
  let browser: JourneyBrowser | undefined;
  const today = londonDateOf(new Date());
  const demoCase = randomUUID();
  const recentCase = randomUUID();
  const dueSoonCase = randomUUID();
  const axeResults: Record<string, AxeCounts> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    await startWebJourney({
      journey: 'web', services: ['case', 'timeline'], cluster, prefix, dbPrefix: 'web', running, databases: dbNames, url, providers,
      webEnv: ({ url }) => ({ TIMELINE_URL: url['timeline'] }),
    });

    // three cases of the LA through the case service's API: the demo-like one (19 weeks in, advice overdue), one due soon, one recent
    const la = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const post = async (path: string, body: object) => {
      const res = await fetch(`${url['case']}${path}`, { method: 'POST', headers: { authorization: `Bearer ${la}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    };
    const bySchool = { source: 'school', requestedBy: { role: 'SENCO', organisationRef: 'urn:school:124356' } };
    const request = (caseId: string, at: string, from: object = bySchool) => post('/cases', { caseId, at, childRef: `child:${caseId.slice(0, 6)}`, localAuthority: LA, ...from });
    const day0 = addWeeks(today, -19);
    await request(demoCase, day0);
    await post(`/cases/${demoCase}/decision-to-assess`, { at: addWeeks(day0, 5) });
    for (const [agency, adviceType] of [['education', 'educational'], ['health', 'medical'], ['social-care', 'social-care']]) {
      await post(`/cases/${demoCase}/advice-requests`, { at: addWeeks(day0, 5), agency, adviceType, adviceRequestId: randomUUID() });
    }
    await request(dueSoonCase, addDays(addWeeks(today, -6), 5));
    // asked for by the parent: no school is involved and no agency has been asked for advice
    await request(recentCase, addWeeks(today, -1), { source: 'parent', requestedBy: { role: 'parent' } });
    await waitFor('the timeline to list the three cases with the demo case\'s five entries', async () => {
      const res = await fetch(`${url['timeline']}/cases`, { headers: { authorization: `Bearer ${la}` } });
      const body = (await res.json()) as { cases?: Array<{ caseId: string; entryCount: number }> };
      return body.cases?.length === 3 && body.cases.find((c) => c.caseId === demoCase)?.entryCount === 5;
    }, 90_000);

    browser = await launchJourneyBrowser({ acceptDownloads: true });
  }, 360_000);

  afterAll(() => closeJourney({ browsers: [browser], services: running, providers, cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } }));

  const problems: string[] = [];
  async function openPage(): Promise<Page> {
    const page = await (browser as JourneyBrowser).context.newPage();
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


  async function noTokenIn(page: Page): Promise<void> {
    expect(await page.content()).not.toMatch(JWT);
    expect(page.url()).not.toMatch(JWT);
  }

  it('signs in with the keyboard alone, finds the demo case first in the caseload, opens it and sees the entries and the clock', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/`);
    await axe(page, '01-start');
    await tabTo(page, `el.textContent.trim() === 'Skip to main content'`, 'the skip link');
    await tabTo(page, `el.id === 'sign-in'`, 'the Sign in button');
    await Promise.all([page.waitForURL(/\/interaction\//), page.keyboard.press('Enter')]);

    // the development provider's sign-in page (not this service's, but checked all the same)
    await axe(page, '02-provider-sign-in');
    await tabTo(page, `el.id === 'username'`, 'the username field');
    await page.keyboard.type('priya');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo');
    await Promise.all([page.waitForURL(`${url['web']}/caseload`), page.keyboard.press('Enter')]);

    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('Priya Shah (E10000028)');
    await expect(page.locator('#caseload-summary').textContent()).resolves.toMatch(/^3 of 3 cases\./);
    const rows = page.locator('#caseload tbody tr');
    // overdue first: the demo-like case's advice was due 8 weeks ago
    await expect(rows.first().getAttribute('data-case-id')).resolves.toBe(demoCase);
    // the three agencies' advice (due week 11) and the LA's decision whether to issue a plan (week 16, reg 10(1)) are overdue
    await expect(rows.first().textContent()).resolves.toMatch(/4 overdue/);
    for (const agency of ['Education', 'Health', 'Social care', 'Local authority']) await expect(rows.first().locator('td').nth(4).textContent()).resolves.toContain(agency);
    await noTokenIn(page);
    await axe(page, '03-caseload');

    await tabTo(page, `el.getAttribute('href') === '/cases/${demoCase}'`, 'the demo case link');
    await Promise.all([page.waitForURL(`${url['web']}/cases/${demoCase}`), page.keyboard.press('Enter')]);
    await expect(page.locator('#entries li').count()).resolves.toBe(5);
    await expect(page.locator('#entries li').first().textContent()).resolves.toMatch(/Request for an EHC needs assessment received/);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Assessing, week \d+ of 20$/);
    await expect(page.locator('#status').textContent()).resolves.toMatch(/Overdue\s*4 deadlines/);
    await expect(page.locator('#deadlines').textContent()).resolves.toMatch(/Overdue \d+ days/);
    // date-only facts are shown as dates, never with a time of day
    expect(await page.locator('#entries').textContent()).not.toMatch(/\d{1,2}:\d{2}/);
    await noTokenIn(page);
    await axe(page, '04-case');
    await page.close();
  }, 180_000);

  it('filters the caseload (stage, overdue, due in the next 2 weeks, waiting on an agency), sorts it and exports the CSV of what is shown', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/caseload?due=overdue`);
    await expect(page.locator('#caseload tbody tr').count()).resolves.toBe(1);
    await page.goto(`${url['web']}/caseload?due=next-2-weeks`);
    await expect(page.locator('#caseload tbody tr').first().getAttribute('data-case-id')).resolves.toBe(dueSoonCase);
    await expect(page.locator('#caseload tbody tr').count()).resolves.toBe(1);
    await page.goto(`${url['web']}/caseload?awaiting=health`);
    await expect(page.locator('#caseload tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')))).resolves.toEqual([demoCase]);
    await page.goto(`${url['web']}/caseload?stage=requested&sort=week`);
    await expect(page.locator('#caseload tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')))).resolves.toEqual([dueSoonCase, recentCase]);

    const csv = await page.request.get(`${url['web']}/caseload.csv?stage=requested&sort=week`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/attachment; filename="caseload-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('case_id,stage,week_of_process,deadline,due_on,regulation,responsible,overdue_count,days_overdue,must_act,last_activity_at');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([dueSoonCase, recentCase]);

    // a filter value that is not one of the choices: the error summary names the field, the page still works
    const bad = await page.goto(`${url['web']}/caseload?stage=nonsense`);
    expect(bad?.status()).toBe(400);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/Choose a stage from the list/);
    await expect(page.locator('.govuk-error-summary a').getAttribute('href')).resolves.toBe('#stage');
    await axe(page, '05-caseload-error');
    await page.close();
  }, 180_000);

  it('keeps the session in an HttpOnly SameSite=Lax cookie holding no token, signs out at the service and the provider, and refuses another organisation the case', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/caseload`);
    const cookies = await (browser as JourneyBrowser).context.cookies(url['web']);
    const session = cookies.find((c) => c.name === 'tio_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // Secure (and __Host-) only over https: this test runs on http://127.0.0.1, so the cookie cannot be Secure here
    expect(session?.secure).toBe(false);
    expect(session?.value).toMatch(/^[\w-]{43}$/); // a random 256-bit id, not a token
    for (const c of cookies) expect(c.value).not.toMatch(JWT);
    expect(await page.evaluate('document.cookie')).not.toContain('tio_session');

    await Promise.all([page.waitForURL(/\/session\/end/), page.locator('#sign-out').click()]);
    await axe(page, '06-provider-sign-out');
    await Promise.all([page.waitForURL(`${url['web']}/signed-out`), page.locator('button[value=yes]').click()]);
    await axe(page, '07-signed-out');
    expect((await (browser as JourneyBrowser).context.cookies(url['web'])).find((c) => c.name === 'tio_session')).toBeUndefined();
    // signed out: a case page sends the browser to sign in again, at the provider's sign-in page; the school's SENCO
    // signs in there and is refused the case their school is not involved in (the timeline API's rule, shown as a page)
    await page.goto(`${url['web']}/cases/${recentCase}`);
    await page.waitForURL(/\/interaction\//);
    await page.fill('#username', 'tom');
    await page.fill('#password', 'demo');
    const refused = page.waitForResponse((r) => r.url() === `${url['web']}/cases/${recentCase}`);
    await page.locator('button[type=submit]').click();
    expect((await refused).status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('You cannot see this case');
    await expect(page.locator('#problem').textContent()).resolves.toContain('is not involved in case');
    await axe(page, '08-case-refused');
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 180_000);

  it('sends a request without a session to sign in, coming back to the page asked for', async () => {
    const res = await fetch(`${url['web']}/cases/${demoCase}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent(`/cases/${demoCase}`)}`);
  });
});
