import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { FuzzTally, assertClientError, assertNoServerError, garbageAuthorization, headerValue, hostileQuery, pathId, send, startTestService, tokenFor, type TestService } from '@tio/testing';
import { timelineService } from './service';
import { ACTORS, Publisher, caseStory, testTopics, topicList, waitFor } from './testing/fixtures';

// Bad input (issue 8, item 7) at the timeline's read routes: random and hostile query strings, ids and headers.
// Never a 5xx or a hang: a 200 for what is valid, a 4xx naming the reason for the rest.
describe('timeline read routes under bad input (fast-check)', () => {
  const tally = new FuzzTally('services/timeline');
  const topics = testTopics('fuzz');
  const publisher = new Publisher();
  const caseId = randomUUID();
  let service: TestService;
  let auditor: string;
  let school: string;

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-fuzz-${randomUUID().slice(0, 6)}`, RATE_LIMIT_PER_MINUTE: '0' });
    auditor = await tokenFor({ userId: 'inspector-fz', organisationId: 'ofsted', agency: 'system', roles: ['auditor'] });
    school = await tokenFor({ userId: 'senco-fz', organisationId: ACTORS.school.organisationId, agency: 'education', roles: ['practitioner'] });
    await publisher.publish(caseStory(caseId, topics));
    await waitFor('the story', async () => (await request(service.server).get(`/cases/${caseId}/timeline`).set('Authorization', `Bearer ${auditor}`)).body.entries?.length === 10);
  });
  afterAll(async () => {
    tally.report();
    await publisher.close();
    await service?.close();
  });

  const QUERY = ['agency', 'kind', 'from', 'to', 'cursor', 'limit', 'asOf', 'after', 'caseId', 'before', 'lastEventId'];

  it('answers random query strings and ids on GET /cases/:id/timeline, /status, /cases and /access-log with 200 or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('timeline', 'status', 'cases', 'access-log'),
        pathId(caseId),
        hostileQuery(QUERY),
        fc.constantFrom('auditor', 'school'),
        async (route, id, query, who) => {
          const path = route === 'cases' ? '/cases' : route === 'access-log' ? '/access-log' : `/cases/${id}/${route}`;
          const res = await send(request(service.server).get(`${path}?${query}`).set('Authorization', `Bearer ${who === 'auditor' ? auditor : school}`));
          tally.count(`GET ${route}`, res.status);
          assertNoServerError(res, `GET ${path}?${query} as ${who}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers cursors from real pages, tampered, and garbage with 200 or a 400, never a 5xx', async () => {
    const first = (await request(service.server).get(`/cases/${caseId}/timeline?limit=3`).set('Authorization', `Bearer ${auditor}`).expect(200)).body;
    const real = String(first.nextCursor);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(real),
          fc.tuple(fc.nat({ max: real.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })).map(([i, s]) => real.slice(0, i) + s + real.slice(i + 1)),
          fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
          fc.record({ o: fc.oneof(fc.string(), fc.integer(), fc.constant('2025-02-30T25:00:00Z')), r: fc.oneof(fc.string(), fc.constant(null)), i: fc.oneof(fc.uuid(), fc.string()) }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
        ),
        async (cursor) => {
          const res = await send(request(service.server).get(`/cases/${caseId}/timeline?limit=3&cursor=${encodeURIComponent(cursor)}`).set('Authorization', `Bearer ${auditor}`));
          tally.count('GET timeline: cursors', res.status);
          assertNoServerError(res, `GET timeline cursor=${cursor}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers garbage Authorization and hostile headers with a 401 naming the reason', async () => {
    await fc.assert(
      fc.asyncProperty(garbageAuthorization(), fc.option(headerValue()), async (authorization, correlation) => {
        let req = request(service.server).get(`/cases/${caseId}/timeline`).set('Authorization', authorization);
        if (correlation) req = req.set('x-correlation-id', correlation);
        const res = await send(req);
        tally.count('GET timeline: headers', res.status);
        assertClientError(res, `GET timeline Authorization: ${authorization}`, [401]);
      }),
      { numRuns: 50 },
    );
  });
});
