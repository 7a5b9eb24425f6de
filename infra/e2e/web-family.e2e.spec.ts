import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, addWeeks, londonDateOf } from '@tio/ehc-domain';
import { freePort } from '@tio/local-infra';
import { tokenFor, waitFor } from '@tio/testing';
import type { RunningService } from '../scripts/service-processes';
import { CHROMIUM, chromiumMissing, citizenSignInEnv, closeJourney, launchJourneyBrowser, resultsDir, runAxe, startDevCitizenProvider, type AxeCounts, type JourneyBrowser, startWebJourney } from './web-harness';

/**
 * The family's journey in a real browser (Debian's Chromium through playwright-core), at a phone's size and on a
 * desktop: Jo Carter, a parent, signs in at the development citizen identity provider (user `jo`; One Login-shaped,
 * apart from the practitioners' provider), uses the invitation codes the
 * council gave her, reads her child's case in plain English (where it is, what is late and who is responsible), gives
 * her views, reads the draft plan ("Your plan") and replies to it within her 15 days. The case and timeline
 * services, both providers and the web service each run as their own process, as under `npm start`. Every family page is checked with axe-core at both
 * sizes (no serious or critical violation); screenshots go to .local/test-results/web-family/.
 */
const SHOTS = resultsDir('web-family');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
const DATE = /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/;

