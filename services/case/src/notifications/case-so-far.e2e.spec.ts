import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { EVENT_STORE, ReactionsRunner } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { addDays, londonDateOf } from '@tio/ehc-domain';
import { startDevMailServer, type DevMailServer } from '@tio/local-infra';
import { startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { adviceForDraft } from '../assessment-advice/advice-for-draft';
import { caseStream } from '../case-aggregate';
import { caseService } from '../service';
import { FamilyNotifications } from './family-notifications';
import { govukDate } from './message-texts';

jest.setTimeout(300_000);

/**
 * What families are owed beyond each event's own message, over a real SMTP server read back with mailparser: a member
 * linked after things happened gets the case so far once; appeal outcomes and tribunal orders are told; a member
 * linked while notifications were off is caught up when they come on; readiness shows notifications off.
 */
describe('the case so far, appeals and tribunal orders, and notifications off', () => {
  const LA = 'E10000028';
  const WEB = 'https://send.example.gov.uk';
  const today = londonDateOf(new Date());
  let dir: string;
  let mail: DevMailServer;
  let service: TestService;
  let officer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tio-mail-so-far-'));
    mail = await startDevMailServer({ dir });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-s' });
  });
  afterAll(async () => {
    if (mail) console.log(`[notifications] case so far suite: ${mail.messages().length} messages received over SMTP:\n${(await mails()).map((m) => `  ${m.template.padEnd(18)} ${m.subject}`).join('\n')}`);
    await service?.close();
    await mail?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function mails() {
    return Promise.all(mail.messages().map(async ({ raw }) => {
      const m = await simpleParser(raw);
      return { to: m.to && !Array.isArray(m.to) ? m.to.text : '', subject: m.subject ?? '', text: m.text ?? '', template: String(m.headers.get('x-tio-template') ?? '') };
    }));
  }
  const to = async (email: string) => (await mails()).filter((m) => m.to === email);
  const post = (svc: TestService, path: string, body: object) => request(svc.server).post(path).set('Authorization', `Bearer ${officer}`).send(body);

  async function settled(svc: TestService, caseId: string): Promise<void> {
    const head = (await svc.app.get<EventStore>(EVENT_STORE).readStream(caseStream(caseId))).at(-1)?.globalPosition as bigint;
    expect(await svc.app.get(ReactionsRunner).reachedPosition(head, 120_000)).toBe(true);
    await waitFor('the ledger to be worked through', async () => (await svc.app.get(FamilyNotifications).ledger.outstanding(caseId)) === 0, 120_000);
  }

  /** A request refused (not to assess) 30 days ago, with its appeal rights: something a family is told about. */
  async function refusedCase(svc: TestService): Promise<string> {
    const caseId = (await post(svc, '/cases', { at: addDays(today, -40), childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(svc, `/cases/${caseId}/decision-not-to-assess`, { at: addDays(today, -30) }).expect(200);
    return caseId;
  }

  /** Invited and linked with the code from the LA's answer (the person types it, signed in). */
  async function link(svc: TestService, caseId: string, email: string, invitedOn = addDays(today, -20)): Promise<void> {
    const { code } = (await post(svc, `/cases/${caseId}/family/invitations`, { at: invitedOn, relationship: 'parent', contact: { name: 'Jo Carter', email } }).expect(201)).body;
    const family = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: `family-${randomUUID().slice(0, 8)}` });
    await request(svc.server).post('/family/invitations/acceptance').set('Authorization', `Bearer ${family}`).send({ code }).expect(200);
  }

  it('notifications off: readiness stays ready and shows them off; NOTIFICATIONS_REQUIRED=true makes the service unready', async () => {
    const off = await startTestService(caseService, {});
    try {
      const ready = await request(off.server).get('/health/ready').expect(200);
      expect(ready.body.components).toEqual({ notifications: { status: 'off', required: false, detail: expect.stringMatching(/NOTIFY_API_KEY nor SMTP_URL/) } });
    } finally {
      await off.close();
    }
    const required = await startTestService(caseService, { NOTIFICATIONS_REQUIRED: 'true' });
    try {
      const unready = await request(required.server).get('/health/ready').expect(503);
      expect(unready.body).toMatchObject({ status: 'unavailable', components: { notifications: { status: 'off', required: true } } });
    } finally {
      await required.close();
    }
  });

  it('a member linked while notifications were off gets the case so far once when they come on; the case is in the deadline job', async () => {
    const off = await startTestService(caseService, {});
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    let caseId: string;
    try {
      caseId = await refusedCase(off);
      await link(off, caseId, jo);
      // the same database, now with the SMTP server: the catch-up at start finds the link made while off
      service = await startTestService(caseService, { DATABASE_URL: off.databaseUrl, SMTP_URL: mail.url, FAMILY_WEB_URL: WEB });
    } catch (err) {
      await off.close();
      throw err;
    }
    const [soFar] = await waitFor('the case so far', async () => ((await to(jo)).length ? to(jo) : undefined), 120_000);
    expect(soFar).toMatchObject({ template: 'case-so-far', subject: 'Your case so far' });
    expect(soFar?.text).toContain('The council has decided not to carry out an EHC needs assessment.');
    expect(soFar?.text).not.toMatch(/Carter|child:/);
    expect(await service.app.get(FamilyNotifications).ledger.familyCases()).toContain(caseId);
    expect((await service.app.get(FamilyNotifications).catchUp()).told).toBe(0);
    await settled(service, caseId);
    expect((await to(jo)).length).toBe(1);
    // both services share one database, and closing a test service drops it: the one with SMTP goes first
    await service.close();
    await off.close();
  });

  it('linked after the refusal: the case so far, once; then the appeal outcome and the tribunal order, each told once', async () => {
    service = await startTestService(caseService, { SMTP_URL: mail.url, FAMILY_WEB_URL: WEB });
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    const caseId = await refusedCase(service);
    await link(service, caseId, jo);
    await waitFor('the case so far', async () => (await to(jo)).some((m) => m.template === 'case-so-far') || undefined, 120_000);
    const noticeId = randomUUID();
    await post(service, `/cases/${caseId}/appeal-notices`, { at: today, noticeId, decision: 'not-to-assess', includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }).expect(201);
    const appealId = randomUUID();
    await post(service, `/cases/${caseId}/appeals`, { at: today, appealId, noticeId }).expect(201);
    await post(service, `/cases/${caseId}/appeals/${appealId}/decision`, { at: today, outcome: 'allowed' }).expect(201);
    await post(service, `/cases/${caseId}/tribunal-orders`, { at: today, orderId: randomUUID(), regulation: 'reg 44', kind: 'assess' }).expect(201);
    await waitFor('the tribunal order email', async () => (await to(jo)).some((m) => m.template === 'tribunal-order') || undefined, 120_000);
    await settled(service, caseId);
    // the invitation email may or may not have gone before the code was typed (the test types it from the LA's answer)
    const received = (await to(jo)).filter((m) => m.template !== 'invitation');
    expect(received.map((m) => m.template).sort()).toEqual(['appeal-decided', 'case-so-far', 'tribunal-order']);
    expect(received.find((m) => m.template === 'appeal-decided')?.text).toContain('The tribunal has agreed with the appeal.');
    expect(received.find((m) => m.template === 'tribunal-order')?.text).toContain('The council must now carry out an EHC needs assessment.');
    for (const m of received) expect(m.text).toContain(`${WEB}/family/cases/${caseId}`);
  });

  it('linked before anything happened: no case so far; a proposal to amend the plan is told with its 15 days and the date of the changed plan', async () => {
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    const caseId = (await post(service, '/cases', { at: addDays(today, -3), childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await link(service, caseId, jo, addDays(today, -2));
    await post(service, `/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    await adviceForDraft((path, body) => post(service, path, body).expect(201), caseId, today);
    await post(service, `/cases/${caseId}/draft-plan`, { at: today }).expect(201);
    await post(service, `/cases/${caseId}/family-response`, { at: today, nothingMoreToSay: true }).expect(201);
    await post(service, `/cases/${caseId}/final-plan`, { at: today }).expect(201);
    const amendmentId = randomUUID();
    await post(service, `/cases/${caseId}/amendments`, { at: today, amendmentId, trigger: 'change-of-circumstances' }).expect(201);
    const proposed = (await request(service.server).get(`/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).expect(200)).body.state.amendments[amendmentId];
    const [email] = await waitFor('the amendment email', async () => {
      const found = (await to(jo)).filter((m) => m.template === 'amendment-proposed');
      return found.length ? found : undefined;
    }, 120_000);
    await settled(service, caseId);
    expect(email?.subject).toBe('The council wants to change the EHC plan');
    expect(email?.text).toContain(`tell the council what you think by ${govukDate(proposed.commentsDueOn)}`);
    expect(email?.text).toContain(`The council must send the changed plan by ${govukDate(proposed.amendedPlanDueOn)}`);
    const templates = (await to(jo)).map((m) => m.template);
    expect(templates).not.toContain('case-so-far');
    expect(templates.filter((t) => t === 'amendment-proposed')).toHaveLength(1);
  });
});
