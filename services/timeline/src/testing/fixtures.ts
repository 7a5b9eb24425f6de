// Test helpers: events as the four services' forwarders publish them (CloudEvents, key = case id), and a
// canonical dump of the read model to compare timelines byte for byte.
import { createHash, randomUUID } from 'node:crypto';
import { toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import type { Actor } from '@tio/event-store';
import { KafkaJsClient, ensureTopics, type MessageProducer } from '@tio/messaging';
import type { Pool } from 'pg';

export const ACTORS = {
  la: { userId: 'caseworker-1', organisationId: 'la-e08000025', agency: 'local-authority', role: 'case-officer' },
  school: { userId: 'senco-1', organisationId: 'school-oakfield', agency: 'education', role: 'practitioner' },
  nhs: { userId: 'paed-1', organisationId: 'nhs-rxx', agency: 'health', role: 'practitioner' },
  socialCare: { userId: 'sw-1', organisationId: 'sc-e08000025', agency: 'social-care', role: 'practitioner' },
} satisfies Record<string, Actor>;

/** Four topics standing in for tio.case/education/health/social-care.events.v1, unique per test suite. */
export function testTopics(tag: string) {
  const suffix = `${tag}-${randomUUID().slice(0, 6)}`;
  return {
    case: `tio.case.events.v1.${suffix}`,
    education: `tio.education.events.v1.${suffix}`,
    health: `tio.health.events.v1.${suffix}`,
    socialCare: `tio.social-care.events.v1.${suffix}`,
  };
}
export type TestTopics = ReturnType<typeof testTopics>;
export const topicList = (t: TestTopics) => [t.case, t.education, t.health, t.socialCare];

export function event(type: string, caseId: string, time: string, actor: Actor, data: Record<string, unknown>, id = randomUUID()): IntegrationEvent {
  return { id, source: `/tio/${actor.agency}`, type, subject: caseId, time, data: { caseId, ...data }, correlationId: `corr-${caseId.slice(0, 8)}`, actor };
}

/** A realistic case history across the four agencies (each agency's events on its own topic). */
export function caseStory(caseId: string, t: TestTopics, start = Date.parse('2025-01-06T09:30:00Z')) {
  const at = (days: number, h = 0) => new Date(start + days * 86_400_000 + h * 3_600_000).toISOString();
  const [edu, med, sc] = [randomUUID(), randomUUID(), randomUUID()];
  return [
    { topic: t.case, e: event('ehc.request-received.v1', caseId, at(0), ACTORS.la, { receivedAt: at(0), requesterRole: 'parent', localAuthority: 'E08000025' }) },
    { topic: t.case, e: event('ehc.decision-to-assess.v1', caseId, at(30), ACTORS.la, { decision: 'assess', decidedAt: at(30) }) },
    { topic: t.case, e: event('ehc.advice-requested.v1', caseId, at(31), ACTORS.la, { adviceRequestId: edu, agency: 'education', adviceType: 'educational', dueBy: at(73).slice(0, 10), organisationId: ACTORS.school.organisationId }) },
    { topic: t.case, e: event('ehc.advice-requested.v1', caseId, at(31, 1), ACTORS.la, { adviceRequestId: med, agency: 'health', adviceType: 'medical', dueBy: at(73).slice(0, 10), organisationId: ACTORS.nhs.organisationId }) },
    { topic: t.case, e: event('ehc.advice-requested.v1', caseId, at(31, 2), ACTORS.la, { adviceRequestId: sc, agency: 'social-care', adviceType: 'social-care', dueBy: at(73).slice(0, 10), organisationId: ACTORS.socialCare.organisationId }) },
    { topic: t.education, e: event('advice.submitted.v1', caseId, at(50), ACTORS.school, { adviceRequestId: edu, adviceId: randomUUID(), agency: 'education', submittedAt: at(50), sections: [{ heading: 'Learning', text: 'private' }] }) },
    { topic: t.health, e: event('advice.submitted.v1', caseId, at(60), ACTORS.nhs, { adviceRequestId: med, adviceId: randomUUID(), agency: 'health', submittedAt: at(60), sections: [{ heading: 'Medical needs', text: 'private' }] }) },
    { topic: t.socialCare, e: event('social-care.family-visit-recorded.v1', caseId, at(62), ACTORS.socialCare, { visitId: randomUUID(), visitedAt: at(62) }) },
  ];
}

export class Publisher {
  readonly client: KafkaJsClient;
  private producer?: MessageProducer;
  constructor(brokers = process.env['KAFKA_BROKERS'] as string) {
    this.client = new KafkaJsClient({ brokers, clientId: `timeline-test-${randomUUID().slice(0, 6)}` });
  }
  async ensure(topics: string[]) {
    await ensureTopics(this.client, topics);
  }
  async publish(items: { topic: string; e: IntegrationEvent }[]) {
    if (!this.producer) {
      this.producer = this.client.producer({ idempotent: true });
      await this.producer.connect();
    }
    const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>[]>();
    for (const { topic, e } of items) byTopic.set(topic, [...(byTopic.get(topic) ?? []), toKafkaRecord(e)]);
    await this.producer.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }
  async close() {
    await this.producer?.disconnect();
  }
}

/** The timeline as content: every column but the operational ones (arrival order, projection time). */
export async function dumpTimeline(pool: Pool, schema = 'timeline'): Promise<{ hash: string; rows: number; text: string }> {
  const { rows } = await pool.query(
    `SELECT case_id, seq, source_event_id, kind, title, summary, agency, actor_user_id, actor_organisation_id, actor_agency, actor_role,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS occurred_at, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS recorded_at,
            details::text AS details, source_event_type, source_topic, source_partition, source_offset::text AS source_offset
       FROM "${schema}".timeline_entries ORDER BY case_id COLLATE "C", seq`,
  );
  const members = await pool.query(`SELECT case_id, organisation_id, agency, reason, since_event_id FROM "${schema}".case_members ORDER BY case_id COLLATE "C", organisation_id COLLATE "C"`);
  const text = [...rows, ...members.rows].map((r) => JSON.stringify(r)).join('\n');
  return { hash: createHash('sha256').update(text).digest('hex'), rows: rows.length, text };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
