import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { addDays, draftCommentsDue, londonDateOf } from '@tio/ehc-domain';
import { workspaceRoot } from '@tio/local-infra';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, waitFor, type TestService } from '@tio/testing';
import type { InvitationDelivery, InvitationToDeliver } from '../notifications/invitation-delivery';
import { caseService } from '../service';
import { FamilyService } from './family.service';

// The family on the case through the case service (issue #21): the LA invites, the family member signs in and uses
// the code, sees the case and acts on it (views, draft response, requests) as themselves; refusals for other families,
// unlinked members, expired and used codes, and parents after the young person's choice; the public request without an
// account. Real PostgreSQL and Kafka.
describe('the family on the case, end to end', () => {
  const LA = 'E10000028';
  const prefix = `family-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  const today = londonDateOf(new Date());
  let service: TestService;
  let officer: string;
  // The invitation delivery port (how a code reaches the person: the notifications module's email in production),
  // bound to an implementation that keeps what it was asked to deliver: not a mock of a store.
  const delivered: InvitationToDeliver[] = [];
  const capturingDelivery: InvitationDelivery = { deliver: async (invitation) => (delivered.push(invitation), { queued: true }) };
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object, token?: string, headers: Record<string, string> = {}) => {
    const r = request(service.server).post(path).set(headers);
    return (token ? r.set(auth(token)) : r).send(body);
  };
  const get = (path: string, token: string) => request(service.server).get(path).set(auth(token));
  const family = (sub: string) => tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: sub });

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix, PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE: '5', PUBLIC_REQUEST_MIN_FILL_SECONDS: '0', ORGANISATION_DIRECTORY: `${workspaceRoot()}/infra/demo/organisations.json` });
    service.app.get(FamilyService).bindDelivery(capturingDelivery);
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'case-officer-f' });
  });
  afterAll(() => service?.close());

  async function newCase(dateOfBirth: string, at = '2026-01-05'): Promise<string> {
    const res = await post('/cases', { at, childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'school', requestedBy: { role: 'SENCO' }, child: { dateOfBirth, name: 'Sam Carter' } }, officer).expect(201);
    return res.body.caseId as string;
  }
  async function invite(caseId: string, relationship: string, at?: string): Promise<{ code: string; invitationId: string; expiresOn: string }> {
    const res = await post(`/cases/${caseId}/family/invitations`, { relationship, contact: { name: 'Jo Carter', email: 'jo.carter@example.org' }, ...(at ? { at } : {}) }, officer).expect(201);
    expect(res.body.code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    return res.body;
  }
  const accept = (code: string, token: string) => post('/family/invitations/acceptance', { code }, token);
  // the draft's contents, sections A-K (reg 12(1)), so the final plan can carry them forward
  const DRAFT_SECTIONS = [
    { section: 'A', text: 'Sam loves trains and drawing.' },
    { section: 'B', items: [{ itemId: 'need-1', text: 'Expressive language below age expectations.' }] },
    { section: 'C', text: 'No health needs relating to SEN.' },
    { section: 'D', text: 'No social care needs identified.' },
    { section: 'E', items: [{ itemId: 'out-1', text: 'By July Sam asks for help in class in short sentences.', needIds: ['need-1'] }] },
    { section: 'F', items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 1 hour a week.', needIds: ['need-1'] }] },
    { section: 'G', text: 'None.' },
    { section: 'H1', text: 'None.' },
    { section: 'H2', text: 'None.' },
    { section: 'I', text: 'To be named after the family’s comments.' },
    { section: 'J', text: 'No personal budget asked for.' },
    { section: 'K', text: 'The advice gathered for the assessment.' },
  ];

  it('invite -> accept -> see -> act: the parent gives the family’s views, responds to the draft, asks for advice, an early review and a reassessment, each as themselves; published without contact or code', async () => {
    const caseId = await newCase('2016-09-14');
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' }, officer).expect(200);
    const jo = await family(`family-jo-${randomUUID().slice(0, 6)}`);
    // the code is in the LA's answer once, with its end date 28 days on and the link path
    const inv = await invite(caseId, 'parent');
    expect(inv).toMatchObject({ caseId, expiresOn: addDays(today, 28), invitationLinkPath: `/family/join?invitation=${inv.invitationId}` });
    expect(delivered.map((d) => d.invitationId)).toContain(inv.invitationId);
    // before using the code, Jo is not involved (the same 403 as for anyone)
    await get(`/cases/${caseId}/family/contributions`, jo).expect(403);
    // a family token reaches only the family routes
    await get(`/cases/${caseId}`, jo).expect(403);
    const accepted = await accept(inv.code.toLowerCase().replace(/-/g, ' '), jo).expect(200);
    expect(accepted.body).toEqual({ caseId, relationship: 'parent', linked: true });
    expect((await accept(inv.code, jo).expect(200)).body).toEqual({ caseId, relationship: 'parent', linked: false });
    // no draft yet: no plan to read
    expect((await get(`/cases/${caseId}/family/plan`, jo).expect(200)).body).toEqual({ caseId });

    // reg 6(1): the advice the draft needs, except the family's own views, which Jo gives herself
    await post(`/cases/${caseId}/advice-scope`, { at: '2026-02-02', inOrBeyondYear9: false, visionOrHearingImpaired: false }, officer).expect(201);
    for (const [adviceType, agency] of [['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care']]) {
      await post(`/cases/${caseId}/advice-reuses`, { at: '2026-02-02', adviceType, agency, adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } }, officer).expect(201);
    }
    await post(`/cases/${caseId}/advice-requests`, { at: '2026-02-02', adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: randomUUID() }, officer).expect(201);
    // reg 6(1)(h): Jo asks for advice from someone she names
    await post(`/cases/${caseId}/family/advice-requests`, { adviserName: 'Dr Ann Example', adviserRole: 'speech and language therapist' }, jo).expect(201);
    // the council must find on it before a draft: the checklist names the request awaiting its finding
    const { checklist } = (await get(`/cases/${caseId}/advice-checklist`, officer).expect(200)).body;
    expect(checklist.missing).toContainEqual(expect.objectContaining({ item: 'requested-by-family', problem: 'finding-not-recorded' }));
    const [asked] = checklist.familyAsksAwaitingFinding as Array<{ familyRequestId: string; adviser: { name: string } }>;
    expect(asked?.adviser.name).toBe('Dr Ann Example');
    await post(`/cases/${caseId}/family-advice-requests`, { at: today, familyRequestId: asked?.familyRequestId, adviserRef: 'slt:nhs:RXK:4471', reasonable: false, declineReason: 'advice-already-available' }, officer).expect(201);
    const views = { sections: [{ heading: 'What matters to Sam', text: 'Trains, drawing and staying with friends at school.' }] };
    let last: unknown;
    const given = await waitFor('the views request to reach the kit’s read model', async () => {
      const res = await post(`/cases/${caseId}/family/views`, views, jo, { 'Idempotency-Key': `views-${caseId}` });
      last = [res.status, res.body];
      return res.status === 201 ? res : undefined;
    }, 150_000).catch((err) => { throw new Error(`${err}: ${JSON.stringify(last)}`); });
    expect(given.body).toMatchObject({ caseId, adviceType: 'parent-views', version: 1 });
    await post(`/cases/${caseId}/family/views/corrections`, { sections: [{ heading: 'What matters to Sam', text: 'Trains, drawing, friends at school, and walking to school alone.' }], correctsVersion: 1, reason: 'Sam now walks to school.' }, jo, { 'Idempotency-Key': `views-2-${caseId}` }).expect(201);
    // the case records the views as advice received (the reaction), so the draft can be issued
    await waitFor('the views to be advice received on the case', async () => (await post(`/cases/${caseId}/draft-plan`, { at: today, contents: { sections: DRAFT_SECTIONS } }, officer)).status === 201 || undefined);
    // Jo reads the draft, its sections and the last day of her 15 days (reg 13(1))
    const draft = (await get(`/cases/${caseId}/family/plan`, jo).expect(200)).body;
    expect(draft).toEqual({ caseId, plan: { stage: 'draft', version: 1, issuedOn: today, sections: DRAFT_SECTIONS, draft: { commentsDueOn: draftCommentsDue(today), openForComments: true, responded: false } } });
    const response = await post(`/cases/${caseId}/family/draft-response`, { comments: 'Please add speech therapy each week.', meetingRequested: true, preferredSettingRef: 'urn:school:124356', nothingMoreToSay: true }, jo).expect(201);
    expect(response.body.recorded.map((r: { type: string }) => r.type)).toEqual(['ehc.family-response-received.v1']);
    expect((await get(`/cases/${caseId}/family/plan`, jo).expect(200)).body.plan.draft).toEqual({ commentsDueOn: draftCommentsDue(today), openForComments: true, responded: true, respondedOn: today });
    // the council consults the school Jo asked for and names it (CFA 2014 s.39(2))
    await post(`/cases/${caseId}/consultations`, { at: today, settingRef: 'urn:school:124356' }, officer).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: today, namedSettingRef: 'urn:school:124356' }, officer).expect(201);
    // then the final plan: the draft's contents carried forward, no comment window; section I names the school by its
    // name from ORGANISATION_DIRECTORY (the demo directory), its reference kept
    const namedSections = DRAFT_SECTIONS.map((s) => (s.section === 'I' ? { ...s, settingRef: 'urn:school:124356', settingName: 'Oakfield Primary School' } : s));
    expect((await get(`/cases/${caseId}/family/plan`, jo).expect(200)).body).toEqual({ caseId, plan: { stage: 'final', version: 2, issuedOn: today, sections: namedSections } });
    await post(`/cases/${caseId}/family/early-review-requests`, {}, jo).expect(201);
    await post(`/cases/${caseId}/family/reassessment-requests`, {}, jo).expect(201);
    // a family member cannot take the LA's steps
    await post(`/cases/${caseId}/decision-to-assess`, { at: today }, jo).expect(403);
    await post(`/cases/${caseId}/family/invitations`, { relationship: 'parent', contact: { name: 'X', email: 'x@example.org' } }, jo).expect(403);

    const contributions = (await get(`/cases/${caseId}/family/contributions`, jo).expect(200)).body.contributions;
    expect(contributions.map((c: { what: string; by: string }) => [c.what, c.by])).toEqual([
      ['Asked the council to get advice from someone they named', 'you'],
      ['Gave their views (Section A)', 'you'],
      ['Changed their views (Section A)', 'you'],
      ['Responded to the draft plan', 'you'],
      ['Asked for an early review of the plan', 'you'],
      ['Asked for a reassessment', 'you'],
    ]);
    expect(contributions[3].details).toEqual({ schoolAskedFor: 'urn:school:124356', meetingAskedFor: true, nothingMoreToSay: true, comments: 'Please add speech therapy each week.' });
    const people = (await get(`/cases/${caseId}/family/people`, jo).expect(200)).body.people;
    expect(people).toEqual(expect.arrayContaining([
      expect.objectContaining({ who: LA, role: 'Council SEND team (responsible for the case)', canSee: true }),
      expect.objectContaining({ who: 'you', role: 'Family (parent)', canSee: true }),
    ]));

    // on Kafka: the links and the family's acts, never the contact details or the code's digest
    const ofCase = (ms: Parameters<typeof fromKafkaRecord>[0][]) => ms.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never));
    const messages = ofCase(await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ofCase(ms as never).some((e) => e.type === 'ehc.reassessment-requested.v1')) as never);
    const invited = messages.find((e) => e.type === 'ehc.family-member-invited.v1');
    expect(Object.keys(invited?.data as object).sort()).toEqual(['caseId', 'expiresOn', 'invitationId', 'invitedBy', 'invitedOn', 'relationship']);
    expect(JSON.stringify(messages)).not.toMatch(/jo\.carter@example\.org|Jo Carter/);
    expect(messages.filter((e) => /family|early-review|reassessment-requested/.test(e.type)).map((e) => [e.type, e.actor?.agency])).toEqual([
      ['ehc.family-member-invited.v1', 'local-authority'], ['ehc.family-member-linked.v1', 'family'], ['ehc.family-advice-asked.v1', 'family'],
      ['ehc.family-advice-request-recorded.v1', 'local-authority'], ['ehc.family-response-received.v1', 'family'], ['ehc.early-review-requested.v1', 'family'], ['ehc.reassessment-requested.v1', 'family'],
    ]);
  }, 300_000);

  it('refuses another family, an unlinked member, an expired code and a used code; a code refusal never says whether a case exists', async () => {
    const caseId = await newCase('2016-09-14');
    const [jo, other, kim] = await Promise.all([family(`family-jo-${randomUUID().slice(0, 6)}`), family(`family-other-${randomUUID().slice(0, 6)}`), family(`family-kim-${randomUUID().slice(0, 6)}`)]);
    const inv = await invite(caseId, 'parent');
    await accept(inv.code, jo).expect(200);
    // another family (signed in, not linked to this case) sees nothing and does nothing
    await get(`/cases/${caseId}/family/contributions`, other).expect(403);
    await get(`/cases/${caseId}/family/plan`, other).expect(403);
    await post(`/cases/${caseId}/family/early-review-requests`, {}, other).expect(403);
    // a used code: the same answer as an unknown one
    const used = await accept(inv.code, other).expect(404);
    const unknown = await accept('ZZZZZ-ZZZZZ-ZZZZZ', other).expect(404);
    expect(used.body.detail).toBe(unknown.body.detail);
    expect(used.body.detail).not.toMatch(/case/i);
    await accept('not a code', other).expect(404);
    // an expired code: invited 29 days ago, its 28 days are over
    const old = await invite(caseId, 'carer', addDays(today, -29));
    expect(old.expiresOn).toBe(addDays(today, -1));
    expect((await accept(old.code, kim).expect(404)).body.detail).toBe(unknown.body.detail);
    await get(`/cases/${caseId}/family/contributions`, kim).expect(403);
    // unlinked by the LA: nothing from then on
    const jos = (await get(`/cases/${caseId}/family/people`, jo).expect(200)).body.people.find((p: { who: string }) => p.who === 'you');
    expect(jos).toMatchObject({ canSee: true });
    await post(`/cases/${caseId}/family/unlinks`, { subject: subjectOf(jo), reason: 'linked-in-error' }, officer).expect(201);
    await get(`/cases/${caseId}/family/contributions`, jo).expect(403);
    await get(`/cases/${caseId}/family/plan`, jo).expect(403);
    await post(`/cases/${caseId}/family/early-review-requests`, {}, jo).expect(403);
  });

  it('the young person over compulsory school age holds the rights: parents follow their choice (see-only, none)', async () => {
    // born 1 Jan 2008: compulsory school age ended Fri 28 Jun 2024
    const caseId = await newCase('2008-01-01');
    const [mum, sam] = await Promise.all([family(`family-mum-${randomUUID().slice(0, 6)}`), family(`family-sam-${randomUUID().slice(0, 6)}`)]);
    await accept((await invite(caseId, 'parent')).code, mum).expect(200);
    await accept((await invite(caseId, 'young-person')).code, sam).expect(200);
    // the LA may not record that an adult of full capacity does not hold the rights
    expect((await post(`/cases/${caseId}/young-person-rights`, { holdsRights: false, parentAccess: 'see-and-act' }, officer).expect(409)).body).toMatchObject({ code: 'young-person-rights-not-applicable' });
    // nothing recorded yet: Sam holds the rights by law; the parent sees but does not act
    await get(`/cases/${caseId}/family/contributions`, mum).expect(200);
    await post(`/cases/${caseId}/family/early-review-requests`, {}, mum).expect(403);
    // only the young person chooses for their parents
    await post(`/cases/${caseId}/family/parent-access`, { parentAccess: 'see-and-act' }, mum).expect(403);
    await post(`/cases/${caseId}/family/parent-access`, { parentAccess: 'see-only' }, sam).expect(201);
    await get(`/cases/${caseId}/family/people`, mum).expect(200);
    await post(`/cases/${caseId}/family/advice-requests`, { adviserName: 'A', adviserRole: 'tutor' }, mum).expect(403);
    await post(`/cases/${caseId}/family/parent-access`, { parentAccess: 'none' }, sam).expect(201);
    await get(`/cases/${caseId}/family/contributions`, mum).expect(403);
    await get(`/cases/${caseId}/family/plan`, mum).expect(403);
    await get(`/cases/${caseId}/family/contributions`, sam).expect(200);
    expect((await get(`/cases/${caseId}/family/plan`, sam).expect(200)).body).toEqual({ caseId });
    await post(`/cases/${caseId}/family/parent-access`, { parentAccess: 'see-and-act' }, sam).expect(201);
    await get(`/cases/${caseId}/family/contributions`, mum).expect(200);
  });

  it('a parent asks for an assessment without an account: 202 with a reference, the delivery port got the code, and using it links them', async () => {
    const before = delivered.length;
    // the form is loaded first: its token sends one request (public-request.e2e.spec.ts: the bot protection itself)
    const form = (await request(service.server).get('/family/assessment-requests/form-token').expect(200)).body;
    expect(form.councils).toContainEqual({ code: LA, name: 'Staffordshire County Council' });
    const formToken = form.formToken as string;
    const res = await post('/family/assessment-requests', {
      localAuthority: LA, child: { dateOfBirth: '2018-05-01', name: `Alex ${randomUUID().slice(0, 6)}` },
      requester: { relationship: 'parent', name: 'Robin Example', email: 'robin@example.org' }, formToken,
    }).expect(202);
    expect(res.body).toEqual({ reference: expect.stringMatching(/^REQ-[0-9A-F]{4}-[0-9A-F]{4}$/), message: expect.stringMatching(/emailed you an invitation/), replayed: false });
    expect(JSON.stringify(res.body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(delivered.length).toBe(before + 1);
    const { caseId, code } = delivered[delivered.length - 1];
    const robin = await family(`family-robin-${randomUUID().slice(0, 6)}`);
    expect((await accept(code, robin).expect(200)).body).toEqual({ caseId, relationship: 'parent', linked: true });
    const contributions = (await get(`/cases/${caseId}/family/contributions`, robin).expect(200)).body.contributions;
    expect(contributions).toEqual([{ what: 'Asked for an EHC needs assessment', on: today, by: 'the family (request sent online)' }]);
    // the LA sees the request from a parent with the child's details
    expect((await get(`/cases/${caseId}`, officer).expect(200)).body.state).toMatchObject({ source: 'parent', localAuthority: LA, child: { dateOfBirth: '2018-05-01', name: expect.stringMatching(/^Alex /) } });
    // strict validation: an unknown council, no email, a token-free call to anything else
    const unknownCouncil = await post('/family/assessment-requests', { localAuthority: 'E99999999', child: { dateOfBirth: '2018-05-01' }, requester: { relationship: 'parent', name: 'R', email: 'r@example.org' }, formToken }).expect(400);
    expect(unknownCouncil.body.errors).toEqual([{ field: 'localAuthority', reasons: [expect.stringMatching(/councils this service covers: E10000028/)] }]);
    await post('/family/assessment-requests', { localAuthority: LA, child: { dateOfBirth: '2018-05-01' }, requester: { relationship: 'parent', name: 'R' }, formToken }).expect(400);
    await post('/family/assessment-requests', { localAuthority: LA, child: { dateOfBirth: '2018-05-01' }, requester: { relationship: 'school', name: 'R', email: 'r@example.org' }, formToken }).expect(400);
    // per client address: PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE=5 here, and this client has sent 4 this minute
    await post('/family/assessment-requests', { localAuthority: 'E99999999' }).expect(400);
    const limited = await post('/family/assessment-requests', { localAuthority: 'E99999999' }).expect(429);
    expect(limited.body).toMatchObject({ status: 429, code: 'too-many-requests' });
  });

  it('every response the family routes gave in this suite is the one the served OpenAPI document describes', async () => {
    const conformance = await service.conformance();
    const family = conformance.checked.filter((o) => /\/family\/|young-person-rights/.test(o.path));
    expect(family.length).toBeGreaterThan(40);
    expect(conformance.undocumented).toEqual([]);
  });
});

/** The `sub` of a test token (tokenFor signs the userId as sub). */
function subjectOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub as string;
}
