import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { TOPICS, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { KEY_STORE } from '@tio/event-sourcing';
import { KafkaJsClient, ensureTopics, listDeadLetters } from '@tio/messaging';
import { DeadLetterSealer } from '@tio/personal-data';
import { FuzzTally, fuzzSeed, hostileBody, hostileValue, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import { AdviceIntake } from './advice-intake';
import { caseService } from './service';

/**
 * Bad input at the case's advice intake (issue 8, item 7): hostile `advice.*` events on the health topic, for a
 * case that really asked health for advice. Every hostile message is dead-lettered with its reason and records
 * nothing on the case; the one valid event among them is recorded once; nothing is lost. Random seed per run.
 */
describe('case advice intake under hostile Kafka messages (fast-check)', () => {
  const LA = 'E10000028';
  const prefix = `case-fuzz-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  const tally = new FuzzTally('services/case (Kafka advice intake)');
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '0' });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
  });
  afterAll(async () => {
    tally.report();
    await service?.close();
  });

  it('dead-letters every hostile advice event with its reason, records the valid one once, and loses none', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: 'child:fuzz', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-02', adviceType: 'medical', agency: 'health' }).expect(201);
    const state = (await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body.state;
    const adviceRequestId = Object.keys(state.adviceRequests)[0];
    const revision = async () => (await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body.revision as number;
    const before = await revision();

    const valid = (): IntegrationEvent<Record<string, unknown>> => ({
      id: randomUUID(), source: '/tio/health', type: 'advice.submitted.v1', subject: caseId, time: '2026-03-01T10:00:00.000Z', correlationId: randomUUID(),
      actor: { userId: 'paediatrician-7', organisationId: 'nhs-trust-rxk', agency: 'health', role: 'practitioner' },
      data: {
        caseId, assessmentId: state.assessmentId, agency: 'health', adviceType: 'medical', adviceRequestId, adviceId: randomUUID(), version: 1,
        by: { userRef: 'paediatrician-7', organisationRef: 'nhs-trust-rxk' }, idempotencyKey: randomUUID(), fingerprint: 'f', submittedOn: '2026-03-01', sections: [], citations: [],
      },
    });
    const mutate = (kind: string, change: (d: Record<string, unknown>, e: IntegrationEvent<Record<string, unknown>>) => void) => {
      const e = valid();
      change(e.data, e);
      return { kind, e };
    };
    const field = fc.constantFrom('caseId', 'agency', 'adviceRequestId', 'adviceId', 'version', 'submittedOn');
    const hostile = fc.oneof(
      // one field the intake reads replaced by a hostile value (or removed)
      fc.tuple(field, fc.option(hostileValue(2), { nil: undefined })).map(([f, v]) => mutate(`field ${f}`, (d) => (v === undefined ? delete d[f] : (d[f] = v)))),
      // the whole payload hostile
      hostileBody({ caseId, agency: 'health' }).map((b) => mutate('hostile payload', (_d, e) => (e.data = (b && typeof b === 'object' && !Array.isArray(b) ? { ...(b as object), caseId: 'not-a-uuid' } : b) as Record<string, unknown>))),
      // well-formed, but for another case than its subject, from another agency, or for a request never made
      fc.constant(null).map(() => mutate('case other than subject', (d) => (d['caseId'] = randomUUID()))),
      fc.constantFrom('education', 'social-care').map((a) => mutate(`agency ${a} on the health topic`, (d) => (d['agency'] = a))),
      fc.constant(null).map(() => mutate('request never made', (d) => (d['adviceRequestId'] = randomUUID()))),
    );
    const seed = fuzzSeed('case advice intake');
    const samples = fc.sample(hostile, { numRuns: 40, seed });
    const good = valid();
    const topic = TOPICS.healthEvents;
    await ensureTopics(kafka, [topic]);
    const producer = kafka.producer();
    await producer.connect();
    // a payload JSON cannot encode (undefined, a function) goes on the wire as JSON null, as the timeline's fuzz sends it
    const encodable = (e: IntegrationEvent<Record<string, unknown>>) => (JSON.stringify(e.data) === undefined ? { ...e, data: null as unknown as Record<string, unknown> } : e);
    await producer.send([{ topic, messages: [...samples.map((s) => ({ ...toKafkaRecord(encodable(s.e)), key: `fuzz-${s.e.id}` })), { ...toKafkaRecord(good), key: `good-${good.id}` }] }]);
    await producer.disconnect();
    for (const s of samples) tally.count('health topic: hostile advice event', s.kind);
    tally.count('health topic: valid advice event', 'sent');

    const intake = service.app.get(AdviceIntake) as unknown as { consumer?: { stats: { applied: number; deadLettered: number; duplicates: number } } };
    await waitFor('every message handled', async () => {
      const st = intake.consumer?.stats;
      return !!st && st.applied + st.deadLettered >= samples.length + 1;
    }, 50_000).catch((err) => {
      console.log(`[fuzz] intake stats ${JSON.stringify(intake.consumer?.stats)}`);
      throw err;
    });
    // the intake's letters (the hosted advice read model consumes the topic too, as another group with its own letters)
    const all = await listDeadLetters(kafka, topic, { unseal: new DeadLetterSealer(service.app.get(KEY_STORE)).unseal });
    const letters = all.filter((l) => l.key?.startsWith('fuzz-') && l.consumerGroup === 'tio-case-advice-intake');
    console.log(`[fuzz] dead letters by group: ${JSON.stringify(all.reduce<Record<string, number>>((m, l) => ({ ...m, [l.consumerGroup]: (m[l.consumerGroup] ?? 0) + 1 }), {}))}`);
    // an adviceId is any non-empty text and a version any positive integer: a "hostile" value there may be valid,
    // and is then recorded like any advice; every other mutation must be refused
    const mayBeValid = (kind: string) => kind === 'field adviceId' || kind === 'field version';
    const deadKeys = new Set(letters.map((l) => l.key));
    expect(deadKeys.size).toBe(letters.length); // each dead-lettered once
    const refusedWrongly = samples.filter((s) => !deadKeys.has(`fuzz-${s.e.id}`) && !mayBeValid(s.kind));
    expect(refusedWrongly.map((s) => ({ kind: s.kind, data: s.e.data }))).toEqual([]);
    for (const l of letters) expect(l.reason.trim().length).toBeGreaterThan(10);
    const accepted = samples.length - letters.length;
    // every message has exactly one outcome: dead-lettered, or recorded once on the case (the valid one too)
    expect(intake.consumer?.stats).toMatchObject({ applied: accepted + 1, deadLettered: letters.length });
    expect(await revision()).toBe(before + accepted + 1);
    const after = (await request(service.server).get(`/cases/${caseId}`).set(auth(officer)).expect(200)).body.state;
    expect(after.adviceRequests[adviceRequestId].current).toBeDefined();
    console.log(`[fuzz] case advice intake outcomes: dead-lettered ${letters.length}, recorded ${accepted + 1}`);
  });
});
