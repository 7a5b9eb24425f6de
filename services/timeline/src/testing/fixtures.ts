// Test helpers: events as the four services' forwarders publish them (CloudEvents, key = case id), and a
// canonical dump of the read model to compare timelines byte for byte.
import { createHash, randomUUID } from 'node:crypto';
import { toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import type { Actor } from '@tio/event-store';
import { KafkaJsClient, ensureTopics, type MessageProducer } from '@tio/messaging';
import type { Pool } from 'pg';
import { adviceDecider, type AdviceCommand, type AdviceState, type WithheldFromFamily } from '@tio/advice-domain';
import { ehcCaseDecider, londonDateOf, type EhcCaseState, type EhcCommand } from '@tio/ehc-domain';

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

export function event(type: string, caseId: string, time: string, actor: Actor, data: object, id: string = randomUUID()): IntegrationEvent {
  return { id, source: `/tio/${actor.agency}`, type, subject: caseId, time, data: { caseId, ...data }, correlationId: `corr-${caseId.slice(0, 8)}`, actor };
}

type CaseCommand = EhcCommand extends infer C ? (C extends EhcCommand ? Omit<C, 'caseId'> : never) : never;

/**
 * One case's `ehc.*` events produced by the domain decider itself (`ehcCaseDecider.decide(command, state)`), so the
 * payloads are exactly what the case service publishes; and `advice.*` events from the advice decider.
 */
export class DomainCase {
  private state: EhcCaseState = ehcCaseDecider.initialState();
  private readonly advice = new Map<string, AdviceState>();
  constructor(readonly caseId: string) {}

  /** The one event a command produces, as published on the case topic at `time` by `actor`. */
  ehc(time: string, actor: Actor, command: CaseCommand): IntegrationEvent {
    const events = ehcCaseDecider.decide({ ...command, caseId: this.caseId } as EhcCommand, this.state);
    if (events.length !== 1) throw new Error(`${command.type} produced ${events.length} events`);
    this.state = ehcCaseDecider.evolve(this.state, events[0]);
    return event(events[0].type, this.caseId, time, actor, events[0].data);
  }

  /** Every event a command produces (an amended plan with its contents: two), as published on the case topic. */
  ehcAll(time: string, actor: Actor, command: CaseCommand): IntegrationEvent[] {
    const events = ehcCaseDecider.decide({ ...command, caseId: this.caseId } as EhcCommand, this.state);
    for (const e of events) this.state = ehcCaseDecider.evolve(this.state, e);
    return events.map((e) => event(e.type, this.caseId, time, actor, e.data));
  }

  /** An agency's advice event for one of the case's advice requests (advice decider; sections carry text that must never reach the timeline). */
  adviceEvent(time: string, actor: Actor, adviceRequestId: string, command: { type: 'SubmitAdvice'; adviceId: string; headings: string[]; withheldFromFamily?: WithheldFromFamily } | { type: 'CorrectAdvice'; reason: string; headings: string[] } | { type: 'WithdrawAdvice'; reason: string }): IntegrationEvent {
    const r = this.state.adviceRequests[adviceRequestId];
    if (!r) throw new Error(`no advice request ${adviceRequestId}`);
    const key = { caseId: this.caseId, assessmentId: r.assessmentId, agency: r.agency, adviceType: r.adviceType };
    const state = this.advice.get(adviceRequestId) ?? adviceDecider.initialState();
    const base = { ...key, idempotencyKey: randomUUID(), at: londonDateOf(time), by: { userRef: actor.userId, organisationRef: actor.organisationId } };
    const sections = 'headings' in command ? command.headings.map((heading) => ({ heading, text: `private text about the child under ${heading}` })) : [];
    const cmd: AdviceCommand = command.type === 'SubmitAdvice'
      ? { ...base, type: 'SubmitAdvice', adviceId: command.adviceId, request: { ...key, adviceRequestId }, sections, ...(command.withheldFromFamily ? { withheldFromFamily: command.withheldFromFamily } : {}) }
      : command.type === 'CorrectAdvice' ? { ...base, type: 'CorrectAdvice', reason: command.reason, sections } : { ...base, type: 'WithdrawAdvice', reason: command.reason };
    const [e] = adviceDecider.decide(cmd, state);
    this.advice.set(adviceRequestId, adviceDecider.evolve(state, e));
    return event(e.type, this.caseId, time, actor, e.data);
  }
}

/**
 * A realistic case history across the four agencies (each agency's events on its own topic; every ehc.* and advice.*
 * payload from the domain deciders). The LA asks education, health and social care for advice, naming each adviser's
 * organisation; education and health answer (advice.submitted on their topic, then the case service's
 * ehc.advice-received on the case topic); social care does not. 10 entries. `requests` has the advice request ids.
 */
export function caseStory(caseId: string, t: TestTopics, start = Date.parse('2025-01-06T09:30:00Z')) {
  const at = (days: number, h = 0, min = 0) => new Date(start + days * 86_400_000 + h * 3_600_000 + min * 60_000).toISOString();
  const day = (days: number, h = 0) => londonDateOf(at(days, h));
  const c = new DomainCase(caseId);
  const requests = { education: randomUUID(), health: randomUUID(), socialCare: randomUUID() };
  const assessmentId = randomUUID();
  const items = [
    { topic: t.case, e: c.ehc(at(0), ACTORS.la, { type: 'ReceiveRequest', at: day(0), childRef: `child-${caseId.slice(0, 6)}`, localAuthority: ACTORS.la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }) },
    { topic: t.case, e: c.ehc(at(30), ACTORS.la, { type: 'DecideToAssess', at: day(30), assessmentId }) },
    { topic: t.case, e: c.ehc(at(31), ACTORS.la, { type: 'RequestAdvice', at: day(31), adviceRequestId: requests.education, adviceType: 'educational', agency: 'education', adviserRef: ACTORS.school.organisationId }) },
    { topic: t.case, e: c.ehc(at(31, 1), ACTORS.la, { type: 'RequestAdvice', at: day(31, 1), adviceRequestId: requests.health, adviceType: 'medical', agency: 'health', adviserRef: ACTORS.nhs.organisationId }) },
    { topic: t.case, e: c.ehc(at(31, 2), ACTORS.la, { type: 'RequestAdvice', at: day(31, 2), adviceRequestId: requests.socialCare, adviceType: 'social-care', agency: 'social-care', adviserRef: ACTORS.socialCare.organisationId }) },
    { topic: t.education, e: c.adviceEvent(at(50), ACTORS.school, requests.education, { type: 'SubmitAdvice', adviceId: `adv-edu-${caseId.slice(0, 6)}`, headings: ['Learning'] }) },
    { topic: t.case, e: c.ehc(at(50, 0, 5), ACTORS.school, { type: 'RecordAdviceReceived', at: day(50), adviceRequestId: requests.education, adviceId: `adv-edu-${caseId.slice(0, 6)}`, version: 1, agency: 'education' }) },
    { topic: t.health, e: c.adviceEvent(at(60), ACTORS.nhs, requests.health, { type: 'SubmitAdvice', adviceId: `adv-med-${caseId.slice(0, 6)}`, headings: ['Medical needs'] }) },
    { topic: t.case, e: c.ehc(at(60, 0, 5), ACTORS.nhs, { type: 'RecordAdviceReceived', at: day(60), adviceRequestId: requests.health, adviceId: `adv-med-${caseId.slice(0, 6)}`, version: 1, agency: 'health' }) },
    { topic: t.socialCare, e: event('social-care.family-visit-recorded.v1', caseId, at(62), ACTORS.socialCare, { visitId: randomUUID(), visitedOn: day(62) }) },
  ];
  // as a forwarder publishes them: with the time the producer's store recorded each one (a minute after it happened)
  for (const item of items) item.e.recordedAt = new Date(Date.parse(item.e.time) + 60_000).toISOString();
  return Object.assign(items, { requests, assessmentId, domain: c });
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
  const clock = await pool.query(
    `SELECT case_id, source_event_id, type, data::text AS data, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS occurred_at,
            to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS recorded_at, source_topic, source_partition, source_offset::text AS source_offset
       FROM "${schema}".case_clock_events ORDER BY case_id COLLATE "C", occurred_at, recorded_at, source_topic, source_partition, source_offset`,
  );
  const text = [...rows, ...members.rows, ...clock.rows].map((r) => JSON.stringify(r)).join('\n');
  return { hash: createHash('sha256').update(text).digest('hex'), rows: rows.length, text };
}

export { waitFor } from '@tio/testing';
