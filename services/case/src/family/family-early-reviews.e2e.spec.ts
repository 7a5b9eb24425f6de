import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { addDays, londonDateOf } from '@tio/ehc-domain';
import { startTestService, testCitizenSubject, tokenFor, type TestService } from '@tio/testing';
import { adviceForDraft } from '../assessment-advice/advice-for-draft';
import { caseService } from '../service';

// The family reads the council's answers to requests for an early review (issue #21; CFA 2014 s.44(1); reg 20): agreed
// with the meeting date, or declined with the reasons, decrypted from the event store (they are stored and published
// encrypted), "[erased]" after erasure; only for a linked member who may see the case, every read in the access log.
// Real PostgreSQL and Kafka.
describe('the family reads the answers to their requests for an early review, end to end', () => {
  const LA = 'E10000031';
  const prefix = `family-early-reviews-e2e-${randomUUID().slice(0, 8)}.`;
  const today = londonDateOf(new Date());
  const REASONS = 'The plan is five weeks old and nothing has changed. Sam’s new school will review it in the spring.';
  let service: TestService;
  let pool: Pool;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object, token = officer) => request(service.server).post(path).set(auth(token)).send(body);
  const get = (path: string, token: string) => request(service.server).get(path).set(auth(token));
  const family = (sub: string) => tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: sub });
  const accessLog = async (caseId: string, userId: string) => (await pool.query<{ outcome: string }>(
    "SELECT detail->>'outcome' AS outcome FROM agency_access_log WHERE case_id = $1 AND user_id = $2 AND detail->>'route' = 'GET /cases/:caseId/family/early-review-requests' ORDER BY seq",
    [caseId, userId],
  )).rows.map((r) => r.outcome);

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    pool = new Pool({ connectionString: service.databaseUrl, max: 2 });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-er' });
  });
  afterAll(async () => {
    await pool?.end();
    await service?.close();
  });

  it('declined with reasons and agreed with a meeting date, read by the young person and their parent; a parent shut out, a stranger: 403; every read logged; erased reasons read "[erased]"', async () => {
    // born 1 Jan 2008: past compulsory school age, so the young person holds the rights and chooses for their parents
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: '2008-01-01', name: 'Sam Carter' } }).expect(201)).body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }).expect(200);
    await adviceForDraft((path, body) => post(path, body).expect(201), caseId, '2026-02-03');
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06' }).expect(201);
    await post(`/cases/${caseId}/family-response`, { at: '2026-04-07', nothingMoreToSay: true }).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: '2026-04-08' }).expect(201);
    const [mumId, samId, strangerId] = ['mum', 'sam', 'stranger'].map((w) => testCitizenSubject(`family-${w}-${randomUUID().slice(0, 6)}`)) as [string, string, string];
    const [mum, sam, stranger] = await Promise.all([family(mumId), family(samId), family(strangerId)]);
    for (const [relationship, token] of [['parent', mum], ['young-person', sam]] as const) {
      const { code } = (await post(`/cases/${caseId}/family/invitations`, { relationship, contact: { name: 'Jo Carter', email: 'jo.carter@example.org' } }).expect(201)).body;
      await post('/family/invitations/acceptance', { code }, token).expect(200);
    }
    const path = `/cases/${caseId}/family/early-review-requests`;
    expect((await get(path, sam).expect(200)).body).toEqual({ caseId, earlyReviews: [] });

    // Sam asks (the family route, dated today); the council says no, with its reasons
    await post(path, {}, sam).expect(201);
    const waiting = (await get(path, sam).expect(200)).body.earlyReviews;
    expect(waiting).toEqual([{ earlyReviewRequestId: expect.any(String), requestedBy: 'parent-or-young-person', requestedOn: today, status: 'waiting' }]);
    const first = waiting[0].earlyReviewRequestId as string;
    await post(`/cases/${caseId}/early-review-requests/${first}/answer`, { at: today, answer: 'declined', reasons: REASONS }).expect(201);
    // the school asks too; the council agrees and sets the meeting
    const second = randomUUID();
    const meetingOn = addDays(today, 28);
    await post(`/cases/${caseId}/early-review-requests`, { at: today, earlyReviewRequestId: second, requestedBy: 'institution' }).expect(201);
    await post(`/cases/${caseId}/early-review-requests/${second}/answer`, { at: today, answer: 'agreed', reviewId: randomUUID(), meetingOn }).expect(201);

    const expected = [
      { earlyReviewRequestId: first, requestedBy: 'parent-or-young-person', requestedOn: today, status: 'declined', answeredOn: today, reasons: REASONS, reasonsErased: false },
      { earlyReviewRequestId: second, requestedBy: 'institution', requestedOn: today, status: 'agreed', answeredOn: today, meetingOn },
    ];
    expect((await get(path, sam).expect(200)).body).toEqual({ caseId, earlyReviews: expected });
    // the parent sees (the young person has not chosen otherwise), so reads the reasons too
    expect((await get(path, mum).expect(200)).body.earlyReviews).toEqual(expected);
    // a family member not linked to the case: the same 403 as for anyone
    await get(path, stranger).expect(403);
    // the young person shuts the parent out: 403 from then on
    await post(`/cases/${caseId}/family/parent-access`, { parentAccess: 'none' }, sam).expect(201);
    await get(path, mum).expect(403);
    await get(`/cases/${randomUUID()}/family/early-review-requests`, sam).expect(403);
    await get(`/cases/not-a-case/family/early-review-requests`, sam).expect(400);

    // every read is in the access log, allowed or refused
    expect(await accessLog(caseId, samId)).toEqual(['allowed', 'allowed', 'allowed']);
    expect(await accessLog(caseId, mumId)).toEqual(['allowed', 'denied']);
    expect(await accessLog(caseId, strangerId)).toEqual(['denied']);

    // erasure destroys the case's key: the reasons read "[erased]" and say so; the dates and the meeting stay
    await post(`/cases/${caseId}/personal-data-erasure`, { ground: 'erasure-request' }).expect(200);
    const erased = (await get(path, sam).expect(200)).body.earlyReviews;
    expect(erased).toEqual([{ ...expected[0], reasons: '[erased]', reasonsErased: true }, expected[1]]);
  }, 240_000);
});
