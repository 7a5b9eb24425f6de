import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';

// Tribunal orders and their clocks through the case service (real PostgreSQL event store, HTTP via supertest).
describe('tribunal orders end to end (regs 44-45)', () => {
  const LA = 'E10000028';
  const prefix = `tribunal-e2e-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);
  const status = async (caseId: string, asOf: string) => (await request(service.server).get(`/cases/${caseId}?asOf=${asOf}`).set(auth(officer)).expect(200)).body.status;

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-t' });
  });
  afterAll(() => service?.close());

  it('reg 45: the clocks run from the LA’s notice to the Tribunal; reg 44(3): an absence of 2 weeks excuses 2 weeks, a missed appointment nothing', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-not-to-assess`, { at: '2026-02-02' }).expect(200);
    // the LA tells the Tribunal on Mon 2 Mar 2026 that it will not oppose the appeal against its refusal to assess
    const orderId = randomUUID();
    await post(`/cases/${caseId}/tribunal-orders`, { at: '2026-03-02', orderId, regulation: 'reg 45', kind: 'assess' }).expect(201);
    const s = await status(caseId, '2026-03-03');
    // 2 Mar + 2 weeks = 16 Mar; + 14 weeks (98 days: 29 to 31 Mar, 30 in Apr, 31 in May, 8 into Jun) = 8 Jun 2026
    const step = (st: { deadlines: Array<{ id: string }> }, name: string) => st.deadlines.find((d) => d.id === `tribunal:${orderId}:${name}`);
    expect(step(s, 'confirm-assessment')).toMatchObject({ regulation: 'reg 45', startsOn: '2026-03-02', dueOn: '2026-03-16', status: 'open' });
    expect(s.finalPlan).toMatchObject({ id: `tribunal:${orderId}:final-plan`, dueOn: '2026-06-08' });
    // the request's own 20 weeks (from 5 Jan 2026: 25 May 2026) ended with the refusal
    expect(s.deadlines.find((d: { id: string }) => d.id === 'final-plan')).toMatchObject({ dueOn: '2026-05-25', status: 'lapsed' });

    const missed = await post(`/cases/${caseId}/exceptions`, { at: '2026-03-20', limit: 'tribunal', tribunalOrderId: orderId, reason: 'missed-appointment', fromOn: '2026-03-10' }).expect(409);
    expect(missed.body.detail).toMatch(/reg 44\(3\) allows no "missed-appointment"/);
    // away 3-16 Mar 2026: 14 days counted inclusively, the 2 weeks reg 44(3)(b) asks for
    await post(`/cases/${caseId}/exceptions`, { at: '2026-03-20', limit: 'tribunal', tribunalOrderId: orderId, reason: 'absent-from-area', fromOn: '2026-03-03', toOn: '2026-03-16' }).expect(201);
    // the confirmation due 16 Mar is excused until 30 Mar (16 Mar + 14 days), overdue after it
    expect(step(await status(caseId, '2026-03-21'), 'confirm-assessment')).toMatchObject({ status: 'open', exceptionApplied: true, excusedUntil: '2026-03-30' });
    expect(step(await status(caseId, '2026-03-31'), 'confirm-assessment')).toMatchObject({ status: 'overdue' });
  });
});
