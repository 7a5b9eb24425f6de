import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';
import { adviceForDraft } from './assessment-advice/advice-for-draft';

// Reassessment through the case service: HTTP via supertest, the real PostgreSQL event store, and the events as
// published on Kafka (CFA 2014 s.44(2), s.51(2)(d); regs 24-27).
describe('reassessment end to end', () => {
  const LA = 'E10000029';
  const prefix = `reassess-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);
  const get = async (caseId: string, asOf: string) => (await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set(auth(officer)).expect(200)).body;
  const deadline = (body: { status: { deadlines: Array<{ id: string }> } }, id: string) => body.status.deadlines.find((d) => d.id === id);
  const ALL = { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true };

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-r' });
  });
  afterAll(() => service?.close());

  it('a request decided within 15 days, the reassessment’s own advice and its amended plan within 14 weeks; a refused request notified with appeal rights; published on Kafka', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    // a reassessment is of a child or young person with a plan
    expect((await post(`/cases/${caseId}/reassessment-requests`, { at: '2026-03-02', requestedBy: 'parent-or-young-person' }).expect(409)).body).toMatchObject({ code: 'plan-not-in-force' });
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, '2026-02-02'); // reg 6(1): what a draft needs
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${caseId}/family-response`, { at: '2026-04-07', nothingMoreToSay: true }).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: '2026-04-08' }).expect(201);

    // reg 25(1): received Mon 1 Jun 2026, decided by 1 Jun + 15 days = Tue 16 Jun
    await post(`/cases/${caseId}/reassessment-requests`, { at: '2026-06-01', requestedBy: 'neighbour' }).expect(400);
    const reassessmentId = randomUUID();
    await post(`/cases/${caseId}/reassessment-requests`, { at: '2026-06-01', reassessmentId, requestedBy: 'parent-or-young-person' }).expect(201);
    expect(deadline(await get(caseId, '2026-06-02'), `reassessment-decision:${reassessmentId}`)).toMatchObject({ dueOn: '2026-06-16', status: 'open', regulation: 'reg 25(1)' });
    await post(`/cases/${caseId}/reassessment-requests/${reassessmentId}/decision`, { at: '2026-06-15', decision: 'maybe' }).expect(400);
    await post(`/cases/${caseId}/reassessment-requests/${reassessmentId}/decision`, { at: '2026-06-15', decision: 'reassess' }).expect(201);

    // reg 26: advice under the reassessment's own assessment; reg 27(2): the amended plan by 15 Jun + 14 weeks = Mon 21 Sep 2026
    const decided = await get(caseId, '2026-06-16');
    const { assessmentId, finalPlanDueOn, inTime } = decided.state.reassessments[reassessmentId];
    expect({ finalPlanDueOn, inTime, current: decided.state.assessmentId === assessmentId }).toEqual({ finalPlanDueOn: '2026-09-21', inTime: true, current: true });
    const adviceRequestId = randomUUID();
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-06-16', adviceRequestId, adviceType: 'educational', agency: 'education' }).expect(201);
    expect((await get(caseId, '2026-06-17')).state.adviceRequests[adviceRequestId]).toMatchObject({ assessmentId, dueOn: '2026-07-28' });
    const amendmentId = randomUUID();
    await post(`/cases/${caseId}/amendments`, { at: '2026-07-06', amendmentId, trigger: 'reassessment' }).expect(409);
    await post(`/cases/${caseId}/amendments`, { at: '2026-07-06', amendmentId, trigger: 'reassessment', reassessmentId }).expect(201);
    await post(`/cases/${caseId}/amended-plan`, { at: '2026-07-27', amendmentId }).expect(201);
    expect(deadline(await get(caseId, '2026-07-28'), `reassessment-final-plan:${reassessmentId}`)).toMatchObject({ dueOn: '2026-09-21', status: 'met', metOn: '2026-07-27', regulation: 'reg 27(2)' });

    // a second request, from the school, refused on Thu 20 Aug (due Tue 18 Aug: late), notified with its appeal rights
    const refusedId = randomUUID();
    await post(`/cases/${caseId}/reassessment-requests`, { at: '2026-08-03', reassessmentId: refusedId, requestedBy: 'institution' }).expect(201);
    await post(`/cases/${caseId}/reassessment-requests/${refusedId}/decision`, { at: '2026-08-20', decision: 'not-reassess' }).expect(201);
    const refused = await get(caseId, '2026-08-21');
    expect(deadline(refused, `reassessment-decision:${refusedId}`)).toMatchObject({ dueOn: '2026-08-18', status: 'late', daysLate: 2 });
    expect(refused.status.decisionsWithoutAppealNotice).toContainEqual({ decision: 'not-to-reassess', decidedOn: '2026-08-20', regulation: 'CFA 2014 s.51(2)(d); reg 25', reassessmentId: refusedId });
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-08-20', decision: 'not-to-reassess', includes: ALL }).expect(409);
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-08-20', decision: 'not-to-reassess', reassessmentId: refusedId, includes: ALL }).expect(201);
    expect((await get(caseId, '2026-08-21')).status.decisionsWithoutAppealNotice.map((d: { decision: string }) => d.decision)).not.toContain('not-to-reassess');

    const typesOf = (ms: Parameters<typeof fromKafkaRecord>[0][]) => ms.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never).type);
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => typesOf(ms as never).filter((t) => t === 'ehc.appeal-rights-notified.v1').length === 1);
    expect(typesOf(messages as never).filter((t) => /reassessment|amend|appeal/.test(t))).toEqual([
      'ehc.reassessment-requested.v1', 'ehc.reassessment-decided.v1', 'ehc.amendment-proposed.v1', 'ehc.plan-amended.v1',
      'ehc.reassessment-requested.v1', 'ehc.reassessment-decided.v1', 'ehc.appeal-rights-notified.v1',
    ]);
  });
});
