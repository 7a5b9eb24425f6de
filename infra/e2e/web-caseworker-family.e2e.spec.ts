import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, addWeeks, londonDateOf } from '@tio/ehc-domain';
import { tokenFor, waitFor } from '@tio/testing';
import type { RunningService } from '../scripts/service-processes';
import { CHROMIUM, chromiumMissing, closeJourney, launchJourneyBrowser, resultsDir, runAxe, type AxeCounts, type JourneyBrowser, startWebJourney } from './web-harness';

/**
 * The caseworker's decisions for the family (issue #21) in a real browser (Debian's Chromium through playwright-core),
 * at a phone's size and on a desktop: Priya, a case officer of the local authority responsible, signs in through the
 * development OpenID provider and, on the case page, shares the school's advice with the family before the draft
 * plan (the advice the school marked not for sharing with the family is not offered; nothing ticked is an error
 * summary), then, on a case with a plan in force, agrees to the family's request for an early review with a meeting
 * date, and declines the school's (no reasons first: the case service's refusal on the reasons field; then with
 * reasons). Each result shows on the case page's timeline. A case officer of another authority sees no forms. The
 * case, timeline and education services, the provider and the web service each run as their own process, with real
 * PostgreSQL and Kafka. axe-core on every page at both sizes (no serious or critical violation); counts and
 * screenshots in .local/test-results/web-caseworker-family/.
 */
const SHOTS = resultsDir('web-caseworker-family');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

