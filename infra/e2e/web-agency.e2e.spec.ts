import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { addDays, addWeeks, londonDateOf } from '@tio/ehc-domain';
import { tokenFor, waitFor } from '@tio/testing';
import type { RunningService } from '../scripts/service-processes';
import { CHROMIUM, chromiumMissing, closeJourney, launchJourneyBrowser, resultsDir, runAxe, tabTo as pressTab, type AxeCounts, type JourneyBrowser, startWebJourney } from './web-harness';

/**
 * The agency practitioner's journey in a real browser (Debian's Chromium through playwright-core), signed in through
 * the development OpenID provider as the school's SENCO: worklist (the overdue request first) -> give advice (an
 * empty form first: the error summary from the API's Problem Details) -> the advice on the case's timeline, arriving
 * live on a case page already open -> a correction (version 2) -> a withdrawal, all with the keyboard alone. Then
 * the caseworker's case page after a move mid-assessment: transfer entries that say who is responsible when, the new
 * authority's clock, and the case as it stood on a date before the move. The case, timeline and education services,
 * the provider and the web service each run as their own process. axe-core on every page (no serious or critical
 * violation); counts and full-page screenshots in .local/test-results/web-agency/.
 */
const SHOTS = resultsDir('web-agency');
const RAW_TYPE = /\b[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*\.v\d+\b/;
const TIME_OF_DAY = /\b\d{1,2}:\d{2}\b/;

describe("the practitioners' web service: an agency practitioner's worklist and advice, a caseworker's case page after a move (real browser)", () => {
  const LA = 'E10000028';
  const NEW_LA = 'E09000033';
  const SCHOOL = 'urn:school:124356';
  const prefix = `webag-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const browsers: JourneyBrowser[] = [];
  const providers: ChildProcess[] = [];
  let tomContext: BrowserContext | undefined;
  let priyaContext: BrowserContext | undefined;
  let samContext: BrowserContext | undefined;
  const today = londonDateOf(new Date());
  const adviceCase = randomUUID();
  const adviceRequestId = randomUUID();
  const movedCase = randomUUID();
  const day0 = addWeeks(today, -10);
  const moveOn = addWeeks(day0, 5);
  const axeResults: Record<string, AxeCounts> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    // the audit service replays the case and education event stores (read-only) for the auditor's as-recorded reading
    await startWebJourney({
      journey: 'web-agency', services: ['case', 'timeline', 'education', 'audit'], cluster, prefix, dbPrefix: 'webag', running, databases: dbNames, url, providers,
      webEnv: ({ url }) => ({ TIMELINE_URL: url['timeline'], EDUCATION_URL: url['education'], AUDIT_URL: url['audit'] }),
    });

    const officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const newOfficer = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: NEW_LA, userId: 'caseworker-new' });
    const post = async (path: string, body: object, token = officer) => {
      const res = await fetch(`${url['case']}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    // the school's case: educational advice asked of the school by name 8 weeks ago, so overdue by 2 weeks
    await post('/cases', { caseId: adviceCase, at: day0, childRef: `child:${adviceCase.slice(0, 6)}`, localAuthority: LA, source: 'school', requestedBy: { role: 'SENCO', organisationRef: SCHOOL } });
    await post(`/cases/${adviceCase}/decision-to-assess`, { at: addWeeks(day0, 2) });
    await post(`/cases/${adviceCase}/advice-requests`, { at: addWeeks(day0, 2), agency: 'education', adviceType: 'educational', adviceRequestId, adviserRef: SCHOOL });
    // the caseworker's case: the family moved to another LA mid-assessment (requested, accepted, completed)
    await post('/cases', { caseId: movedCase, at: day0, childRef: `child:${movedCase.slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await post(`/cases/${movedCase}/decision-to-assess`, { at: addWeeks(day0, 2) });
    const transfer = await post(`/cases/${movedCase}/service-transfers`, { at: addWeeks(day0, 4), kind: 'local-authority', toOrganisation: NEW_LA, moveOn });
    const transferId = transfer['transferId'] as string;
    await post(`/cases/${movedCase}/service-transfers/${transferId}/acceptance`, { at: addDays(addWeeks(day0, 4), 1) }, newOfficer);
    await post(`/cases/${movedCase}/service-transfers/${transferId}/completion`, { at: moveOn });

    const school = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: SCHOOL, userId: 'senco-tom' });
    await waitFor('the education service to have the school’s request', async () => {
      const res = await fetch(`${url['education']}/advice-requests`, { headers: { authorization: `Bearer ${school}` } });
      const body = (await res.json()) as { requests?: Array<{ adviceRequestId: string }> };
      return Boolean(body.requests?.some((r) => r.adviceRequestId === adviceRequestId));
    }, 120_000);
    await waitFor('the timeline to show the move', async () => {
      const res = await fetch(`${url['timeline']}/cases/${movedCase}/timeline?limit=500`, { headers: { authorization: `Bearer ${officer}` } });
      const body = (await res.json()) as { entries?: Array<{ source?: { type?: string } }> };
      return Boolean(body.entries?.some((e) => e.source?.type === 'ehc.assessment-transferred.v1'));
    }, 120_000);

    // one browser (profile) each: their sessions are apart
    const launch = async () => {
      const browser = await launchJourneyBrowser();
      browsers.push(browser);
      return browser.context;
    };
    tomContext = await launch();
    priyaContext = await launch();
    samContext = await launch();
  }, 480_000);

  afterAll(() => closeJourney({ browsers, services: running, providers, cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } }));

  const problems: string[] = [];
  async function openPage(context: BrowserContext | undefined): Promise<Page> {
    const page = await (context as BrowserContext).newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    return page;
  }

  /** axe-core on the page as it is now: no serious or critical violation; the counts are kept for the report. */
  async function axe(page: Page, name: string): Promise<void> {
    const { counts, blocking } = await runAxe(page);
    axeResults[name] = counts;
    expect(blocking).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** Tab as a keyboard user would: the worklist's pages have more stops than the caseworker's (at most 80 presses). */
  const tabTo = (page: Page, test: string, what: string) => pressTab(page, test, what, 80);

  async function signIn(page: Page, username: string, lands: string | RegExp = `${url['web']}/caseload`): Promise<void> {
    await page.goto(`${url['web']}/`);
    await tabTo(page, `el.id === 'sign-in'`, 'the Sign in button');
    await Promise.all([page.waitForURL(/\/interaction\//), page.keyboard.press('Enter')]);
    await tabTo(page, `el.id === 'username'`, 'the username field');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo');
    await Promise.all([page.waitForURL(lands), page.keyboard.press('Enter')]);
  }

  /** Types into the form field with this id, reached with Tab from where the focus is. */
  async function typeInto(page: Page, id: string, text: string): Promise<void> {
    await tabTo(page, `el.id === '${id}'`, `the field ${id}`);
    await page.keyboard.type(text);
  }

  const entriesText = (page: Page) => page.locator('#entries').innerText();

  it('the SENCO signs in, finds the overdue request on the worklist, sends an empty form (error summary), then gives advice with the keyboard alone; it arrives live on the case page', async () => {
    const page = await openPage(tomContext);
    await signIn(page, 'tom');
    await tabTo(page, `el.getAttribute('href') === '/worklist'`, 'the Worklist link');
    await Promise.all([page.waitForURL(`${url['web']}/worklist`), page.keyboard.press('Enter')]);
    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain(SCHOOL);
    const row = page.locator(`#worklist tr[data-request-id="${adviceRequestId}"]`);
    await expect(row.textContent()).resolves.toMatch(/Overdue 14 days/);
    await expect(page.locator('#worklist tbody tr').first().getAttribute('data-request-id')).resolves.toBe(adviceRequestId);
    expect(await page.locator('#worklist').innerText()).not.toMatch(TIME_OF_DAY);
    await axe(page, '01-worklist');

    // the case page, open in another tab before the advice is given: the entry must arrive there live
    const watcher = await openPage(tomContext);
    await watcher.goto(`${url['web']}/cases/${adviceCase}`);
    await expect(watcher.locator('#entries').getAttribute('data-live')).resolves.toMatch(new RegExp(`^/cases/${adviceCase}/live`));
    const before = await watcher.locator('#entries li').count();

    await tabTo(page, `el.getAttribute('href') === '/worklist/${adviceCase}/${adviceRequestId}'`, 'the request link');
    await Promise.all([page.waitForURL(`${url['web']}/worklist/${adviceCase}/${adviceRequestId}`), page.keyboard.press('Enter')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Give advice: educational');
    await axe(page, '02-give-advice');

    // nothing typed: the API refuses it (Problem Details naming the fields) and the summary links to each field
    await tabTo(page, `el.id === 'send'`, 'the Send advice button');
    const refused = page.waitForResponse((r) => r.url() === `${url['web']}/worklist/${adviceCase}/${adviceRequestId}/give`);
    await page.keyboard.press('Enter');
    expect((await refused).status()).toBe(400);
    await page.waitForSelector('.govuk-error-summary');
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toMatch(/Enter a heading for section 1[\s\S]*Enter the advice for section 1/);
    await expect(page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual(['#section-1-heading', '#section-1-text']);
    await expect(page.locator('#section-1-heading-error').textContent()).resolves.toContain('Enter a heading for section 1');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await axe(page, '03-give-advice-errors');

    // a date in the future is refused too, on the date field
    await typeInto(page, 'section-1-heading', 'Communication and interaction');
    await typeInto(page, 'section-1-text', 'Uses a visual timetable; speech understood by familiar adults.');
    const future = addDays(today, 3).split('-');
    await typeInto(page, 'at-day', String(Number(future[2])));
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(Number(future[1])));
    await page.keyboard.press('Tab');
    await page.keyboard.type(future[0] as string);
    await tabTo(page, `el.id === 'send'`, 'the Send advice button');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/give') && r.status() === 400), page.keyboard.press('Enter')]);
    await page.waitForSelector('.govuk-error-summary');
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain('The date the advice was given must be today or in the past');
    await expect(page.locator('#section-1-heading').inputValue()).resolves.toBe('Communication and interaction');

    // corrected: the date boxes cleared (today), sent with the keyboard
    for (const id of ['at-day', 'at-month', 'at-year']) {
      await tabTo(page, `el.id === '${id}'`, id);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    }
    await tabTo(page, `el.id === 'send'`, 'the Send advice button');
    await Promise.all([page.waitForURL(new RegExp(`/cases/${adviceCase}\\?advice=given`)), page.keyboard.press('Enter')]);
    await expect(page.locator('#advice-recorded').innerText()).resolves.toContain('Your advice was given');

    // live: the tab opened before shows the entry without being reloaded
    // added by the page's live enhancement (marked new), not by a reload
    await watcher.locator('#entries li.tio-timeline__entry--new', { hasText: 'Education advice submitted (version 1)' }).waitFor({ timeout: 120_000 });
    expect(await watcher.locator('#entries li').count()).toBeGreaterThan(before);
    await expect(watcher.locator('#live-status').textContent()).resolves.toMatch(/^New on the timeline: /);
    const text = await entriesText(watcher);
    expect(text).not.toMatch(RAW_TYPE);
    expect(text).not.toMatch(TIME_OF_DAY);
    await axe(watcher, '04-case-live-advice');
    await watcher.close();
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 300_000);

  it('corrects the advice (a new version, with a reason) and then withdraws it, each from the worklist with the keyboard alone and each on the timeline', async () => {
    const page = await openPage(tomContext);
    await page.goto(`${url['web']}/worklist`);
    await tabTo(page, `el.id === 'show-all'`, 'Show answered requests too');
    await Promise.all([page.waitForURL(`${url['web']}/worklist?show=all`), page.keyboard.press('Enter')]);
    const row = page.locator(`#worklist tr[data-request-id="${adviceRequestId}"]`);
    await expect(row.textContent()).resolves.toMatch(/Advice given \(version 1\)/);
    await axe(page, '05-worklist-all');
    await tabTo(page, `el.getAttribute('href') === '/worklist/${adviceCase}/${adviceRequestId}'`, 'the request link');
    await Promise.all([page.waitForURL(`${url['web']}/worklist/${adviceCase}/${adviceRequestId}`), page.keyboard.press('Enter')]);
    await axe(page, '06-advice-given');

    await tabTo(page, `el.id === 'correct'`, 'Correct the advice');
    await Promise.all([page.waitForURL(/\/correct$/), page.keyboard.press('Enter')]);
    // no reason and no advice: both refused by the API, on their fields
    await tabTo(page, `el.id === 'send'`, 'Send the corrected advice');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/correct') && r.status() === 400), page.keyboard.press('Enter')]);
    await page.waitForSelector('.govuk-error-summary');
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toMatch(/Enter why the advice is corrected/);
    await axe(page, '07-correct-errors');
    await typeInto(page, 'section-1-heading', 'Communication and interaction');
    await typeInto(page, 'section-1-text', 'Uses a visual timetable and Makaton.');
    await typeInto(page, 'reason', 'Makaton was left out');
    await tabTo(page, `el.id === 'send'`, 'Send the corrected advice');
    await Promise.all([page.waitForURL(new RegExp(`/cases/${adviceCase}\\?advice=corrected`)), page.keyboard.press('Enter')]);
    await page.locator('#entries li', { hasText: 'Education advice corrected (version 2 supersedes version 1)' }).first().waitFor({ timeout: 120_000 });

    // back to the request with the keyboard: Worklist, answered ones too, the request
    await tabTo(page, `el.getAttribute('href') === '/worklist'`, 'the Worklist link');
    await Promise.all([page.waitForURL(`${url['web']}/worklist`), page.keyboard.press('Enter')]);
    await tabTo(page, `el.id === 'show-all'`, 'Show answered requests too');
    await Promise.all([page.waitForURL(`${url['web']}/worklist?show=all`), page.keyboard.press('Enter')]);
    await tabTo(page, `el.getAttribute('href') === '/worklist/${adviceCase}/${adviceRequestId}'`, 'the request link');
    await Promise.all([page.waitForURL(`${url['web']}/worklist/${adviceCase}/${adviceRequestId}`), page.keyboard.press('Enter')]);
    await expect(page.locator('#request').innerText()).resolves.toMatch(/Version 2, current/);
    await tabTo(page, `el.id === 'withdraw'`, 'Withdraw the advice');
    await Promise.all([page.waitForURL(/\/withdraw$/), page.keyboard.press('Enter')]);
    await axe(page, '08-withdraw');
    await typeInto(page, 'reason', 'Given for the wrong child');
    await tabTo(page, `el.id === 'send'`, 'Withdraw the advice');
    await Promise.all([page.waitForURL(new RegExp(`/cases/${adviceCase}\\?advice=withdrawn`)), page.keyboard.press('Enter')]);
    // the agency's withdrawal and the case's record of it are both entries
    await page.locator('#entries li', { hasText: 'Education advice withdrawn' }).first().waitFor({ timeout: 120_000 });
    expect(await entriesText(page)).not.toMatch(RAW_TYPE);
    await axe(page, '09-case-after-withdrawal');

    // withdrawn: the request is open again on the worklist
    await page.goto(`${url['web']}/worklist`);
    await expect(page.locator(`#worklist tr[data-request-id="${adviceRequestId}"]`).textContent()).resolves.toMatch(/Overdue 14 days/);
    await page.close();
  }, 300_000);

  it("the caseworker's case after a move mid-assessment: transfer entries say who is responsible when, the new authority's clock, and the case as it stood before the move", async () => {
    const page = await openPage(priyaContext);
    await signIn(page, 'priya');
    await page.goto(`${url['web']}/cases/${movedCase}`);
    const text = await entriesText(page);
    expect(text).toContain('Transfer to another local authority requested');
    expect(text).toMatch(new RegExp(`${LA} is responsible until the transfer completes[^.]*; then ${NEW_LA}\\.`));
    expect(text).toContain(`${NEW_LA} is responsible from`);
    expect(text).not.toMatch(RAW_TYPE);
    expect(text).not.toMatch(TIME_OF_DAY);
    const status = await page.locator('#status').innerText();
    expect(status).toMatch(new RegExp(`Local authority responsible now\\s+${NEW_LA}`));
    // the new LA's 20 weeks from the day it became responsible, not the old LA's lapsed limit
    const dueNew = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${addWeeks(moveOn, 20)}T00:00:00Z`));
    expect(status).toMatch(new RegExp(`Final plan due\\s+${dueNew}`));
    await axe(page, '10-case-after-move');

    // as at a day before the move: the old LA responsible then, labelled as the business-date reading
    const asAt = addDays(moveOn, -3).split('-');
    await typeInto(page, 'asAt-day', String(Number(asAt[2])));
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(Number(asAt[1])));
    await page.keyboard.press('Tab');
    await page.keyboard.type(asAt[0] as string);
    await tabTo(page, `el.id === 'show-as-at'`, 'Show the case as at this date');
    await Promise.all([page.waitForURL(/asAt-day=/), page.keyboard.press('Enter')]);
    await expect(page.locator('#as-at-meaning').innerText()).resolves.toMatch(/^As it stood on \d{1,2} \w+ \d{4}\. As it stood on .*as far as is known now/);
    await expect(page.locator('#status').innerText()).resolves.toMatch(new RegExp(`Local authority responsible then\\s+${LA}`));
    const then = await entriesText(page);
    expect(then).not.toContain(`${NEW_LA} is responsible from`);
    await axe(page, '11-case-as-at');

    // a date that is not one: the error summary on the date input
    await page.goto(`${url['web']}/cases/${movedCase}?asAt-day=31&asAt-month=2&asAt-year=2025`);
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain('The date must be a real date');
    await axe(page, '12-case-as-at-error');

    // the caseload shows the stage's clock in words (no week of 20 beyond the assessment stages)
    await page.goto(`${url['web']}/caseload`);
    expect(await page.locator('#caseload').innerText()).not.toMatch(/Week (2[1-9]|[3-9]\d) of 20/);
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 300_000);
  it('an auditor reads the case two ways on the same date, each labelled: as it stood that day (known now) and as it had been recorded by then', async () => {
    const page = await openPage(samContext);
    await signIn(page, 'sam', new RegExp(`^${url['web']}/`));
    // every event of this test was recorded today: by the end of yesterday the record held nothing of the case,
    // while the business-date reading of yesterday shows everything that had happened by then
    const [y, m, d] = addDays(today, -1).split('-');
    const on = `asAt-day=${Number(d)}&asAt-month=${Number(m)}&asAt-year=${y}`;
    await page.goto(`${url['web']}/cases/${movedCase}?${on}&reading=business`);
    await expect(page.locator('input[name=reading][value=recorded]').count()).resolves.toBe(1);
    await expect(page.locator('#as-at-meaning').innerText()).resolves.toMatch(/^As it stood on .*as far as is known now/);
    const known = await page.locator('#entries li').count();
    expect(known).toBeGreaterThanOrEqual(6);
    await axe(page, '13-auditor-as-it-stood');
    await page.goto(`${url['web']}/cases/${movedCase}?${on}&reading=recorded`);
    await expect(page.locator('#as-at-meaning').innerText()).resolves.toMatch(/^As recorded by the end of .*before anything recorded later\. For auditors\./);
    await expect(page.locator('#entries li').count()).resolves.toBe(0);
    await axe(page, '14-auditor-as-recorded');
    // a caseworker is offered the business-date reading only
    const priya = await openPage(priyaContext);
    await priya.goto(`${url['web']}/cases/${movedCase}?${on}&reading=recorded`);
    await expect(priya.locator('input[name=reading]').count()).resolves.toBe(0);
    await expect(priya.locator('#as-at-meaning').innerText()).resolves.toMatch(/^As it stood on /);
    await priya.close();
    await page.close();
  }, 300_000);
});