describe("the family's pages: a parent follows and takes part in her child's case (real browser, phone and desktop)", () => {
  const LA = 'E10000028';
  const prefix = `webfam-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const providers: ChildProcess[] = [];
  let browser: JourneyBrowser | undefined;
  const today = londonDateOf(new Date());
  const assessing = randomUUID();
  const drafted = randomUUID();
  const codes: Record<string, string> = {};
  const axeResults: Record<string, AxeCounts> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(chromiumMissing());
    mkdirSync(SHOTS, { recursive: true });
    await startWebJourney({
      journey: 'web-family', services: ['case', 'timeline'], cluster, prefix, dbPrefix: 'webfam', running, databases: dbNames, url, providers,
      webEnv: async ({ keys, url, providers }) => {
        // families sign in at the citizen provider; the web service exchanges its ID tokens for family tokens signed with the key the services trust
        const citizen = await startDevCitizenProvider(await freePort(), url['web']);
        providers.push(citizen.process);
        return { TIMELINE_URL: url['timeline'], CASE_URL: url['case'], ...citizenSignInEnv(citizen, keys.privateKeyPem) };
      },
    });

    const la = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: LA, userId: 'caseworker-priya' });
    const post = async (path: string, body: object) => {
      const res = await fetch(`${url['case']}${path}`, { method: 'POST', headers: { authorization: `Bearer ${la}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const ADVICE = [['local-authority', 'parent-views'], ['education', 'educational'], ['health', 'medical'], ['education', 'psychological'], ['social-care', 'social-care']] as const;

    // case 1, 19 weeks in: every adviser asked at week 5 (due week 11): all late; the council's decision whether to issue (week 16) too
    const day0 = addWeeks(today, -19);
    await post('/cases', { caseId: assessing, at: day0, childRef: 'child:fam-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await post(`/cases/${assessing}/decision-to-assess`, { at: addWeeks(day0, 5) });
    await post(`/cases/${assessing}/advice-scope`, { at: addWeeks(day0, 5), inOrBeyondYear9: false, visionOrHearingImpaired: false });
    for (const [agency, adviceType] of ADVICE) await post(`/cases/${assessing}/advice-requests`, { at: addWeeks(day0, 5), agency, adviceType, adviceRequestId: randomUUID() });

    // case 2: the draft plan was issued 3 days ago (the council went on without the advice after the advisers' 6 weeks)
    const d0 = addWeeks(today, -15);
    await post('/cases', { caseId: drafted, at: d0, childRef: 'child:fam-2', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } });
    await post(`/cases/${drafted}/decision-to-assess`, { at: addWeeks(d0, 1) });
    await post(`/cases/${drafted}/advice-scope`, { at: addWeeks(d0, 1), inOrBeyondYear9: false, visionOrHearingImpaired: false });
    const requestIds: Record<string, string> = {};
    for (const [agency, adviceType] of ADVICE) {
      requestIds[adviceType] = randomUUID();
      await post(`/cases/${drafted}/advice-requests`, { at: addWeeks(d0, 1), agency, adviceType, adviceRequestId: requestIds[adviceType] });
    }
    await post(`/cases/${drafted}/advice-not-awaited`, { at: addWeeks(d0, 8), adviceRequestIds: [requestIds['parent-views']], reason: 'family-declined-to-give-views' });
    await post(`/cases/${drafted}/advice-not-awaited`, { at: addWeeks(d0, 8), adviceRequestIds: ADVICE.slice(1).map(([, t]) => requestIds[t]), reason: 'adviser-did-not-respond' });
    await post(`/cases/${drafted}/draft-plan`, { at: addDays(today, -3) });

    for (const caseId of [assessing, drafted]) {
      const invitation = await post(`/cases/${caseId}/family/invitations`, { relationship: 'parent', parentalResponsibility: true, contact: { name: 'Jo Carter', email: 'jo@example.org' } });
      codes[caseId] = String(invitation['code']);
    }
    // the case service's own advice kit (which keeps the family's views) learns of its requests from the case's events
    await waitFor('the case service to know the request for the family views', async () => {
      const res = await fetch(`${url['case']}/cases/${assessing}/advice-requests`, { headers: { authorization: `Bearer ${la}` } });
      return res.status === 200 && JSON.stringify(await res.json()).includes('parent-views');
    }, 240_000);
    await waitFor('the timeline to hold both cases', async () => {
      const res = await fetch(`${url['timeline']}/cases`, { headers: { authorization: `Bearer ${la}` } });
      const body = (await res.json()) as { cases?: Array<{ caseId: string; entryCount: number }> };
      return (body.cases ?? []).filter((c) => c.caseId === assessing || c.caseId === drafted).length === 2;
    }, 90_000);

    browser = await launchJourneyBrowser({ viewport: PHONE });
  }, 600_000);

  afterAll(() => closeJourney({ browsers: [browser], services: running, providers, cluster, databases: dbNames, axe: { dir: SHOTS, results: axeResults } }));

  const problems: string[] = [];
  async function openPage(): Promise<Page> {
    const page = await (browser as JourneyBrowser).context.newPage();
    await page.setViewportSize(PHONE);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (r) => r.status() === 404 && problems.push(`404 ${r.url()}`));
    return page;
  }

  /** Sends the form and expects to land on `target`; otherwise fails with what the page says (the error summary). */
  async function sendAndExpect(page: Page, target: string): Promise<void> {
    await Promise.all([page.waitForLoadState('load'), page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('#send').click()]);
    await page.waitForLoadState('load');
    if (page.url() !== target) throw new Error(`the form did not go through: ${((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ').trim()}`);
  }

  /** axe-core on the page at a phone's size and on a desktop: no serious or critical violation; a screenshot of each. */
  async function axe(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      await page.setViewportSize(viewport);
      const { counts, blocking } = await runAxe(page);
      axeResults[`${name}-${size}`] = counts;
      expect(blocking.map((b) => `${size} ${b}`)).toEqual([]);
      // nothing wider than the screen: a phone reader never scrolls sideways
      if (size === 'phone') expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
    await page.setViewportSize(PHONE);
  }

  it('signs Jo in to her own pages (not a caseload), takes her invitation code, and shows the case in plain English with what is late and who is responsible', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/`);
    await Promise.all([page.waitForURL(/\/interaction\//), page.locator('#sign-in-family').click()]);
    expect(await page.locator('h1').textContent()).toBe('Sign in as a parent, carer or young person');
    await page.fill('#username', 'jo');
    await page.fill('#password', 'demo');
    await Promise.all([page.waitForURL(`${url['web']}/family`), page.locator('button[type=submit]').click()]);
    // the citizen provider gives no name, only an email address: that is who is signed in
    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('jo.carter@example.org');
    await expect(page.locator('#no-case').textContent()).resolves.toContain('You are not linked to a case yet');
    await axe(page, '01-no-case-yet');

    await Promise.all([page.waitForURL(`${url['web']}/family/join`), page.locator('#join-link').click()]);
    await axe(page, '02-invitation-code');
    // a wrong code: the error summary links to the field, which says what to do
    await page.fill('#code', 'WRONG-CODE-00000');
    const refused = page.waitForResponse((r) => r.url() === `${url['web']}/family/join` && r.request().method() === 'POST');
    await page.locator('#join').click();
    expect((await refused).status()).toBe(400);
    await expect(page.locator('.govuk-error-summary a').getAttribute('href')).resolves.toBe('#code');
    await expect(page.locator('#code-error').textContent()).resolves.toMatch(/This code cannot be used/);
    await axe(page, '03-invitation-code-error');

    await page.fill('#code', codes[assessing].toLowerCase());
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${assessing}?done=joined`), page.locator('#join').click()]);
    await expect(page.locator('#banner').textContent()).resolves.toContain('You can now follow');
    await expect(page.locator('#stage').textContent()).resolves.toBe('The council is assessing your child');
    // the health service's advice was due at week 11: 8 weeks late, and named as responsible
    const late = (await page.locator('#late').textContent()) ?? '';
    expect(late).toMatch(new RegExp(`The health service should have done this by ${DATE.source}: give their health advice\\. They are 56 days late\\.`));
    expect(late).toMatch(/The council should have done this by .*: decide whether to make a plan\. They are 21 days late\./);
    const entries = (await page.locator('#entries').textContent()) ?? '';
    expect(entries).toMatch(/The council got a request to assess your child's needs on/);
    expect(entries).toMatch(/A family member joined this record on/);
    // plain English only: no event types, ids, codes or ISO dates on the page
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toMatch(/ehc\.|\.v1|\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}|reg \d|urn:/);
    await expect(page.locator('#people').textContent()).resolves.toMatch(/The council[\s\S]*The health service/);
    await axe(page, '04-your-case-late');
    await page.close();
  }, 240_000);

  it('lets Jo give her views (error summary first), then shows them in her timeline', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/family/cases/${assessing}`);
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${assessing}/views`), page.locator('#action-views').click()]);
    await axe(page, '05-give-views');
    const empty = page.waitForResponse((r) => r.url().endsWith('/views') && r.request().method() === 'POST');
    await page.locator('#send').click();
    expect((await empty).status()).toBe(400);
    await expect(page.locator('.govuk-error-summary a').getAttribute('href')).resolves.toBe('#views-1');
    await axe(page, '06-give-views-error');
    await page.fill('#views-1', 'Sam loves trains and drawing. A good day is a calm start and time with friends.');
    await page.fill('#views-3', 'Pictures of the plan for the day help. Loud rooms do not.');
    await sendAndExpect(page, `${url['web']}/family/cases/${assessing}?done=views`);
    await expect(page.locator('#banner').textContent()).resolves.toContain('Your views have been sent to the council.');
    await waitFor('her views in the timeline', async () => {
      await page.reload();
      return /Your views were added on/.test((await page.locator('#entries').textContent()) ?? '');
    }, 60_000);
    await axe(page, '07-your-case-views-given');
    await page.close();
  }, 240_000);

  it('lets Jo join her second case and reply to the draft plan within her 15 days', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/family/join`);
    await page.fill('#code', codes[drafted]);
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${drafted}?done=joined`), page.locator('#join').click()]);
    await expect(page.locator('#stage').textContent()).resolves.toBe('You have a draft plan to look at');
    const due = (await page.locator('#due').textContent()) ?? '';
    // issued 3 days ago: the family's 15 days (reg 13(1)) are still running, and it is theirs to act
    expect(due).toMatch(new RegExp(`You must tell the council what you think of the draft plan by ${DATE.source}\\.`));
    expect(due).toMatch(new RegExp(`The council must send the final plan by ${DATE.source}\\.`));
    await expect(page.locator('#entries').textContent()).resolves.toMatch(/The council sent you a draft plan on .* Tell them what you think by /);
    await axe(page, '08-your-case-draft');

    // "Your plan": the draft as the council issued it, the last day of her 15 days and the way to reply
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${drafted}/plan`), page.locator('#plan-link').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Your draft plan');
    await expect(page.locator('#draft-status').textContent()).resolves.toMatch(new RegExp(`This is a draft\\. You have until ${DATE.source} to comment\\.`));
    await expect(page.locator('#section-f-heading').textContent()).resolves.toMatch(/Section F\s*Help with learning/);
    await expect(page.locator('#reply-to-draft').getAttribute('href')).resolves.toBe(`/family/cases/${drafted}/draft-response`);
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(/ehc\.|\.v1|\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}|urn:/);
    await axe(page, '08b-your-plan-draft');
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${drafted}`), page.locator('#back').click()]);

    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${drafted}/draft-response`), page.locator('#action-draft-response').click()]);
    await expect(page.locator('#draft-due').textContent()).resolves.toMatch(/^You must tell the council what you think of the draft plan by /);
    await axe(page, '09-reply-to-draft');
    await page.fill('#comments', 'Please add speech and language therapy each week.');
    await page.fill('#school', 'urn:school:124356');
    await page.locator('#meeting').check();
    await sendAndExpect(page, `${url['web']}/family/cases/${drafted}?done=draft-response`);
    await expect(page.locator('#banner').textContent()).resolves.toContain('Your reply to the draft plan has been sent');
    await waitFor('her reply in the timeline', async () => {
      await page.reload();
      return /The council got your reply to the draft plan on/.test((await page.locator('#entries').textContent()) ?? '');
    }, 60_000);
    await axe(page, '10-your-case-replied');

    // both cases now: the landing page lists them
    await page.goto(`${url['web']}/family`);
    await expect(page.locator('#cases li').count()).resolves.toBe(2);
    await axe(page, '11-your-cases');
    // a caseload is not hers: signing in again, or asking for it, brings her back here
    await page.goto(`${url['web']}/caseload`);
    expect(page.url()).toBe(`${url['web']}/family`);
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 240_000);

  it('lets Jo read the advice itself: her own views on the first case from the start, and none yet on the second, in plain English', async () => {
    const page = await openPage();
    await page.goto(`${url['web']}/family/cases/${assessing}`);
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${assessing}/advice`), page.locator('#advice-link').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Advice about your child');
    // her views are hers from the start (reg 6(1)(a)); the case service's advice kit answers for them
    await waitFor('her views on the advice page', async () => {
      await page.reload();
      return /Sam loves trains and drawing/.test((await page.locator('main').textContent()) ?? '');
    }, 60_000);
    await expect(page.locator('#advice-1-heading').textContent()).resolves.toBe('Your family’s views');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Given by your family');
    expect(main).toMatch(new RegExp(`Given on ${DATE.source}\\.`));
    expect(main).not.toMatch(/ehc\.|\.v1|\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}|reg \d|urn:|parent-views/);
    await axe(page, '12-advice');

    // the second case: the council went on without advice, so there is nothing to read
    await page.goto(`${url['web']}/family/cases/${drafted}/advice`);
    await expect(page.locator('#no-advice').textContent()).resolves.toBe('There is no advice for you to read yet.');
    await axe(page, '13-advice-none');
    await Promise.all([page.waitForURL(`${url['web']}/family/cases/${drafted}`), page.locator('#back').click()]);
    await page.close();
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  }, 240_000);
});
