import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { dateFieldsWithoutFutureRule } from '@tio/contracts';
import { accessLogDenials, caseRouteCensus, caseScopedRoutes, controllerDtos, openApiCensus, REFUSED_AND_LOGGED, startTestService, tokenFor, testCitizenSubject, type TestService } from '@tio/testing';
import { AdviceCorrectedFieldsDto, AdviceSubmittedFieldsDto, AdviceWithdrawnFieldsDto } from './advice-intake.dto';
import { caseService } from './service';

const FAMILY_STRANGER = testCitizenSubject('census-family-stranger');

// Census of the case service as it runs: every registered route with :caseId (lifecycle, transfers, the family's
// views through the agency kit, erasure) refuses an organisation that is not involved, answers the same for an id
// nobody used, and logs the attempt; every date field of every DTO its controllers and consumers take is ruled.
describe('case service census', () => {
  const LA = 'E10000028';
  let service: TestService;
  let denials: ReturnType<typeof accessLogDenials>;

  beforeAll(async () => {
    service = await startTestService(caseService);
    denials = accessLogDenials(service.databaseUrl, 'agency_access_log');
  });
  afterAll(async () => {
    await denials?.close();
    await service?.close();
  });

  it('every case-scoped route refuses an uninvolved organisation with 403, the same for an unknown case, and logs it', async () => {
    const officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA });
    const created = await request(service.server).post('/cases').set('Authorization', `Bearer ${officer}`)
      .send({ at: '2026-01-05', childRef: 'child:census', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201);
    // another LA's case officer and practitioner roles together: past every role check, so only involvement can refuse
    const strangerToken = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: 'E09000033', userId: 'census-stranger' });
    // the family routes (issue #21) are for family members only: there, a signed-in family member not linked to the case
    const familyToken = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: FAMILY_STRANGER });
    const rows = await caseRouteCensus({
      app: service.app, existingCaseId: created.body.caseId, unknownCaseId: randomUUID(), strangerToken, strangerUserId: 'census-stranger',
      deniedAttempts: (caseId, userId) => denials.count(caseId, userId),
      familyStranger: { token: familyToken, userId: FAMILY_STRANGER, routes: (r) => /\/family\/(?!invitations$|unlinks$)/.test(r.path) },
    });
    console.log(`[census] case: ${rows.length} case-scoped routes\n${rows.map((r) => `  ${r.route}: ${r.existing}/${r.unknown} same=${r.sameAnswer} logged=${r.logged}`).join('\n')}`);
    expect(rows.length).toBe(caseScopedRoutes(service.app).length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    // the family's reads (issue #21) are among them: a stranger family member gets the same 403, logged
    expect(rows.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /cases/:caseId/family/plan', 'GET /cases/:caseId/family/early-review-requests', 'GET /cases/:caseId/family/advice']));
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO (HTTP and the advice intake) is either refused in the future or says why it may lie ahead', () => {
    const dtos = [...controllerDtos(service.app), AdviceSubmittedFieldsDto, AdviceCorrectedFieldsDto, AdviceWithdrawnFieldsDto];
    console.log(`[census] case: ${dtos.length} DTO classes checked`);
    expect(dtos.length).toBeGreaterThan(20);
    expect(dateFieldsWithoutFutureRule(dtos)).toEqual([]);
  });

  it('answers an integrator’s calls as its document says: created, read, invalid, unauthenticated, refused, too large, a reused key', async () => {
    const officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA });
    const auth = { Authorization: `Bearer ${officer}` };
    const body = { at: '2026-01-05', childRef: 'child:tour', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } };
    const created = await request(service.server).post('/cases').set(auth).set('Idempotency-Key', 'tour-0001').send(body).expect(201);
    const caseId = created.body.caseId as string;
    await request(service.server).post('/cases').set(auth).set('Idempotency-Key', 'tour-0001').send(body).expect(201); // a replay
    await request(service.server).post('/cases').set(auth).set('Idempotency-Key', 'tour-0001').send({ ...body, childRef: 'child:other' }).expect(422);
    await request(service.server).get(`/cases/${caseId}`).set(auth).expect(200);
    await request(service.server).get(`/cases/${caseId}?asOf=2026-13-01`).set(auth).expect(400);
    await request(service.server).get('/cases/not-a-uuid').set(auth).expect(400);
    await request(service.server).post('/cases').set(auth).send({ ...body, at: 'yesterday' }).expect(400);
    await request(service.server).get(`/cases/${caseId}`).expect(401);
    await request(service.server).post(`/cases/${caseId}/final-plan`).set(auth).send({ at: '2026-01-06', namedSettingRef: 'urn:100000' }).expect(409);
    await request(service.server).post(`/cases/${caseId}/decision-to-assess`).set(auth).send({ at: '2026-01-06' }).expect(200);
    await request(service.server).get(`/cases/${caseId}/service-transfers`).set(auth).expect(200);
    await request(service.server).post('/cases').set(auth).set('Content-Type', 'application/json').send(`{"childRef":"${'x'.repeat(300_000)}"}`).expect(413);
    await request(service.server).get('/health/live').expect(200);
  });

  it('serves an OpenAPI document that lints clean and describes every response this suite received', async () => {
    const census = await openApiCensus(service, 'case');
    expect(new Set(service.observed.map((o) => o.status))).toEqual(new Set([200, 201, 400, 401, 403, 409, 413, 422]));
    expect(census.validated).toBeGreaterThan(60);
    expect({ errors: census.lint.errors, undocumented: census.undocumented }).toEqual({ errors: [], undocumented: [] });
  }, 300_000);
});
