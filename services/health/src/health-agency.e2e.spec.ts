import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, publishAdviceRequest, TestBus } from '@tio/agency-kit/testing';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { healthService } from './service';

describe('health service: the responsible NHS commissioning body and medical advice', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;
  let doctor: string;
  let socialWorker: string;
  let laOfficer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    service = await startTestService(healthService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dmo-1', organisationId: 'RXK' });
    socialWorker = await tokenFor({ agency: 'social-care', roles: ['practitioner'], userId: 'sw-1', organisationId: 'E10000028' });
    laOfficer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], userId: 'officer-1', organisationId: 'E10000028' });
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('records the commissioning body per case, keeps every change with who and why, and gives medical advice once', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    const put = (body: object, token = doctor) => request(service.server).put(`/cases/${r.caseId}/commissioning-body`).set(auth(token)).send(body);

    // the doctor's organisation is involved once the case's request to health has reached the service
    await eventually('the medical advice request', async () => (await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(doctor))).status === 200);
    await request(service.server).get(`/cases/${r.caseId}/commissioning-body`).set(auth(doctor)).expect(404);
    await put({ commissioningBodyRef: 'QHM', effectiveFrom: '2026-01-05' }).expect(201);
    expect((await put({ commissioningBodyRef: 'qhm!' }).expect(400)).body.errors[0].field).toBe('commissioningBodyRef');
    expect((await put({ commissioningBodyRef: 'QHM' }).expect(409)).body.code).toBe('same-commissioning-body');
    expect((await put({ commissioningBodyRef: 'QMM', effectiveFrom: '2026-03-01' }).expect(409)).body.code).toBe('invalid-commissioning-body');
    // the responsible LA may read the case, but only health records health's own record
    expect((await put({ commissioningBodyRef: 'QMM', effectiveFrom: '2026-03-01', reason: 'x' }, laOfficer).expect(403)).body.code).toBe('wrong-agency');
    // a social worker whose organisation is not involved in the case neither reads nor writes it (logged, see census.e2e.spec.ts)
    await put({ commissioningBodyRef: 'QMM', effectiveFrom: '2026-03-01', reason: 'x' }, socialWorker).expect(403);
    await request(service.server).get(`/cases/${r.caseId}/commissioning-body`).set(auth(socialWorker)).expect(403);
    // a date after today is refused with 422 naming the field
    const tomorrow = new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);
    expect((await put({ commissioningBodyRef: 'QMM', effectiveFrom: tomorrow, reason: 'Family moving' }).expect(422)).body.errors).toEqual([
      { field: 'effectiveFrom', reasons: [expect.stringContaining('must not be after today')] },
    ]);
    await put({ commissioningBodyRef: 'QMM', effectiveFrom: '2026-03-01', reason: 'Family moved (reg 16)' }).expect(201);
    const body = (await request(service.server).get(`/cases/${r.caseId}/commissioning-body`).set(auth(laOfficer)).expect(200)).body;
    expect(body.current).toEqual({ commissioningBodyRef: 'QMM', effectiveFrom: '2026-03-01' });
    expect(body.history).toMatchObject([
      { commissioningBodyRef: 'QHM', by: { userRef: 'dmo-1' } },
      { commissioningBodyRef: 'QMM', previousRef: 'QHM', reason: 'Family moved (reg 16)' },
    ]);

    await eventually('the medical advice request', async () => {
      const res = await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(doctor));
      return res.status === 200 && res.body.requests.length === 1;
    });
    const dated = await request(service.server)
      .post(`/cases/${r.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', 'dmo-advice-future')
      .send({ adviceRequestId: r.adviceRequestId, adviceType: 'medical', at: tomorrow, sections: [{ heading: 'Medical needs', text: 'Type 1 diabetes; insulin pump.' }] })
      .expect(422);
    expect(dated.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    const advice = await request(service.server)
      .post(`/cases/${r.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', 'dmo-advice-0001')
      .send({ adviceRequestId: r.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Medical needs', text: 'Type 1 diabetes; insulin pump.' }] })
      .expect(201);
    expect(advice.body).toMatchObject({ agency: 'health', adviceType: 'medical', version: 1 });
    const psych = await request(service.server)
      .post(`/cases/${r.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', 'dmo-advice-0002')
      .send({ adviceRequestId: r.adviceRequestId, adviceType: 'psychological', sections: [{ heading: 'x', text: 'y' }] })
      .expect(422);
    expect(psych.body.code).toBe('agency-cannot-give-advice');
  });
});
