import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, publishAdviceRequest, TestBus } from '@tio/agency-kit/testing';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { educationService } from './service';

describe('education service: the graduated response record and educational advice', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  const school = 'urn:school:100001';
  let service: TestService;
  let bus: TestBus;
  let senco: string;
  let otherSchool: string;
  let ep: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    service = await startTestService(educationService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    senco = await tokenFor({ agency: 'education', roles: ['practitioner'], userId: 'senco-4', organisationId: school });
    otherSchool = await tokenFor({ agency: 'education', roles: ['practitioner'], userId: 'senco-9', organisationId: 'urn:school:100234' });
    ep = await tokenFor({ agency: 'education', roles: ['practitioner'], userId: 'ep-3', organisationId: 'LA-EPS' });
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('keeps the assess-plan-do-review cycles in order, then gives educational and psychological advice citing each other', async () => {
    const pupil = `child:${randomUUID().slice(0, 6)}`;
    const path = `/schools/${school}/pupils/${pupil}/graduated-response`;
    const step = (body: object, token = senco) => request(service.server).post(`${path}/steps`).set(auth(token)).send(body);

    await step({ step: 'assess', on: '2025-09-15', summary: 'Reading age 2 years below', evidenceRefs: ['mis:assessment:2291'] }).expect(201);
    expect((await step({ step: 'do', on: '2025-09-20', summary: 'x' }).expect(409)).body).toMatchObject({ code: 'graduated-response-order', details: { expected: 'plan' } });
    expect((await step({ step: 'plan', on: '2025-09-22', summary: 'x' }, otherSchool).expect(403)).body.detail).toMatch(/only urn:school:100001/);
    expect((await step({ step: 'plan', summary: 'x', evidenceRefs: ['Jane Smith'] }).expect(400)).body.errors[0].field).toMatch(/evidenceRefs/);
    await step({ step: 'plan', on: '2025-09-22', summary: 'Daily reading intervention, 6 weeks', evidenceRefs: ['mis:provision-map:77'] }).expect(201);
    await step({ step: 'do', on: '2025-09-29', summary: 'Intervention delivered by TA' }).expect(201);
    expect((await step({ step: 'review', on: '2025-11-10', summary: 'Little progress' }).expect(409)).body.code).toBe('invalid-graduated-response-step');
    const reviewed = await step({ step: 'review', on: '2025-11-10', summary: 'Little progress', outcome: 'request-ehc-assessment' }).expect(201);
    expect(reviewed.body).toMatchObject({ nextStep: 'assess', cycles: [{ cycle: 1, status: 'reviewed', outcome: 'request-ehc-assessment' }] });
    // the school's own record: another school, the EP service and a health practitioner get the same 403 whether or
    // not a record exists; the school and an auditor read it; every read and refusal is in the access log
    const health = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'nurse-1', organisationId: 'nhs-trust-rlj' });
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-gr', organisationId: 'ofsted' });
    for (const stranger of [otherSchool, ep, health]) {
      const refused = await request(service.server).get(path).set(auth(stranger)).expect(403);
      const unknown = await request(service.server).get(`/schools/${school}/pupils/child:none-${randomUUID().slice(0, 6)}/graduated-response`).set(auth(stranger)).expect(403);
      expect(unknown.body.detail).toBe(refused.body.detail);
    }
    await request(service.server).get(path).set(auth(auditor)).expect(200);
    const log = await request(service.server).get('/access-log').set(auth(auditor)).expect(200);
    const reads = (log.body.entries as { action: string; detail: { outcome: string; childRef?: string } }[]).filter((e) => e.action === 'graduated-response' && e.detail.childRef === pupil);
    expect(reads.filter((e) => e.detail.outcome === 'denied')).toHaveLength(3);
    expect(reads.filter((e) => e.detail.outcome === 'allowed')).toHaveLength(1);
    const record = await request(service.server).get(path).set(auth(senco)).expect(200);
    expect(record.body.cycles[0].steps.map((s: { step: string }) => s.step)).toEqual(['assess', 'plan', 'do', 'review']);
    expect(record.body.cycles[0].steps[0]).toMatchObject({ evidenceRefs: ['mis:assessment:2291'], by: { userRef: 'senco-4', organisationRef: school } });

    const educational = await publishAdviceRequest(bus, { agency: 'education', adviceType: 'educational' });
    const psychological = await publishAdviceRequest(bus, { agency: 'education', adviceType: 'psychological', caseId: educational.caseId, assessmentId: educational.assessmentId, newCase: false });
    await eventually('both education requests', async () => {
      const res = await request(service.server).get(`/cases/${educational.caseId}/advice-requests`).set(auth(senco));
      return res.status === 200 && res.body.requests.length === 2;
    });
    const epAdvice = await request(service.server)
      .post(`/cases/${educational.caseId}/advice`).set(auth(ep)).set('Idempotency-Key', 'ep-advice-000001')
      .send({ adviceRequestId: psychological.adviceRequestId, adviceType: 'psychological', sections: [{ heading: 'Cognition and learning', text: 'Phonological processing weak.' }] })
      .expect(201);
    const schoolAdvice = await request(service.server)
      .post(`/cases/${educational.caseId}/advice`).set(auth(senco)).set('Idempotency-Key', 'senco-advice-001')
      .send({
        adviceRequestId: educational.adviceRequestId, adviceType: 'educational',
        sections: [{ heading: 'Graduated response', text: `One cycle of SEN support; record ${path}.` }],
        citations: [{ adviceId: epAdvice.body.adviceId }],
      })
      .expect(201);
    expect(schoolAdvice.body).toMatchObject({ agency: 'education', adviceType: 'educational', version: 1 });
    const view = await request(service.server).get(`/cases/${educational.caseId}/advice`).set(auth(senco)).expect(200);
    expect(view.body.advice.map((a: { adviceType: string }) => a.adviceType).sort()).toEqual(['educational', 'psychological']);
    expect(view.body.advice.find((a: { adviceType: string }) => a.adviceType === 'educational').citations).toEqual([{ adviceId: epAdvice.body.adviceId, agency: 'education' }]);
  });
});
