import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { dateFieldsWithoutFutureRule } from '@tio/contracts';
import { accessLogDenials, caseRouteCensus, caseScopedRoutes, controllerDtos, REFUSED_AND_LOGGED, startTestService, tokenFor, type TestService } from '@tio/testing';
import { AdviceCorrectedFieldsDto, AdviceSubmittedFieldsDto, AdviceWithdrawnFieldsDto } from './advice-intake.dto';
import { caseService } from './service';

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
    const rows = await caseRouteCensus({
      app: service.app, existingCaseId: created.body.caseId, unknownCaseId: randomUUID(), strangerToken, strangerUserId: 'census-stranger',
      deniedAttempts: (caseId, userId) => denials.count(caseId, userId),
    });
    console.log(`[census] case: ${rows.length} case-scoped routes\n${rows.map((r) => `  ${r.route}: ${r.existing}/${r.unknown} same=${r.sameAnswer} logged=${r.logged}`).join('\n')}`);
    expect(rows.length).toBe(caseScopedRoutes(service.app).length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO (HTTP and the advice intake) is either refused in the future or says why it may lie ahead', () => {
    const dtos = [...controllerDtos(service.app), AdviceSubmittedFieldsDto, AdviceCorrectedFieldsDto, AdviceWithdrawnFieldsDto];
    console.log(`[census] case: ${dtos.length} DTO classes checked`);
    expect(dtos.length).toBeGreaterThan(20);
    expect(dateFieldsWithoutFutureRule(dtos)).toEqual([]);
  });
});
