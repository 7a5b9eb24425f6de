import { randomUUID } from 'node:crypto';
import { dateFieldsWithoutFutureRule, TOPICS } from '@tio/contracts';
import { agencyRouteCensus, integrationEvent, publishAdviceRequest, TestBus } from '@tio/agency-kit';
import { KEY_STORE } from '@tio/event-sourcing';
import { DeadLetterSealer } from '@tio/personal-data';
import { caseScopedRoutes, controllerDtos, REFUSED_AND_LOGGED, startTestService, type TestService } from '@tio/testing';
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
    expect(rows.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /cases/:caseId/commissioning-body', 'PUT /cases/:caseId/commissioning-body']));
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO its controllers take is either refused in the future or says why it may lie ahead', () => {
    expect(dateFieldsWithoutFutureRule(controllerDtos(service.app))).toEqual([]);
  });

  it('dead-letters inbound advice signed off after now, naming the field', async () => {
    const r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const advice = {
      caseId: r.caseId, adviceRequestId: r.adviceRequestId, externalReference: `NHS-FUTURE-${r.caseId.slice(0, 6)}`, submittedAt: nextYear,
      authorName: 'Dr A. Patel', authorRole: 'Designated Medical Officer', sections: [{ heading: 'Medical needs', text: 'Asthma.' }],
    };
    await bus.publish(TOPICS.healthInbound, integrationEvent('health.advice-submitted.v1', r.caseId, advice, { actor: { userId: 'system:rxk-epr', organisationId: 'RXK', agency: 'health', role: 'system' } }), 'nhs-msg-future-01');
    const letters = await bus.deadLetters(TOPICS.healthInbound, (l) => l.some((x) => x.key === 'nhs-msg-future-01'), 30_000, new DeadLetterSealer(service.app.get(KEY_STORE)).unseal);
    expect(letters.find((x) => x.key === 'nhs-msg-future-01')?.reason).toMatch(/validation failed: submittedAt \(notInFuture: submittedAt must not be after today/);
  });
});
