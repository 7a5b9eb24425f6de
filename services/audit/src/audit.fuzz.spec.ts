import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { FuzzTally, assertClientError, assertNoServerError, garbageAuthorization, hostileQuery, pathId, send, startTestService, tokenFor, type TestService } from '@tio/testing';
import { auditService } from './service';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { CaseScript, clusterUrl, createStores, migrateTimeline, type TestStores } from './testing/fixtures';

// Bad input (issue 8, item 7) at the audit service's read routes: hostile ids, event ids and query strings, and
// garbage Authorization. Never a 5xx or a hang: a 200 for what is valid, a 4xx naming the reason for the rest.
describe('audit read routes under bad input (fast-check)', () => {
  const tally = new FuzzTally('services/audit');
  const caseId = randomUUID();
  let stores: TestStores;
  let service: TestService;
  let auditor: string;
  let practitioner: string;
  let eventId: string;
  const timelineDb = `audit_fz_timeline_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stores = await createStores(['case']);
    const script = new CaseScript(caseId);
    const events = [
      ...script.run({ type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-fz', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' } } as never),
      ...script.run({ type: 'DecideToAssess', at: '2025-02-03', assessmentId: 'asmt-fz' } as never),
    ];
    await stores.stores['case']?.appendToStream(`case-${caseId}`, events);
    eventId = events[0].metadata.eventId;
    const timelineUrl = await ensureDatabase(clusterUrl(), timelineDb);
    migrateTimeline(timelineUrl);
    service = await startTestService(auditService, { AUDIT_EVENT_STORES: stores.env, AUDIT_TIMELINE_DATABASE_URL: timelineUrl, RATE_LIMIT_PER_MINUTE: '0' });
    auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'auditor-fz', organisationId: 'ofsted' });
    practitioner = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dr-fz', organisationId: 'RXK' });
  }, 120_000);
  afterAll(async () => {
    tally.report();
    await service?.close();
    await stores?.close();
    await dropDatabase(clusterUrl(), timelineDb);
  });

  const QUERY = ['at', 'recordedAt', 'businessDate', 'asOf', 'format', 'caseId', 'afterSeq', 'limit', 'from', 'to', 'localAuthority', 'year', 'reason'];
  const ROUTES = ['history', 'why', 'as-of', 'transfers', 'integrity', 'drift', 'report.html', 'store-integrity', 'access-log', 'performance'];

  it('answers random ids and query strings on every read route with 200 or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), pathId(caseId), pathId(eventId, { real: 3, random: 1, hostile: 3 }), hostileQuery(QUERY), fc.constantFrom('auditor', 'practitioner'), async (route, id, event, query, who) => {
        const path = route === 'why' ? `/cases/${id}/history/${event}/why`
          : route === 'store-integrity' ? '/integrity' : route === 'access-log' ? '/access-log' : route === 'performance' ? '/performance' : `/cases/${id}/${route}`;
        const res = await send(request(service.server).get(`${path}?${query}`).set('Authorization', `Bearer ${who === 'auditor' ? auditor : practitioner}`));
        tally.count(`GET ${route}`, res.status);
        assertNoServerError(res, `GET ${path}?${query} as ${who}`);
        // only auditors read the audit service (431/414: Node refused the request line or headers before the app ran)
        if (who === 'practitioner') expect([403, 414, 431]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
  });

  it('answers garbage Authorization with a 401 naming the reason', async () => {
    await fc.assert(
      fc.asyncProperty(garbageAuthorization(), async (authorization) => {
        const res = await send(request(service.server).get(`/cases/${caseId}/history`).set('Authorization', authorization));
        tally.count('GET history: Authorization', res.status);
        assertClientError(res, `GET history Authorization: ${authorization}`, [401]);
      }),
      { numRuns: 50 },
    );
  });
});