describe("the caseworker's forms on the case page: share advice with the family, answer a request for an early review (real browser, phone and desktop)", () => {
  const LA = 'E10000028';
  const SCHOOL = 'urn:school:124356';
  const prefix = `webcw-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const browsers: JourneyBrowser[] = [];
  const providers: ChildProcess[] = [];
  let browser: JourneyBrowser | undefined;
  const today = londonDateOf(new Date());
  const adviceCase = randomUUID();
  const planCase = randomUUID();
  const educational = randomUUID();
  const psychological = randomUUID();
  const familyAsks = randomUUID();
  const schoolAsks = randomUUID();
  const adviceIds: Record<string, string> = {};
  const meetingOn = addWeeks(today, 4);
  const axeResults: Record<string, AxeCounts> = {};
  let officer = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    await startWebJourney({
      journey: 'web-caseworker', services: ['case', 'timeline', 'education'], cluster, prefix, dbPrefix: 'webcw', running, databases: dbNames, url, providers,
      webEnv: ({ url }) => ({ TIMELINE_URL: url['timeline'], CASE_URL: url['case'] }),
    });

    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const school = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: SCHOOL, userId: 'senco-tom' });
    const post = async (base: string, path: string, body: object, token = officer) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const toCase = (path: string, body: object) => post(url['case'] as string, path, body);

    // the advice case: the school asked 4 weeks ago for its educational advice and the psychological advice
    const d0 = addWeeks(today, -6);
    await toCase('/cases', { caseId: adviceCase, at: d0, childRef: `child:${adviceCase.slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await toCase(`/cases/${adviceCase}/decision-to-assess`, { at: addWeeks(d0, 2) });
    await toCase(`/cases/${adviceCase}/advice-requests`, { at: addWeeks(d0, 2), agency: 'education', adviceType: 'educational', adviceRequestId: educational, adviserRef: SCHOOL });
    await toCase(`/cases/${adviceCase}/advice-requests`, { at: addWeeks(d0, 2), agency: 'education', adviceType: 'psychological', adviceRequestId: psychological, adviserRef: SCHOOL });
    await waitFor('the education service to have both requests', async () => {
      const res = await fetch(`${url['education']}/advice-requests`, { headers: { authorization: `Bearer ${school}` } });
      const body = (await res.json()) as { requests?: Array<{ adviceRequestId: string }> };
      return [educational, psychological].every((id) => body.requests?.some((r) => r.adviceRequestId === id));
    }, 120_000);
    // the school gives both; the psychological advice is not for the family's eyes (third-party information)
    await post(url['education'] as string, `/cases/${adviceCase}/advice`, { adviceRequestId: educational, adviceType: 'educational', sections: [{ heading: 'Communication and interaction', text: 'Uses a visual timetable.' }] }, school);
    await post(url['education'] as string, `/cases/${adviceCase}/advice`, {
      adviceRequestId: psychological, adviceType: 'psychological', sections: [{ heading: 'Cognition and learning', text: 'Working memory below age.' }], withheldFromFamily: { reason: 'third-party-information' },
    }, school);

    // the plan case: a final plan in force (the advice re-used by agreement, reg 6(4)); the family and the school each asked for an early review
    const p0 = addWeeks(today, -24);
    await toCase('/cases', { caseId: planCase, at: p0, childRef: `child:${planCase.slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await toCase(`/cases/${planCase}/decision-to-assess`, { at: addWeeks(p0, 2) });
    await toCase(`/cases/${planCase}/advice-scope`, { at: addWeeks(p0, 2), inOrBeyondYear9: false, visionOrHearingImpaired: false });
    for (const [adviceType, agency] of [['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care']] as const) {
      await toCase(`/cases/${planCase}/advice-reuses`, { at: addWeeks(p0, 2), adviceType, agency, adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } });
    }
    const views = randomUUID();
    await toCase(`/cases/${planCase}/advice-requests`, { at: addWeeks(p0, 2), adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: views });
    await toCase(`/cases/${planCase}/advice-not-awaited`, { at: addWeeks(p0, 2), adviceRequestIds: [views], reason: 'family-declined-to-give-views' });
    await toCase(`/cases/${planCase}/draft-plan`, { at: addWeeks(p0, 12) });
    await toCase(`/cases/${planCase}/family-response`, { at: addDays(addWeeks(p0, 12), 1), nothingMoreToSay: true });
    await toCase(`/cases/${planCase}/final-plan`, { at: addWeeks(p0, 13) });
    await toCase(`/cases/${planCase}/early-review-requests`, { at: addWeeks(p0, 20), earlyReviewRequestId: familyAsks, requestedBy: 'parent-or-young-person' });
    await toCase(`/cases/${planCase}/early-review-requests`, { at: addWeeks(p0, 21), earlyReviewRequestId: schoolAsks, requestedBy: 'institution' });

    const entriesOf = async (caseId: string) => {
      const res = await fetch(`${url['timeline']}/cases/${caseId}/timeline?limit=500`, { headers: { authorization: `Bearer ${officer}` } });
      return ((await res.json()) as { entries?: Array<{ source?: { type?: string }; details?: Record<string, unknown> }> }).entries ?? [];
    };
    await waitFor('the timeline to hold both pieces of advice and both requests for an early review', async () => {
      const advice = (await entriesOf(adviceCase)).filter((e) => e.source?.type === 'advice.submitted.v1');
      for (const e of advice) adviceIds[String(e.details?.['adviceType'])] = String(e.details?.['adviceId']);
      const asked = (await entriesOf(planCase)).filter((e) => e.source?.type === 'ehc.early-review-requested.v1');
      return advice.length === 2 && asked.length === 2;
    }, 120_000);
    // the case service learns of the advice from the education service's events: sharing needs it on the case
    await waitFor('the case service to have the school’s advice on the case', async () => {
      const res = await fetch(`${url['case']}/cases/${adviceCase}`, { headers: { authorization: `Bearer ${officer}` } });
      return JSON.stringify(await res.json()).includes(adviceIds['educational'] as string);
    }, 120_000);

    browser = await launchJourneyBrowser({ viewport: PHONE });
    browsers.push(browser);
  }, 600_000);

  afterAll(() => closeJourney({ browsers, services: running, providers, cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } }));

  const problems: string[] = [];
  async function openPage(): Promise<Page> {
    const page = await (browser as JourneyBrowser).context.newPage();
    await page.setViewportSize(PHONE);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    return page;
  }

  /** axe-core on the page at a phone's size and on a desktop: no serious or critical violation; a screenshot of each. */
  async function axe(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      await page.setViewportSize(viewport);
      const { counts, blocking } = await runAxe(page);
      axeResults[`${name}-${size}`] = counts;
      expect(blocking.map((b) => `${size} ${b}`)).toEqual([]);
      // nothing wider than the screen: a phone reader never scrolls sideways (what is wider is named)
      if (size === 'phone') {
        expect(await page.evaluate(`document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] : [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.')).slice(0, 5)`)).toEqual([]);
      }
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(PHONE);
  }

  /** Presses the form's button; answers the status of the POST and waits for the page it leads to. */
  async function send(page: Page, button: string): Promise<number> {
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(`${url['web']}/cases/`));
    await Promise.all([page.waitForNavigation(), page.locator(button).click()]);
    await page.waitForLoadState('load');
    return (await posted).status();
  }

  /** Posts a form the page does not offer, as a browser would (with the session's own CSRF token from the sign-out form). */
  const postAnyway = (page: Page, action: string, fields: Array<[string, string]>) => page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = ${JSON.stringify(action)};
    for (const [name, value] of [['csrf', document.querySelector('input[name=csrf]').value], ...${JSON.stringify(fields)}]) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  })()`);

  const timelineShows = async (page: Page, what: RegExp, label: string) => waitFor(label, async () => {
    await page.reload();
    return what.test(await page.locator('#entries').innerText());
  }, 60_000);

  it('Priya shares the school’s advice with the family: only what may be shared is offered, nothing ticked is an error, and the share shows on the timeline', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/`);
    await Promise.all([page.waitForURL(/\/interaction\//), page.locator('#sign-in').click()]);
    await page.fill('#username', 'priya');
    await page.fill('#password', 'demo');
    await Promise.all([page.waitForURL(`${url['web']}/caseload`), page.locator('button[type=submit]').click()]);

    await page.goto(`${url['web']}/cases/${adviceCase}`);
    await expect(page.locator('#share-heading').textContent()).resolves.toBe('Share advice with the family');
    const offered = await page.locator('#share-advice input[name=adviceIds]').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    // the psychological advice is withheld from the family by the school: not offered
    expect(offered).toEqual([adviceIds['educational']]);
    await expect(page.locator('#share-advice').innerText()).resolves.toMatch(/Educational advice from Education, version 1, given on \d{1,2} \w+ \d{4}/);
    // no request for an early review on this case: no answer form
    await expect(page.locator('#answer-early-review').count()).resolves.toBe(0);
    await axe(page, '01-share-advice-form');

    // nothing ticked: refused here (the case service would read no list as "share all"), on the checkboxes
    expect(await send(page, '#share-send')).toBe(400);
    await expect(page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual(['#adviceIds']);
    await expect(page.locator('#adviceIds-error').textContent()).resolves.toContain('Select the advice to share with the family');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await axe(page, '02-share-advice-error');

    await page.locator('#adviceIds').check();
    expect(await send(page, '#share-send')).toBe(303);
    expect(page.url()).toBe(`${url['web']}/cases/${adviceCase}?done=advice-shared#actions`);
    await expect(page.locator('#action-done').innerText()).resolves.toContain('The advice was shared with the family.');
    await axe(page, '03-share-advice-done');
    await timelineShows(page, new RegExp(`Advice shared with the family[\\s\\S]*${adviceIds['educational']}`), 'the share on the timeline');
    // shared now: no longer offered, and the withheld advice still is not
    await expect(page.locator('#nothing-to-share').textContent()).resolves.toContain('There is no advice to share with the family now');
    await page.close();
  }, 240_000);

  it('Priya agrees to the family’s early review with a meeting date, then declines the school’s (no reasons: the case service’s refusal on the field; then with reasons); each shows on the timeline', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/cases/${planCase}`);
    await expect(page.locator('#early-review-heading').textContent()).resolves.toBe('Answer the request for an early review');
    // the oldest first: the family's
    await expect(page.locator('#early-review-request').innerText()).resolves.toMatch(/^Asked for by the parent or young person on .*\. 1 more request for an early review waits after this one\.$/);
    await expect(page.locator('#answer-early-review').getAttribute('action')).resolves.toBe(`/cases/${planCase}/early-review-requests/${familyAsks}/answer`);
    // the draft plan was issued: the family sees the advice with it (reg 13), so nothing is offered for sharing early
    await expect(page.locator('#share-advice, #share-heading').count()).resolves.toBe(0);
    await axe(page, '04-answer-early-review-form');

    await page.locator('#answer').check();
    const [year, month, day] = meetingOn.split('-');
    await page.fill('#meetingOn-day', String(Number(day)));
    await page.fill('#meetingOn-month', String(Number(month)));
    await page.fill('#meetingOn-year', year as string);
    await axe(page, '05-answer-agree-typed');
    expect(await send(page, '#answer-send')).toBe(303);
    expect(page.url()).toBe(`${url['web']}/cases/${planCase}?done=early-review-agreed#actions`);
    await expect(page.locator('#action-done').innerText()).resolves.toContain('The early review was agreed and its meeting scheduled.');
    await timelineShows(page, /Early review agreed/, 'the agreed early review on the timeline');
    await expect(page.locator('#entries').innerText()).resolves.toMatch(/the review meeting is on \d{1,2} \w+ \d{4}/);

    // the school's request is next; declined with no reasons: the case service refuses it (400), on the reasons field
    await expect(page.locator('#answer-early-review').getAttribute('action')).resolves.toBe(`/cases/${planCase}/early-review-requests/${schoolAsks}/answer`);
    await expect(page.locator('#early-review-request').innerText()).resolves.toMatch(/^Asked for by the school or college on /);
    await page.locator('#answer-2').check();
    expect(await send(page, '#answer-send')).toBe(400);
    await expect(page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).resolves.toEqual(['#reasons']);
    await expect(page.locator('#reasons-error').textContent()).resolves.toContain('Enter why the early review is declined');
    // what was chosen is kept
    await expect(page.locator('#answer-2').isChecked()).resolves.toBe(true);
    await expect(page.locator('#reasons').isVisible()).resolves.toBe(true);
    await axe(page, '06-answer-decline-error');

    await page.fill('#reasons', 'The plan was reviewed four weeks ago and nothing has changed since.');
    expect(await send(page, '#answer-send')).toBe(303);
    expect(page.url()).toBe(`${url['web']}/cases/${planCase}?done=early-review-declined#actions`);
    await expect(page.locator('#action-done').innerText()).resolves.toContain('The request for an early review was declined.');
    await timelineShows(page, /Early review declined/, 'the declined early review on the timeline');
    // both answered: no answer form any more
    await expect(page.locator('#answer-early-review').count()).resolves.toBe(0);
    await axe(page, '07-answered');
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 240_000);

  it('an auditor of the same authority gets no forms; a post made anyway is refused by the case service (403), said on a page, never a server error', async () => {
    const sam = await launchJourneyBrowser({ viewport: PHONE });
    browsers.push(sam);
    const samContext = sam.context;
    try {
      const page = await samContext.newPage();
      await page.goto(`${url['web']}/`);
      await Promise.all([page.waitForURL(/\/interaction\//), page.locator('#sign-in').click()]);
      await page.fill('#username', 'sam');
      await page.fill('#password', 'demo');
      await Promise.all([page.waitForURL(new RegExp(`^${url['web']}/`)), page.locator('button[type=submit]').click()]);
      await page.goto(`${url['web']}/cases/${adviceCase}`);
      await expect(page.locator('#entries').count()).resolves.toBe(1);
      await expect(page.locator('#actions').count()).resolves.toBe(0);
      // the form as a browser would post it, with his session's own CSRF token: the case service is the authority
      const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${url['web']}/cases/${adviceCase}/advice-shares`);
      await Promise.all([page.waitForNavigation(), postAnyway(page, `/cases/${adviceCase}/advice-shares`, [['adviceIds', 'anything']])]);
      expect((await posted).status()).toBe(400);
      // what is not offered cannot be shared: the form's own check answers before the case service is asked
      await expect(page.locator('.govuk-error-summary').innerText()).resolves.toMatch(/can no longer be shared/);

      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/early-review-requests/${familyAsks}/answer`));
      await page.goto(`${url['web']}/cases/${planCase}`);
      await Promise.all([page.waitForNavigation(), postAnyway(page, `/cases/${planCase}/early-review-requests/${familyAsks}/answer`, [['answer', 'declined'], ['reasons', 'No.']])]);
      expect((await answered).status()).toBe(403);
      await expect(page.locator('h1').textContent()).resolves.toContain('You cannot do this on this case');
      // the case service's reason first (auditors never write), then what the page adds
      await expect(page.locator('#problem').innerText()).resolves.toMatch(/^\S.*\. Only a case officer of the local authority responsible for the case can share its advice with the family or answer a request for an early review\.$/);
      await axe(page, '08-refused-page');
    } finally {
      await samContext.close();
    }
  }, 240_000);
});
