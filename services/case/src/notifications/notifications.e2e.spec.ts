import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Pool } from 'pg';
import request from 'supertest';
import { TOPICS, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { EVENT_STORE, MESSAGING_CLIENT, ReactionsRunner } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { addDays, londonDateOf } from '@tio/ehc-domain';
import { startDevMailServer, type DevMailServer } from '@tio/local-infra';
import type { MessagingClient } from '@tio/messaging';
import { metricValue } from '@tio/service-kit';
import { startTestService, testCitizenSubject, tokenFor, waitFor, type TestService } from '@tio/testing';
import { adviceForDraft } from '../assessment-advice/advice-for-draft';
import { caseStream } from '../case-aggregate';
import { caseService } from '../service';
import { FamilyNotifications } from './family-notifications';
import { referenceOf } from './notification-ledger';
import { INVITATION_DELIVERY, type InvitationDelivery } from './invitation-delivery';
import { govukDate } from './message-texts';

jest.setTimeout(300_000);

interface Mail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  template: string;
  reference: string;
}

/**
 * Messages to families through the real case service: its PostgreSQL event store and ledger, its reactions
 * subscription, and a real SMTP server in this process (the one `npm start` runs) whose messages are read back with
 * mailparser. Nothing is mocked; the only waits are for the asynchronous sender, never on timing.
 */
