import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { caseService } from '../service';

// Section A: the views of the child and family, recorded in the case service by the family's caseworker as
// `parent-views` advice of agency `local-authority` (the agency kit hosted in the case service), published on
// tio.case.events.v1 and taken back by the case as advice received. Real PostgreSQL and Kafka.
describe('family views (Section A) in the case service', () => {
  const LA = 'E10000028';
  const prefix = `family-views-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  let caseworker: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object, token: string, headers: Record<string, string> = {}) =>
    request(service.server).post(path).set(auth(token)).set(headers).send(body);
  const get = (path: string, token = officer) => request(service.server).get(path).set(auth(token));

  const views = [
    { heading: 'What I want', text: 'To stay at my school with my friends and to learn to read well.' },
    { heading: 'What is important to me', text: 'Football on Saturdays; my dog; knowing what happens next in the day.' },
    { heading: 'How best to support me', text: 'Give me time to answer; show me pictures of the plan for the day.' },
  ];

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'case-officer-1' });
    caseworker = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], organisationId: LA, userId: 'family-caseworker-3' });
  });
  afterAll(() => service?.close());

  /** A case with a decision to assess and a request for the family's views, known to the kit's read model. */
  async function caseAskingForViews(): Promise<{ caseId: string; adviceRequestId: string }> {
    const created = await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }, officer).expect(201);
    const caseId = created.body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }, officer).expect(200);
    const adviceRequestId = randomUUID();
    // POST on the case controller and GET on the kit's controller share the path
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-02', adviceType: 'parent-views', agency: 'local-authority', adviceRequestId }, officer).expect(201);
    const requests = await waitFor('the request to reach the read model', async () => {
      const res = await get(`/cases/${caseId}/advice-requests`, caseworker);
      return res.status === 200 && res.body.requests.length ? res.body : undefined;
    });
    expect(requests).toMatchObject({ caseId, agency: 'local-authority', requests: [{ adviceRequestId, adviceType: 'parent-views', dueOn: '2026-03-16', status: 'open' }] });
    return { caseId, adviceRequestId };
  }

  it('records the family’s views once, corrects them as version 2, and the case records them as advice received (deadline met), published on tio.case.events.v1', async () => {
    const { caseId, adviceRequestId } = await caseAskingForViews();
    const key = `views-${randomUUID()}`;
    const body = { adviceRequestId, adviceType: 'parent-views', sections: views, at: '2026-02-20' };

    const first = await post(`/cases/${caseId}/advice`, body, caseworker, { 'Idempotency-Key': key }).expect(201);
    expect(first.body).toMatchObject({ caseId, agency: 'local-authority', adviceType: 'parent-views', adviceRequestId, version: 1, status: 'submitted', replayed: false });
    const retry = await post(`/cases/${caseId}/advice`, body, caseworker, { 'Idempotency-Key': key }).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ adviceId: first.body.adviceId, version: 1, replayed: true, recorded: first.body.recorded });

    const corrected = await post(
      `/cases/${caseId}/advice/parent-views/corrections`,
      { reason: 'The young person asked to add travel', sections: [...views, { heading: 'Getting to school', text: 'I want to learn to take the bus.' }], at: '2026-02-27' },
      officer,
      { 'Idempotency-Key': `views-fix-${randomUUID()}` },
    ).expect(201);
    expect(corrected.body).toMatchObject({ adviceId: first.body.adviceId, version: 2, status: 'submitted' });

    const history = await get(`/cases/${caseId}/advice/parent-views/history`, caseworker).expect(200);
    expect(history.body.versions.map((v: { version: number; status: string; by: { userRef: string } }) => [v.version, v.status, v.by.userRef])).toEqual([
      [1, 'superseded', 'family-caseworker-3'],
      [2, 'current', 'case-officer-1'],
    ]);

    // the case takes the views back from Kafka: advice received, version 2 current, the reg 8 deadline met
    const received = await waitFor('the case to record version 2 of the views', async () => {
      const s = (await get(`/cases/${caseId}?asOf=2026-03-20`)).body;
      return s.state?.adviceRequests?.[adviceRequestId]?.current?.version === 2 ? s : undefined;
    });
    expect(received.state.adviceRequests[adviceRequestId].current).toMatchObject({ adviceId: first.body.adviceId, version: 2 });
    const deadline = received.status.deadlines.find((d: { id: string }) => d.id === `advice:${adviceRequestId}`);
    expect(deadline).toMatchObject({ status: 'met', metOn: '2026-02-20' });
    // request, decision, advice requested, received v1, received v2: the retry recorded nothing
    expect(received.revision).toBe(4);

    const answered = await waitFor('the request to show as answered', async () => {
      const r = (await get(`/cases/${caseId}/advice-requests`, caseworker)).body;
      return r.requests?.[0]?.status === 'answered' ? r : undefined;
    });
    expect(answered.requests[0].advice).toMatchObject({ adviceId: first.body.adviceId, version: 2, status: 'current' });

    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ms.filter((m) => String(m.key) === caseId && String(m.headers['ce_type']).startsWith('advice.')).length >= 2);
    const advice = messages
      .filter((m) => String(m.key) === caseId)
      .map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never))
      .filter((e) => e.type.startsWith('advice.'));
    expect(advice.map((e) => [e.type, (e.data as { version: number }).version])).toEqual([['advice.submitted.v1', 1], ['advice.corrected.v1', 2]]);
    expect(advice.every((e) => e.source === '/tio/case' && e.subject === caseId && (e.data as { agency: string }).agency === 'local-authority')).toBe(true);
    expect(advice[0].actor).toMatchObject({ userId: 'family-caseworker-3', organisationId: LA, agency: 'local-authority' });
  });

  it('lets an advocate (an LA practitioner) record the views under their own name, and refuses other LAs, other agencies and auditors', async () => {
    const { caseId, adviceRequestId } = await caseAskingForViews();
    const body = { adviceRequestId, adviceType: 'parent-views', sections: views };
    const otherLa = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], organisationId: 'E10000016', userId: 'someone-else' });
    const denied = await post(`/cases/${caseId}/advice`, body, otherLa, { 'Idempotency-Key': `views-${randomUUID()}` }).expect(403);
    // another LA is not involved in the case at all: the case service's involvement rule refuses it before the views' own rule
    expect(denied.body.detail).toBe(`Your organisation (E10000016, local-authority) is not involved in case ${caseId} at the case service. Only organisations involved in a case, and auditors, may see it or act on it.`);
    await get(`/cases/${caseId}/advice`, otherLa).expect(403);
    const school = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'school-1' });
    expect((await post(`/cases/${caseId}/advice`, body, school, { 'Idempotency-Key': `views-${randomUUID()}` }).expect(403)).body.detail).toMatch(/is not involved in case/);
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], organisationId: 'audit' });
    await post(`/cases/${caseId}/advice`, body, auditor, { 'Idempotency-Key': `views-${randomUUID()}` }).expect(403);

    const advocate = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], organisationId: LA, userId: 'advocate-9' });
    const res = await post(`/cases/${caseId}/advice`, body, advocate, { 'Idempotency-Key': `views-${randomUUID()}` }).expect(201);
    expect(res.body.version).toBe(1);
    const all = await get(`/cases/${caseId}/advice`, auditor).expect(200);
    expect(all.body.advice).toEqual([expect.objectContaining({ adviceId: res.body.adviceId, agency: 'local-authority', adviceType: 'parent-views', headings: views.map((v) => v.heading) })]);
    expect(all.body.advice[0].versions[0].authorRef).toBe('advocate-9');
    // medical advice is not the LA's to give (reg 6(1))
    const medical = await post(`/cases/${caseId}/advice`, { ...body, adviceType: 'medical' }, advocate, { 'Idempotency-Key': `views-${randomUUID()}` });
    expect([409, 422]).toContain(medical.status);
  });
});
