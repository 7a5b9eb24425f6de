import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel, type IHeaders } from 'kafkajs';
import { Pool } from 'pg';
import { DLQ_HEADERS, TOPICS, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { dropDatabase, ensureDatabase, freePort } from '@tio/local-infra';
import { DEAD_LETTER_VALUE_HEADERS, KafkaJsClient, listDeadLetters, listParked, PgUnitOfWork } from '@tio/messaging';
import { testKeys, tokenFor, waitFor } from '@tio/testing';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

/**
 * Issue 13, item 1, through running services: a record sent gzip-compressed that decompresses to more than the
 * broker's default 1 MB limit, followed by valid records, on every kind of consumer: the health service's inbound
 * topic (agency-kit inbound), the case service's advice intake, the agency-kit read model of the case (in the health
 * service and in the case service, which hosts the kit) and the timeline. The valid records are recorded, each bad one is findable (a bounded dead
 * letter per consumer group, the whole value in that service's parked_messages) and every service says so in
 * /health/ready (and the timeline in /metrics) while staying ready.
 */
describe('system: oversized compressed records on every consumer (real broker at its default limits, service processes)', () => {
  const LA = 'E10000028';
  const NHS = 'nhs-trust-rlj';
  const prefix = `poison-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const brokers = process.env['KAFKA_BROKERS'] as string;
  const kafka = new KafkaJsClient({ brokers, topicPrefix: prefix });
  const outside = new Kafka({ brokers: brokers.split(','), clientId: 'outside-system', logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
  const names = ['case', 'health', 'timeline'] as const;
  const running: RunningService[] = [];
  const databases: Record<string, string> = {};
  const url: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const TIMELINE_GROUP = `${prefix}tio-timeline`;

  beforeAll(async () => {
    const keys = await testKeys();
    const logDir = mkdtempSync(join(tmpdir(), 'tio-poison-e2e-'));
    for (const name of names) databases[name] = await ensureDatabase(cluster, `poison_${name}_${randomUUID().slice(0, 6)}`);
    for (const group of [['case', 'health'], ['timeline']] as const) {
      const started: RunningService[] = [];
      for (const name of group) {
        const port = await freePort();
        const env = { ...process.env, DATABASE_URL: databases[name], KAFKA_TOPIC_PREFIX: prefix, JWT_PUBLIC_KEY: keys.publicKeyPem, ...(name === 'timeline' ? { TIMELINE_CONSUMER_GROUP: TIMELINE_GROUP } : {}) };
        started.push(await startService(SERVICES.find((s) => s.name === name)!, port, logDir, env));
        url[name] = `http://127.0.0.1:${port}`;
      }
      running.push(...started);
      await Promise.all(started.map((s) => waitReady(s, 240_000)));
    }
    tokens['la'] = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    tokens['nhs'] = await tokenFor({ agency: 'health', roles: ['practitioner'], organisationId: NHS, userId: 'paed-1' });
    tokens['auditor'] = await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: LA, userId: 'auditor-1' });
    await outside.connect();
  }, 300_000);

  afterAll(async () => {
    await outside.disconnect();
    await Promise.all(running.map(stopService));
    for (const db of Object.values(databases)) await dropDatabase(cluster, db.split('/').pop()!.split('?')[0]).catch(() => undefined);
  });

  async function call(service: string, method: string, path: string, token: string, body?: object) {
    const res = await fetch(`${url[service]}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as any };
  }

  /** What an outside system's client does: one gzip batch (the broker checks the compressed size against its limit). */
  async function sendGzip(topic: string, messages: Array<{ key: string; value: Buffer | string; headers: IHeaders }>) {
    await outside.send({ topic: `${prefix}${topic}`, compression: CompressionTypes.GZIP, acks: -1, messages });
  }

  /**
   * Over 2 MB once decompressed, and not a Tell It Once CloudEvent: ce_correlationid is missing. Its type is one every
   * reader of the topic handles (a consumer skips a type it does not handle from the ce_type header, unread).
   */
  function oversizedRecord(caseId: string, type: string) {
    const record = toKafkaRecord({
      id: randomUUID(), source: '/somewhere', type, subject: caseId, time: new Date().toISOString(), correlationId: 'x',
      data: { caseId, note: 'n'.repeat(2 * 1024 * 1024) }, actor: { userId: 'u', organisationId: 'o', agency: 'system', role: 'system' },
    });
    const headers = { ...record.headers } as Record<string, string>;
    delete headers['ce_correlationid'];
    return { key: caseId, value: record.value as Buffer, headers };
  }

  it('records the valid records after each bad one; each bad one is dead-lettered bounded and kept whole; the services report it', async () => {
    const caseId = randomUUID();
    const medical = randomUUID();
    const lifecycle = async (path: string, body: object) => {
      const res = await call('case', 'POST', `/cases/${caseId}${path}`, tokens['la'], body);
      if (![200, 201].includes(res.status)) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    expect((await call('case', 'POST', '/cases', tokens['la'], { caseId, at: '2026-01-05', childRef: 'child:poison-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } })).status).toBe(201);
    await lifecycle('/decision-to-assess', { at: '2026-01-26' });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'health', adviceType: 'medical', adviceRequestId: medical });
    await waitFor('health to see its advice request', async () => JSON.stringify((await call('health', 'GET', `/cases/${caseId}/advice-requests`, tokens['nhs'])).body).includes(medical), 90_000);

    // the bad records, each on the partition the case's later valid records use (same key)
    const onCase = oversizedRecord(caseId, 'ehc.request-received.v1');
    const onHealth = oversizedRecord(caseId, 'advice.submitted.v1');
    await sendGzip(TOPICS.caseEvents, [onCase]);
    await sendGzip(TOPICS.healthEvents, [onHealth]);
    // a valid case event after the bad one on the case topic: every reader of the case topic must get past it
    const educational = randomUUID();
    await lifecycle('/advice-requests', { at: '2026-01-27', agency: 'education', adviceType: 'educational', adviceRequestId: educational });
    const advice = (text: string): IntegrationEvent => ({
      id: randomUUID(), source: '/nhs/rlj/epr', type: 'health.advice-submitted.v1', subject: caseId, time: '2026-03-20T10:00:00.000Z', correlationId: randomUUID(),
      actor: { userId: 'system:rlj-epr', organisationId: NHS, agency: 'health', role: 'system' },
      data: { caseId, adviceRequestId: medical, externalReference: `RLJ-${randomUUID().slice(0, 6)}`, submittedAt: '2026-03-20T10:00:00.000Z', authorName: 'Community paediatrics', authorRole: 'paediatrician', sections: [{ heading: 'Diagnosis', text }] },
    });
    const tooBig = toKafkaRecord(advice('x'.repeat(2 * 1024 * 1024)));
    const valid = toKafkaRecord(advice('Autism spectrum condition.'));
    // the agency's record system: the oversized advice, then a valid one, in one gzip batch
    await sendGzip(TOPICS.healthInbound, [tooBig, valid].map((r) => ({ key: caseId, value: r.value as Buffer, headers: r.headers as IHeaders })));

    // valid records are recorded: the advice by health (inbound), "advice received" by the case (advice intake, after
    // the bad record on tio.health.events.v1), both on the timeline (after the bad records on both topics)
    const recorded = await waitFor('health to record the valid inbound advice', async () => {
      const res = await call('health', 'GET', `/cases/${caseId}/advice`, tokens['nhs']);
      return res.body.advice?.length ? res.body.advice : undefined;
    }, 90_000);
    expect(recorded).toEqual([expect.objectContaining({ adviceRequestId: medical, status: 'current', currentVersion: 1, headings: ['Diagnosis'] })]);
    await waitFor('the case to record the advice as received', async () => {
      const res = await call('case', 'GET', `/cases/${caseId}?asOf=2026-04-01`, tokens['la']);
      return Object.values(res.body.state?.adviceRequests ?? {}).some((r: any) => r.adviceRequestId === medical && r.current);
    }, 90_000);
    const entries = await waitFor('the timeline to show the advice submitted and received', async () => {
      const res = await call('timeline', 'GET', `/cases/${caseId}/timeline`, tokens['auditor']);
      const titles: string[] = (res.body.entries ?? []).map((e: { title: string }) => e.title);
      return titles.some((t) => /submitted \(version 1\)/.test(t)) && titles.some((t) => /received by the local authority/.test(t)) ? titles : undefined;
    }, 120_000);
    // the health service's read model of the case got past both bad records too
    const healthDb = new Pool({ connectionString: databases['health'], max: 1 });
    try {
      await waitFor('the health read model to hold the later request and the advice', async () => {
        const { rows } = await healthDb.query(
          `SELECT (SELECT count(*) FROM agency_kit.advice_requests WHERE advice_request_id = $1)::int AS requests, (SELECT count(*) FROM agency_kit.advice_versions WHERE case_id = $2)::int AS versions`,
          [educational, caseId],
        );
        return rows[0].requests === 1 && rows[0].versions === 1;
      }, 90_000);
    } finally {
      await healthDb.end();
    }

    // every bad record is findable: one bounded dead letter per consumer group that met it...
    // the readers of the case's and the agencies' topics: the timeline and the agency kit's read model in the health
    // service and in the case service (which hosts the kit for the family's views); the case's advice intake reads the
    // agencies' topics only (the family's views it holds itself are a reaction to its own store); the kit's family
    // facts (tio-<service>-family-facts) read the case topic for other types: they skip the bad record by its ce_type, unread
    const CASE_TOPIC_READERS = [TIMELINE_GROUP, 'tio-case-advice-view', 'tio-health-advice-view'].sort();
    const READERS = [...CASE_TOPIC_READERS, 'tio-case-advice-intake'].sort();
    const letters = async (topic: string) => (await listDeadLetters(kafka, topic)).filter((l) => l.headers[DEAD_LETTER_VALUE_HEADERS.truncated] === 'true');
    const groupsOf = async (topic: string) => (await letters(topic)).map((l) => l.consumerGroup).sort();
    await waitFor('every consumer group to dead-letter the bad records', async () =>
      (await groupsOf(TOPICS.caseEvents)).length === 3 && (await groupsOf(TOPICS.healthEvents)).length === 4 && (await groupsOf(TOPICS.healthInbound)).length === 1, 60_000).catch(async (err) => {
      const seen = await Promise.all([TOPICS.caseEvents, TOPICS.healthEvents, TOPICS.healthInbound].map(async (t) => (await listDeadLetters(kafka, t)).map((l) => ({ group: l.consumerGroup, headers: Object.keys(l.headers).filter((h) => h.startsWith('dlq_')), bytes: l.value?.length }))));
      throw new Error(`${(err as Error).message}: ${JSON.stringify(seen)}`);
    });
    expect(await groupsOf(TOPICS.caseEvents)).toEqual(CASE_TOPIC_READERS);
    expect(await groupsOf(TOPICS.healthEvents)).toEqual(READERS);
    expect(await groupsOf(TOPICS.healthInbound)).toEqual(['tio-health-inbound']);
    const all = [...(await letters(TOPICS.caseEvents)), ...(await letters(TOPICS.healthEvents)), ...(await letters(TOPICS.healthInbound))];
    for (const l of all) {
      expect(l.value!.length).toBeLessThanOrEqual(64 * 1024);
      expect(Number(l.headers[DEAD_LETTER_VALUE_HEADERS.bytes])).toBeGreaterThan(2 * 1024 * 1024);
      expect(l.headers[DEAD_LETTER_VALUE_HEADERS.sha256]).toMatch(/^[0-9a-f]{64}$/);
      expect(l.headers[DLQ_HEADERS.originalOffset]).toMatch(/^\d+$/);
    }
    expect((await letters(TOPICS.caseEvents))[0].reason).toContain('header ce_correlationid is missing');

    // ... and the whole value in the service's own database, by coordinates
    const kept: Record<string, string[]> = {};
    for (const name of names) {
      const pool = new Pool({ connectionString: databases[name], max: 1 });
      try {
        kept[name] = (await listParked(new PgUnitOfWork(pool), { status: 'dead-lettered' })).map((r) => `${r.topic} ${r.consumerGroup} ${r.valueBytes > 2 * 1024 * 1024 ? '>2MB' : r.valueBytes}`).sort();
      } finally {
        await pool.end();
      }
    }
    expect(kept['timeline']).toEqual([`${TOPICS.caseEvents} ${TIMELINE_GROUP} >2MB`, `${TOPICS.healthEvents} ${TIMELINE_GROUP} >2MB`]);
    expect(kept['case']).toEqual([
      `${TOPICS.caseEvents} tio-case-advice-view >2MB`, `${TOPICS.healthEvents} tio-case-advice-intake >2MB`, `${TOPICS.healthEvents} tio-case-advice-view >2MB`,
    ]);
    expect(kept['health']).toEqual([`${TOPICS.caseEvents} tio-health-advice-view >2MB`, `${TOPICS.healthEvents} tio-health-advice-view >2MB`, `${TOPICS.healthInbound} tio-health-inbound >2MB`]);

    // the services say what happened, and stay ready
    const report: Record<string, unknown> = {};
    for (const name of names) {
      const res = await call(name, 'GET', '/health/ready', tokens['auditor']);
      expect(res.status).toBe(200);
      for (const [group, c] of Object.entries<any>(res.body.consumers)) {
        expect(c).toMatchObject({ ok: true, state: 'running', parked: 0 });
        if (group.endsWith('-family-facts')) expect(c.stats.deadLettered).toBe(0);
        else expect(c.stats.deadLettered).toBeGreaterThanOrEqual(1);
        report[`${name}/${group}`] = { state: c.state, deadLettered: c.stats.deadLettered, applied: c.stats.applied, lag: c.lag, lastError: c.lastError?.message };
      }
    }
    const metrics = await call('timeline', 'GET', '/metrics', tokens['auditor']);
    expect(metrics.body).toContain('timeline_consumer_events_total{outcome="dead-lettered"} 2');
    expect(metrics.body).toContain('timeline_consumer_ok 1');
    // the other services' /metrics: their consumers
    const healthMetrics = (await call('health', 'GET', '/metrics', tokens['auditor'])).body as string;
    expect(healthMetrics).toContain('tio_consumer_messages_total{group="tio-health-inbound",outcome="deadLettered"} 1');
    expect(healthMetrics).toContain('tio_consumer_ok{group="tio-health-inbound"} 1');
    expect(healthMetrics).toContain('tio_consumer_ok{group="tio-health-advice-view"} 1');
    console.log(`[poison e2e] timeline: ${entries.length} entries; dead letters ${all.length} (largest ${Math.max(...all.map((l) => l.value!.length))} bytes); consumers ${JSON.stringify(report)}`);
  }, 300_000);
});