describe('notifications to families, sent over SMTP and read back', () => {
  const LA = 'E10000028';
  const WEB = 'https://send.example.gov.uk';
  const today = londonDateOf(new Date());
  let dir: string;
  let mail: DevMailServer;
  let service: TestService;
  let pool: Pool;
  let officer: string;
  const post = (path: string, body: object) => request(service.server).post(path).set('Authorization', `Bearer ${officer}`).send(body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tio-mail-'));
    mail = await startDevMailServer({ dir });
    service = await startTestService(caseService, { SMTP_URL: mail.url, NOTIFY_FROM: 'SEND team <send@example.gov.uk>', FAMILY_WEB_URL: WEB });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-n' });
  });
  afterAll(async () => {
    // what the closing note lists: every message this suite sent, as the SMTP server received it
    if (mail) console.log(`[notifications] ${mail.messages().length} messages received over SMTP:\n${(await mails()).map((m) => `  ${m.template.padEnd(18)} ${m.subject}`).join('\n')}`);
    await pool?.end();
    await service?.close();
    await mail?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const notifications = () => service.app.get(FamilyNotifications);

  async function mails(): Promise<Mail[]> {
    return Promise.all(mail.messages().map(async ({ raw }) => {
      const m = await simpleParser(raw);
      return {
        to: m.to && !Array.isArray(m.to) ? m.to.text : '', subject: m.subject ?? '', text: m.text ?? '', messageId: m.messageId ?? '',
        template: String(m.headers.get('x-tio-template') ?? ''), reference: String(m.headers.get('x-tio-reference') ?? ''),
      };
    }));
  }
  const about = (caseId: string, template?: string) => async () => (await mails()).filter((m) => m.text.includes(`/family/cases/${caseId}`) && (!template || m.template === template));

  /** The service has done all it will: its reactions reached the case's last event and the ledger has nothing left to send. */
  async function settled(caseId: string): Promise<void> {
    const store = service.app.get<EventStore>(EVENT_STORE);
    const head = (await store.readStream(caseStream(caseId))).at(-1)?.globalPosition as bigint;
    expect(await service.app.get(ReactionsRunner).reachedPosition(head, 120_000)).toBe(true);
    await waitFor('the ledger to be worked through', async () => (await notifications().ledger.outstanding(caseId)) === 0, 120_000);
  }

  async function newCase(at: string): Promise<string> {
    return (await post('/cases', { at, childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
  }

  /** The LA invites a family member (the case service's route): it makes the one-time code and hands it to the delivery port. */
  async function invite(caseId: string, contact: { name: string; email: string }, at: string): Promise<{ invitationId: string; code: string }> {
    const answer = (await post(`/cases/${caseId}/family/invitations`, { at, relationship: 'parent', parentalResponsibility: true, contact }).expect(201)).body;
    return { invitationId: answer.invitationId as string, code: answer.code as string };
  }

  /** The family member, signed in, types the code from their email (the case service's route): linked. */
  async function accept(code: string, subject: string): Promise<string> {
    const family = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: subject });
    const answer = await request(service.server).post('/family/invitations/acceptance').set('Authorization', `Bearer ${family}`).send({ code }).expect(200);
    return answer.body.caseId as string;
  }

  /** Invited and linked, with the code taken from the invitation email. */
  async function linkedMember(caseId: string, name: string, email: string, at: string): Promise<string> {
    const { invitationId } = await invite(caseId, { name, email }, at);
    const invitation = await waitFor(`the invitation to ${email}`, async () => (await mails()).find((m) => m.template === 'invitation' && m.to === email && m.text.includes(invitationId)));
    await accept(/Your code is: (\S+)/.exec(invitation.text)?.[1] as string, `family-${randomUUID().slice(0, 8)}`);
    return invitationId;
  }

  it('the invitation email carries a code that works, a link to join, and nothing about the child', async () => {
    const caseId = await newCase(addDays(today, -3));
    const email = `jo.${randomUUID().slice(0, 6)}@example.com`;
    const { invitationId, code } = await invite(caseId, { name: 'Jo Carter', email }, addDays(today, -2));
    const [invitation] = await waitFor('the invitation email', async () => {
      const found = (await mails()).filter((m) => m.to === email);
      return found.length ? found : undefined;
    });
    expect(invitation).toMatchObject({ template: 'invitation', subject: 'You have been invited to see an EHC needs assessment' });
    expect(invitation?.text).toContain('Hello Jo,');
    expect(invitation?.text).toContain(`Your code is: ${code}`);
    expect(invitation?.text).toContain(`${WEB}/family/join?invitation=${invitationId}`);
    expect(invitation?.text).not.toMatch(/Carter|child:/);
    // the code from the email links the person who types it
    const typed = /Your code is: (\S+)/.exec(invitation?.text ?? '')?.[1] as string;
    expect(typed).toBe(code);
    const subject = testCitizenSubject(`family-${randomUUID().slice(0, 8)}`);
    expect(await accept(typed, subject)).toBe(caseId);
    const state = (await request(service.server).get(`/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).expect(200)).body.state;
    expect(state.family.members[subject]).toMatchObject({ invitationId, relationship: 'parent' });
    // the code was kept only encrypted, and is gone from the ledger once sent
    const rows = (await pool.query("SELECT status, secret FROM notifications.ledger WHERE case_id = $1 AND template_id = 'invitation'", [caseId])).rows;
    expect(rows).toEqual([{ status: 'sent', secret: null }]);
  });

  it('a draft plan: one email to each linked member with their 15-day date; none to someone only invited; a replay and a restarted reaction send nothing again', async () => {
    // linking is dated today (the day the code is typed), so the case's later steps are today too
    const caseId = await newCase(addDays(today, -50));
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    const sam = `sam.${randomUUID().slice(0, 6)}@example.com`;
    const lee = `lee.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -20));
    await linkedMember(caseId, 'Sam Carter', sam, addDays(today, -20));
    await invite(caseId, { name: 'Lee Carter', email: lee }, addDays(today, -20));
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, today);
    await post(`/cases/${caseId}/draft-plan`, { at: today }).expect(201);

    const drafts = await waitFor('the draft plan emails', async () => {
      const found = await about(caseId, 'draft-plan-issued')();
      return found.length >= 2 ? found : undefined;
    });
    await settled(caseId);
    expect((await about(caseId, 'draft-plan-issued')()).map((m) => m.to).sort()).toEqual([jo, sam].sort());
    for (const m of drafts) {
      expect(m.subject).toBe('A draft EHC plan is ready for you to read');
      // reg 13(1): 15 days beginning with the day it was issued
      expect(m.text).toContain(`tell the council what you think by ${govukDate(addDays(today, 14))}`);
      expect(m.messageId).toMatch(/^<[0-9a-f]{40}@notifications\.tio>$/);
    }
    expect(drafts[0]?.text).toMatch(/^Hello (Jo|Sam),/);
    // the decision to assess was told too, once to each
    expect((await about(caseId, 'decision-made')()).map((m) => m.to).sort()).toEqual([jo, sam].sort());
    const before = (await mails()).length;

    // the reactions start again from the first event (a new replica, a lost checkpoint): the ledger knows them all
    const runner = service.app.get(ReactionsRunner);
    await runner.onApplicationShutdown();
    await pool.query("DELETE FROM event_store.checkpoints WHERE subscription_id = 'reactions-case'");
    await runner.onApplicationBootstrap();
    await settled(caseId);
    expect(await notifications().sendDue()).toBe(0);
    expect((await about(caseId, 'draft-plan-issued')()).length).toBe(2);
    expect((await about(caseId, 'decision-made')()).length).toBe(2);
    expect((await mails()).filter((m) => m.to === lee).map((m) => m.template)).toEqual(['invitation']);
    expect((await mails()).length).toBe(before);
  });

  it('a time limit passed: the deadline job run twice tells each linked member once', async () => {
    // a request received 60 days ago and no decision: the 6-week decision (reg 5(1)) is late
    const requestedOn = addDays(today, -60);
    const caseId = await newCase(requestedOn);
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -10)); // codes last 28 days
    const job = notifications();
    await job.sweepDeadlines(today);
    expect(await job.sweepDeadlines(today)).toBe(0);
    await waitFor('the late deadline email', async () => (await about(caseId, 'deadline-passed')()).length > 0);
    await settled(caseId);
    const late = await about(caseId, 'deadline-passed')();
    expect(late.map((m) => [m.to, m.subject])).toEqual([[jo, 'A legal deadline has passed']]);
    expect(late[0]?.text).toContain('The council had to decide whether to carry out an EHC needs assessment by');
  });

  it('erased personal data: nobody is written to, and an invitation after erasure is not sent', async () => {
    const caseId = await newCase(addDays(today, -10));
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -9));
    const sentBefore = (await mails()).filter((m) => m.to === jo).length;
    await post(`/cases/${caseId}/personal-data-erasure`, { ground: 'erasure-request' }).expect(200);
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    const late = await service.app.get<InvitationDelivery>(INVITATION_DELIVERY).deliver({ caseId, invitationId: randomUUID(), code: 'never-sent', expiresOn: today });
    expect(late).toEqual({ queued: false });
    await notifications().sweepDeadlines(today);
    await settled(caseId);
    expect((await mails()).filter((m) => m.to === jo).length).toBe(sentBefore);
    const queued = (await pool.query("SELECT template_id, status FROM notifications.ledger WHERE case_id = $1 AND template_id <> 'invitation'", [caseId])).rows;
    expect(queued.filter((r) => r.status === 'sent')).toEqual([]);
  });

  it('advice shared before the draft: each linked member is told which kinds of advice, from which kind of organisation, and where to read it', async () => {
    const caseId = await newCase(addDays(today, -30));
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -20));
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, today);
    await post(`/cases/${caseId}/advice-shares`, { at: today }).expect(201);
    const [shared] = await waitFor('the advice-shared email', async () => {
      const found = await about(caseId, 'advice-shared')();
      return found.length ? found : undefined;
    });
    await settled(caseId);
    expect((await about(caseId, 'advice-shared')()).map((m) => [m.to, m.subject])).toEqual([[jo, 'The council has shared advice with you']]);
    expect(shared?.text).toContain(`On ${govukDate(today)} the council shared this advice with you: `);
    // adviceForDraft re-uses educational, medical, psychological (education) and social care advice
    for (const words of ['advice about learning from the school or education service', 'health advice from the health service (NHS)', 'advice from a psychologist from the school or education service', 'social care advice from social care']) {
      expect(shared?.text).toContain(words);
    }
    expect(shared?.text).toContain('It is on your case page');
    expect(shared?.text).toContain(`${WEB}/family/cases/${caseId}`);
    expect(shared?.text).not.toMatch(/caseworker-n|E10000028|Carter/);
  });

  it('advice withheld from the family: a share naming a social care assessment withheld for safeguarding and health advice tells the family of the health advice only, and nothing of the withheld advice arriving', async () => {
    const caseId = await newCase(addDays(today, -30));
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -20));
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    const [medRequest, scRequest, medAdvice, scAdvice] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await post(`/cases/${caseId}/advice-requests`, { at: today, adviceType: 'medical', agency: 'health', adviceRequestId: medRequest }).expect(201);
    await post(`/cases/${caseId}/advice-requests`, { at: today, adviceType: 'social-care', agency: 'social-care', adviceRequestId: scRequest }).expect(201);
    const { assessmentId } = (await request(service.server).get(`/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).expect(200)).body.state;
    // the agencies publish their advice on their own topics (through the service's own Kafka client, so its topic prefix)
    const submitted = (agency: 'health' | 'social-care', adviceType: string, adviceRequestId: string, adviceId: string, withheld?: string): IntegrationEvent<Record<string, unknown>> => ({
      id: randomUUID(), source: `/tio/${agency}`, type: 'advice.submitted.v1', subject: caseId, time: new Date().toISOString(), correlationId: randomUUID(),
      actor: { userId: `${agency}-worker`, organisationId: `${agency}-org`, agency, role: 'practitioner' },
      data: {
        caseId, assessmentId, agency, adviceType, adviceRequestId, adviceId, version: 1, by: { userRef: `${agency}-worker` }, idempotencyKey: randomUUID(), fingerprint: 'f',
        submittedOn: today, sections: [{ heading: 'Needs', text: 'Seen at home.' }], citations: [], ...(withheld ? { withheldFromFamily: { reason: withheld } } : {}),
      },
    });
    const kafka = service.app.get<MessagingClient>(MESSAGING_CLIENT);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([TOPICS.healthEvents, TOPICS.socialCareEvents].flatMap((topic) => [{ topic }, { topic: `${topic}.dlq` }]));
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([
      { topic: TOPICS.socialCareEvents, messages: [toKafkaRecord(submitted('social-care', 'social-care', scRequest, scAdvice, 'safeguarding-enquiry'))] },
      { topic: TOPICS.healthEvents, messages: [toKafkaRecord(submitted('health', 'medical', medRequest, medAdvice))] },
    ]);
    await producer.disconnect();
    const recorded = await waitFor('both pieces of advice on the case', async () => {
      const { adviceRequests } = (await request(service.server).get(`/cases/${caseId}`).set('Authorization', `Bearer ${officer}`).expect(200)).body.state;
      return adviceRequests[medRequest]?.current && adviceRequests[scRequest]?.current ? adviceRequests : undefined;
    }, 120_000);
    // the case keeps that the social care advice is withheld (never why)
    expect(recorded[scRequest].current).toMatchObject({ adviceId: scAdvice, withheldFromFamily: true });
    expect(recorded[medRequest].current.withheldFromFamily).toBeUndefined();

    await post(`/cases/${caseId}/advice-shares`, { at: today, adviceIds: [scAdvice, medAdvice] }).expect(201);
    const [shared] = await waitFor('the advice-shared email', async () => {
      const found = await about(caseId, 'advice-shared')();
      return found.length ? found : undefined;
    });
    await settled(caseId);
    expect((await about(caseId, 'advice-shared')()).map((m) => m.to)).toEqual([jo]);
    expect(shared?.text).toContain(`On ${govukDate(today)} the council shared this advice with you: health advice from the health service (NHS).`);
    // the withheld advice arriving was not told either: one "advice received" message, for the health advice
    const received = await about(caseId, 'advice-received')();
    expect(received.map((m) => m.to)).toEqual([jo]);
    expect(received[0]?.text).toContain('the health service (NHS)');
    for (const m of await about(caseId)()) expect(`${m.subject}\n${m.text}`).not.toMatch(/social care|safeguarding/i);
  });

  it('an early review answered: the family hear the council said no (where to read why and what they can do, never the reasons), and said yes with the meeting date', async () => {
    const caseId = await newCase(addDays(today, -60));
    const jo = `jo.${randomUUID().slice(0, 6)}@example.com`;
    await linkedMember(caseId, 'Jo Carter', jo, addDays(today, -20));
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }).expect(200);
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, today);
    await post(`/cases/${caseId}/draft-plan`, { at: today }).expect(201);
    await post(`/cases/${caseId}/family-response`, { at: today, nothingMoreToSay: true }).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: today }).expect(201);
    const [first, second] = [randomUUID(), randomUUID()];
    const reasons = 'The plan was made this week and nothing has changed since.';
    await post(`/cases/${caseId}/early-review-requests`, { at: today, earlyReviewRequestId: first, requestedBy: 'parent-or-young-person' }).expect(201);
    await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: today, answer: 'declined', reasons }).expect(201);
    await post(`/cases/${caseId}/early-review-requests`, { at: today, earlyReviewRequestId: second, requestedBy: 'institution' }).expect(201);
    await post(`/cases/${caseId}/early-review-requests/${second}/answer`, { at: today, answer: 'agreed', reviewId: randomUUID(), meetingOn: addDays(today, 28) }).expect(201);
    await waitFor('both answers by email', async () => ((await about(caseId, 'early-review-declined')()).length && (await about(caseId, 'early-review-agreed')()).length) || undefined);
    await settled(caseId);

    const [declined] = await about(caseId, 'early-review-declined')();
    expect(declined).toMatchObject({ to: jo, subject: 'The council has said no to an early review' });
    expect(declined?.text).toContain('The council has said no to your request for an early review of the EHC plan. It has told you why. You can read its reasons on your case page.');
    expect(declined?.text).toContain('You cannot appeal to a tribunal about this. But you can ask again at any time');
    expect(declined?.text).toContain('disagreement resolution');
    expect(declined?.text).toContain('(SENDIASS)');
    // the reasons are personal data, stored encrypted: read on the case page, never sent
    expect(declined?.text).not.toContain(reasons);
    const [agreed] = await about(caseId, 'early-review-agreed')();
    expect(agreed).toMatchObject({ to: jo, subject: 'The council has said yes to an early review' });
    expect(agreed?.text).toContain('The council has said yes to the request from the school or college for an early review of the EHC plan.');
    expect(agreed?.text).toContain(`The review meeting is on ${govukDate(addDays(today, 28))}.`);
    expect((await about(caseId)()).filter((m) => m.template.startsWith('early-review')).length).toBe(2);
  });

  it('an SMTP server that is down: the failure is recorded and retried with backoff until the message goes, once, with the same reference', async () => {
    // a port with nothing listening: taken from a server started and closed at once
    const gone = await startDevMailServer({ dir: mkdtempSync(join(tmpdir(), 'tio-mail-gone-')) });
    await gone.close();
    rmSync(gone.dir, { recursive: true, force: true });
    const flaky = await startTestService(caseService, { SMTP_URL: gone.url, FAMILY_WEB_URL: WEB });
    const laterDir = mkdtempSync(join(tmpdir(), 'tio-mail-later-'));
    let later: DevMailServer | undefined;
    try {
      const caseId = (await request(flaky.server).post('/cases').set('Authorization', `Bearer ${officer}`)
        .send({ at: addDays(today, -2), childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
      const { invitationId, code } = (await request(flaky.server).post(`/cases/${caseId}/family/invitations`).set('Authorization', `Bearer ${officer}`)
        .send({ at: addDays(today, -1), relationship: 'carer', contact: { name: 'Ash Lee', email: 'ash.lee@example.com' } }).expect(201)).body;
      const ledger = flaky.app.get(FamilyNotifications).ledger;
      const failed = await waitFor('a failed attempt in the ledger', async () => (await ledger.entries(caseId)).find((e) => e.lastError && e.status === 'pending'), 120_000);
      expect(failed).toMatchObject({ templateId: 'invitation', recipient: invitationId, attempts: 1 });
      expect(failed.lastError).not.toContain('ash.lee');

      later = await startDevMailServer({ port: gone.port, dir: laterDir });
      const server = later;
      const [received] = await waitFor('the retried invitation', async () => (server.messages().length ? server.messages() : undefined), 180_000);
      const parsed = await simpleParser(received?.raw ?? '');
      expect(parsed.headers.get('x-tio-reference')).toBe(referenceOf(failed.key));
      expect(parsed.text).toContain(`Your code is: ${code}`);
      // the server has the message a moment before the sender records it as sent (the entry says 'sending' meanwhile)
      const sent = await waitFor('the ledger to record the send', async () => (await ledger.entries(caseId)).find((e) => e.status !== 'sending'), 30_000);
      expect(sent).toMatchObject({ status: 'sent', lastError: null, secret: null });
      expect(sent?.attempts).toBeGreaterThanOrEqual(2);
      expect(await flaky.app.get(FamilyNotifications).sendDue()).toBe(0);
      expect(server.messages()).toHaveLength(1);
      const scraper = await tokenFor({ agency: 'system', roles: ['service'], organisationId: 'tio', userId: 'prometheus' });
      const text = (await request(flaky.server).get('/metrics').set('Authorization', `Bearer ${scraper}`).expect(200)).text;
      expect(metricValue(text, 'tio_family_notifications_total', { provider: 'smtp', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, 'tio_family_notifications_total', { provider: 'smtp', outcome: 'sent' })).toBe(1);
    } finally {
      await flaky.close();
      await later?.close();
      rmSync(laterDir, { recursive: true, force: true });
    }
  });

  it('counts what it sent on /metrics, by channel, provider and outcome', async () => {
    const scraper = await tokenFor({ agency: 'system', roles: ['service'], organisationId: 'tio', userId: 'prometheus' });
    const text = (await request(service.server).get('/metrics').set('Authorization', `Bearer ${scraper}`).expect(200)).text;
    const sent = metricValue(text, 'tio_family_notifications_total', { channel: 'email', provider: 'smtp', outcome: 'sent' }) ?? 0;
    expect(sent).toBe((await mails()).length);
  });
});
