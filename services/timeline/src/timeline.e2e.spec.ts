import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import request from 'supertest';
import { startTestService, tokenFor, type TestService } from '@tio/testing';
import { TimelineConsumer } from './consumer/timeline-consumer';
import { londonDateOf, statutoryStatus, type EhcEvent } from '@tio/ehc-domain';
import { ACTORS, DomainCase, Publisher, caseStory, dumpTimeline, event, testTopics, topicList, waitFor } from './testing/fixtures';
import { openSse } from './testing/sse';
import { timelineService } from './service';

describe('the shared case timeline (real Kafka, PostgreSQL and HTTP)', () => {
  let service: TestService;
  let pool: Pool;
  const topics = testTopics('e2e');
  const publisher = new Publisher();
  const caseA = randomUUID();
  const caseB = randomUUID();
  const tokens: Record<string, string> = {};
  let storyA: ReturnType<typeof caseStory>;
  const entryCount = async (caseId: string) => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE case_id = $1`, [caseId])).rows[0].n);
  const get = (path: string, who: string) => request(service.server).get(path).set('Authorization', `Bearer ${tokens[who]}`);
  const url = (path: string) => `http://127.0.0.1:${(service.server.address() as AddressInfo).port}${path}`;

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-e2e-${randomUUID().slice(0, 6)}`, TIMELINE_STREAM_RECHECK_MS: '300' });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    tokens['school'] = await tokenFor({ userId: 'senco-1', organisationId: ACTORS.school.organisationId, agency: 'education', roles: ['practitioner'] });
    tokens['nhs'] = await tokenFor({ userId: 'paed-1', organisationId: ACTORS.nhs.organisationId, agency: 'health', roles: ['practitioner'] });
    tokens['stranger'] = await tokenFor({ userId: 'gp-9', organisationId: 'nhs-elsewhere', agency: 'health', roles: ['practitioner'] });
    tokens['healthOfficer'] = await tokenFor({ userId: 'ico-1', organisationId: 'nhs-icb-1', agency: 'health', roles: ['case-officer'] });
    tokens['auditor'] = await tokenFor({ userId: 'inspector-1', organisationId: 'ofsted', agency: 'system', roles: ['auditor'] });
    // the two stories interleaved, each agency publishing on its own topic
    const a = (storyA = caseStory(caseA, topics));
    const b = caseStory(caseB, topics, Date.parse('2025-02-03T10:00:00Z'));
    await publisher.publish(a.flatMap((x, i) => [x, b[i]]).reverse());
    await waitFor('both stories', async () => (await entryCount(caseA)) === 10 && (await entryCount(caseB)) === 10);
  });
  afterAll(async () => {
    await publisher.close();
    await pool?.end();
    await service?.close();
  });

  it('gives two readers from different organisations the same entries in the same order, 1..n by occurredAt', async () => {
    const school = (await get(`/cases/${caseA}/timeline`, 'school').expect(200)).body;
    const nhs = (await get(`/cases/${caseA}/timeline`, 'nhs').expect(200)).body;
    expect(school.entries).toEqual(nhs.entries);
    expect(school.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const times = school.entries.map((e: { occurredAt: string }) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(school.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'request', 'decision', 'advice-requested', 'advice-requested', 'advice-requested', 'advice', 'advice', 'advice', 'advice', 'other',
    ]);
    expect(school.entries[5]).toMatchObject({ title: 'Education advice submitted (version 1)', details: { sectionHeadings: ['Learning'], version: 1 } });
    expect(school.entries[6]).toMatchObject({ title: 'Education advice received by the local authority', source: { type: 'ehc.advice-received.v1' } });
    // the unknown social-care event still has an entry (generic fallback), with who and the source event
    const visit = school.entries[9];
    expect(visit).toMatchObject({ title: 'Social care family visit recorded', agency: 'social-care', who: { organisationId: 'sc-e08000025' } });
    expect(visit.source).toMatchObject({ type: 'social-care.family-visit-recorded.v1', topic: topics.socialCare, partition: expect.any(Number) });
    // advice text never reaches the timeline, only section headings
    expect(JSON.stringify(school)).not.toContain('private');
    expect(school.resumeToken).toBe('1-10');
  });

  it('puts a late, out-of-order event in its place and moves the later entries down', async () => {
    const before = (await get(`/cases/${caseA}/timeline`, 'nhs').expect(200)).body.entries;
    const late = event('education.review-meeting-held.v1', caseA, new Date(Date.parse(before[5].occurredAt) - 3_600_000).toISOString(), ACTORS.school, { meetingId: randomUUID() });
    await publisher.publish([{ topic: topics.education, e: late }]);
    await waitFor('late entry', async () => (await entryCount(caseA)) === 11);
    const after = (await get(`/cases/${caseA}/timeline`, 'school').expect(200)).body.entries;
    expect(after.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(after[5].id).toBe(late.id);
    expect(after.slice(0, 5).map((e: { id: string }) => e.id)).toEqual(before.slice(0, 5).map((e: { id: string }) => e.id));
    expect(after.slice(6).map((e: { id: string }) => e.id)).toEqual(before.slice(5).map((e: { id: string }) => e.id));
  });

  it('filters by agency, kind and dates, and pages with a cursor', async () => {
    const health = (await get(`/cases/${caseA}/timeline?agency=health`, 'school').expect(200)).body.entries;
    expect(health.map((e: { agency: string }) => e.agency)).toEqual(['health', 'health', 'health']);
    const advice = (await get(`/cases/${caseA}/timeline?kind=advice-requested,advice&from=2025-02-01&to=2025-03-01`, 'school').expect(200)).body.entries;
    expect(advice.map((e: { kind: string }) => e.kind)).toEqual(['advice-requested', 'advice-requested', 'advice-requested', 'advice', 'advice']);
    const all = (await get(`/cases/${caseA}/timeline`, 'school').expect(200)).body.entries;
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await get(`/cases/${caseA}/timeline?limit=4${cursor ? `&cursor=${cursor}` : ''}`, 'school').expect(200);
      pages.push(...res.body.entries.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((e: { id: string }) => e.id));
    const bad = await get(`/cases/${caseA}/timeline?kind=gossip&limit=0`, 'school').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['kind', 'limit']);
  });

  it("computes the statutory status with the domain's clock (asOf), and lists the caller's cases with what is overdue", async () => {
    const status = (await get(`/cases/${caseA}/status?asOf=2025-04-01`, 'school').expect(200)).body;
    expect(status).toMatchObject({ caseId: caseA, asOf: '2025-04-01', caseStatus: 'assessing', requestReceivedOn: '2025-01-06', weekOfProcess: 13, clockEvents: 7 });
    expect(status.computedBy).toContain('@tio/ehc-domain');
    // exactly what the domain library says for the same events
    const expected = statutoryStatus(storyA.filter((x) => x.e.type.startsWith('ehc.')).map((x) => ({ type: x.e.type, data: x.e.data }) as EhcEvent), '2025-04-01');
    expect(status).toMatchObject(JSON.parse(JSON.stringify(expected)));
    expect(status.overdue.map((d: { id: string }) => d.id)).toEqual([`advice:${storyA.requests.socialCare}`]);
    expect(Object.keys(status.overdueByResponsible)).toEqual(['social-care']);
    expect(status.overdueByResponsible['social-care'][0]).toMatchObject({ dueOn: '2025-03-20', daysLate: 12, status: 'overdue', regulation: 'reg 8(1)' });
    expect(status.deadlines.find((d: { id: string }) => d.id === 'decision-to-assess')).toMatchObject({ status: 'met', metOn: '2025-02-05' });
    expect(status.deadlines.find((d: { id: string }) => d.id === 'final-plan')).toMatchObject({ status: 'open', dueOn: '2025-05-26' });
    expect(status.next).toMatchObject({ responsible: 'local-authority' });
    // a different day, a different answer: before the advice fell due nothing was overdue
    expect((await get(`/cases/${caseA}/status?asOf=2025-03-01`, 'school').expect(200)).body.overdue).toEqual([]);
    // the default is today in England
    expect((await get(`/cases/${caseA}/status`, 'school').expect(200)).body.asOf).toBe(londonDateOf(new Date()));
    const bad = await get(`/cases/${caseA}/status?asOf=2025-02-30`, 'school').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['asOf']);

    const list = (await get(`/cases?asOf=2025-04-01`, 'school').expect(200)).body;
    expect(list.asOf).toBe('2025-04-01');
    expect(list.cases.map((c: { caseId: string }) => c.caseId).sort()).toEqual([caseA, caseB].sort());
    expect(list.cases.find((c: { caseId: string }) => c.caseId === caseA)).toMatchObject({ overdueCount: 1, weekOfProcess: 13, caseStatus: 'assessing', overdueByResponsible: { 'social-care': [expect.objectContaining({ daysLate: 12 })] } });
  });

  it('lets a practitioner of an agency asked for advice without a named organisation see the case while the request is open', async () => {
    const caseD = randomUUID();
    const d = new DomainCase(caseD);
    const medical = randomUUID();
    const at = (day: string) => `${day}T10:00:00Z`;
    await publisher.publish([
      { topic: topics.case, e: d.ehc(at('2025-03-03'), ACTORS.la, { type: 'ReceiveRequest', at: '2025-03-03', childRef: 'child-d', localAuthority: ACTORS.la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }) },
      { topic: topics.case, e: d.ehc(at('2025-04-01'), ACTORS.la, { type: 'DecideToAssess', at: '2025-04-01', assessmentId: randomUUID() }) },
      { topic: topics.case, e: d.ehc(at('2025-04-02'), ACTORS.la, { type: 'RequestAdvice', at: '2025-04-02', adviceRequestId: medical, adviceType: 'medical', agency: 'health' }) },
    ]);
    await waitFor('case D', async () => (await entryCount(caseD)) === 3);
    // any health practitioner: listed and readable, and the access log says why
    expect((await get(`/cases`, 'stranger').expect(200)).body.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseD);
    await get(`/cases/${caseD}/timeline`, 'stranger').expect(200);
    // not another agency's practitioner, not a health case officer
    await get(`/cases/${caseD}/timeline`, 'school').expect(403);
    await get(`/cases/${caseD}/timeline`, 'healthOfficer').expect(403);
    // still not cases whose health request named an organisation (case A named nhs-rxx)
    await get(`/cases/${caseA}/timeline`, 'stranger').expect(403);

    // a live stream opened through the agency-wide grant
    const live = openSse(url(`/cases/${caseD}/timeline/stream?access_token=${tokens['stranger']}`));
    await live.ready;
    expect(live.status()).toBe(200);

    // nhs-rxx answers: it is a member from now on (it recorded an event), and the agency-wide access ends
    const answer = d.adviceEvent(at('2025-04-20'), ACTORS.nhs, medical, { type: 'SubmitAdvice', adviceId: randomUUID(), headings: ['Medical needs'] });
    await publisher.publish([{ topic: topics.health, e: answer }]);
    await waitFor('answer', async () => (await entryCount(caseD)) === 4);
    await get(`/cases/${caseD}/timeline`, 'nhs').expect(200);
    await get(`/cases/${caseD}/timeline`, 'stranger').expect(403);
    // the open stream does not outlive the grant: it ends with `revoked`
    await waitFor('the stream revoked', async () => live.events.some((e) => e.event === 'revoked'), 10_000);
    expect(live.events.filter((e) => e.event === 'entry')).toHaveLength(3); // the answer itself is not sent
    expect(JSON.parse(live.events.find((e) => e.event === 'revoked')!.data).reason).toContain('may no longer see case');
    live.close();
    expect((await get(`/cases`, 'stranger').expect(200)).body.cases.map((c: { caseId: string }) => c.caseId)).not.toContain(caseD);
    const log = (await get(`/access-log?caseId=${caseD}&limit=100`, 'auditor').expect(200)).body.entries;
    const byStranger = log.filter((r: { who: { userId: string } }) => r.who.userId === 'gp-9').map((r: { action: string; outcome: string }) => `${r.action} ${r.outcome}`);
    expect(byStranger.sort()).toEqual(['stream allowed', 'stream denied', 'timeline allowed', 'timeline denied']);
    const viaAgency = log.filter((r: { who: { userId: string }; outcome: string; action: string }) => r.who.userId === 'gp-9' && r.outcome === 'allowed' && r.action === 'timeline');
    expect(viaAgency[0].detail).toMatchObject({ via: 'agency-advice-request', adviceRequestId: medical });
  });

  it("refuses a practitioner whose organisation is not involved, logs every read, and lets only auditors read the log", async () => {
    const refused = await get(`/cases/${caseA}/timeline`, 'stranger').expect(403);
    expect(refused.body.detail).toContain('Your organisation (nhs-elsewhere) is not involved in case');
    await get(`/cases/${caseA}/status`, 'stranger').expect(403);
    expect((await get(`/cases`, 'stranger').expect(200)).body.cases).toEqual([]);
    await get(`/cases/${caseA}/timeline`, 'auditor').expect(200);
    await get(`/cases/${randomUUID()}/timeline`, 'auditor').expect(404);
    await get(`/access-log?caseId=${caseA}`, 'school').expect(403);
    const log = (await get(`/access-log?caseId=${caseA}&limit=1000`, 'auditor').expect(200)).body.entries;
    const rows = log.map((r: { who: { userId: string }; action: string; outcome: string }) => `${r.who.userId} ${r.action} ${r.outcome}`);
    expect(rows).toEqual(expect.arrayContaining(['gp-9 timeline denied', 'gp-9 status denied', 'inspector-1 timeline allowed', 'senco-1 timeline allowed', 'paed-1 timeline allowed', 'senco-1 status allowed']));
    expect(log[0]).toMatchObject({ action: 'access-log', who: { userId: 'inspector-1', roles: ['auditor'] } });
    // tamper-evident: each entry chains to the one before it, and editing a row breaks the chain
    const body = (await get(`/access-log?caseId=${caseA}&limit=5`, 'auditor').expect(200)).body;
    expect(body.verification).toMatchObject({ valid: true });
    expect(body.entries[0].previousHash).toMatch(/^[0-9a-f]{64}$/);
    await pool.query(`UPDATE timeline_case_access_log SET user_id = 'someone-else' WHERE case_id = $1 AND user_id = 'gp-9'`, [caseA]);
    expect((await get(`/access-log?caseId=${caseA}&limit=1`, 'auditor').expect(200)).body.verification).toMatchObject({ valid: false, firstBreak: { reason: 'hash-mismatch' } });
    await pool.query(`UPDATE timeline_case_access_log SET user_id = 'gp-9' WHERE case_id = $1 AND user_id = 'someone-else'`, [caseA]);
    expect((await get(`/access-log?caseId=${caseA}&limit=1`, 'auditor').expect(200)).body.verification).toMatchObject({ valid: true });
  });

  it('answers a read only once its access-log entry is committed: no data when the entry cannot be written', async () => {
    // the page and the clock are read while the entry is written; here the log refuses this reader's entries
    await pool.query(`CREATE FUNCTION refuse_log_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access log unavailable'; END $$`);
    await pool.query(`CREATE TRIGGER refuse_log_entry BEFORE INSERT ON timeline_case_access_log FOR EACH ROW WHEN (NEW.user_id = 'paed-1') EXECUTE FUNCTION refuse_log_entry()`);
    try {
      for (const path of [`/cases/${caseA}/timeline`, `/cases/${caseA}/status`]) {
        const failed = await get(path, 'nhs');
        expect(failed.status).toBeGreaterThanOrEqual(500);
        expect(failed.body).not.toHaveProperty('entries');
        expect(failed.body).not.toHaveProperty('clockEvents');
        expect(JSON.stringify(failed.body)).not.toContain(storyA[0].e.id);
      }
    } finally {
      await pool.query('DROP TRIGGER refuse_log_entry ON timeline_case_access_log');
      await pool.query('DROP FUNCTION refuse_log_entry()');
    }
    expect((await get(`/cases/${caseA}/timeline`, 'nhs').expect(200)).body.entries).toHaveLength(await entryCount(caseA));
  });

  it('ends a live stream with `expired` when its token expires', async () => {
    const shortLived = await tokenFor({ userId: 'paed-1', organisationId: ACTORS.nhs.organisationId, agency: 'health', roles: ['practitioner'], expiresIn: '2s' });
    const live = openSse(url(`/cases/${caseA}/timeline/stream?access_token=${shortLived}`));
    await live.ready;
    expect(live.status()).toBe(200);
    await waitFor('the stream expired', async () => live.events.some((e) => e.event === 'expired'), 10_000);
    live.close();
  });

  it('streams new entries live and resumes from Last-Event-ID without gaps or repeats, late ones included', async () => {
    const first = (await get(`/cases/${caseB}/timeline`, 'nhs').expect(200)).body;
    const unauth = openSse(url(`/cases/${caseB}/timeline/stream`));
    await unauth.ready;
    expect(unauth.status()).toBe(401);
    unauth.close();
    const s1 = openSse(url(`/cases/${caseB}/timeline/stream?access_token=${tokens['nhs']}&lastEventId=${first.resumeToken}`));
    await s1.ready;
    expect(s1.status()).toBe(200);
    const e1 = event('health.clinic-appointment-held.v1', caseB, '2025-06-01T10:00:00Z', ACTORS.nhs, {});
    await publisher.publish([{ topic: topics.health, e: e1 }]);
    await waitFor('live entry', async () => s1.events.length === 1);
    expect(JSON.parse(s1.events[0].data)).toMatchObject({ id: e1.id, seq: 11 });
    expect(s1.events[0].id).toBe('1-11');
    s1.close();
    // while disconnected: one new entry, and one late one that lands early in the order
    const e2 = event('health.clinic-appointment-held.v1', caseB, '2025-06-02T10:00:00Z', ACTORS.nhs, {});
    const e3 = event('education.review-meeting-held.v1', caseB, '2025-02-04T10:00:00Z', ACTORS.school, {});
    await publisher.publish([{ topic: topics.health, e: e2 }, { topic: topics.education, e: e3 }]);
    await waitFor('both stored', async () => (await entryCount(caseB)) === 13);
    const s2 = openSse(url(`/cases/${caseB}/timeline/stream`), { Authorization: `Bearer ${tokens['nhs']}`, 'Last-Event-ID': String(s1.events[0].id) });
    await waitFor('resumed entries', async () => s2.events.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    s2.close();
    expect(s2.events.map((e) => JSON.parse(e.data).id).sort()).toEqual([e2.id, e3.id].sort());
    expect(JSON.parse(s2.events.find((e) => JSON.parse(e.data).id === e3.id)?.data ?? '{}').seq).toBe(2);
    const stranger = openSse(url(`/cases/${caseB}/timeline/stream?access_token=${tokens['stranger']}`));
    await stranger.ready;
    expect(stranger.status()).toBe(403);
    stranger.close();
  });

  it('ends with no duplicates and no gaps when the consumer is stopped mid-stream and restarted', async () => {
    const consumer = service.app.get(TimelineConsumer);
    const caseC = randomUUID();
    const start = Date.parse('2025-03-03T09:00:00Z');
    const all = Array.from({ length: 60 }, (_, i) => {
      const topic = [topics.case, topics.education, topics.health, topics.socialCare][i % 4];
      const actor = [ACTORS.la, ACTORS.school, ACTORS.nhs, ACTORS.socialCare][i % 4];
      return { topic, e: event(`test.step-${i % 4}.v1`, caseC, new Date(start + i * 60_000).toISOString(), actor, { step: i }) };
    });
    await publisher.publish(all.slice(0, 30));
    await waitFor('some applied', async () => (await entryCount(caseC)) > 0);
    await consumer.stop();
    await publisher.publish(all.slice(30));
    const atStop = await entryCount(caseC);
    expect(atStop).toBeLessThan(60);
    await consumer.start();
    await waitFor('all applied', async () => (await entryCount(caseC)) === 60, 90_000);
    const entries = (await get(`/cases/${caseC}/timeline?limit=500`, 'auditor').expect(200)).body.entries;
    expect(entries.map((e: { id: string }) => e.id)).toEqual(all.map((x) => x.e.id));
    expect(entries.map((e: { seq: number }) => e.seq)).toEqual(all.map((_, i) => i + 1));
  });

  it('exposes freshness, consumer positions and dead-letter counts at /metrics, to a scraper (service) or an auditor only', async () => {
    await request(service.server).get('/metrics').expect(401);
    await get('/metrics', 'nhs').expect(403);
    const scraper = await tokenFor({ userId: 'prometheus', organisationId: 'tio-ops', agency: 'system', roles: ['service'] });
    await request(service.server).get('/metrics').set('Authorization', `Bearer ${scraper}`).expect(200);
    const text = (await get('/metrics', 'auditor').expect(200)).text;
    expect(text).toContain('timeline_consumer_ok 1');
    expect(text).toMatch(/timeline_consumer_parked_messages 0/);
    expect(text).toMatch(/timeline_freshness_lag_seconds_count \d+/);
    expect(text).toContain(`timeline_consumer_position{topic="${topics.case}"`);
    expect(text).toContain(`timeline_consumer_backlog_messages{topic="${topics.health}"`);
    expect(text).toContain(`timeline_dlq_messages{topic="${topics.case}.dlq"} 0`);
    const dump = await dumpTimeline(pool);
    expect(dump.rows).toBeGreaterThan(0);
  });
});
