import { randomUUID } from 'node:crypto';
import { dateFieldsWithoutFutureRule } from '@tio/contracts';
import { callRoute, caseScopedRoutes, controllerDtos, registeredRoutes, startTestService, tokenFor, type TestService, openApiCensus } from '@tio/testing';
import { Pool } from 'pg';
import { createStores, type TestStores } from './testing/fixtures';
import { auditService } from './service';

// Census of the audit service as it runs. Its rule is the role: auditors read every case, nobody else reads any
// (a 403 that never depends on the case), and every auditor's read of a case is in the chained access log first.
describe('audit service census', () => {
  let stores: TestStores;
  let service: TestService;
  let pool: Pool;

  beforeAll(async () => {
    stores = await createStores(['case']);
    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env, RATE_LIMIT_PER_MINUTE: '0' });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await service?.close();
    await stores?.close();
  });

  it('every route but the health checks and the token-in-URL page is auditors only; every case route logs the auditor\'s read before answering', async () => {
    const practitioner = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner', 'service'], organisationId: 'E09000033', userId: 'census-stranger' });
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], organisationId: 'ofsted', userId: 'census-auditor' });
    const reads = async (caseId: string) => Number((await pool.query(`SELECT count(*)::int AS n FROM audit_access_log WHERE case_id = $1 AND user_id = 'census-auditor'`, [caseId])).rows[0].n);
    // /metrics is the scraper's (role service or auditor, as on every service) and holds no case data: checked below
    const routes = registeredRoutes(service.app).filter(
      (r) => !r.path.startsWith('/health') && !r.path.startsWith('/docs') && r.path !== '/performance.html' && r.path !== '/metrics',
    );
    const rows = [];
    for (const route of routes) {
      const caseId = randomUUID();
      const refused = await callRoute(service.server, route, caseId, practitioner);
      const before = await reads(caseId);
      // a valid query where one is required (as-of needs `at`): the read must get past validation to be a read
      await callRoute(service.server, route, caseId, auditor, route.path.includes(':caseId') ? '?at=2026-01-01T00:00:00Z' : '');
      rows.push({ route: `${route.method} ${route.path}`, stranger: refused.status, auditorReadLogged: !route.path.includes(':caseId') || (await reads(caseId)) > before });
    }
    console.log(`[census] audit: ${rows.length} routes (${caseScopedRoutes(service.app).length} case-scoped)\n${rows.map((r) => `  ${r.route}: stranger ${r.stranger} logged=${r.auditorReadLogged}`).join('\n')}`);
    expect(caseScopedRoutes(service.app).length).toBeGreaterThanOrEqual(7);
    expect(rows).toEqual(rows.map((r) => ({ route: r.route, stranger: 403, auditorReadLogged: true })));

    const metrics = registeredRoutes(service.app).find((r) => r.path === '/metrics');
    expect(metrics).toBeDefined();
    const caseOfficer = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: 'E09000033', userId: 'census-officer' });
    expect((await callRoute(service.server, metrics!, randomUUID(), caseOfficer)).status).toBe(403);
    expect((await callRoute(service.server, metrics!, randomUUID(), auditor)).status).toBe(200);
  });

  it('every date field of every DTO its controllers take is either refused in the future or says why it may lie ahead', () => {
    expect(dateFieldsWithoutFutureRule(controllerDtos(service.app))).toEqual([]);
  });

  it('serves an OpenAPI document that lints clean and describes every response this suite received', async () => {
    const census = await openApiCensus(service, 'audit');
    expect(census.validated).toBeGreaterThan(0);
    expect({ errors: census.lint.errors, undocumented: census.undocumented }).toEqual({ errors: [], undocumented: [] });
  }, 300_000);
});
