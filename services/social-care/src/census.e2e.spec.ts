import { randomUUID } from 'node:crypto';
import { dateFieldsWithoutFutureRule } from '@tio/contracts';
import { agencyRouteCensus, TestBus } from '@tio/agency-kit/testing';
import { caseScopedRoutes, controllerDtos, REFUSED_AND_LOGGED, startTestService, type TestService, openApiCensus } from '@tio/testing';
import { socialCareService } from './service';

// Census of the social-care service as it runs: every route with :caseId (the kit's and the agency's own).
describe('social-care service census', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  let service: TestService;
  let bus: TestBus;

  beforeAll(async () => {
    service = await startTestService(socialCareService, { KAFKA_TOPIC_PREFIX: prefix });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
  });
  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('every case-scoped route refuses an uninvolved organisation with 403, the same for an unknown case, and logs it', async () => {
    const rows = await agencyRouteCensus(service, bus, 'social-care', 'social-care');
    console.log(`[census] social-care: ${rows.length} case-scoped routes\n${rows.map((r) => `  ${r.route}: ${r.existing}/${r.unknown} same=${r.sameAnswer} logged=${r.logged}`).join('\n')}`);
    expect(rows.length).toBe(caseScopedRoutes(service.app).length);
    // the family's read of the advice (issue #21) is among them, walked by a family member not linked to the case
    expect(rows.map((r) => r.route)).toContain('GET /cases/:caseId/family/advice');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO its controllers take is either refused in the future or says why it may lie ahead', () => {
    expect(dateFieldsWithoutFutureRule(controllerDtos(service.app))).toEqual([]);
  });

  it('serves an OpenAPI document that lints clean and describes every response this suite received', async () => {
    const census = await openApiCensus(service, 'social-care');
    expect(census.validated).toBeGreaterThan(0);
    expect({ errors: census.lint.errors, undocumented: census.undocumented }).toEqual({ errors: [], undocumented: [] });
  }, 300_000);
});
