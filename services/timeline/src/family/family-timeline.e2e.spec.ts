import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { addDays, londonDateOf } from '@tio/ehc-domain';
import { startTestService, testCitizenSubject, tokenFor, type TestService } from '@tio/testing';
import { TIMELINE_ACCESS_LOG } from '../access/access.service';
import { timelineService } from '../service';
import { ACTORS, DomainCase, Publisher, event, testTopics, topicList, waitFor } from '../testing/fixtures';

/** Jo's subject: signed in at the citizen identity provider (her sub there, namespaced by its issuer). */
const JO = testCitizenSubject('family-jo');

/**
 * What a family sees of their case, end to end: the family events are published on the case topic like any case
 * event, the timeline keeps them in family_links, and a family member's read goes through the same access check and
 * log as anyone's (ground linked-family-member). Real Kafka, PostgreSQL and HTTP.
 */
describe("the family's timeline (real Kafka, PostgreSQL and HTTP)", () => {
  const topics = testTopics('family');
  const publisher = new Publisher();
  const linked = randomUUID();
  const other = randomUUID();
  let service: TestService;
  let pool: Pool;
  const tokens: Record<string, string> = {};
  const get = (path: string, who: string) => request(service.server).get(path).set('Authorization', `Bearer ${tokens[who]}`);
  const entries = async (caseId: string) => Number((await pool.query(`SELECT count(*)::int AS n FROM timeline.timeline_entries WHERE case_id = $1`, [caseId])).rows[0].n);
  const today = londonDateOf(new Date());
  const day = (n: number) => addDays(today, n);
  const at = (n: number, minutes = 0) => new Date(Date.parse(`${day(n)}T09:00:00Z`) + minutes * 60_000).toISOString();
  const c = new DomainCase(linked);
  const requests = { education: randomUUID(), socialCare: randomUUID() };

  beforeAll(async () => {
    await publisher.ensure(topicList(topics));
    service = await startTestService(timelineService, { KAFKA_TOPIC_PREFIX: '', TIMELINE_TOPICS: topicList(topics).join(','), TIMELINE_CONSUMER_GROUP: `timeline-family-${randomUUID().slice(0, 6)}` });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    tokens['jo'] = await tokenFor({ userId: JO, organisationId: 'family', agency: 'family', roles: ['family'] });
    tokens['sam'] = await tokenFor({ userId: testCitizenSubject('family-sam'), organisationId: 'family', agency: 'family', roles: ['family'] });
    tokens['la'] = await tokenFor({ userId: ACTORS.la.userId, organisationId: ACTORS.la.organisationId, agency: 'local-authority', roles: ['case-officer', 'practitioner'] });
    // 19 weeks ago the request; the advice asked at week 5 (due week 11): social care's is marked not for sharing, health never answers
    const la = ACTORS.la;
    const story = [
      { topic: topics.case, e: c.ehc(at(-133), la, { type: 'ReceiveRequest', at: day(-133), childRef: 'child-f', localAuthority: la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }) },
      { topic: topics.case, e: c.ehc(at(-132), la, { type: 'InviteFamilyMember', at: day(-132), invitationId: 'inv-jo', relationship: 'parent', contact: { name: 'Jo Carter', email: 'jo@example.org' }, codeDigest: 'b'.repeat(64), invitedBy: { userId: la.userId, organisationId: la.organisationId } }) },
      { topic: topics.case, e: c.ehc(at(-131), la, { type: 'AcceptFamilyInvitation', at: day(-131), invitationId: 'inv-jo', codeDigest: 'b'.repeat(64), subject: JO }) },
      { topic: topics.case, e: c.ehc(at(-98), la, { type: 'DecideToAssess', at: day(-98), assessmentId: randomUUID() }) },
      { topic: topics.case, e: c.ehc(at(-98, 1), la, { type: 'RequestAdvice', at: day(-98), adviceRequestId: requests.education, adviceType: 'educational', agency: 'education', adviserRef: ACTORS.school.organisationId }) },
      { topic: topics.case, e: c.ehc(at(-98, 2), la, { type: 'RequestAdvice', at: day(-98), adviceRequestId: requests.socialCare, adviceType: 'social-care', agency: 'social-care', adviserRef: ACTORS.socialCare.organisationId }) },
      { topic: topics.case, e: c.ehc(at(-98, 3), la, { type: 'RequestAdvice', at: day(-98), adviceRequestId: randomUUID(), adviceType: 'medical', agency: 'health' }) },
      { topic: topics.education, e: c.adviceEvent(at(-70), ACTORS.school, requests.education, { type: 'SubmitAdvice', adviceId: 'adv-edu-f', headings: ['Learning'] }) },
      { topic: topics.socialCare, e: c.adviceEvent(at(-69), ACTORS.socialCare, requests.socialCare, { type: 'SubmitAdvice', adviceId: 'adv-sc-f', headings: ['Family'], withheldFromFamily: { reason: 'serious-harm' } }) },
      { topic: topics.case, e: c.ehc(at(-69, 5), ACTORS.socialCare, { type: 'RecordAdviceReceived', at: day(-69), adviceRequestId: requests.socialCare, adviceId: 'adv-sc-f', version: 1, agency: 'social-care' }) },
    ];
    // another family's case, which Jo is not linked to
    const o = new DomainCase(other);
    story.push({ topic: topics.case, e: o.ehc(at(-20), la, { type: 'ReceiveRequest', at: day(-20), childRef: 'child-o', localAuthority: la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }) });
    await publisher.publish(story);
    await waitFor('both cases in the timeline', async () => (await entries(linked)) === 10 && (await entries(other)) === 1);
  });
  afterAll(async () => {
    await publisher.close();
    await pool?.end();
    await service?.close();
  });

  it('shows the linked parent where the process is, who is late and by how long, and the process in plain English, without the advice before the draft', async () => {
    const view = (await get(`/cases/${linked}/family-timeline`, 'jo').expect(200)).body;
    expect(view.stage).toEqual({ status: 'assessing', text: 'The council is assessing your child' });
    expect(view.you).toMatchObject({ relationship: 'parent', mayAct: true });
    expect(view.heldBack).toBeUndefined();
    // advice was due at week 11 (day 77): the LA has recorded none of it from health or education, so both are 56 days late;
    // the council's decision whether to issue a plan (week 16) is 21 days late
    const late = view.late.map((d: { who: string; daysLate: number; text: string }) => `${d.who}: ${d.daysLate}`);
    expect(late).toEqual(expect.arrayContaining(['The health service: 56', 'The school or education service: 56', 'The council: 21']));
    expect(view.late.find((d: { who: string }) => d.who === 'The health service').text).toMatch(/^The health service should have done this by \d{1,2} \w+ \d{4}: give their health advice\. They are 56 days late\.$/);
    const texts = view.entries.map((e: { text: string }) => e.text);
    expect(texts[0]).toMatch(/^The council got a request to assess your child's needs on \d{1,2} \w+ \d{4}\.$/);
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^A family member joined this record on /), expect.stringMatching(/^The council asked the health service for health advice on /)]));
    // no advice before the draft (reg 13), no invitation entry (internal), no type names or ids
    expect(texts.some((t: string) => /gave|got .* advice from/.test(t))).toBe(false);
    expect(JSON.stringify(view.entries)).not.toMatch(/ehc\.|advice\.submitted|adv-|inv-jo|invited/);
  });

  it('after the draft, shows the advice the family is entitled to and never the social care advice marked not for sharing; the LA preview says what is held back and why', async () => {
    // published as the case service would (the domain would first want every reg 6(1) advice: not what this test is about)
    await publisher.publish([{ topic: topics.case, e: event('ehc.draft-plan-issued.v1', linked, at(-2), ACTORS.la, { planId: randomUUID(), issuedOn: day(-2), commentsDueOn: day(13) }) }]);
    await waitFor('the draft', async () => (await entries(linked)) === 11);
    const view = (await get(`/cases/${linked}/family-timeline`, 'jo').expect(200)).body;
    const texts: string[] = view.entries.map((e: { text: string }) => e.text);
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^The school or education service gave school advice on /), expect.stringMatching(/^The council sent you a draft plan on .* Tell them what you think by /)]));
    expect(texts.some((t) => /social care advice/.test(t) && /gave|got/.test(t))).toBe(false);
    expect(view.due.map((d: { text: string }) => d.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^You must tell the council what you think of the draft plan by /)]));

    const preview = (await get(`/cases/${linked}/family-timeline`, 'la').expect(200)).body;
    expect(preview.heldBack).toEqual(expect.arrayContaining([
      expect.objectContaining({ why: 'withheld', reason: 'serious-harm', title: 'Social care advice submitted (version 1)' }),
      expect.objectContaining({ why: 'withheld', reason: 'serious-harm', title: 'Social care advice received by the local authority' }),
      expect.objectContaining({ why: 'internal' }),
    ]));
    // practitioners' own timeline keeps the marker and says why
    const timeline = (await get(`/cases/${linked}/timeline`, 'la').expect(200)).body.entries;
    expect(timeline.find((e: { title: string }) => e.title === 'Social care advice submitted (version 1)')).toMatchObject({ details: { withheldFromFamily: { reason: 'serious-harm' } }, summary: expect.stringContaining('Not shared with the family: sharing it would be likely to cause serious harm') });
  });

  it('refuses a family member a case they are not linked to and the practitioners\' routes, lists only their cases, and logs every read', async () => {
    const refused = await get(`/cases/${other}/family-timeline`, 'jo').expect(403);
    expect(refused.body.detail).toMatch(/You are not linked to case/);
    await get(`/cases/${linked}/family-timeline`, 'sam').expect(403);
    await get(`/cases/${linked}/timeline`, 'jo').expect(403);
    await get(`/cases`, 'jo').expect(403);
    expect((await get('/family/cases', 'jo').expect(200)).body.cases).toEqual([expect.objectContaining({ caseId: linked, relationship: 'parent', mayAct: true })]);
    expect((await get('/family/cases', 'sam').expect(200)).body.cases).toEqual([]);
    const log = (await pool.query(`SELECT action, case_id, detail FROM ${TIMELINE_ACCESS_LOG.table} WHERE user_id = $1 ORDER BY seq`, [JO])).rows;
    expect(log).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'family-timeline', case_id: linked, detail: expect.objectContaining({ outcome: 'allowed', via: 'linked-family-member', relationship: 'parent' }) }),
      expect.objectContaining({ action: 'family-timeline', case_id: other, detail: expect.objectContaining({ outcome: 'denied' }) }),
    ]));
  });

  it('ends the access when the LA unlinks the parent', async () => {
    await publisher.publish([{ topic: topics.case, e: event('ehc.family-member-unlinked.v1', linked, at(-1), ACTORS.la, { subject: JO, reason: 'no-longer-involved', unlinkedOn: day(-1) }) }]);
    await waitFor('the unlink', async () => (await entries(linked)) === 12);
    await get(`/cases/${linked}/family-timeline`, 'jo').expect(403);
    expect((await get('/family/cases', 'jo').expect(200)).body.cases).toEqual([]);
  });
});
