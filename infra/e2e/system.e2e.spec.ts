import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, fromKafkaRecord, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { dropDatabase, ensureDatabase, freePort } from '@tio/local-infra';
import { KafkaJsClient, type ConsumedMessage } from '@tio/messaging';
import { consumeUntil, testKeys, tokenFor, waitFor } from '@tio/testing';
import { DEMO_CASE_ID, DEMO_PEOPLE, seedDemoCase } from '../scripts/demo-seed';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

/**
 * The whole assessment across the four services, each its own process on its own database, talking only through
 * Kafka: the LA's case officer drives the case over HTTP, the school and the social worker give advice over their
 * services' HTTP APIs (one duplicated submission, one correction), and the NHS trust's record system publishes
 * its advice on the health inbound topic. The case ends with a final plan within 20 weeks. The timeline and the audit
 * run too: the audit's drift check compares every store with the timeline's read model, as after `npm start`.
 */
describe('system: request to final plan across case, education, health and social care', () => {
  const LA = 'E10000028';
  const prefix = `sys-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  const writers = ['case', 'education', 'health', 'social-care'] as const;
  const readers = ['timeline', 'audit'] as const;
  const running: RunningService[] = [];
  const dbNames: string[] = [];
  const databases: Record<string, string> = {};
  const url: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  let privateKeyPem: string;

  beforeAll(async () => {
    const keys = await testKeys();
    privateKeyPem = keys.privateKeyPem;
    const logDir = mkdtempSync(join(tmpdir(), 'tio-system-e2e-'));
    for (const name of [...writers, ...readers]) {
      const db = `sys_${name.replace('-', '_')}_${randomUUID().slice(0, 6)}`;
      dbNames.push(db);
      databases[name] = await ensureDatabase(cluster, db);
    }
    const extra: Record<string, Record<string, string>> = {
      // consumer groups are not prefixed: one of its own for this test's timeline
      timeline: { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline` },
      // as `npm start` configures it: every event store, read-only, and the timeline's read model
      audit: { AUDIT_EVENT_STORES: writers.map((n) => `${n}=${databases[n]}`).join(','), AUDIT_TIMELINE_DATABASE_URL: databases['timeline'] },
    };
    // the writers first (they create the topics), then the readers
    for (const group of [writers, readers]) {
      const started: RunningService[] = [];
      for (const name of group) {
        const entry = SERVICES.find((s) => s.name === name)!;
        const port = await freePort();
        const env = { ...process.env, ...extra[name], DATABASE_URL: databases[name], KAFKA_TOPIC_PREFIX: prefix, JWT_PUBLIC_KEY: keys.publicKeyPem };
        started.push(await startService(entry, port, logDir, env));
        url[name] = `http://127.0.0.1:${port}`;
      }
      running.push(...started);
      await Promise.all(started.map((s) => waitReady(s, 240_000)));
    }
    tokens['la'] = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    tokens['auditor'] = await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: LA, userId: 'auditor-1' });
    tokens['school'] = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'urn:school:124356', userId: 'senco-1' });
    tokens['social'] = await tokenFor({ agency: 'social-care', roles: ['practitioner'], organisationId: 'E10000028-csc', userId: 'sw-1' });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map(stopService));
    for (const db of dbNames) await dropDatabase(cluster, db);
  });

  async function call(service: string, method: string, path: string, token: string, body?: object, key?: string) {
    const res = await fetch(`${url[service]}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', body: (await res.json()) as Record<string, any> };
  }
  const ok = async (p: ReturnType<typeof call>, status = [200, 201]) => {
    const res = await p;
    if (!status.includes(res.status)) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('runs the assessment to a final plan with advice from all three agencies, once each, versions kept, clock right', async () => {
    const caseId = randomUUID();
    const ids = { educational: randomUUID(), medical: randomUUID(), 'social-care': randomUUID() };
    const lifecycle = (path: string, body: object) => ok(call('case', 'POST', `/cases/${caseId}${path}`, tokens['la'], body));

    await ok(call('case', 'POST', '/cases', tokens['la'], { caseId, at: '2026-01-05', childRef: 'child:sys-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } }));
    await lifecycle('/decision-to-assess', { at: '2026-01-26' });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'education', adviceType: 'educational', adviceRequestId: ids.educational, adviserRef: 'urn:school:124356' });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'health', adviceType: 'medical', adviceRequestId: ids.medical });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'social-care', adviceType: 'social-care', adviceRequestId: ids['social-care'] });

    // Each agency service learns of its request from the case's events on Kafka.
    for (const [service, token, id] of [['education', tokens['school'], ids.educational], ['social-care', tokens['social'], ids['social-care']]] as const) {
      await waitFor(`${service} to see its advice request`, async () => {
        const res = await call(service, 'GET', `/cases/${caseId}/advice-requests`, token);
        return res.status === 200 && JSON.stringify(res.body).includes(id);
      });
    }

    // The school submits; the same submission retried (same Idempotency-Key) records nothing twice.
    const education = { at: '2026-02-20', adviceRequestId: ids.educational, adviceType: 'educational', sections: [{ heading: 'Attainment', text: 'Reading age two years below.' }] };
    const first = await ok(call('education', 'POST', `/cases/${caseId}/advice`, tokens['school'], education, 'school-submission-0001'));
    const retry = await call('education', 'POST', `/cases/${caseId}/advice`, tokens['school'], education, 'school-submission-0001');
    expect(retry.status).toBe(201); // the first answer's status and body, marked as a replay (Idempotent-Replayed)
    expect(retry.replayed).toBe(true);
    expect(retry.body).toEqual({ ...first, replayed: true });

    // Social care submits, then corrects: version 2 supersedes version 1, which stays in the history.
    await ok(call('social-care', 'POST', `/cases/${caseId}/advice`, tokens['social'], { at: '2026-02-25', adviceRequestId: ids['social-care'], adviceType: 'social-care', sections: [{ heading: 'Family context', text: 'Known to early help.' }] }, 'social-submission-01'));
    await ok(call('social-care', 'POST', `/cases/${caseId}/advice/social-care/corrections`, tokens['social'], { at: '2026-02-27', reason: 'Short breaks assessment completed', sections: [{ heading: 'Family context', text: 'Known to early help; short breaks agreed.' }] }, 'social-correction-01'));
    const history = await ok(call('social-care', 'GET', `/cases/${caseId}/advice/social-care/history`, tokens['social']));
    expect(JSON.stringify(history)).toMatch(/Short breaks assessment completed/);

    // The NHS trust's record system publishes its medical advice on the health inbound topic.
    await waitFor('health to see its advice request', async () => {
      const token = await tokenFor({ agency: 'health', roles: ['practitioner'], organisationId: 'nhs-trust-rlj' });
      const res = await call('health', 'GET', `/cases/${caseId}/advice-requests`, token);
      return res.status === 200 && JSON.stringify(res.body).includes(ids.medical);
    });
    const inbound: IntegrationEvent = {
      id: randomUUID(), source: '/nhs/rlj/epr', type: 'health.advice-submitted.v1', subject: caseId, time: '2026-03-20T10:00:00.000Z', correlationId: randomUUID(),
      actor: { userId: 'system:rlj-epr', organisationId: 'nhs-trust-rlj', agency: 'health', role: 'system' },
      data: { caseId, adviceRequestId: ids.medical, externalReference: 'RLJ-ADV-77', submittedAt: '2026-03-20T10:00:00.000Z', authorName: 'Community paediatrics', authorRole: 'paediatrician', authorRef: 'rlj-user-9', sections: [{ heading: 'Diagnosis', text: 'Autism spectrum condition.' }] },
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic: TOPICS.healthInbound, messages: [toKafkaRecord(inbound), toKafkaRecord(inbound)] }]); // delivered twice
    await producer.disconnect();

    // The case records every answer once, with the latest version.
    const answered = await waitFor('the case to record all three agencies’ advice', async () => {
      const res = await call('case', 'GET', `/cases/${caseId}?asOf=2026-04-01`, tokens['la']);
      const requests = Object.values(res.body.state.adviceRequests) as Array<{ adviceType: string; current?: { version: number } }>;
      return requests.length === 3 && requests.every((r) => r.current) && requests.find((r) => r.adviceType === 'social-care')?.current?.version === 2 ? res.body : undefined;
    }, 90_000);
    const deadlines = answered.status.deadlines as Array<{ id: string; status: string; metOn?: string }>;
    expect(deadlines.find((d) => d.id === `advice:${ids.educational}`)).toMatchObject({ status: 'met', metOn: '2026-02-20' });
    expect(deadlines.find((d) => d.id === `advice:${ids.medical}`)).toMatchObject({ status: 'late', metOn: '2026-03-20' }); // due 2026-03-09
    expect(deadlines.find((d) => d.id === `advice:${ids['social-care']}`)).toMatchObject({ status: 'met', metOn: '2026-02-25' });

    // reg 6(1): the rest of what a draft needs: the scope, the educational psychologist's report re-used by agreement
    // (reg 6(4)), the family's views asked for and declined (reg 6(1)(a))
    await lifecycle('/advice-scope', { at: '2026-03-20', inOrBeyondYear9: false, visionOrHearingImpaired: false });
    await lifecycle('/advice-reuses', { at: '2026-03-20', adviceType: 'psychological', agency: 'education', adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } });
    const views = randomUUID();
    await lifecycle('/advice-requests', { at: '2026-03-20', adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: views });
    await lifecycle('/advice-not-awaited', { at: '2026-03-20', adviceRequestIds: [views], reason: 'family-declined-to-give-views' });
    await lifecycle('/draft-plan', { at: '2026-04-06' });
    await lifecycle('/family-response', { at: '2026-04-15', preferredSettingRef: 'urn:school:124356' });
    const consultationId = randomUUID();
    await lifecycle('/consultations', { at: '2026-04-15', settingRef: 'urn:school:124356', consultationId });
    await lifecycle('/consultations/responses', { at: '2026-04-24', consultationId, canMeetNeeds: true });
    await lifecycle('/final-plan', { at: '2026-05-18', namedSettingRef: 'urn:school:124356' });

    const final = await ok(call('case', 'GET', `/cases/${caseId}?asOf=2026-05-25`, tokens['la']));
    expect(final.state.status).toBe('plan-in-force');
    expect(final.status.deadlines.find((d: { step: string }) => d.step === 'final-plan')).toMatchObject({ status: 'met', metOn: '2026-05-18', dueOn: '2026-05-25' });
    expect(final.status.overdue).toEqual([]);

    // On Kafka: the case's events in order, and each agency's advice exactly once per version.
    const caseEvents = (await consumeUntil(kafka, TOPICS.caseEvents, (ms) => decode(ms, caseId).some((e) => e.type === 'ehc.final-plan-issued.v1'))).filter((m) => String(m.key) === caseId);
    const types = decode(caseEvents, caseId).map((e) => e.type);
    expect(types[0]).toBe('ehc.request-received.v1');
    expect(types.at(-1)).toBe('ehc.final-plan-issued.v1');
    expect(types.filter((t) => t === 'ehc.advice-received.v1')).toHaveLength(4); // education, health, social care v1 and v2
    const advice = decode(await consumeUntil(kafka, TOPICS.educationEvents, (ms) => decode(ms, caseId).length >= 1), caseId);
    expect(advice.map((e) => e.type)).toEqual(['advice.submitted.v1']);

    // the timeline holds every stored event as it was recorded, in the one order (four steps share 2026-01-26)
    expect(await driftOnceCaughtUp(caseId)).toMatchObject({ inSync: true, missing: [], extra: [], mismatched: [], reordered: [] });
  }, 240_000);

  it('shows the demo case in sync right after the system starts: no drift, entries of one day in the order they were recorded', async () => {
    expect(await seedDemoCase({ case: url['case'], education: url['education'], health: url['health'], socialCare: url['social-care'] }, privateKeyPem)).toBe(DEMO_CASE_ID);

    const drift = await driftOnceCaughtUp(DEMO_CASE_ID);
    expect(drift).toMatchObject({ inSync: true, missing: [], extra: [], mismatched: [], reordered: [] });
    expect(drift.timelineEntries).toBe(drift.storeEvents);

    // the decision to assess and the three advice requests share a date: the decision was recorded first
    const timeline = await ok(call('timeline', 'GET', `/cases/${DEMO_CASE_ID}/timeline`, await tokenFor(DEMO_PEOPLE.caseworker.token)));
    const entries = timeline.entries as Array<{ title: string; occurredAt: string; recordedAt: string }>;
    const decision = entries.findIndex((e) => e.title === 'Decided to carry out an EHC needs assessment');
    const healthAsked = entries.findIndex((e) => e.title === 'Health advice requested');
    expect(decision).toBeGreaterThanOrEqual(0);
    expect(healthAsked).toBeGreaterThan(decision);
    const sameDay = entries.filter((e) => e.occurredAt === entries[decision]?.occurredAt);
    expect(sameDay.length).toBeGreaterThanOrEqual(4);
    expect(sameDay.map((e) => e.recordedAt)).toEqual(sameDay.map((e) => e.recordedAt).sort());
  }, 240_000);

  interface DriftReport { inSync: boolean; storeEvents: number; timelineEntries: number; missing: unknown[]; extra: unknown[]; reordered: unknown[]; mismatched: unknown[] }

  /** The audit's drift report once the timeline has every stored event of the case (consumers catch up). */
  async function driftOnceCaughtUp(caseId: string): Promise<DriftReport> {
    return waitFor(`the timeline to hold every stored event of case ${caseId}`, async () => {
      const res = await call('audit', 'GET', `/cases/${caseId}/drift`, tokens['auditor']);
      const drift = res.body as DriftReport;
      return res.status === 200 && drift.storeEvents > 0 && drift.missing.length === 0 ? drift : undefined;
    }, 120_000);
  }

  function decode(messages: ConsumedMessage[], caseId: string) {
    return messages.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ key: m.key, value: m.value, headers: m.headers } as never));
  }
});
