import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, publishAdviceRequest, TestBus } from '@tio/agency-kit/testing';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { socialCareService } from './service';

describe('social care service: assessment references and social care advice', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;
  let socialWorker: string;
  let doctor: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    service = await startTestService(socialCareService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    socialWorker = await tokenFor({ agency: 'social-care', roles: ['practitioner'], userId: 'sw-12', organisationId: 'E10000028-CSC' });
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dmo-1', organisationId: 'RXK' });
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('references the social care assessment once and gives social care advice for the request', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'social-care', adviceType: 'social-care' });
    // the doctor is involved in the case too: the LA asked RXK for the medical advice
    await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', caseId: r.caseId, adviserRef: 'RXK' });
    await eventually('both requests known here', async () => (await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(doctor))).status === 200);
    const post = (body: object, token = socialWorker) => request(service.server).post(`/cases/${r.caseId}/social-care-assessments`).set(auth(token)).send(body);
    await post({ assessmentRef: 'LCS:ASM:448812', kind: 'child-in-need', completedOn: '2026-01-20' }).expect(201);
    expect((await post({ assessmentRef: 'LCS:ASM:448812', kind: 'child-in-need' }).expect(409)).body.code).toBe('assessment-already-referenced');
    expect((await post({ assessmentRef: 'Jane Smith', kind: 'carers' }).expect(400)).body.errors[0].field).toBe('assessmentRef');
    expect((await post({ assessmentRef: 'LCS:ASM:1', kind: 'nonsense' }).expect(400)).body.errors[0].field).toBe('kind');
    expect((await post({ assessmentRef: 'LCS:ASM:2', kind: 'carers' }, doctor).expect(403)).body.code).toBe('wrong-agency');
    const list = await request(service.server).get(`/cases/${r.caseId}/social-care-assessments`).set(auth(doctor)).expect(200);
    expect(list.body.assessments).toEqual([{ caseId: r.caseId, assessmentRef: 'LCS:ASM:448812', kind: 'child-in-need', completedOn: '2026-01-20', by: { userRef: 'sw-12', organisationRef: 'E10000028-CSC' } }]);

    await eventually('the social care advice request', async () => {
      const res = await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(socialWorker));
      return res.status === 200 && res.body.requests.length === 1;
    });
    const advice = await request(service.server)
      .post(`/cases/${r.caseId}/advice`).set(auth(socialWorker)).set('Idempotency-Key', 'sw-advice-00001')
      .send({ adviceRequestId: r.adviceRequestId, adviceType: 'social-care', sections: [{ heading: 'Social care needs', text: 'Short breaks; see assessment LCS:ASM:448812.' }] })
      .expect(201);
    expect(advice.body).toMatchObject({ agency: 'social-care', adviceType: 'social-care', version: 1 });
    const view = await request(service.server).get(`/cases/${r.caseId}/advice`).set(auth(doctor)).expect(200);
    expect(view.body.advice).toMatchObject([{ agency: 'social-care', headings: ['Social care needs'], currentVersion: 1 }]);
  });
});
