import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';

// The LA's decisions about what the family asked for or is entitled to (issue #21), through the case service: sharing
// advice before the draft (reg 13), and answering a request for an early review (CFA 2014 s.44(1); reg 20). HTTP via
// supertest, the real PostgreSQL event store, and the events as published on Kafka.
describe('the LA shares advice early and answers early review requests, end to end', () => {
  const LA = 'E10000031';
  const prefix = `family-decisions-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  const post = (path: string, body: object) => request(service.server).post(path).set({ Authorization: `Bearer ${officer}` }).send(body);
  const get = async (caseId: string, asOf: string) => (await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set({ Authorization: `Bearer ${officer}` }).expect(200)).body;

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-d' });
  });
  afterAll(() => service?.close());

  it('shares named advice, then all received so far, before the draft; refuses advice not on the case; an early review declined with reasons, another agreed and scheduled as a reg 20 review; published on Kafka', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    // reg 6(1): what a draft needs, the four agencies' advice re-used by agreement (reg 6(4)), the family's views declined
    const reused = [['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care']] as const;
    const ids = reused.map(() => randomUUID());
    const [ep] = [ids[2] as string];
    await post(`/cases/${caseId}/advice-scope`, { at: '2026-02-03', inOrBeyondYear9: false, visionOrHearingImpaired: false }).expect(201);
    await post(`/cases/${caseId}/advice-reuses`, { at: '2026-02-03', adviceType: 'psychological', agency: 'education', adviceId: ep, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } }).expect(201);

    // reg 13 shares all advice with the draft; the LA may share it earlier
    const shared = await post(`/cases/${caseId}/advice-shares`, { at: '2026-02-04', adviceIds: [ep] }).expect(201);
    expect(shared.body.recorded.map((r: { type: string }) => r.type)).toEqual(['ehc.advice-shared-with-family.v1']);
    expect((await post(`/cases/${caseId}/advice-shares`, { at: '2026-02-04', adviceIds: ['not-on-this-case'] }).expect(409)).body).toMatchObject({ code: 'advice-not-on-case' });
    await post(`/cases/${caseId}/advice-shares`, { at: '2026-02-04', adviceIds: [] }).expect(400);
    for (const [i, [adviceType, agency]] of reused.entries()) {
      if (adviceType === 'psychological') continue;
      await post(`/cases/${caseId}/advice-reuses`, { at: '2026-02-05', adviceType, agency, adviceId: ids[i], version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } }).expect(201);
    }
    const views = randomUUID();
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-05', adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: views }).expect(201);
    await post(`/cases/${caseId}/advice-not-awaited`, { at: '2026-02-05', adviceRequestIds: [views], reason: 'family-declined-to-give-views' }).expect(201);
    await post(`/cases/${caseId}/advice-shares`, { at: '2026-02-06' }).expect(201);

    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${caseId}/family-response`, { at: '2026-04-07', nothingMoreToSay: true }).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: '2026-04-08' }).expect(201);

    // an early review asked for by the family and declined with reasons; a second one, from the school, agreed
    const first = randomUUID();
    await post(`/cases/${caseId}/early-review-requests`, { at: '2026-05-04', earlyReviewRequestId: first, requestedBy: 'parent-or-young-person' }).expect(201);
    await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: '2026-05-11', answer: 'declined' }).expect(400);
    await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: '2026-05-11', answer: 'maybe', reasons: 'x' }).expect(400);
    await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: '2026-05-11', answer: 'declined', reasons: 'The plan is five weeks old and nothing has changed.' }).expect(201);
    expect((await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: '2026-05-12', answer: 'declined', reasons: 'Again.' }).expect(409)).body).toMatchObject({ code: 'early-review-already-answered' });
    expect((await post(`/cases/${caseId}/early-review-requests/${randomUUID()}/answer`, { at: '2026-05-12', answer: 'declined', reasons: 'No.' }).expect(409)).body).toMatchObject({ code: 'early-review-request-not-found' });

    const second = randomUUID();
    const reviewId = randomUUID();
    await post(`/cases/${caseId}/early-review-requests`, { at: '2026-06-01', earlyReviewRequestId: second, requestedBy: 'institution' }).expect(201);
    await post(`/cases/${caseId}/early-review-requests/${second}/answer`, { at: '2026-06-08', answer: 'agreed' }).expect(400);
    const agreed = await post(`/cases/${caseId}/early-review-requests/${second}/answer`, { at: '2026-06-08', answer: 'agreed', reviewId, meetingOn: '2026-07-06' }).expect(201);
    expect(agreed.body.recorded.map((r: { type: string }) => r.type)).toEqual(['ehc.early-review-agreed.v1', 'ehc.review-meeting-scheduled.v1']);
    // the agreed early review is a reg 20 review: its papers are due 2 weeks before the meeting (Mon 22 Jun 2026)
    const body = await get(caseId, '2026-06-09');
    expect(body.status.deadlines.find((d: { id: string }) => d.id === `review-papers:${reviewId}`)).toMatchObject({ dueOn: '2026-06-22', status: 'open' });
    expect(body.state.family.earlyReviewRequests[first].answer).toEqual({ answer: 'declined', on: '2026-05-11' });

    const wanted = ['ehc.advice-shared-with-family.v1', 'ehc.early-review-declined.v1', 'ehc.early-review-agreed.v1'];
    const ofCase = (ms: unknown[]) => (ms as Parameters<typeof fromKafkaRecord>[0][]).filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never));
    const messages = ofCase(await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ofCase(ms).filter((e) => wanted.includes(e.type)).length >= 4, 60_000));
    const sharedEvents = messages.filter((e) => e.type === 'ehc.advice-shared-with-family.v1').map((e) => e.data as { scope: string; adviceIds: string[]; sharedBy: { userId: string } });
    expect(sharedEvents.map((d) => [d.scope, d.adviceIds.includes(ep), d.sharedBy.userId])).toEqual([['listed', true, 'caseworker-d'], ['all-received', true, 'caseworker-d']]);
    expect([...(sharedEvents[1]?.adviceIds ?? [])].sort()).toEqual([...ids].sort());
    // the reasons are the LA's words about the child: encrypted on Kafka
    const declined = messages.find((e) => e.type === 'ehc.early-review-declined.v1')?.data as { reasons: string };
    expect(declined.reasons).toMatch(/^\$enc:/);
  }, 180_000);
});
