import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { TOPICS } from '@tio/contracts';
import { KEY_STORE } from '@tio/event-sourcing';
import { DeadLetterSealer } from '@tio/personal-data';
import { holdEventAppends, startTestService, tokenFor, type TestService } from '@tio/testing';
import { Pool } from 'pg';
import { AgencyAdviceModule } from './agency-advice.module';
import { publishAdviceRequest, type RequestedAdvice } from './testing/case-fixtures';
import { eventually, integrationEvent, TestBus } from './testing/test-bus';

@Module({ imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: 'kit-health', defaultPort: 0, inboundMaxAttempts: 2 })] })
class KitHealthModule {}

const definition = { name: 'kit-health', title: 'Tell It Once: agency kit test', description: 'The agency kit on its own, as health.', module: KitHealthModule };
const NHS = { userId: 'dr-okafor', organisationId: 'RXK', agency: 'health', role: 'practitioner' } as const;

describe('agency kit: tell it once, for health', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;
  let pool: Pool;
  let doctor: string;
  let teacher: string;
  let medical: RequestedAdvice;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const submit = (r: RequestedAdvice, key: string, body: Record<string, unknown> = {}, token = doctor) =>
    request(service.server)
      .post(`/cases/${r.caseId}/advice`)
      .set(auth(token))
      .set('Idempotency-Key', key)
      .send({ adviceRequestId: r.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Medical needs', text: 'Asthma, well controlled.' }], ...body });
  const requested = (r: RequestedAdvice) =>
    eventually(`request ${r.adviceRequestId}`, async () => {
      const res = await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(doctor));
      return res.status === 200 && res.body.requests.find((x: { adviceRequestId: string }) => x.adviceRequestId === r.adviceRequestId);
    });
  const adviceOn = (caseId: string) => request(service.server).get(`/cases/${caseId}/advice`).set(auth(doctor)).expect(200);
  const eventsIn = async (caseId: string) =>
    (await pool.query(`SELECT type FROM event_store.events WHERE stream_name LIKE $1 ORDER BY global_position`, [`advice-${caseId}-%`])).rows.map((r) => r.type);

  beforeAll(async () => {
    service = await startTestService(definition, { KAFKA_TOPIC_PREFIX: prefix });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: NHS.userId, organisationId: NHS.organisationId });
    teacher = await tokenFor({ agency: 'education', roles: ['practitioner'], userId: 'senco-1', organisationId: 'urn:school:100001' });
    medical = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await requested(medical);
  });
  afterAll(async () => {
    await bus?.close();
    await pool?.end();
    await service?.close();
  });

  it('lists what the case asked this agency for, with the due date', async () => {
    const res = await request(service.server).get(`/cases/${medical.caseId}/advice-requests`).set(auth(doctor)).expect(200);
    expect(res.body).toMatchObject({
      caseId: medical.caseId,
      agency: 'health',
      requests: [{ adviceRequestId: medical.adviceRequestId, assessmentId: medical.assessmentId, adviceType: 'medical', dueOn: medical.dueOn, status: 'open' }],
    });
    // an unknown case: a practitioner is refused exactly as for a case they are not involved in (no existence leak);
    // an auditor, who may read every case, learns it is unknown
    const unknown = randomUUID();
    await request(service.server).get(`/cases/${unknown}/advice-requests`).set(auth(doctor)).expect(403);
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'inspector-1', organisationId: 'ofsted' });
    await request(service.server).get(`/cases/${unknown}/advice-requests`).set(auth(auditor)).expect(404);
  });

  it('shows a case only to organisations involved in it, refuses the rest with a 403, and logs every read and refusal in a verified chain', async () => {
    const named = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RXK' });
    const as = async (who: { agency: string; org: string; roles?: ('practitioner' | 'case-officer' | 'auditor' | 'service')[] }) =>
      auth(await tokenFor({ agency: who.agency as 'health', roles: who.roles ?? ['practitioner'], userId: `u-${who.org}`, organisationId: who.org }));
    const named1 = await as({ agency: 'health', org: 'RXK' });
    await eventually('the named request', async () => (await request(service.server).get(`/cases/${named.caseId}/advice-requests`).set(named1)).status === 200);
    const get = (path: string, headers: Record<string, string>) => request(service.server).get(`/cases/${named.caseId}${path}`).set(headers);

    // allowed: the named adviser, the responsible local authority, auditors, the service identity
    await get('/advice-requests', { ...named1, 'X-Access-Reason': 'preparing the medical advice' }).expect(200);
    await get('/advice', await as({ agency: 'local-authority', org: 'E10000028', roles: ['case-officer'] })).expect(200);
    await get('/advice', await as({ agency: 'system', org: 'ofsted', roles: ['auditor'] })).expect(200);
    await get('/advice-requests', await as({ agency: 'system', org: 'tio-case', roles: ['service'] })).expect(200);
    // refused: another NHS trust (the request names RXK), another agency, another local authority
    const otherTrust = await as({ agency: 'health', org: 'RYJ' });
    const refusal = await get('/advice-requests', otherTrust).expect(403);
    expect(refusal.body.detail).toContain('Your organisation (RYJ, health) is not involved in case');
    await get('/advice', await as({ agency: 'education', org: 'urn:school:100001' })).expect(403);
    await get('/advice/medical/history', await as({ agency: 'local-authority', org: 'E09000033', roles: ['case-officer'] })).expect(403);
    // a trust that is not involved may not write either
    await submit(named, `k-${randomUUID()}`, {}, await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'u-RYJ', organisationId: 'RYJ' })).set(otherTrust).expect(403);
    // the named adviser writes, and stays involved
    await submit(named, `k-${randomUUID()}`, {}, await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'u-RXK', organisationId: 'RXK' })).expect(201);

    // the access log: auditors only, every read and refusal of the case, a valid chain
    await request(service.server).get(`/access-log?caseId=${named.caseId}`).set(named1).expect(403);
    const auditor = await as({ agency: 'system', org: 'ofsted', roles: ['auditor'] });
    const log = (await request(service.server).get(`/access-log?caseId=${named.caseId}&limit=1000`).set(auditor).expect(200)).body;
    const seen = log.entries.map((e: { organisationId: string; action: string; detail: { outcome: string } }) => `${e.organisationId} ${e.action} ${e.detail.outcome}`);
    expect(seen).toEqual(expect.arrayContaining([
      'RXK advice-requests allowed', 'E10000028 advice allowed', 'ofsted advice allowed', 'tio-case advice-requests allowed',
      'RYJ advice-requests denied', 'urn:school:100001 advice denied', 'E09000033 advice-history denied', 'RYJ advice-write denied',
    ]));
    expect(log.entries.find((e: { detail: { reason?: string } }) => e.detail.reason === 'preparing the medical advice')).toBeDefined();
    expect(log.verification).toMatchObject({ valid: true });
    // tampering with a row breaks the chain
    await pool.query(`UPDATE agency_access_log SET organisation_id = 'someone-else' WHERE seq = (SELECT min(seq) FROM agency_access_log WHERE case_id = $1)`, [named.caseId]);
    expect((await request(service.server).get('/access-log?limit=1').set(auditor).expect(200)).body.verification).toMatchObject({ valid: false, firstBreak: { reason: 'hash-mismatch' } });
  });

  it('accepts requested advice once: a retry with the same key gets the same answer and records nothing twice', async () => {
    const first = await submit(medical, 'nhs-submit-0001').expect(201);
    expect(first.body).toMatchObject({ caseId: medical.caseId, agency: 'health', adviceType: 'medical', version: 1, status: 'submitted', replayed: false });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // the replay answers as the first did (the same status and body), marked by the Idempotent-Replayed header
    const retry = await submit(medical, 'nhs-submit-0001').expect(201);
    expect({ ...retry.body, replayed: false }).toEqual(first.body);
    expect(retry.body.replayed).toBe(true);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await eventsIn(medical.caseId)).toEqual(['advice.submitted.v1']);

    const reused = await submit(medical, 'nhs-submit-0001', { sections: [{ heading: 'Medical needs', text: 'Something else' }] }).expect(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({ status: 422, code: 'idempotency-key-reused', instance: `/cases/${medical.caseId}/advice` });
    const again = await submit(medical, 'nhs-submit-0002').expect(409);
    expect(again.body.code).toBe('advice-already-submitted');
    expect(await eventsIn(medical.caseId)).toEqual(['advice.submitted.v1']);

    const requests = await request(service.server).get(`/cases/${medical.caseId}/advice-requests`).set(auth(doctor)).expect(200);
    expect(requests.body.requests[0]).toMatchObject({ status: 'answered', advice: { adviceId: first.body.adviceId, version: 1 } });
  });

  it('answers 409 idempotency-key-in-flight to a retry sent while the first submission is still being recorded, then the first answer', async () => {
    const asked = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await requested(asked);
    const key = `nhs-in-flight-${randomUUID().slice(0, 8)}`;
    // both submissions reach their append, which waits on a lock the test holds: the second arrives while the first is in flight
    const held = await holdEventAppends(service.databaseUrl);
    let answers: request.Response[];
    try {
      const first = submit(asked, key).then((r) => r);
      await held.blocked(1);
      const second = submit(asked, key).then((r) => r);
      await held.blocked(2);
      await held.release();
      answers = await Promise.all([first, second]);
    } finally {
      await held.release().catch(() => undefined);
    }
    const [recorded, refused] = answers.sort((a, b) => a.status - b.status);
    expect([recorded.status, refused.status]).toEqual([201, 409]);
    expect(refused.body).toMatchObject({ status: 409, code: 'idempotency-key-in-flight', instance: `/cases/${asked.caseId}/advice` });
    const retry = await submit(asked, key).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.adviceId).toBe(recorded.body.adviceId);
    expect(await eventsIn(asked.caseId)).toEqual(['advice.submitted.v1']);
  });

  it('refuses advice nobody asked for (409), advice of another agency’s type (422) and writers from another agency (403)', async () => {
    const notAsked = await submit({ ...medical, adviceRequestId: randomUUID() }, 'nhs-unasked-01').expect(409);
    expect(notAsked.body.code).toBe('advice-not-requested');
    const wrongType = await submit(medical, 'nhs-wrongtype-01', { adviceType: 'educational' }).expect(422);
    expect(wrongType.body.code).toBe('agency-cannot-give-advice');
    expect(wrongType.body.detail).toMatch(/health cannot give educational advice/);
    // a school not involved in the case is refused by the involvement rule; an involved writer of another agency
    // (the responsible LA's caseworker) by the agency rule
    expect((await submit(medical, 'edu-writes-01', {}, teacher).expect(403)).body.detail).toMatch(/is not involved in case/);
    const laCaseworker = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], userId: 'la-caseworker-1', organisationId: 'E10000028' });
    const wrongAgency = await submit(medical, 'la-writes-01', {}, laCaseworker).expect(403);
    expect(wrongAgency.body).toMatchObject({ code: 'wrong-agency' });
    expect(wrongAgency.body.detail).toMatch(/only health practitioners/);
    const noKey = await request(service.server).post(`/cases/${medical.caseId}/advice`).set(auth(doctor)).send({ adviceRequestId: medical.adviceRequestId, adviceType: 'medical', sections: [] }).expect(400);
    expect(JSON.stringify(noKey.body)).toMatch(/Idempotency-Key/);
    const bad = await submit(medical, 'nhs-bad-body-01', { sections: [{ heading: '' }], colour: 'red' }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/sections/);
  });

  it('corrects by a new version that supersedes the old; the history keeps both with who, when and why', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', caseId: medical.caseId, newCase: false, assessmentId: randomUUID() });
    await requested(r);
    const v1 = await submit(r, 'nhs-v1-000001', { sections: [{ heading: 'Medication', text: 'Salbutamol' }] }).expect(201);
    const nurse = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'nurse-7', organisationId: 'RXK' });
    const correct = (key: string, body: Record<string, unknown>) =>
      request(service.server).post(`/cases/${r.caseId}/advice/medical/corrections`).set(auth(nurse)).set('Idempotency-Key', key).send({ assessmentId: r.assessmentId, ...body });
    const v2 = await correct('nhs-v2-000001', { reason: 'Wrong medication named', correctsVersion: 1, sections: [{ heading: 'Medication', text: 'Beclometasone' }] }).expect(201);
    expect(v2.body).toMatchObject({ adviceId: v1.body.adviceId, version: 2, status: 'submitted' });
    const stale = await correct('nhs-v2-000002', { reason: 'again', correctsVersion: 1, sections: [{ heading: 'Medication', text: 'Other' }] }).expect(409);
    expect(stale.body.code).toBe('stale-advice-version');

    const history = await request(service.server).get(`/cases/${r.caseId}/advice/medical/history?assessmentId=${r.assessmentId}`).set(auth(doctor)).expect(200);
    expect(history.body).toMatchObject({ status: 'submitted', currentVersion: 2, adviceRequestId: r.adviceRequestId });
    expect(history.body.versions).toMatchObject([
      { version: 1, kind: 'submitted', by: { userRef: 'dr-okafor', organisationRef: 'RXK' }, sections: [{ text: 'Salbutamol' }], status: 'superseded' },
      { version: 2, kind: 'corrected', by: { userRef: 'nurse-7' }, reason: 'Wrong medication named', sections: [{ text: 'Beclometasone' }], status: 'current' },
    ]);
    expect(history.body.versions[0].supersededOn).toBeDefined();

    const all = await adviceOn(r.caseId);
    const mine = all.body.advice.find((a: { adviceId: string }) => a.adviceId === v1.body.adviceId);
    expect(mine).toMatchObject({ agency: 'health', currentVersion: 2, status: 'current', headings: ['Medication'] });
    expect(mine.versions.map((v: { version: number; kind: string }) => `${v.version}:${v.kind}`)).toEqual(['1:submitted', '2:corrected']);

    const withdrawn = await request(service.server)
      .post(`/cases/${r.caseId}/advice/medical/withdrawal`).set(auth(doctor)).set('Idempotency-Key', 'nhs-wd-000001').send({ assessmentId: r.assessmentId, reason: 'Given for the wrong child' })
      .expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 2 });
  });

  it("shows other agencies' advice before you write, and lets you cite it instead of copying it", async () => {
    const epAdviceId = randomUUID();
    await bus.publish(
      TOPICS.educationEvents,
      integrationEvent(
        'advice.submitted.v1',
        medical.caseId,
        {
          caseId: medical.caseId, assessmentId: medical.assessmentId, agency: 'education', adviceType: 'psychological', adviceRequestId: randomUUID(), adviceId: epAdviceId,
          version: 1, by: { userRef: 'ep-3', organisationRef: 'LA-EPS' }, idempotencyKey: 'k', fingerprint: 'f', submittedOn: '2026-02-20',
          sections: [{ heading: 'Cognition and learning', text: 'Working memory below average.' }], citations: [],
        },
        { source: '/tio/education', actor: { userId: 'ep-3', organisationId: 'LA-EPS', agency: 'education', role: 'practitioner' } },
      ),
    );
    const seen = await eventually('education advice in the view', async () => {
      const res = await adviceOn(medical.caseId);
      return res.body.advice.find((a: { adviceId: string }) => a.adviceId === epAdviceId);
    });
    expect(seen).toMatchObject({ agency: 'education', adviceType: 'psychological', currentVersion: 1, headings: ['Cognition and learning'], firstSubmittedOn: '2026-02-20', status: 'current' });
    expect(JSON.stringify(seen)).not.toMatch(/Working memory/); // headings only: the text stays with its author

    const cited = await request(service.server)
      .post(`/cases/${medical.caseId}/advice/medical/corrections`).set(auth(doctor)).set('Idempotency-Key', 'nhs-cite-00001')
      .send({ assessmentId: medical.assessmentId, reason: 'Refer to the EP report', sections: [{ heading: 'Medical needs', text: 'Asthma; see the EP advice for learning.' }], citations: [{ adviceId: epAdviceId, version: 1 }] })
      .expect(201);
    expect(cited.body.version).toBe(2);
    const history = await request(service.server).get(`/cases/${medical.caseId}/advice/medical/history?assessmentId=${medical.assessmentId}`).set(auth(doctor)).expect(200);
    expect(history.body.versions[1].citations).toEqual([{ adviceId: epAdviceId, version: 1, agency: 'education' }]);
    const unknown = await request(service.server)
      .post(`/cases/${medical.caseId}/advice/medical/corrections`).set(auth(doctor)).set('Idempotency-Key', 'nhs-cite-00002')
      .send({ assessmentId: medical.assessmentId, reason: 'x', sections: [{ heading: 'Medical needs', text: 'y' }], citations: [{ adviceId: randomUUID() }] })
      .expect(422);
    expect(unknown.body.code).toBe('invalid-citation');
  });

  it('records advice from the NHS system on the inbound topic; dead-letters a malformed message with its reason and carries on', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await requested(r);
    const r2 = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await requested(r2);
    const payload = (x: RequestedAdvice) => ({
      caseId: x.caseId, adviceRequestId: x.adviceRequestId, externalReference: `NHS-RX-${x.caseId.slice(0, 6)}`, submittedAt: '2026-02-27T10:00:00.000Z',
      authorName: 'Dr A. Patel', authorRole: 'Designated Medical Officer', sections: [{ heading: 'Medical needs', text: 'Epilepsy; rescue medication plan attached.' }],
    });
    const fromNhs = (x: RequestedAdvice, data: unknown, type = 'health.advice-submitted.v1') =>
      integrationEvent(type, x.caseId, data, { source: '/nhs/rxk/epr', actor: { userId: 'system:rxk-epr', organisationId: 'RXK', agency: 'health', role: 'system' } });

    const { sections: _s, ...noSections } = payload(r);
    await bus.publish(TOPICS.healthInbound, fromNhs(r, { ...noSections, submittedAt: 'yesterday' }), 'nhs-msg-bad-0001');
    await bus.publish(TOPICS.healthInbound, fromNhs(r, payload(r)), 'nhs-msg-0000001');
    await bus.publish(TOPICS.healthInbound, fromNhs(r, payload(r)), 'nhs-msg-0000001'); // the system retried
    await bus.publish(TOPICS.healthInbound, integrationEvent('health.lab-result.v1', r2.caseId, { x: 1 }), 'nhs-msg-unknown1');
    await bus.publish(TOPICS.healthInbound, fromNhs(r2, payload(r2)), 'nhs-msg-0000002');

    for (const x of [r, r2]) {
      const recorded = await eventually(`inbound advice for ${x.caseId}`, async () => {
        const res = await adviceOn(x.caseId);
        return res.body.advice.find((a: { agency: string }) => a.agency === 'health');
      });
      expect(recorded).toMatchObject({ adviceType: 'medical', currentVersion: 1, adviceRequestId: x.adviceRequestId, firstSubmittedOn: '2026-02-27' });
    }
    expect(await eventsIn(r.caseId)).toEqual(['advice.submitted.v1']);

    await bus.publish(
      TOPICS.healthInbound,
      fromNhs(r, {
        caseId: r.caseId, adviceRequestId: r.adviceRequestId, externalReference: `NHS-RX-${r.caseId.slice(0, 6)}`, correctionReference: 'c1', correctedAt: '2026-03-02T09:00:00.000Z',
        authorRef: 'rx-user-2207', authorRole: 'Designated Medical Officer', reason: 'Dose updated', correctsVersion: 1, sections: [{ heading: 'Medical needs', text: 'Epilepsy; new dose.' }],
      }, 'health.advice-corrected.v1'),
    );
    const history = await eventually('the inbound correction', async () => {
      const res = await request(service.server).get(`/cases/${r.caseId}/advice/medical/history`).set(auth(doctor));
      return res.body.currentVersion === 2 && res.body;
    });
    expect(history.versions[0].by).toEqual({ userRef: 'system:rxk-epr', organisationRef: 'RXK' });
    expect(history.versions[1]).toMatchObject({ kind: 'corrected', reason: 'Dose updated', by: { userRef: 'rx-user-2207' }, on: '2026-03-02' });
    expect(JSON.stringify(history)).not.toMatch(/Patel/); // names stay out of the events

    // the two letters have different keys, so they may sit on different partitions of the DLQ: find them by key
    const letters = await bus.deadLetters(TOPICS.healthInbound, (l) => l.length >= 2, 30_000, new DeadLetterSealer(service.app.get(KEY_STORE)).unseal);
    const byKey = (key: string) => letters.find((l) => l.key === key);
    expect(byKey('nhs-msg-bad-0001')?.reason).toMatch(/validation failed: .*submittedAt.*sections/);
    expect(byKey('nhs-msg-unknown1')?.reason).toMatch(/unknown event type health.lab-result.v1/);
  });

  it("lists the organisation's worklist across cases: the requests it may answer under the case rule, overdue ones flagged, answered ones only when asked for", async () => {
    const trust = `RW${randomUUID().slice(0, 4)}`;
    const token = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dr-worklist', organisationId: trust });
    const named = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: trust, dueOn: '2026-01-05' });
    const elsewhere = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RYJ' });
    const unnamed = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', dueOn: '2999-01-01' });
    const list = async (query = '') => (await request(service.server).get(`/advice-requests${query}`).set(auth(token)).expect(200)).body;
    const ids = (body: { requests: Array<{ adviceRequestId: string }> }) => body.requests.map((r) => r.adviceRequestId);
    const body = await eventually('the worklist', async () => {
      const b = await list();
      return ids(b).includes(named.adviceRequestId) && ids(b).includes(unnamed.adviceRequestId) && b;
    });
    expect(body).toMatchObject({ agency: 'health', organisationId: trust });
    // another trust's named request is not this trust's, whatever the case
    expect(ids(body)).not.toContain(elsewhere.adviceRequestId);
    expect(body.requests.find((r: { adviceRequestId: string }) => r.adviceRequestId === named.adviceRequestId)).toMatchObject({
      caseId: named.caseId, dueOn: '2026-01-05', status: 'open', overdue: true, ground: 'named-adviser',
    });
    expect(body.requests.find((r: { adviceRequestId: string }) => r.adviceRequestId === unnamed.adviceRequestId)).toMatchObject({ status: 'open', overdue: false, daysOverdue: 0, ground: 'agency-advice-request' });
    // overdue first: ordered by due date
    expect(ids(body).indexOf(named.adviceRequestId)).toBeLessThan(ids(body).indexOf(unnamed.adviceRequestId));

    // answered: off the open list, on the full list with its advice; the case's own rule still lets the author in
    await submit(named, `k-${randomUUID()}`, {}, token).expect(201);
    expect(ids(await list())).not.toContain(named.adviceRequestId);
    const all = await list('?status=all');
    expect(all.requests.find((r: { adviceRequestId: string }) => r.adviceRequestId === named.adviceRequestId)).toMatchObject({ status: 'answered', overdue: false, advice: { version: 1, status: 'current' } });
    // answered by another trust: an unnamed request leaves this trust's list, as the case-scoped routes stop letting it in
    await submit(unnamed, `k-${randomUUID()}`, {}, await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'u-other', organisationId: `RO${randomUUID().slice(0, 4)}` })).expect(201);
    expect(ids(await list('?status=all'))).not.toContain(unnamed.adviceRequestId);

    // the query is validated; another agency's practitioner sees none of health's requests; auditors have no worklist
    const bad = await request(service.server).get('/advice-requests?status=closed').set(auth(token)).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('status');
    expect((await request(service.server).get('/advice-requests').set(auth(teacher)).expect(200)).body.requests).toEqual([]);
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'inspector-1', organisationId: 'ofsted' });
    await request(service.server).get('/advice-requests').set(auth(auditor)).expect(403);
  });

  it('publishes its advice events to Kafka through the forwarder (on the agency topic)', async () => {
    const published = await bus.consumeUntil([TOPICS.healthEvents, TOPICS.caseEvents], (m) => m.type === 'advice.submitted.v1' && m.subject === medical.caseId, 20_000);
    expect(published.topic).toBe(TOPICS.healthEvents);
  });
});
