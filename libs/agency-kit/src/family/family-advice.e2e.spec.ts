import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { TOPICS } from '@tio/contracts';
import { startTestService, testCitizenSubject, tokenFor, type TestService } from '@tio/testing';
import { AgencyAdviceModule } from '../agency-advice.module';
import { publishAdviceRequest, type RequestedAdvice } from '../testing/case-fixtures';
import { eventually, integrationEvent, TestBus } from '../testing/test-bus';

@Module({ imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: 'kit-health-family', defaultPort: 0 })] })
class KitHealthFamilyModule {}

const definition = { name: 'kit-health-family', title: 'Tell It Once: the family reads the advice', description: 'The agency kit as health, for the family route.', module: KitHealthFamilyModule };
const JO = testCitizenSubject('family-jo');
const STRANGER = testCitizenSubject('family-stranger');

// The family reads the advice itself (issue #21), with the real PostgreSQL and Kafka: before the draft a linked
// family gets none, after a share only that advice, after the draft all but the withheld one; an unlinked family
// member and a practitioner are refused, and every read and refusal is in the access log.
describe('agency kit: the family reads the advice (GET /cases/:caseId/family/advice)', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;
  let doctor: string;
  let jo: string;
  let stranger: string;
  const advice: Record<'a' | 'b' | 'c', RequestedAdvice & { adviceId?: string }> = {} as never;
  let caseId: string;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const familyAdvice = (token: string) => request(service.server).get(`/cases/${caseId}/family/advice`).set(auth(token));
  const publishCase = (type: string, data: Record<string, unknown>) => bus.publish(TOPICS.caseEvents, integrationEvent(type, caseId, { caseId, ...data }));
  const idsSeen = async (token: string) => ((await familyAdvice(token).expect(200)).body.advice as Array<{ adviceId: string }>).map((a) => a.adviceId).sort();

  beforeAll(async () => {
    service = await startTestService(definition, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dr-okafor', organisationId: 'RXK' });
    jo = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: JO });
    stranger = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: STRANGER });
    // one case, three medical requests (three assessments): a and b plain, c withheld from the family
    advice.a = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RXK' });
    caseId = advice.a.caseId;
    advice.b = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RXK', caseId });
    advice.c = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RXK', caseId });
    await eventually('the three requests', async () => {
      const res = await request(service.server).get(`/cases/${caseId}/advice-requests`).set(auth(doctor));
      return res.status === 200 && res.body.requests.length === 3;
    });
    const submit = async (r: RequestedAdvice, text: string, extra: Record<string, unknown> = {}) =>
      (await request(service.server).post(`/cases/${caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', `fam-${randomUUID()}`)
        .send({ adviceRequestId: r.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Health needs', text }], ...extra }).expect(201)).body.adviceId as string;
    advice.a.adviceId = await submit(advice.a, 'Asthma, well controlled.');
    advice.b.adviceId = await submit(advice.b, 'Eczema; needs cream at lunch.');
    advice.c.adviceId = await submit(advice.c, 'A matter the family must not see.', { withheldFromFamily: { reason: 'serious-harm' } });
    // a is corrected: the family reads the current version
    await request(service.server).post(`/cases/${caseId}/advice/medical/corrections`).set(auth(doctor)).set('Idempotency-Key', `fam-${randomUUID()}`)
      .send({ assessmentId: advice.a.assessmentId, reason: 'Inhaler named', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled with a blue inhaler.' }] }).expect(201);
    await publishCase('ehc.family-member-linked.v1', { invitationId: randomUUID(), subject: JO, relationship: 'parent', linkedOn: '2026-01-08' });
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('before the draft plan: a linked parent reads nothing yet', async () => {
    await eventually('the link', async () => (await familyAdvice(jo)).status === 200);
    expect((await familyAdvice(jo).expect(200)).body).toEqual({ caseId, agency: 'health', advice: [] });
  });

  it('after the council shares advice early: only the advice named, never withheld advice even when named', async () => {
    await publishCase('ehc.advice-shared-with-family.v1', {
      shareId: randomUUID(), scope: 'listed', adviceIds: [advice.b.adviceId, advice.c.adviceId], sharedBy: { userId: 'priya', organisationId: 'E10000028' }, sharedOn: '2026-02-20',
    });
    await eventually('the share', async () => (await idsSeen(jo)).length > 0);
    const body = (await familyAdvice(jo).expect(200)).body;
    expect(body.advice).toEqual([
      expect.objectContaining({ adviceId: advice.b.adviceId, agency: 'health', adviceType: 'medical', organisationName: 'a health service', byFamily: false, version: 1, status: 'given',
        sections: [{ heading: 'Health needs', text: 'Eczema; needs cream at lunch.' }], shownBecause: 'advice-shared-early' }),
    ]);
  });

  it('after the draft plan: every advice but the withheld one, in its current version; a withdrawal shows as withdrawn', async () => {
    await publishCase('ehc.draft-plan-issued.v1', { planId: randomUUID(), issuedOn: '2026-03-02', commentsDueOn: '2026-03-17' });
    await eventually('the draft', async () => (await idsSeen(jo)).length === 2);
    expect(await idsSeen(jo)).toEqual([advice.a.adviceId, advice.b.adviceId].sort());
    const a = (await familyAdvice(jo).expect(200)).body.advice.find((x: { adviceId: string }) => x.adviceId === advice.a.adviceId);
    expect(a).toMatchObject({ version: 2, status: 'corrected', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled with a blue inhaler.' }], shownBecause: 'advice-with-draft' });
    expect(JSON.stringify((await familyAdvice(jo)).body)).not.toContain('must not see');

    await request(service.server).post(`/cases/${caseId}/advice/medical/withdrawal`).set(auth(doctor)).set('Idempotency-Key', `fam-${randomUUID()}`)
      .send({ assessmentId: advice.b.assessmentId, reason: 'Given for the wrong child' }).expect(200);
    await eventually('the withdrawal', async () => (await familyAdvice(jo)).body.advice.some((x: { status: string }) => x.status === 'withdrawn'));
    const b = (await familyAdvice(jo).expect(200)).body.advice.find((x: { adviceId: string }) => x.adviceId === advice.b.adviceId);
    expect(b).toMatchObject({ status: 'withdrawn', sections: [] });
    expect(b.withdrawnOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('refuses a family member not linked to the case, and a practitioner (the route is the family’s), the same for an unknown case', async () => {
    const refused = await familyAdvice(stranger).expect(403);
    const unknown = await request(service.server).get(`/cases/${randomUUID()}/family/advice`).set(auth(stranger)).expect(403);
    expect(unknown.body.detail.replace(/[0-9a-f-]{36}/g, '<case>')).toBe(refused.body.detail.replace(/[0-9a-f-]{36}/g, '<case>'));
    await familyAdvice(doctor).expect(403);
    await request(service.server).get(`/cases/not-a-uuid/family/advice`).set(auth(jo)).expect(400);
  });

  it('an unlinked parent no longer reads it', async () => {
    await publishCase('ehc.family-member-unlinked.v1', { subject: JO, reason: 'linked-in-error', unlinkedOn: '2026-03-05' });
    await eventually('the unlink', async () => (await familyAdvice(jo)).status === 403);
  });

  it('writes every family read and refusal to the access log', async () => {
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'inspector-1', organisationId: 'ofsted' });
    const log = (await request(service.server).get(`/access-log?caseId=${caseId}&limit=1000`).set(auth(auditor)).expect(200)).body;
    const seen = log.entries.map((e: { userId: string; action: string; detail: { outcome: string } }) => `${e.userId} ${e.action} ${e.detail.outcome}`);
    expect(seen).toEqual(expect.arrayContaining([`${JO} family-advice allowed`, `${STRANGER} family-advice denied`, `${JO} family-advice denied`]));
    expect(log.entries.find((e: { userId: string; detail: { outcome: string; ground?: string } }) => e.userId === JO && e.detail.outcome === 'allowed').detail.ground).toBe('linked-family-member');
    expect(log.verification).toMatchObject({ valid: true });
  });
});
