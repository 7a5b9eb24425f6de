import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { dateFieldsWithoutFutureRule, InboundAdviceSubmittedV1Dto, TOPICS } from '@tio/contracts';
import { InboundAdviceConsumer } from '@tio/agency-kit';
import { agencyRouteCensus, eventually, integrationEvent, publishAdviceRequest, TestBus } from '@tio/agency-kit/testing';
import { validateInbound } from '@tio/messaging';
import { caseScopedRoutes, controllerDtos, REFUSED_AND_LOGGED, startTestService, tokenFor, type TestService, openApiCensus } from '@tio/testing';
import { healthService } from './service';

// Census of the health service as it runs: the kit's advice routes and health's own commissioning-body routes.
describe('health service census', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;

  beforeAll(async () => {
    service = await startTestService(healthService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('every case-scoped route refuses an uninvolved organisation with 403, the same for an unknown case, and logs it', async () => {
    const rows = await agencyRouteCensus(service, bus, 'health', 'medical');
    console.log(`[census] health: ${rows.length} case-scoped routes\n${rows.map((r) => `  ${r.route}: ${r.existing}/${r.unknown} same=${r.sameAnswer} logged=${r.logged}`).join('\n')}`);
    expect(rows.length).toBe(caseScopedRoutes(service.app).length);
    // the family's read of the advice (issue #21) is among them, walked by a family member not linked to the case
    expect(rows.map((r) => r.route)).toContain('GET /cases/:caseId/family/advice');
    expect(rows.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /cases/:caseId/commissioning-body', 'PUT /cases/:caseId/commissioning-body']));
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO its controllers take is either refused in the future or says why it may lie ahead', () => {
    expect(dateFieldsWithoutFutureRule(controllerDtos(service.app))).toEqual([]);
  });

  it('dead-letters inbound advice signed off after now, naming the field, and records the next valid one', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    const r2 = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    const consumer = service.app.get(InboundAdviceConsumer);
    const deadLetteredBefore = consumer.stats?.deadLettered ?? 0;
    const advice = (x: typeof r, submittedAt: string) => ({
      caseId: x.caseId, adviceRequestId: x.adviceRequestId, externalReference: `NHS-${x.caseId.slice(0, 8)}`, submittedAt,
      authorName: 'Dr A. Patel', authorRole: 'Designated Medical Officer', sections: [{ heading: 'Medical needs', text: 'Asthma.' }],
    });
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
    // the reason the dead letter carries is the inbound validation's, naming the field and the rule
    const checked = await validateInbound(InboundAdviceSubmittedV1Dto, advice(r, nextYear));
    expect(checked.valid ? '' : checked.reason).toMatch(/^validation failed: submittedAt \(notInFuture: submittedAt must not be after today/);
    const nhs = { actor: { userId: 'system:rxk-epr', organisationId: 'RXK', agency: 'health', role: 'system' } } as const;
    await bus.publish(TOPICS.healthInbound, integrationEvent('health.advice-submitted.v1', r.caseId, advice(r, nextYear), nhs), r.caseId);
    await bus.publish(TOPICS.healthInbound, integrationEvent('health.advice-submitted.v1', r2.caseId, advice(r2, new Date().toISOString()), nhs), r2.caseId);
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], organisationId: 'ofsted' });
    const adviceOn = async (caseId: string) => (await request(service.server).get(`/cases/${caseId}/advice`).set('Authorization', `Bearer ${auditor}`)).body.advice ?? [];
    await eventually('the valid inbound advice', async () => (await adviceOn(r2.caseId)).length === 1);
    await eventually('the future-dated one dead-lettered', async () => (consumer.stats?.deadLettered ?? 0) > deadLetteredBefore);
    expect(await adviceOn(r.caseId)).toEqual([]);
  });

  it('serves an OpenAPI document that lints clean and describes every response this suite received', async () => {
    const census = await openApiCensus(service, 'health');
    expect(census.validated).toBeGreaterThan(0);
    expect({ errors: census.lint.errors, undocumented: census.undocumented }).toEqual({ errors: [], undocumented: [] });
  }, 300_000);
});
