import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { TOPICS } from '@tio/contracts';
import { KEY_STORE } from '@tio/event-sourcing';
import { DeadLetterSealer } from '@tio/personal-data';
import { DEEP_NESTING, FuzzTally, assertClientError, garbageAuthorization, headerValue, hostileBody, hostileValue, nestedObjectText, pathId, rawJsonText, send, startTestService, tokenFor, type FuzzResponse, type TestService } from '@tio/testing';
import { Pool } from 'pg';
import { AgencyAdviceModule } from './agency-advice.module';
import { InboundAdviceConsumer } from './inbound/inbound-advice.consumer';
import { publishAdviceRequest, type RequestedAdvice } from './testing/case-fixtures';
import { eventually, integrationEvent, TestBus } from './testing/test-bus';

@Module({ imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: 'fuzz-health', defaultPort: 0, inboundMaxAttempts: 1 })] })
class FuzzHealthModule {}
const definition = { name: 'fuzz-health', title: 'agency kit fuzz', description: 'The agency kit under bad input, as health.', module: FuzzHealthModule };

// Bad input (issue 8, item 7) at the agency kit: hostile bodies, ids and headers at the advice routes (a 4xx naming
// the reason, never a 5xx or a hang, nothing written by a rejected request), and malformed messages on the inbound
// topic (each dead-lettered with its reason, the valid one applied, none lost).
describe('agency kit under bad input (fast-check)', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  const tally = new FuzzTally('libs/agency-kit');
  let service: TestService;
  let bus: TestBus;
  let pool: Pool;
  let doctor: string;
  let r: RequestedAdvice;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const eventCount = async () => Number((await pool.query(`SELECT count(*)::int AS n FROM event_store.events`)).rows[0].n);
  let expectedEvents = 0;
  const isOk = (res: FuzzResponse) => res.status >= 200 && res.status < 300;

  const submitBody = () => ({ adviceRequestId: r.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Medical needs', text: 'Asthma.' }], citations: [] });
  const correctBody = () => ({ assessmentId: r.assessmentId, reason: 'Dose', correctsVersion: 1, sections: [{ heading: 'Medical needs', text: 'New dose.' }] });
  const routes = () => [
    { path: (id: string) => `/cases/${id}/advice`, body: submitBody() },
    { path: (id: string) => `/cases/${id}/advice/medical/corrections`, body: correctBody() },
    { path: (id: string) => `/cases/${id}/advice/${encodeURIComponent(['medical', 'educational', '__proto__', 'constructor', '%00'][id.length % 5])}/corrections`, body: correctBody() },
    { path: (id: string) => `/cases/${id}/advice/medical/withdrawal`, body: { reason: 'wrong child', assessmentId: r.assessmentId } },
  ];

  beforeAll(async () => {
    service = await startTestService(definition, { KAFKA_TOPIC_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '0' });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    bus = new TestBus(process.env['KAFKA_BROKERS'] as string, prefix);
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dr-fuzz', organisationId: 'RXK' });
    r = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await eventually('the advice request', async () => (await request(service.server).get(`/cases/${r.caseId}/advice-requests`).set(auth(doctor))).body.requests?.length === 1);
    // one real submission so that corrections and withdrawals reach the decider
    await request(service.server).post(`/cases/${r.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', `fuzz-${randomUUID()}`).send(submitBody()).expect(201);
    expectedEvents = await eventCount();
  });
  afterEach(async () => {
    // no partial write: the event store holds exactly what the accepted requests recorded
    if (pool) expect(await eventCount()).toBe(expectedEvents);
  });
  afterAll(async () => {
    tally.report();
    await bus?.close();
    await pool?.end();
    await service?.close();
  });

  function account(res: FuzzResponse, target: string): void {
    tally.count(target, res.status);
    if (isOk(res) && !(res.body as { replayed?: boolean }).replayed) expectedEvents += 1;
  }

  it('answers hostile bodies, ids and headers at the advice write routes with a 4xx naming the reason, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2, 3).chain((i) => { const route = routes()[i]; return fc.record({ route: fc.constant(route), id: pathId(r.caseId), body: fc.oneof({ weight: 3, arbitrary: hostileBody(route.body).map((b) => JSON.stringify(b) ?? 'null') }, { weight: 1, arbitrary: rawJsonText(route.body) }), key: fc.oneof({ weight: 3, arbitrary: fc.constant(null).map(() => `fuzz-${randomUUID()}`) }, { weight: 1, arbitrary: headerValue() }), authorization: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: garbageAuthorization() }), correlation: fc.option(headerValue()) }); }),
        async ({ route, id, body, key, authorization, correlation }) => {
          const path = route.path(id);
          let req = request(service.server).post(path).set('Authorization', authorization ?? `Bearer ${doctor}`).set('Content-Type', 'application/json');
          if (key) req = req.set('Idempotency-Key', key);
          if (correlation) req = req.set('x-correlation-id', correlation);
          const res = await send(req.send(body));
          account(res, 'advice routes');
          // a bad token is a 401, unless the body parser refused the body first (malformed JSON 400, 413, 415)
          if (authorization !== null) expect([400, 401, 413, 415, 431]).toContain(res.status);
          if (!isOk(res)) assertClientError(res, `POST ${path} key=${key} ${body.slice(0, 300)}`);
        },
      ),
      { numRuns: 120 },
    );
  });

  // Found by this suite: a NUL character (\u0000) passes the DTO, and the event store refuses it (PostgreSQL jsonb
  // cannot hold it); that refusal is now a 422 naming the field (service-kit's exception filter), not a 500.
  it('answers an advice section text with a NUL character with a 4xx, not a 500 (PostgreSQL refuses \\u0000 in jsonb)', async () => {
    // a request of its own, so that what the random runs did to the shared one cannot turn this into a 409
    const own = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await eventually('its request', async () => (await request(service.server).get(`/cases/${own.caseId}/advice-requests`).set(auth(doctor))).body.requests?.length === 1);
    const res = await send(request(service.server).post(`/cases/${own.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', `fuzz-${randomUUID()}`)
      .send({ adviceRequestId: own.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Medical needs', text: 'a\u0000b' }] }));
    account(res, 'advice routes: NUL');
    if (!isOk(res)) assertClientError(res, 'POST corrections with a NUL in the text');
  });

  it('answers a deeply nested JSON body with a 400, not a 500 (it once overflowed class-transformer)', async () => {
    // Found by this suite: ~10,000-deep JSON overflowed class-transformer; bodies deeper than 32 levels are now refused first.
    const res = await send(request(service.server).post(`/cases/${r.caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', `fuzz-${randomUUID()}`).set('Content-Type', 'application/json').send(nestedObjectText(DEEP_NESTING)));
    tally.count('advice routes: deep nesting', res.status);
    assertClientError(res, 'POST /advice deeply nested', [400, 413]);
  });

  it('dead-letters every malformed inbound message with its reason, applies the valid one, and loses none', async () => {
    const consumer = service.app.get(InboundAdviceConsumer);
    const HEADERS = ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_subject', 'ce_time', 'ce_correlationid', 'ce_actoruserid', 'ce_actororganisationid', 'ce_actoragency', 'ce_actorrole', 'content-type'];
    const nhs = { userId: 'system:rxk-epr', organisationId: 'RXK', agency: 'health', role: 'system' } as const;
    const validData = (x: RequestedAdvice, ref: string) => ({
      caseId: x.caseId, adviceRequestId: x.adviceRequestId, externalReference: ref, submittedAt: '2026-02-27T10:00:00.000Z', authorName: 'Dr A. Fuzz', authorRole: 'Designated Medical Officer', sections: [{ heading: 'Medical needs', text: 'Epilepsy.' }],
    });
    const goodHeaders = (x: RequestedAdvice, type = 'health.advice-submitted.v1') => {
      const e = integrationEvent(type, x.caseId, {}, { source: '/nhs/rxk/epr', actor: nhs });
      return { 'ce_id': e.id, 'ce_source': e.source, 'ce_type': type, 'ce_specversion': '1.0', 'ce_subject': x.caseId, 'ce_time': e.time, 'ce_correlationid': e.correlationId, 'ce_actoruserid': nhs.userId, 'ce_actororganisationid': nhs.organisationId, 'ce_actoragency': nhs.agency, 'ce_actorrole': nhs.role, 'content-type': 'application/json' } as Record<string, string>;
    };
    const bad = fc.oneof(
      // headers missing or garbage, a valid value
      fc.record({ drop: fc.subarray(HEADERS, { minLength: 1, maxLength: 4 }), garble: fc.dictionary(fc.constantFrom(...HEADERS), headerValue().filter((v) => v.length > 0), { maxKeys: 3 }) }).map(({ drop, garble }) => ({ kind: 'headers', drop, garble, value: undefined as string | undefined })),
      // valid envelope, a value that is not JSON (or empty)
      rawJsonText({}).filter((t) => { try { const v = JSON.parse(t); return v === null || typeof v !== 'object' || Array.isArray(v); } catch { return true; } }).map((value) => ({ kind: 'value', drop: [] as string[], garble: {} as Record<string, string>, value })),
      // valid envelope, random data: hostile fields in place of the right ones (never all valid: caseId is always wrong)
      hostileBody({ caseId: 'x', adviceRequestId: 'y', externalReference: 'z', submittedAt: 'w', sections: [] }).map((b) => ({ kind: 'data', drop: [] as string[], garble: {} as Record<string, string>, value: JSON.stringify(b && typeof b === 'object' && !Array.isArray(b) ? { ...b, caseId: randomUUID() } : b) ?? 'null' })),
      // an unknown type, and valid-looking data for a request that never came
      hostileValue(1).map((v) => ({ kind: 'type', drop: [] as string[], garble: { ce_type: `health.${typeof v}.v1` } as Record<string, string>, value: '{}' })),
    );
    const samples = fc.sample(bad, { numRuns: 30, seed: 42 });
    const before = { applied: 0, deadLettered: 0, ignored: 0, ...consumer.stats };
    let n = 0;
    for (const s of samples) {
      const headers = goodHeaders(r);
      for (const h of s.drop) delete headers[h];
      Object.assign(headers, s.garble);
      await bus.publishRaw(TOPICS.healthInbound, { key: `bad-${++n}`, value: s.value ?? JSON.stringify(validData(r, `bad-${n}`)), headers });
      tally.count('inbound topic: malformed', s.kind);
    }
    // then one valid message for a second request
    const r2 = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical' });
    await eventually('the second request', async () => (await request(service.server).get(`/cases/${r2.caseId}/advice-requests`).set(auth(doctor))).body.requests?.length === 1);
    await bus.publishRaw(TOPICS.healthInbound, { key: 'good-1', value: JSON.stringify(validData(r2, 'NHS-FUZZ-1')), headers: goodHeaders(r2) });
    tally.count('inbound topic: valid', 'sent');

    const letters = await bus.deadLetters(TOPICS.healthInbound, (l) => l.filter((x) => x.key?.startsWith('bad-')).length >= samples.length, 60_000, new DeadLetterSealer(service.app.get(KEY_STORE)).unseal);
    const mine = letters.filter((l) => l.key?.startsWith('bad-'));
    expect(mine.map((l) => l.key).sort()).toEqual(samples.map((_, i) => `bad-${i + 1}`).sort());
    for (const l of mine) expect(l.reason.trim()).not.toBe('');
    const applied = await eventually('the valid inbound advice', async () => {
      const res = await request(service.server).get(`/cases/${r2.caseId}/advice`).set(auth(doctor));
      return res.body.advice?.find((a: { agency: string }) => a.agency === 'health');
    });
    expect(applied).toMatchObject({ adviceRequestId: r2.adviceRequestId, currentVersion: 1 });
    expectedEvents += 1;
    const stats = { applied: 0, deadLettered: 0, ignored: 0, ...consumer.stats };
    // nothing lost: count in = applied + dead-lettered
    expect({ applied: stats.applied - before.applied, deadLettered: stats.deadLettered - before.deadLettered, ignored: stats.ignored - before.ignored }).toEqual({ applied: 1, deadLettered: samples.length, ignored: 0 });
  });
});
