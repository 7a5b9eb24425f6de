import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { addDays, londonDateOf } from '@tio/ehc-domain';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { timelineService } from '../service';
import { ACTORS, Publisher, caseStory, testTopics, topicList, waitFor } from '../testing/fixtures';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe("the practitioners' page in a real browser (Debian's Chromium driven by playwright-core)", () => {
  let service: TestService;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  const topics = testTopics('page');
  const publisher = new Publisher();
  const caseId = randomUUID();
  let story: ReturnType<typeof caseStory>;
  let storyStart: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the browser test needs Debian's Chromium (apt-get install -y chromium; the test command installs it). It never downloads a browser.`);
    }
    await publisher.ensure(topicList(topics));
    storyStart = Date.now() - 90 * 86_400_000;
    story = caseStory(caseId, topics, storyStart);
    await publisher.publish(story);
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-page-${randomUUID().slice(0, 6)}` });
    profile = mkdtempSync(join(tmpdir(), 'tio-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await publisher.close();
    await service?.close();
  });

  const problems: string[] = [];
  async function openPage(): Promise<Page> {
    const page = await (context as BrowserContext).newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url().replace(/token=[^&]+/, 'token=…')}`));
    return page;
  }
  afterEach(() => {
    if (problems.length) console.warn(problems.splice(0).join('\n'));
  });

  it('shows the case timeline and the statutory clock, and a new advice entry appears without a reload', async () => {
    const page = await openPage();
    const port = (service.server.address() as AddressInfo).port;
    const token = await tokenFor({ userId: 'sw-1', organisationId: ACTORS.socialCare.organisationId, agency: 'social-care', roles: ['practitioner'] });
    await page.goto(`http://127.0.0.1:${port}/?token=${token}&case=${caseId}`);
    await waitFor('10 entries on the page', async () => (await page.locator('#entries li').count()) === 10, 30_000);
    expect(page.url()).not.toContain('token=');
    await expect(page.locator('#entries li').first().locator('h3').textContent()).resolves.toContain('Request for an EHC needs assessment received');
    await page.locator('#live-state', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
    // social care's advice (asked for 31 days after the request, due 6 weeks later) is overdue
    await expect(page.locator('#overdue').textContent()).resolves.toMatch(/Social care: Give social-care advice — due .* \(\d+ days overdue; reg 8\(1\)\)/);
    await expect(page.locator('#stage').textContent()).resolves.toBe('assessment under way');
    await expect(page.locator('#week').textContent()).resolves.toMatch(/^Week \d+ of 20$/);
    // reg 10(1) / 13(2): 16 and 20 weeks (112 / 140 days) from the request day, shown whatever the stage
    const shown = (days: number) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${addDays(londonDateOf(new Date(storyStart)), days)}T00:00:00Z`));
    await expect(page.locator('#issue-decision-due').textContent()).resolves.toBe(shown(112));
    await expect(page.locator('#final-due').textContent()).resolves.toBe(shown(140));

    await page.evaluate('window.notReloaded = true');
    const advice = story.domain.adviceEvent(new Date().toISOString(), ACTORS.socialCare, story.requests.socialCare, { type: 'SubmitAdvice', adviceId: randomUUID(), headings: ['Family support'] });
    await publisher.publish([{ topic: topics.socialCare, e: advice }]);
    const entry = page.locator(`#entries li[data-id="${advice.id}"]`);
    await entry.waitFor({ timeout: 15_000 });
    await expect(entry.textContent()).resolves.toContain('Social care advice submitted (version 1)');
    await expect(entry.textContent()).resolves.not.toContain('private text');
    expect(await page.locator('#entries li').count()).toBe(11);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await waitFor('entry count updated', async () => (await page.locator('#entry-count').textContent()) === '11');
    // the type filter: only advice given
    await page.locator('#kind-filter').selectOption('advice');
    await waitFor('advice only', async () => (await page.locator('#entries li').count()) === 5);
    expect(new Set((await page.evaluate(`[...document.querySelectorAll('#entries li')].map((e) => e.dataset.kind)`)) as string[])).toEqual(new Set(['advice']));
  });

  it('refuses to show a case to an organisation that is not involved, saying why', async () => {
    const page = await openPage();
    const port = (service.server.address() as AddressInfo).port;
    const token = await tokenFor({ userId: 'x', organisationId: 'school-elsewhere', agency: 'education', roles: ['practitioner'] });
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await page.locator('#cases-note', { hasText: 'No cases involve your organisation yet.' }).waitFor({ timeout: 10_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}\n${await page.content()}`);
    });
  });
});
