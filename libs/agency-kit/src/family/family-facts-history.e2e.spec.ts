import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { TOPICS } from '@tio/contracts';
import { KafkaJsClient, type MessagingClient } from '@tio/messaging';
import { startTestService, testCitizenSubject, tokenFor, type TestService } from '@tio/testing';
import { AgencyAdviceModule } from '../agency-advice.module';
import { familyFactsGroup } from '../read-model/family-facts-feed';
import { publishAdviceRequest } from '../testing/case-fixtures';
import { eventually, integrationEvent, TestBus } from '../testing/test-bus';

const SERVICE = 'kit-health-history';
@Module({ imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: SERVICE, defaultPort: 0 })] })
class KitHealthHistoryModule {}

const definition = { name: SERVICE, title: 'Tell It Once: the family facts from the topic history', description: 'The agency kit as health, started after the case linked its family.', module: KitHealthHistoryModule };
const JO = testCitizenSubject('history-jo');
const STRANGER = testCitizenSubject('history-stranger');
const ADVICE_VIEW = `tio-${SERVICE}-advice-view`;
const FAMILY_FACTS = familyFactsGroup(SERVICE);

/**
 * Commits a consumer group's offsets at the end of a topic, as a service that ran before the family's advice route
 * did with its read model's group: it read and committed past every event then on the topic.
 */
async function groupReadsToTheEnd(client: MessagingClient, groupId: string, topic: string): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    const consumer = client.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachBatch: async (batch, controls) => { for (const m of batch.messages) controls.resolveOffset(m.offset); } });
    try {
      await eventually(`${groupId} committed at the end of ${topic}`, async () => {
        const committed = new Map((await admin.fetchCommittedOffsets(groupId, topic)).map((p) => [p.partition, p.offset]));
        return [...high].every(([partition, h]) => h === '0' || committed.get(partition) === h);
      });
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await admin.disconnect();
  }
}

// A deployment that ran before the family's advice route: the case linked a parent and issued the draft plan while
// the service's read-model group (tio-<service>-advice-view) read and committed past those events. When the service
// starts with the route, the family's facts come from the topic's history (their own group, new, from the
// beginning), once per event: the linked parent reads the advice with no replay by hand.
describe('agency kit: the family facts from the case topic history (events published before the service starts)', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  const brokers = process.env['KAFKA_BROKERS'] as string;
  const caseId = randomUUID();
  const linked = integrationEvent('ehc.family-member-linked.v1', caseId, { caseId, invitationId: randomUUID(), subject: JO, relationship: 'parent', linkedOn: '2026-01-08' });
  let service: TestService;
  let bus: TestBus;
  let pool: Pool;
  let doctor: string;
  let jo: string;
  let stranger: string;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const familyAdvice = (token: string) => request(service.server).get(`/cases/${caseId}/family/advice`).set(auth(token));

  beforeAll(async () => {
    bus = new TestBus(brokers, prefix);
    // the case's history, before the service (with the family route) ever starts: the link (delivered twice, as a
    // producer retry may) and the draft plan
    await bus.publish(TOPICS.caseEvents, linked);
    await bus.publish(TOPICS.caseEvents, linked);
    await bus.publish(TOPICS.caseEvents, integrationEvent('ehc.draft-plan-issued.v1', caseId, { caseId, planId: randomUUID(), issuedOn: '2026-03-02', commentsDueOn: '2026-03-17' }));
    // the service's read-model group is already past them, as on a deployment that ran before
    await groupReadsToTheEnd(new KafkaJsClient({ brokers, clientId: `history-${randomUUID().slice(0, 8)}`, topicPrefix: prefix }), ADVICE_VIEW, TOPICS.caseEvents);

    service = await startTestService(definition, { KAFKA_TOPIC_PREFIX: prefix });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    doctor = await tokenFor({ agency: 'health', roles: ['practitioner'], userId: 'dr-okafor', organisationId: 'RXK' });
    jo = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: JO });
    stranger = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: STRANGER });
  });
  afterAll(async () => {
    await pool?.end();
    await bus?.close();
    await service?.close();
  });

  it('keeps each family event of the history once, from its own consumer group', async () => {
    const rows = await eventually('the history in case_family_events', async () => {
      const { rows } = await pool.query<{ type: string; event_id: string }>('SELECT type, event_id FROM agency_kit.case_family_events WHERE case_id = $1 ORDER BY occurred_at', [caseId]);
      return rows.length === 2 && rows;
    });
    expect(rows.map((r) => r.type)).toEqual(['ehc.family-member-linked.v1', 'ehc.draft-plan-issued.v1']);
    expect(rows[0].event_id).toBe(linked.id);
    const claims = await pool.query<{ consumer_group: string; n: number }>(
      'SELECT consumer_group, count(*)::int AS n FROM processed_messages WHERE event_id = $1 GROUP BY consumer_group', [linked.id]);
    // claimed once by the family facts' group; the read model's group never saw it (it had passed it)
    expect(claims.rows).toEqual([{ consumer_group: FAMILY_FACTS, n: 1 }]);
  });

  it('a parent linked before the service started reads the advice given after it, as the draft was issued', async () => {
    const requested = await publishAdviceRequest(bus, { agency: 'health', adviceType: 'medical', adviserRef: 'RXK', caseId, newCase: true });
    await eventually('the request', async () => {
      const res = await request(service.server).get(`/cases/${caseId}/advice-requests`).set(auth(doctor));
      return res.status === 200 && res.body.requests.length === 1;
    });
    const adviceId = (await request(service.server).post(`/cases/${caseId}/advice`).set(auth(doctor)).set('Idempotency-Key', `hist-${randomUUID()}`)
      .send({ adviceRequestId: requested.adviceRequestId, adviceType: 'medical', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled.' }] }).expect(201)).body.adviceId as string;
    const body = (await familyAdvice(jo).expect(200)).body;
    expect(body).toEqual({ caseId, agency: 'health', advice: [expect.objectContaining({ adviceId, status: 'given', shownBecause: 'advice-with-draft', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled.' }] })] });
    // still only the linked member
    await familyAdvice(stranger).expect(403);
  });

  it('reports the family facts consumer to readiness and /metrics, the duplicate absorbed', async () => {
    const ready = (await request(service.server).get('/health/ready').expect(200)).body;
    expect(Object.keys(ready.consumers)).toEqual(expect.arrayContaining([ADVICE_VIEW, FAMILY_FACTS]));
    expect(ready.consumers[FAMILY_FACTS]).toMatchObject({ ok: true, state: 'running', topics: [TOPICS.caseEvents], stats: { applied: 2, duplicates: 1 } });
    const auditor = await tokenFor({ agency: 'system', roles: ['auditor'], userId: 'inspector-1', organisationId: 'ofsted' });
    const metrics = (await request(service.server).get('/metrics').set(auth(auditor)).expect(200)).text;
    expect(metrics).toContain(`tio_consumer_ok{group="${FAMILY_FACTS}"} 1`);
  });
});
