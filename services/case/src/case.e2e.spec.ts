import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { KafkaJsClient, type ConsumedMessage } from '@tio/messaging';
import { consumeUntil, holdEventAppends, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { caseService } from './service';
import { adviceForDraft } from './assessment-advice/advice-for-draft';

// The case service as the LA SEND team and the agency services use it: real PostgreSQL event store, real Kafka
// (its own topic prefix), HTTP through supertest, advice arriving as agency events on Kafka.
describe('case service end to end', () => {
  const LA = 'E10000028';
  const prefix = `case-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
  });
  afterAll(() => service?.close());

  const post = (path: string, body: object, token = officer, headers: Record<string, string> = {}) =>
    request(service.server).post(path).set(auth(token)).set(headers).send(body);

  const ok201 = (path: string, body: object) => post(path, body).expect(201);

  async function newCase(at = '2026-01-05'): Promise<string> {
    const res = await post('/cases', { at, childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201);
    return res.body.caseId as string;
  }

  it('records a request; the clock runs from the date the LA received it: 6 weeks to decide (reg 5), 20 weeks to the final plan (reg 13(2))', async () => {
    const caseId = await newCase('2026-01-05');
    const res = await request(service.server).get(`/cases/${caseId}?asOf=2026-01-12`).set(auth(officer)).expect(200);
    expect(res.body.state.status).toBe('requested');
    expect(res.body.status.weekOfProcess).toBe(1);
    const decision = res.body.status.deadlines.find((d: { step: string }) => d.step === 'decision-to-assess');
    expect(decision).toMatchObject({ dueOn: '2026-02-16', responsible: 'local-authority', status: 'open' });

    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-20' }).expect(200);
    const later = await request(service.server).get(`/cases/${caseId}?asOf=2026-06-01`).set(auth(officer)).expect(200);
    const byStep = (step: string) => later.body.status.deadlines.find((d: { step: string }) => d.step === step);
    expect(byStep('decision-to-assess')).toMatchObject({ status: 'late', metOn: '2026-02-20' });
    expect(byStep('final-plan')).toMatchObject({ dueOn: '2026-05-25', status: 'overdue' });
  });

  it('refuses a caller without a token (401), a practitioner (403) and another LA’s officer (403)', async () => {
    await request(service.server).post('/cases').send({}).expect(401);
    const practitioner = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'school-1' });
    const res = await post('/cases', { childRef: 'child:1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }, practitioner).expect(403);
    expect(res.body.detail).toMatch(/needs one of the roles|case officers/);
    const caseId = await newCase();
    const otherLa = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E10000016' });
    const denied = await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-01-20' }, otherLa).expect(403);
    expect(denied.body.detail).toBe(`Your organisation (E10000016, local-authority) is not involved in case ${caseId} at the case service. Only organisations involved in a case, and auditors, may see it or act on it.`);
  });

  it('refuses another LA’s officer the same way whether or not the case exists (no existence leak); auditors learn it is unknown', async () => {
    const caseId = await newCase();
    const otherLa = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E10000016', userId: 'other-la-1' });
    const unknown = randomUUID();
    const body = (res: request.Response, id: string) => JSON.stringify({ ...res.body, correlationId: undefined }).split(id).join('<case>');
    for (const path of ['', '/advice', '/advice-requests', '/service-transfers']) {
      const existing = await request(service.server).get(`/cases/${caseId}${path}`).set(auth(otherLa)).expect(403);
      const missing = await request(service.server).get(`/cases/${unknown}${path}`).set(auth(otherLa)).expect(403);
      expect({ path, answer: body(missing, unknown) }).toEqual({ path, answer: body(existing, caseId) });
    }
    // the responsible LA's own officer asking for an id that does not exist is not involved in it either
    await post(`/cases/${unknown}/decision-to-assess`, { at: '2026-01-20' }).expect(403);
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], organisationId: 'ofsted', userId: 'inspector-1' });
    expect((await request(service.server).get(`/cases/${unknown}`).set(auth(auditor)).expect(404)).body.code).toBe('case-not-found');
    await request(service.server).get(`/cases/${caseId}`).set(auth(auditor)).expect(200);
  });

  it('answers bad input with 400 naming each field', async () => {
    const res = await post('/cases', { at: '2026-02-30', childRef: 'Jane Smith', localAuthority: LA, source: 'neighbour', requestedBy: {} }).expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['at', 'childRef', 'requestedBy.role', 'source']);
    await request(service.server).get('/cases/not-a-uuid').set(auth(officer)).expect(400);
    // shape is checked once, by the DTO: an NHS number whose check digit is wrong, a child born after the request
    const child = await post('/cases', {
      at: '2026-01-05', childRef: 'child:dto-check', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: '2026-01-06', nhsNumber: '9434765918' },
    }).expect(400);
    expect(child.body.errors).toEqual([
      { field: 'child', reasons: ['child.dateOfBirth must not be after the request'] },
      { field: 'child.nhsNumber', reasons: ['nhsNumber must be an NHS number: 10 digits with a valid modulus 11 check digit'] },
    ]);
  });

  it('refuses a step dated after today with 422 naming the field, and records nothing (the final plan, a request, a date of birth)', async () => {
    const tomorrow = new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);
    const caseId = await newCase('2026-01-05');
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    await adviceForDraft(ok201, caseId, '2026-02-02'); // reg 6(1): the advice a draft needs (re-used by agreement, the family's views declined)
    const planId = randomUUID();
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06', planId }).expect(201);
    const before = (await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body;
    const future = await post(`/cases/${caseId}/final-plan`, { at: '2027-03-01', planId }).expect(422);
    expect(future.body).toMatchObject({ status: 422, code: 'date-in-future', errors: [{ field: 'at', reasons: [expect.stringContaining('must not be after today')] }] });
    await post(`/cases/${caseId}/final-plan`, { at: tomorrow, planId }).expect(422);
    const after = (await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body;
    expect(after.revision).toBe(before.revision);
    expect(after.state.status).not.toBe('plan-in-force');
    // a request dated tomorrow would give a negative week; a child born tomorrow likewise refused
    const request422 = await post('/cases', { at: tomorrow, childRef: 'child:future', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(422);
    expect(request422.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    const born = await post('/cases', { childRef: 'child:unborn', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: tomorrow } }).expect(422);
    expect(born.body.errors.map((e: { field: string }) => e.field)).toEqual(['child.dateOfBirth']);
    // a malformed date and a future one together: the malformed one makes it a 400, naming both
    const both = await post('/cases', { at: '2026-02-30', childRef: 'child:x', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: tomorrow } }).expect(400);
    expect(both.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['at', 'child.dateOfBirth']);
    // dates that are meant to lie ahead stay accepted: the meeting of a review being arranged
    await post(`/cases/${caseId}/final-plan`, { at: '2026-05-18', planId }).expect(201);
    await post(`/cases/${caseId}/reviews`, { at: '2026-05-18', meetingOn: '2027-05-10' }).expect(201);
  });

  it('refuses an illegal step with 409 and the rule’s code: a final plan before a draft', async () => {
    const caseId = await newCase();
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    const res = await post(`/cases/${caseId}/final-plan`, { at: '2026-03-02' }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, instance: `/cases/${caseId}/final-plan`, code: expect.stringMatching(/^(final-plan-before-draft|no-draft-plan)$/) });
    expect(res.body.type).toBe(`https://tell-it-once.example/problems/${res.body.code}`);
  });

  it('the law as written over HTTP: the family’s 15 days even after a response, s.39(2) before naming, reg 22 amendments, lawful exceptions only', async () => {
    const get = async (caseId: string, asOf: string) => (await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set(auth(officer)).expect(200)).body;
    // draft served Mon 6 Apr 2026: the 15 days beginning with it end 20 Apr; the final plan is possible from 21 Apr (day 16)
    const a = await newCase('2026-01-05');
    await post(`/cases/${a}/decision-to-assess`, { at: '2026-01-20' }).expect(200);
    await adviceForDraft(ok201, a, '2026-01-20');
    await post(`/cases/${a}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${a}/family-response`, { at: '2026-04-07', preferredSettingRef: 'urn:school:200002' }).expect(201);
    const early = await post(`/cases/${a}/final-plan`, { at: '2026-04-08', namedSettingRef: 'urn:school:300003' }).expect(409);
    expect(early.body).toMatchObject({ code: 'final-plan-during-comment-period', details: { commentsDueOn: '2026-04-20' } });
    expect((await post(`/cases/${a}/final-plan`, { at: '2026-04-21', namedSettingRef: 'urn:school:300003' }).expect(409)).body.code).toBe('setting-not-consulted');
    await post(`/cases/${a}/consultations`, { at: '2026-04-21', settingRef: 'urn:school:300003' }).expect(201);
    await post(`/cases/${a}/final-plan`, { at: '2026-04-21', namedSettingRef: 'urn:school:300003' }).expect(201);
    // reg 28: proposals 4 May, the family's 15 days end 18 May; the LA then decides not to amend (reg 22(4)) within 8 weeks (29 Jun)
    const amendmentId = randomUUID();
    await post(`/cases/${a}/amendments`, { at: '2026-05-04', amendmentId, trigger: 'change-of-circumstances' }).expect(201);
    expect((await post(`/cases/${a}/amended-plan`, { at: '2026-05-05', amendmentId }).expect(409)).body.code).toBe('amendment-during-comment-period');
    await post(`/cases/${a}/amendments/not-amending`, { at: '2026-05-20', amendmentId }).expect(201);
    await post(`/cases/${a}/amendments/not-amending`, { at: 'yesterday', amendmentId }).expect(400);
    expect((await get(a, '2026-07-01')).status.deadlines.find((d: { id: string }) => d.id === `amended-plan:${amendmentId}`)).toMatchObject({ dueOn: '2026-06-29', status: 'met', metOn: '2026-05-20', regulation: 'reg 28' });

    const b = await newCase('2026-01-05');
    await post(`/cases/${b}/decision-to-assess`, { at: '2026-01-20' }).expect(200);
    // reg 13(3) has no missed-appointment limb; its school-closure limb: closed 14 Feb - 15 Mar 2026 (30 days, re-opens 16 Mar),
    // advice asked 9 Feb, inside the window 7 Feb .. 9 Mar
    expect((await post(`/cases/${b}/exceptions`, { at: '2026-02-10', limit: 'final-plan', reason: 'missed-appointment', fromOn: '2026-02-10' }).expect(409)).body.code).toBe('exception-not-applicable');
    await post(`/cases/${b}/exceptions`, { at: '2026-02-10', limit: 'final-plan', reason: 'school-closure', fromOn: '2026-02-14', toOn: '2026-03-15', adviceRequestedOn: '2026-02-09' }).expect(201);
    await post(`/cases/${b}/exceptions`, { at: '2026-02-10', limit: 'final-plan', reason: 'school-closure', fromOn: '2026-02-14', toOn: '2026-03-15', closedSetting: 'nursery' }).expect(400);
    await adviceForDraft(ok201, b, '2026-02-10');
    await post(`/cases/${b}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${b}/family-response`, { at: '2026-04-07', nothingMoreToSay: true }).expect(201);
    await post(`/cases/${b}/final-plan`, { at: '2026-04-08' }).expect(201);
    const fp = (await get(b, '2026-04-08')).status.deadlines.find((d: { id: string }) => d.id === 'final-plan');
    expect(fp).toMatchObject({ status: 'met', metOn: '2026-04-08', exceptionApplied: true, exceptions: [{ limb: 'reg 13(3)(a)' }] });
  });

  it('records a retried command once: the same Idempotency-Key returns the first result', async () => {
    const caseId = await newCase();
    const key = `retry-${randomUUID()}`;
    const first = await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }, officer, { 'Idempotency-Key': key }).expect(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }, officer, { 'Idempotency-Key': key }).expect(200);
    expect(again.body.replayed).toBe(true);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.recorded).toEqual(first.body.recorded);
    const res = await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200);
    expect(res.body.revision).toBe(1); // request + one decision

    // a new case without a caseId: the retry names the same case; the same key for a different request is refused
    const body = { at: '2026-01-05', childRef: 'child:retried', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } };
    const created = await post('/cases', body, officer, { 'Idempotency-Key': `${key}-new` }).expect(201);
    const retried = await post('/cases', body, officer, { 'Idempotency-Key': `${key}-new` }).expect(201);
    expect(retried.body).toMatchObject({ caseId: created.body.caseId, replayed: true, recorded: created.body.recorded });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    // the same key with another body is 422 (draft-ietf-httpapi-idempotency-key-header), and no second case: neither
    // for another child nor for a body that names a case id of its own
    const reused = await post('/cases', { ...body, childRef: 'child:someone-else' }, officer, { 'Idempotency-Key': `${key}-new` }).expect(422);
    expect(reused.body).toMatchObject({ code: 'idempotency-key-reused', type: 'https://tell-it-once.example/problems/idempotency-key-reused' });
    const otherId = randomUUID();
    const named = await post('/cases', { ...body, caseId: otherId }, officer, { 'Idempotency-Key': `${key}-new` }).expect(422);
    expect(named.body).toMatchObject({ code: 'idempotency-key-reused', details: { why: 'other-record' } });
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], organisationId: 'ofsted', userId: 'inspector-1' });
    await request(service.server).get(`/cases/${otherId}`).set(auth(auditor)).expect(404);
    const reusedElsewhere = await post(`/cases/${created.body.caseId}/decision-to-assess`, { at: '2026-02-02' }, officer, { 'Idempotency-Key': key }).expect(422);
    expect(reusedElsewhere.body).toMatchObject({ code: 'idempotency-key-reused', details: { why: 'other-record' } });
  });

  it('answers 409 idempotency-key-in-flight to a retry sent while the first request is still being recorded, then the first answer', async () => {
    const caseId = await newCase();
    const key = `in-flight-${randomUUID()}`;
    const send = () => post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }, officer, { 'Idempotency-Key': key }).then((r) => r);
    // both requests read the case and reach their append, which waits on a lock the test holds: both are in flight
    const held = await holdEventAppends(service.databaseUrl);
    let answers: request.Response[];
    try {
      const first = send();
      await held.blocked(1);
      const second = send();
      await held.blocked(2);
      await held.release();
      answers = await Promise.all([first, second]);
    } finally {
      await held.release().catch(() => undefined);
    }
    const byStatus = answers.sort((a, b) => a.status - b.status);
    expect(byStatus.map((r) => r.status)).toEqual([200, 409]);
    expect(byStatus[1].headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(byStatus[1].body).toMatchObject({ status: 409, code: 'idempotency-key-in-flight', instance: `/cases/${caseId}/decision-to-assess` });
    // retried once the first is done: its answer, marked as a replay; one decision recorded
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.recorded).toEqual(byStatus[0].body.recorded);
    expect((await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body.revision).toBe(1);
  });

  it('publishes its events to Kafka in order, keyed by case id, as CloudEvents', async () => {
    const caseId = await newCase('2026-01-05');
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-02', adviceType: 'medical', agency: 'health' }).expect(201);
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ms.filter((m) => String(m.key) === caseId).length >= 3);
    const mine = messages.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never));
    expect(mine.map((e) => e.type)).toEqual(['ehc.request-received.v1', 'ehc.decision-to-assess.v1', 'ehc.advice-requested.v1']);
    expect(mine.every((e) => e.subject === caseId && e.actor.organisationId === LA)).toBe(true);
  });

  it('answers an impossible asOf date with a 400 naming it, not a 500 (found by the fuzz suite)', async () => {
    const caseId = await newCase('2026-01-05');
    for (const asOf of ['0000-00-00', '2026-13-01', '2026-02-31', '2026-04-31']) {
      const res = await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set(auth(officer));
      expect({ asOf, status: res.status }).toEqual({ asOf, status: 400 });
      expect(JSON.stringify(res.body)).toMatch(/asOf|calendar date/);
    }
  });

  it('records advice received when the health service publishes it, once even if delivered twice, and dead-letters advice it never asked for', async () => {
    const caseId = await newCase('2026-01-05');
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    const asked = await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-02', adviceType: 'medical', agency: 'health' }).expect(201);
    const state = (await request(service.server).get(`/cases/${caseId}`).set(auth(officer))).body.state;
    const adviceRequestId = Object.keys(state.adviceRequests)[0];
    expect(asked.body.recorded[0].type).toBe('ehc.advice-requested.v1');

    const advice = adviceEvent(caseId, state.assessmentId, adviceRequestId, '2026-03-01');
    const stray = adviceEvent(caseId, state.assessmentId, randomUUID(), '2026-03-02');
    await produce(TOPICS.healthEvents, [advice, advice, stray]);

    const received = await waitFor('the case to record the advice', async () => {
      const s = (await request(service.server).get(`/cases/${caseId}?asOf=2026-03-10`).set(auth(officer))).body;
      return s.state.adviceRequests[adviceRequestId].current ? s : undefined;
    });
    expect(received.state.adviceRequests[adviceRequestId].current).toMatchObject({ adviceId: advice.data.adviceId, version: 1 });
    expect(received.revision).toBe(3); // request, decision, advice requested, advice received: once
    const adviceDeadline = received.status.deadlines.find((d: { id: string }) => d.id === `advice:${adviceRequestId}`);
    expect(adviceDeadline).toMatchObject({ status: 'met', metOn: '2026-03-01' });

    const dead = await consumeUntil(kafka, `${TOPICS.healthEvents}.dlq`, (ms) => ms.some((m) => String(m.key) === caseId));
    const letter = dead.find((m) => String(m.key) === caseId) as ConsumedMessage;
    expect(String(letter.headers['dlq_reason'])).toMatch(/advice/i);
  });

  function adviceEvent(caseId: string, assessmentId: string, adviceRequestId: string, on: string): IntegrationEvent<Record<string, unknown>> {
    const adviceId = randomUUID();
    return {
      id: randomUUID(),
      source: '/tio/health',
      type: 'advice.submitted.v1',
      subject: caseId,
      time: `${on}T10:00:00.000Z`,
      correlationId: randomUUID(),
      actor: { userId: 'paediatrician-7', organisationId: 'nhs-trust-rxk', agency: 'health', role: 'practitioner' },
      data: {
        caseId, assessmentId, agency: 'health', adviceType: 'medical', adviceRequestId, adviceId, version: 1,
        by: { userRef: 'paediatrician-7', organisationRef: 'nhs-trust-rxk' }, idempotencyKey: randomUUID(), fingerprint: 'f',
        submittedOn: on, sections: [{ heading: 'Health needs', text: 'Asthma, managed.' }], citations: [],
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

});
