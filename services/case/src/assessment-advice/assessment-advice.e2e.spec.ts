import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { caseService } from '../service';

// What an EHC needs assessment needs before a draft plan (SEND Regulations 2014 regs 6(1), 6(4), 7, 8(1), 9), through
// the case service's HTTP API with real PostgreSQL and Kafka: the advice arrives as the agencies' events on their
// topics, and the family's views through the family's caseworker.
describe('what an assessment needs before a draft (regs 6(1), 6(4), 7, 8(1), 9) end to end', () => {
  const LA = 'E10000028';
  const prefix = `assessment-advice-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  let caseworker: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);
  const get = (path: string) => request(service.server).get(path).set(auth(officer));

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'case-officer-1' });
    caseworker = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], organisationId: LA, userId: 'family-caseworker-1' });
  });
  afterAll(() => service?.close());

  function adviceEvent(caseId: string, assessmentId: string, adviceRequestId: string, agency: 'health' | 'education' | 'social-care', adviceType: string, on: string): IntegrationEvent<Record<string, unknown>> {
    return {
      id: randomUUID(), source: `/tio/${agency}`, type: 'advice.submitted.v1', subject: caseId, time: `${on}T10:00:00.000Z`, correlationId: randomUUID(),
      actor: { userId: `${agency}-adviser-1`, organisationId: `${agency}-org-1`, agency, role: 'practitioner' },
      data: {
        caseId, assessmentId, agency, adviceType, adviceRequestId, adviceId: randomUUID(), version: 1,
        by: { userRef: `${agency}-adviser-1`, organisationRef: `${agency}-org-1` }, idempotencyKey: randomUUID(), fingerprint: 'f',
        submittedOn: on, sections: [{ heading: 'Needs', text: 'As assessed.' }], citations: [],
      },
    };
  }
  async function produce(topic: string, events: IntegrationEvent[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic }, { topic: `${topic}.dlq` }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic, messages: events.map((e) => toKafkaRecord(e)) }]);
    await producer.disconnect();
  }

  it('reg 6(1), 6(4), 8(1): advice sought for each type, one re-used by agreement, a draft refused naming the missing items, the advice received, the draft issued; regs 7 and 9 recorded; published on Kafka', async () => {
    // a child born 1 Mar 2012 is in year 9 from 1 Sep 2025 (reg 6(1)(g))
    const created = await post('/cases', {
      at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: '2012-03-01' },
    }).expect(201);
    const caseId = created.body.caseId as string;
    const base = `/cases/${caseId}`;
    await post(`${base}/decision-to-assess`, { at: '2026-02-02' }).expect(200);

    // the scope: year 9 from the date of birth; no vision or hearing impairment
    const scoped = await post(`${base}/advice-scope`, { at: '2026-02-02', visionOrHearingImpaired: false }).expect(201);
    expect(scoped.body.recorded.map((e: { type: string }) => e.type)).toEqual(['ehc.advice-scope-recorded.v1']);
    // reg 6(1)(h): the family asks for a speech and language therapist's advice; the LA finds it reasonable
    await post(`${base}/family-advice-requests`, { at: '2026-02-03', adviserRef: 'slt:nhs:RXK:4471', reasonable: true }).expect(201);
    // regs 7, 9: the child and parent consulted at home; the parent supported by the information, advice and support service
    await post(`${base}/family-involvement`, { at: '2026-02-04', kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit' }).expect(201);
    await post(`${base}/family-involvement`, { at: '2026-02-05', kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }).expect(201);

    // advice sought for each type; the school's educational advice from last term re-used by agreement (reg 6(4): tell it once)
    const ids: Record<string, string> = {};
    const seek = [
      ['parent-views', 'local-authority'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care'],
      ['preparing-for-adulthood', 'social-care'], ['requested-by-family', 'health'],
    ] as const;
    for (const [adviceType, agency] of seek) {
      ids[adviceType] = randomUUID();
      await post(`${base}/advice-requests`, { at: '2026-02-02', adviceType, agency, adviceRequestId: ids[adviceType] }).expect(201);
    }
    const reuse = await post(`${base}/advice-reuses`, {
      at: '2026-02-02', adviceType: 'educational', agency: 'education', adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true },
    }).expect(201);
    expect(reuse.body.recorded.map((e: { type: string }) => e.type)).toEqual(['ehc.advice-reused.v1']);
    // reg 6(4) covers (1)(b)-(h): the family's own views are not re-used
    const notReusable = await post(`${base}/advice-reuses`, {
      at: '2026-02-02', adviceType: 'parent-views', agency: 'local-authority', adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true },
    }).expect(409);
    expect(notReusable.body.code).toBe('advice-not-reusable');

    // a draft now is refused, naming each item still missing
    const refused = await post(`${base}/draft-plan`, { at: '2026-03-02' }).expect(409);
    expect(refused.body).toMatchObject({ status: 409, code: 'advice-missing' });
    const missing = refused.body.details.missing as Array<{ item: string; problem: string; regulation: string; adviceRequestIds?: string[] }>;
    expect(missing.map((m) => `${m.item}:${m.problem}`)).toEqual([
      'parent-views:not-received', 'medical:not-received', 'psychological:not-received', 'social-care:not-received', 'preparing-for-adulthood:not-received', 'requested-by-family:not-received',
    ]);
    expect(missing.find((m) => m.item === 'medical')).toMatchObject({ regulation: 'reg 6(1)(c)', adviceRequestIds: [ids['medical']], dueOn: '2026-03-16' });
    expect(refused.body.detail).toMatch(/preparing-for-adulthood \(reg 6\(1\)\(g\)\): not received/);
    const checklist = (await get(`${base}/advice-checklist`).expect(200)).body.checklist;
    expect(checklist.scope).toMatchObject({ inOrBeyondYear9: true, yearGroupFrom: 'date-of-birth', visionOrHearingImpaired: false });
    expect(Object.fromEntries(checklist.items.map((i: { adviceType: string; status: string }) => [i.adviceType, i.status]))).toMatchObject({
      educational: 'reused', medical: 'awaited', 'preparing-for-adulthood': 'awaited', 'vision-hearing': 'not-required', other: 'not-required',
    });
    expect(checklist.familyRequests).toEqual([expect.objectContaining({ reasonable: true, sought: true })]);
    expect(checklist.consultations).toEqual([expect.objectContaining({ kind: 'consulted', who: ['child', 'parent'], on: '2026-02-04' })]);
    expect(checklist.informationAdviceSupport).toEqual([expect.objectContaining({ providedBy: 'information-advice-support-service', on: '2026-02-05' })]);

    // the advice arrives: the agencies publish it on their topics; the family's caseworker records their views
    const assessmentId = (await get(base).expect(200)).body.state.assessmentId as string;
    await produce(TOPICS.healthEvents, [
      adviceEvent(caseId, assessmentId, ids['medical'], 'health', 'medical', '2026-03-05'),
      adviceEvent(caseId, assessmentId, ids['requested-by-family'], 'health', 'requested-by-family', '2026-03-06'),
    ]);
    await produce(TOPICS.socialCareEvents, [
      adviceEvent(caseId, assessmentId, ids['social-care'], 'social-care', 'social-care', '2026-03-04'),
      adviceEvent(caseId, assessmentId, ids['preparing-for-adulthood'], 'social-care', 'preparing-for-adulthood', '2026-03-04'),
    ]);
    await waitFor('the kit to know the request for the family’s views', async () => {
      const res = await request(service.server).get(`${base}/advice-requests`).set(auth(caseworker));
      return res.status === 200 && JSON.stringify(res.body).includes(ids['parent-views']) ? true : undefined;
    });
    await request(service.server).post(`${base}/advice`).set(auth(caseworker)).set({ 'Idempotency-Key': `views-${randomUUID()}` })
      .send({ at: '2026-02-20', adviceRequestId: ids['parent-views'], adviceType: 'parent-views', sections: [{ heading: 'What I want', text: 'To stay with my friends.' }] }).expect(201);
    await waitFor('the case to record the advice received', async () => {
      const list = (await get(`${base}/advice-checklist`)).body.checklist;
      const received = list?.items.filter((i: { status: string }) => i.status === 'received').map((i: { adviceType: string }) => i.adviceType).sort();
      return JSON.stringify(received) === JSON.stringify(['medical', 'parent-views', 'preparing-for-adulthood', 'requested-by-family', 'social-care']) ? true : undefined;
    }, 90_000);

    // the educational psychologist has not answered: the LA may not go on without it inside the 6 weeks (due 16 Mar) ...
    const early = await post(`${base}/advice-not-awaited`, { at: '2026-03-16', adviceRequestIds: [ids['psychological']], reason: 'adviser-did-not-respond' }).expect(409);
    expect(early.body).toMatchObject({ code: 'advice-still-due', details: { dueOn: '2026-03-16' } });
    expect((await post(`${base}/draft-plan`, { at: '2026-03-16' }).expect(409)).body.details.missing).toEqual([
      expect.objectContaining({ item: 'psychological', problem: 'not-received' }),
    ]);
    // ... and from the day after it records going on without it, with the reason (reg 8(1)); then the draft is issued
    await post(`${base}/advice-not-awaited`, { at: '2026-03-17', adviceRequestIds: [ids['psychological']], reason: 'adviser-did-not-respond' }).expect(201);
    const draft = await post(`${base}/draft-plan`, { at: '2026-04-06' }).expect(201);
    expect(draft.body.recorded.map((e: { type: string }) => e.type)).toContain('ehc.draft-plan-issued.v1');
    expect((await get(`${base}/advice-checklist`).expect(200)).body.checklist.missing).toEqual([]);

    // every new fact is published on tio.case.events.v1 as stored
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ms.some((m) => String(m.key) === caseId && fromKafkaRecord({ ...m, key: m.key ?? undefined } as never).type === 'ehc.draft-plan-issued.v1'));
    const types = messages.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never).type);
    for (const type of ['ehc.advice-scope-recorded.v1', 'ehc.family-advice-request-recorded.v1', 'ehc.family-involvement-recorded.v1', 'ehc.advice-reused.v1', 'ehc.advice-not-awaited.v1']) {
      expect(types).toContain(type);
    }
  }, 240_000);

  it('answers bad input with 400 naming each field, and refuses an unknown year group, a declined request without a reason and steps before the decision to assess with 409', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    const base = `/cases/${caseId}`;
    expect((await post(`${base}/advice-scope`, { at: '2026-01-20', visionOrHearingImpaired: false }).expect(409)).body.code).toBe('assessment-not-agreed');
    await post(`${base}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    const scope = await post(`${base}/advice-scope`, { at: '2026-02-02', inOrBeyondYear9: 'yes' }).expect(400);
    expect(scope.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['inOrBeyondYear9', 'visionOrHearingImpaired']);
    expect((await post(`${base}/advice-scope`, { at: '2026-02-02', visionOrHearingImpaired: true }).expect(409)).body.code).toBe('year-group-unknown');
    const family = await post(`${base}/family-advice-requests`, { at: '2026-02-03', adviserRef: 'Jane Smith', reasonable: true, declineReason: 'because' }).expect(400);
    expect(family.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['adviserRef', 'declineReason']);
    expect((await post(`${base}/family-advice-requests`, { at: '2026-02-03', adviserRef: 'slt:1', reasonable: false }).expect(409)).body.code).toBe('invalid-command');
    const notAwaited = await post(`${base}/advice-not-awaited`, { at: '2026-03-20', adviceRequestIds: [], reason: 'too-busy' }).expect(400);
    expect(notAwaited.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['adviceRequestIds', 'reason']);
    const involvement = await post(`${base}/family-involvement`, { at: '2026-02-04', kind: 'chat', who: ['neighbour'], providedBy: 'local-authority', method: 'pigeon' }).expect(400);
    expect(involvement.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['kind', 'method', 'who']);
    // nothing was recorded by the refused steps
    expect((await get(base).expect(200)).body.revision).toBe(1);
  });
});
