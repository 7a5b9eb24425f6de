import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { dateFieldsWithoutFutureRule } from '@tio/contracts';
import { accessLogDenials, caseRouteCensus, caseScopedRoutes, controllerDtos, REFUSED_AND_LOGGED, startTestService, tokenFor, type TestService, openApiCensus } from '@tio/testing';
import { TIMELINE_ACCESS_LOG } from './access/access.service';
import { Publisher, caseStory, testTopics, topicList, waitFor } from './testing/fixtures';
import { timelineService } from './service';

// Census of the timeline as it runs: every route with :caseId (entries, status, the live stream) refuses an
// organisation that is not involved, the same for an unknown case, and logs the attempt in the chained access log.
describe('timeline census', () => {
  const topics = testTopics('census');
  const publisher = new Publisher();
  const caseId = randomUUID();
  let service: TestService;
  let denials: ReturnType<typeof accessLogDenials>;

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-census-${randomUUID().slice(0, 6)}` });
    denials = accessLogDenials(service.databaseUrl, TIMELINE_ACCESS_LOG.table);
    await publisher.publish(caseStory(caseId, topics));
    const pool = new Pool({ connectionString: service.databaseUrl, max: 1 });
    try {
      await waitFor('the case in the timeline', async () => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE case_id = $1`, [caseId])).rows[0].n) > 0);
    } finally {
      await pool.end();
    }
  });
  afterAll(async () => {
    await publisher.close();
    await denials?.close();
    await service?.close();
  });

  it('every case-scoped route refuses an uninvolved organisation with 403, the same for an unknown case, and logs it', async () => {
    const strangerToken = await tokenFor({ agency: 'local-authority', roles: ['case-officer', 'practitioner'], organisationId: 'E09000033', userId: 'census-stranger' });
    const rows = await caseRouteCensus({
      app: service.app, existingCaseId: caseId, unknownCaseId: randomUUID(), strangerToken, strangerUserId: 'census-stranger',
      deniedAttempts: (id, userId) => denials.count(id, userId),
    });
    console.log(`[census] timeline: ${rows.length} case-scoped routes\n${rows.map((r) => `  ${r.route}: ${r.existing}/${r.unknown} same=${r.sameAnswer} logged=${r.logged}`).join('\n')}`);
    expect(rows.length).toBe(caseScopedRoutes(service.app).length);
    expect(rows.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /cases/:caseId/timeline', 'GET /cases/:caseId/status', 'GET /cases/:caseId/timeline/stream']));
    expect(rows).toEqual(rows.map((r) => ({ ...REFUSED_AND_LOGGED, route: r.route })));
  });

  it('every date field of every DTO its controllers take is either refused in the future or says why it may lie ahead', () => {
    expect(dateFieldsWithoutFutureRule(controllerDtos(service.app))).toEqual([]);
  });

  it('serves an OpenAPI document that lints clean and describes every response this suite received', async () => {
    const census = await openApiCensus(service, 'timeline');
    expect(census.validated).toBeGreaterThan(0);
    expect({ errors: census.lint.errors, undocumented: census.undocumented }).toEqual({ errors: [], undocumented: [] });
  }, 300_000);
});
