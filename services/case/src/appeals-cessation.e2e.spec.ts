import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';
import { adviceForDraft } from './assessment-advice/advice-for-draft';

// Rights of appeal, mediation, appeals and ceasing a plan through the case service: HTTP via supertest, the real
// PostgreSQL event store, and the events as published on Kafka (regs 5(3), 10(3), 14, 22(4), 29-31, 33, 37, 39).
describe('appeals, mediation and ceasing a plan end to end', () => {
  const LA = 'E10000028';
  const prefix = `appeals-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);
  const get = async (caseId: string, asOf: string) => (await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set(auth(officer)).expect(200)).body;
  const ALL = { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true };

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-a' });
  });
  afterAll(() => service?.close());

  /** A plan issued on 8 Apr 2026, notified with its appeal rights; ceasing proposed 1 Jun, consulted 2-3 Jun, decided Mon 15 Jun 2026. */
  async function decidedToCease(): Promise<{ caseId: string; cessationId: string }> {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, '2026-02-02'); // reg 6(1): what a draft needs
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${caseId}/family-response`, { at: '2026-04-07', nothingMoreToSay: true }).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: '2026-04-08' }).expect(201);
    expect((await get(caseId, '2026-04-09')).status.decisionsWithoutAppealNotice).toEqual([{ decision: 'plan-contents', decidedOn: '2026-04-08', regulation: 'reg 14' }]);
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-04-08', decision: 'plan-contents', includes: ALL }).expect(201);
    // regs 29-31: no ceasing without a decision to cease, even with a reason
    expect((await post(`/cases/${caseId}/cessation`, { at: '2026-05-01', reason: 'other' }).expect(409)).body).toMatchObject({ code: 'cessation-not-decided' });
    const cessationId = randomUUID();
    await post(`/cases/${caseId}/cessation-proposals`, { at: '2026-06-01', cessationId, reason: 'needs-met-without-plan' }).expect(201);
    const early = await post(`/cases/${caseId}/cessation-proposals/${cessationId}/decision`, { at: '2026-06-02' }).expect(409);
    expect(early.body).toMatchObject({ code: 'cessation-not-consulted' });
    await post(`/cases/${caseId}/cessation-proposals/${cessationId}/consultations`, { at: '2026-06-02', consultee: 'parent-or-young-person' }).expect(201);
    await post(`/cases/${caseId}/cessation-proposals/${cessationId}/consultations`, { at: '2026-06-03', consultee: 'institution', institutionRef: 'urn:school:100001' }).expect(201);
    await post(`/cases/${caseId}/cessation-proposals/${cessationId}/decision`, { at: '2026-06-15' }).expect(201);
    return { caseId, cessationId };
  }

  it('reg 31: the plan is maintained without a notice, through mediation and while the appeal is pending; a successful appeal leaves it in force; published on Kafka', async () => {
    const { caseId, cessationId } = await decidedToCease();
    expect((await post(`/cases/${caseId}/cessation`, { at: '2026-07-01' }).expect(409)).body).toMatchObject({ code: 'plan-maintained-pending-appeal' });
    expect((await post(`/cases/${caseId}/appeal-notices`, { at: '2026-06-15', decision: 'cease', cessationId, includes: { ...ALL, informationAdviceSupport: false } }).expect(409)).body)
      .toMatchObject({ code: 'appeal-notice-incomplete' });
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-06-15', decision: 'cease', cessationId }).expect(400);
    const noticeId = randomUUID();
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-06-15', noticeId, decision: 'cease', cessationId, includes: ALL }).expect(201);

    // chose to mediate on 22 Jun: mediation due 22 Jun + 30 days = 22 Jul (reg 37); held Fri 10 Jul, certificate due Wed 15 Jul (reg 39)
    const mediationId = randomUUID();
    await post(`/cases/${caseId}/mediations`, { at: '2026-06-22', mediationId, noticeId, adviceGivenOn: '2026-06-20', choice: 'mediate' }).expect(201);
    await post(`/cases/${caseId}/mediations/${mediationId}/meeting`, { at: '2026-07-10', outcome: 'no-agreement' }).expect(201);
    const mediating = (await get(caseId, '2026-07-13')).status.deadlines;
    expect(mediating.find((d: { id: string }) => d.id === `mediation:${mediationId}`)).toMatchObject({ dueOn: '2026-07-22', status: 'met', metOn: '2026-07-10' });
    expect(mediating.find((d: { id: string }) => d.id === `mediation-certificate:${mediationId}`)).toMatchObject({ dueOn: '2026-07-15', status: 'open', regulation: 'reg 39' });
    await post(`/cases/${caseId}/mediations/${mediationId}/certificate`, { at: '2026-07-14' }).expect(201);

    // window: 15 Jun + 2 months = 15 Aug, later than 14 Jul + 1 month = 14 Aug
    const appealId = randomUUID();
    await post(`/cases/${caseId}/appeals`, { at: '2026-08-03', appealId, noticeId, hearingOn: '2026-10-05' }).expect(201);
    expect((await post(`/cases/${caseId}/cessation`, { at: '2026-09-01' }).expect(409)).body.detail).toMatch(/appeal .* is pending/);
    await post(`/cases/${caseId}/appeals/${appealId}/decision`, { at: '2026-10-12', outcome: 'allowed', hearingOn: '2026-10-05' }).expect(201);

    const after = await get(caseId, '2026-10-13');
    expect(after.state.status).toBe('plan-in-force');
    expect(after.state.cessations[cessationId]).toMatchObject({ decidedOn: '2026-06-15', overturnedOn: '2026-10-12' });
    expect(after.state.appeals[appealId]).toMatchObject({ inTime: true, appealDueOn: '2026-08-15', outcome: { outcome: 'allowed', decidedOn: '2026-10-12' } });
    expect(after.status.decisionsWithoutAppealNotice).toEqual([]);
    expect(after.status.deadlines.find((d: { id: string }) => d.id === `appeal-window:${noticeId}`)).toMatchObject({ dueOn: '2026-08-15', status: 'met', metOn: '2026-08-03' });

    const typesOf = (ms: Parameters<typeof fromKafkaRecord>[0][]) => ms.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never).type);
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => typesOf(ms as never).includes('ehc.appeal-decided.v1'));
    const types = typesOf(messages as never);
    expect(types.filter((t) => /appeal|mediation|cessation|cease/.test(t))).toEqual([
      'ehc.appeal-rights-notified.v1', 'ehc.cessation-proposed.v1', 'ehc.cessation-consulted.v1', 'ehc.cessation-consulted.v1', 'ehc.decision-to-cease.v1',
      'ehc.appeal-rights-notified.v1', 'ehc.mediation-decided.v1', 'ehc.mediation-held.v1', 'ehc.mediation-certificate-issued.v1', 'ehc.appeal-registered.v1', 'ehc.appeal-decided.v1',
    ]);
  });

  it('after the appeal is dismissed the plan ceases with the decision’s SEN2 reason; refusing the family’s mediation starts the 3 working days (reg 33)', async () => {
    const { caseId, cessationId } = await decidedToCease();
    const noticeId = randomUUID();
    await post(`/cases/${caseId}/appeal-notices`, { at: '2026-06-16', noticeId, decision: 'cease', cessationId, includes: ALL }).expect(201);
    // not to mediate, Fri 19 Jun 2026: certificate due Mon 22, Tue 23, Wed 24 Jun
    const mediationId = randomUUID();
    await post(`/cases/${caseId}/mediations`, { at: '2026-06-19', mediationId, noticeId, adviceGivenOn: '2026-06-18', choice: 'not-mediate' }).expect(201);
    expect((await get(caseId, '2026-06-25')).status.overdue.map((d: { id: string }) => d.id)).toEqual([`mediation-certificate:${mediationId}`]);
    await post(`/cases/${caseId}/mediations/${mediationId}/certificate`, { at: '2026-06-24' }).expect(201);
    const appealId = randomUUID();
    await post(`/cases/${caseId}/appeals`, { at: '2026-07-20', appealId, noticeId }).expect(201);
    await post(`/cases/${caseId}/appeals/${appealId}/decision`, { at: '2026-09-28', outcome: 'dismissed', hearingOn: '2026-09-21' }).expect(201);
    await post(`/cases/${caseId}/cessation`, { at: '2026-09-29', reason: 'other' }).expect(409);
    await post(`/cases/${caseId}/cessation`, { at: '2026-09-29' }).expect(201);
    const ceased = await get(caseId, '2026-09-30');
    expect(ceased.state.status).toBe('ceased');
    expect(ceased.state.ceased).toEqual({ ceasedOn: '2026-09-29', reason: 'needs-met-without-plan' });
    expect(ceased.state.cessations[cessationId]).toMatchObject({ ceasedOn: '2026-09-29' });
  });
});
