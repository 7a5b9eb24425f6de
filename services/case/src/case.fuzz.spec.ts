import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import {
  DEEP_NESTING, FuzzTally, assertClientError, assertNoServerError, garbageAuthorization, headerValue, hostileBody, hostileQuery, nestedObjectText, pathId, rawJsonText, send, startTestService, tamperedToken, tokenFor,
  type FuzzResponse, type TestService,
} from '@tio/testing';
import { caseService } from './service';

// Bad input (issue 8, item 7): random, oversized, wrongly typed and hostile bodies, ids, headers and raw bytes at the
// case service's write routes. Every answer is a 4xx naming its reason (or a 2xx for an input that happens to be
// valid), never a 5xx or a hang; and the fixture case's stream grows by exactly what the 2xx answers recorded, so
// a rejected write never leaves a partial one behind.
describe('case service under bad input (fast-check)', () => {
  const LA = 'E10000028';
  const tally = new FuzzTally('services/case');
  let service: TestService;
  let officer: string;
  let caseId: string;
  let expectedRevision: number;
  const reviewId = randomUUID();
  const transferId = randomUUID();

  const ROUTES: { path: (id: string) => string; body: Record<string, unknown> }[] = [
    { path: () => '/cases', body: { at: '2026-01-05', childRef: 'child:fz', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } } },
    { path: (id) => `/cases/${id}/decision-to-assess`, body: { at: '2026-02-02', assessmentId: randomUUID() } },
    { path: (id) => `/cases/${id}/decision-not-to-assess`, body: { at: '2026-02-02' } },
    { path: (id) => `/cases/${id}/advice-requests`, body: { at: '2026-02-02', adviceType: 'medical', agency: 'health', adviserRef: 'urn:nhs:RXK' } },
    { path: (id) => `/cases/${id}/advice-reuses`, body: { adviceType: 'medical', agency: 'health', adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } } },
    { path: (id) => `/cases/${id}/decision-not-to-issue`, body: { at: '2026-03-02' } },
    { path: (id) => `/cases/${id}/draft-plan`, body: { at: '2026-03-02', planId: randomUUID() } },
    { path: (id) => `/cases/${id}/family-response`, body: { at: '2026-03-10', preferredSettingRef: 'urn:school:1', commentsRef: 'doc:1' } },
    { path: (id) => `/cases/${id}/consultations`, body: { at: '2026-03-10', settingRef: 'urn:school:1' } },
    { path: (id) => `/cases/${id}/consultations/responses`, body: { consultationId: randomUUID(), canMeetNeeds: true } },
    { path: (id) => `/cases/${id}/final-plan`, body: { at: '2026-04-01', namedSettingRef: 'urn:school:1' } },
    { path: (id) => `/cases/${id}/amendments`, body: { trigger: 'annual-review', reviewId: randomUUID() } },
    { path: (id) => `/cases/${id}/amended-plan`, body: { amendmentId: randomUUID() } },
    { path: (id) => `/cases/${id}/reviews`, body: { meetingOn: '2027-01-20' } },
    { path: (id) => `/cases/${id}/reviews/${reviewId}/papers`, body: { at: '2027-01-01' } },
    { path: (id) => `/cases/${id}/reviews/${reviewId}/decision`, body: { decision: 'maintain' } },
    { path: (id) => `/cases/${id}/phase-transfers`, body: { kind: 'school-phase', transferOn: '2027-09-01' } },
    { path: (id) => `/cases/${id}/cessation`, body: { reason: 'needs-met-without-plan' } },
    { path: (id) => `/cases/${id}/reassessment-requests`, body: { requestedBy: 'parent-or-young-person' } },
    { path: (id) => `/cases/${id}/reassessment-requests/${randomUUID()}/decision`, body: { decision: 'reassess' } },
    { path: (id) => `/cases/${id}/exceptions`, body: { limit: 'advice', reason: 'school-closure', fromOn: '2026-02-10', toOn: '2026-02-20', adviceRequestId: randomUUID() } },
    { path: (id) => `/cases/${id}/tribunal-orders`, body: { regulation: 'reg 44', kind: 'amend-plan' } },
    { path: (id) => `/cases/${id}/transfers`, body: { toLocalAuthority: 'E10000016', moveOn: '2027-04-01' } },
    { path: (id) => `/cases/${id}/transfers/${transferId}/completion`, body: {} },
    { path: (id) => `/cases/${id}/service-transfers`, body: { kind: 'local-authority', toOrganisation: 'E10000016', moveOn: '2027-04-01' } },
  ];
  const route = fc.constantFrom(...ROUTES);

  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const revisionOf = async (id: string) => (await request(service.server).get(`/cases/${id}`).set(auth(officer)).expect(200)).body.revision as number;

  /** Answers for the fixture case that recorded something move the expected revision; everything else must not. */
  function account(res: FuzzResponse, path: string, target: string): void {
    tally.count(target, res.status);
    if (res.status >= 200 && res.status < 300) {
      const body = res.body as { caseId?: string; recorded?: unknown[]; replayed?: boolean; case?: { followed?: boolean; recorded?: unknown[] } };
      if (body.replayed || !path.startsWith(`/cases/${caseId}/`)) return;
      // service transfers live in a stream of their own, except that a local-authority transfer of a plan in force
      // also records the notification on the case (reg 15), which the answer reports as followed
      if (path.includes('/service-transfers')) expectedRevision += body.case?.followed ? (body.case.recorded?.length ?? 0) : 0;
      else if (body.caseId === caseId) expectedRevision += body.recorded?.length ?? 0;
    }
  }
  const isOk = (res: FuzzResponse) => res.status >= 200 && res.status < 300;

  beforeAll(async () => {
    service = await startTestService(caseService, { RATE_LIMIT_PER_MINUTE: '0' });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'fuzz-officer' });
    const res = await request(service.server).post('/cases').set(auth(officer)).send(ROUTES[0].body).expect(201);
    caseId = res.body.caseId;
    expectedRevision = await revisionOf(caseId);
  });
  afterEach(async () => {
    // no partial write: the stream holds exactly what the accepted requests recorded
    if (service && caseId) expect(await revisionOf(caseId)).toBe(expectedRevision);
  });
  afterAll(async () => {
    tally.report();
    await service?.close();
  });

  it('answers hostile JSON bodies and ids on every write route with a 4xx naming the reason, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(route.chain((r) => fc.record({ r: fc.constant(r), id: pathId(caseId), body: hostileBody(r.body) })), async ({ r, id, body }) => {
        const path = r.path(id);
        const res = await send(request(service.server).post(path).set(auth(officer)).set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null'));
        account(res, path, 'write routes: JSON bodies and ids');
        if (!isOk(res)) assertClientError(res, `POST ${path} ${JSON.stringify(body)?.slice(0, 300)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('answers non-JSON, malformed, deeply nested and huge bodies sent as JSON with a 4xx (400/413), never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        route.chain((r) => fc.record({ r: fc.constant(r), text: fc.oneof({ weight: 8, arbitrary: rawJsonText(r.body) }, { weight: 1, arbitrary: fc.integer({ min: 257, max: 2_000 }).map((kb) => JSON.stringify({ ...r.body, pad: 'x'.repeat(kb * 1024) })) }), type: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/merge-patch+json', 'text/plain', 'application/x-www-form-urlencoded') })),
        async ({ r, text, type }) => {
          const path = r.path(caseId);
          const res = await send(request(service.server).post(path).set(auth(officer)).set('Content-Type', type).send(text));
          account(res, path, 'write routes: raw bodies');
          if (!isOk(res)) assertClientError(res, `POST ${path} [${type}] ${text.slice(0, 200)} (${text.length} chars)`);
        },
      ),
      { numRuns: 80 },
    );
  });

  // Found by this suite: JSON nested ~10,000 deep (60 kB, under the 256 kB limit) overflowed the stack in
  // class-transformer inside the ValidationPipe (500). service-kit now refuses bodies deeper than 32 levels first.
  it('answers a deeply nested JSON body with a 400, not a 500 (it once overflowed class-transformer)', async () => {
    const path = `/cases/${caseId}/tribunal-orders`;
    const res = await send(request(service.server).post(path).set(auth(officer)).set('Content-Type', 'application/json').send(nestedObjectText(DEEP_NESTING)));
    tally.count('write routes: deep nesting', res.status);
    assertClientError(res, `POST ${path} {"a":{"a":... ${DEEP_NESTING} deep`, [400, 413]);
  });

  it('answers hostile headers (Idempotency-Key, x-correlation-id, Authorization garbage) with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        route,
        fc.record({ key: fc.option(headerValue()), correlation: fc.option(headerValue()), authorization: fc.option(fc.oneof(garbageAuthorization(), fc.constant('tampered'))), extra: fc.option(fc.tuple(fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Content-Encoding', 'X-Forwarded-For', 'Accept'), headerValue())) }),
        async (r, h) => {
          const path = r.path(caseId);
          let req = request(service.server).post(path);
          req = h.authorization === null ? req.set(auth(officer)) : req.set('Authorization', h.authorization === 'tampered' ? `Bearer ${tamperedToken(officer)}` : h.authorization);
          if (h.key !== null) req = req.set('Idempotency-Key', h.key);
          if (h.correlation !== null) req = req.set('x-correlation-id', h.correlation);
          if (h.extra && !/^(Content-Length|Transfer-Encoding)$/.test(h.extra[0])) req = req.set(h.extra[0], h.extra[1]);
          const res = await send(req.set('Content-Type', 'application/json').send(JSON.stringify(r.body)));
          account(res, path, 'write routes: headers');
          if (h.authorization !== null && !h.extra && res.status !== 431) expect({ status: res.status, auth: h.authorization }).toMatchObject({ status: 401 });
          if (!isOk(res)) assertClientError(res, `POST ${path} headers ${JSON.stringify(h).slice(0, 300)}`);
          if (h.correlation !== null && !h.extra && /^[A-Za-z0-9._:-]{1,128}$/.test(h.correlation)) expect(res.headers['x-correlation-id']).toBe(h.correlation);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers hostile ids and query strings on the read route with 200 or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(pathId(caseId), hostileQuery(['asOf']), async (id, query) => {
        const res = await send(request(service.server).get(`/cases/${id}?${query}`).set(auth(officer)));
        tally.count('GET /cases/:id', res.status);
        assertNoServerError(res, `GET /cases/${id}?${query}`);
      }),
      { numRuns: 60 },
    );
  });
});
