import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { KafkaJsClient } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, type TestService } from '@tio/testing';
import { caseService } from './service';
import { adviceForDraft } from './assessment-advice/advice-for-draft';

// The plan's contents (SEND Regulations 2014 reg 12: sections A-K, versioned; CFA 2014 s.38(5)) and personal budgets
// (CFA 2014 s.49; Personal Budgets Regulations 2014) through the case service: HTTP via supertest, the real
// PostgreSQL event store and key store, and the events as published on Kafka.
describe('plan contents and personal budgets end to end', () => {
  const LA = 'E10000031';
  const prefix = `plan-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let officer: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object) => request(service.server).post(path).set(auth(officer)).send(body);
  const get = (path: string) => request(service.server).get(path).set(auth(officer));
  /** A step that must succeed (201 for a new thing, 200 for a decision). */
  const step = async (path: string, body: object) => {
    const res = await post(path, body);
    if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const marker = `MARKER-${randomUUID().slice(0, 8)}`;
  const adviceId = randomUUID();
  const DRAFT = [
    { section: 'A', text: `Robin loves trains and wants to work on the railway. ${marker}` },
    { section: 'B', items: [{ itemId: 'need-1', text: `Expressive language well below age expectations. ${marker}` }] },
    { section: 'C', text: 'No health needs relating to SEN.' },
    { section: 'D', text: 'No social care needs identified.' },
    { section: 'E', items: [{ itemId: 'out-1', text: 'By July Robin asks for help in class in short sentences.', needIds: ['need-1'] }] },
    { section: 'F', items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 1 hour a week, by a qualified therapist.', needIds: ['need-1'] }] },
    { section: 'G', text: 'None.' },
    { section: 'H1', text: 'None.' },
    { section: 'H2', text: 'None.' },
    { section: 'I', text: 'To be named after the family’s comments.' },
    { section: 'J', text: 'No personal budget asked for yet.' },
    { section: 'K', adviceIds: [adviceId] },
  ];

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    officer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-p' });
  });
  afterAll(() => service?.close());

  it('reg 12, s.49, reg 22: draft with contents -> final -> personal budget at the review agreed as a direct payment -> annual review -> amendment; the changes query shows F and J; erasure makes the section text unreadable', async () => {
    const caseId = (await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child: { dateOfBirth: '2015-03-02' } }).expect(201)).body.caseId as string;
    await step(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-02' });
    // reg 6(4): the school's advice from an earlier assessment, re-used by agreement; section K lists it
    await step(`/cases/${caseId}/advice-reuses`, { at: '2026-02-03', adviceType: 'educational', agency: 'education', adviceId, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } });
    await adviceForDraft(step, caseId, '2026-02-03'); // reg 6(1): the rest of what a draft needs

    // input is validated at the boundary (400 naming the field); the rules of reg 12 / s.38(5) answer 409 with their code
    expect((await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06', contents: { sections: [{ section: 'Z', text: 'x' }] } }).expect(400)).text).toContain('section');
    expect((await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-06', contents: { sections: [...DRAFT.filter((s) => s.section !== 'I'), { section: 'I', settingRef: 'urn:school:100234' }] } }).expect(409)).body)
      .toMatchObject({ code: 'plan-contents-invalid' });
    await step(`/cases/${caseId}/draft-plan`, { at: '2026-04-06', contents: { sections: DRAFT } });
    await step(`/cases/${caseId}/family-response`, { at: '2026-04-07', nothingMoreToSay: true });
    await step(`/cases/${caseId}/consultations`, { at: '2026-04-07', settingRef: 'urn:school:100234' });
    await step(`/cases/${caseId}/final-plan`, { at: '2026-04-08', namedSettingRef: 'urn:school:100234' });

    // the annual review; the family ask for a personal budget at it, with direct payments (Personal Budgets Regulations reg 4)
    const reviewId = randomUUID();
    await step(`/cases/${caseId}/reviews`, { at: '2026-09-01', reviewId, meetingOn: '2026-10-05' });
    const personalBudgetId = randomUUID();
    await post(`/cases/${caseId}/personal-budgets`, { at: '2026-09-10', personalBudgetId, requestedBy: 'grandparent' }).expect(400);
    await step(`/cases/${caseId}/personal-budgets`, { at: '2026-09-10', personalBudgetId, requestedBy: 'parent', reviewId, directPaymentRequested: true });
    await post(`/cases/${caseId}/personal-budgets/${randomUUID()}/decision`, { at: '2026-09-20', decision: 'refused', reasons: 'No.' }).expect(404);
    expect((await post(`/cases/${caseId}/personal-budgets/${personalBudgetId}/decision`, { at: '2026-09-20', decision: 'refused' }).expect(409)).body).toMatchObject({ code: 'reasons-required' });
    const part = { arrangement: 'direct-payment', annualAmountPence: 120000, provisionItemIds: ['prov-1'] };
    await step(`/cases/${caseId}/personal-budgets/${personalBudgetId}/decision`, { at: '2026-09-20', decision: 'agreed', parts: [part] });
    await step(`/cases/${caseId}/reviews/${reviewId}/meeting`, { at: '2026-10-05' });
    await step(`/cases/${caseId}/personal-budgets/${personalBudgetId}/reviews`, { at: '2026-10-05', reviewId, outcome: 'continued' });
    await step(`/cases/${caseId}/reviews/${reviewId}/decision`, { at: '2026-10-05', reviewId, decision: 'amend' });
    const amendmentId = randomUUID();
    await step(`/cases/${caseId}/amendments`, { at: '2026-10-06', amendmentId, trigger: 'annual-review', reviewId });
    const F2 = { section: 'F', items: [
      { itemId: 'prov-1', text: 'Speech and language therapy, 90 minutes a week, by a qualified therapist.', needIds: ['need-1'] },
      { itemId: 'prov-2', text: 'A visual timetable in every lesson.', needIds: ['need-1'] },
    ] };
    const J2 = { section: 'J', text: `A direct payment of £1,200 a year for speech and language therapy. ${marker}` };
    // reg 12(1): an amendment that leaves the need in B without provision is refused
    expect((await post(`/cases/${caseId}/amended-plan`, { at: '2026-10-22', amendmentId, contents: { sections: [{ section: 'F', text: 'To be agreed.' }] } }).expect(409)).body)
      .toMatchObject({ code: 'plan-contents-incomplete' });
    await step(`/cases/${caseId}/amended-plan`, { at: '2026-10-22', amendmentId, contents: { sections: [F2, J2] } });

    const plan = (await get(`/cases/${caseId}/plan`).expect(200)).body;
    expect(plan.versions.map((v: { version: number; stage: string; changedSections: string[] }) => [v.version, v.stage, v.changedSections])).toEqual([
      [1, 'draft', ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K']],
      [2, 'final', ['I']],
      [3, 'amended', ['F', 'J']],
    ]);
    expect(plan.current.sections.find((s: { section: string }) => s.section === 'I')).toEqual({ section: 'I', text: 'To be named after the family’s comments.', settingRef: 'urn:school:100234' });
    expect(plan.personalBudgets).toEqual([expect.objectContaining({
      personalBudgetId, occasion: 'review', directPaymentRequested: true, parts: [part],
      decision: expect.objectContaining({ decision: 'agreed', annualAmountPence: 120000 }), reviews: [expect.objectContaining({ reviewId, outcome: 'continued' })],
    })]);

    const changes = (await get(`/cases/${caseId}/plan/versions/3/changes`).expect(200)).body;
    expect(changes).toMatchObject({ caseId, version: 3, previousVersion: 2, stage: 'amended', amendmentId, changedSections: ['F', 'J'] });
    expect(changes.changes.map((c: { section: string; change: string; items: unknown }) => [c.section, c.change, c.items])).toEqual([
      ['F', 'changed', { added: ['prov-2'], removed: [], changed: ['prov-1'] }],
      ['J', 'changed', { added: [], removed: [], changed: [] }],
    ]);
    expect(changes.changes[1].after.text).toContain('A direct payment of £1,200');
    await get(`/cases/${caseId}/plan/versions/9/changes`).expect(404);
    await get(`/cases/${caseId}/plan/versions/three/changes`).expect(400);

    // published on Kafka in order, with the section text only as envelopes
    const ofCase = (ms: Parameters<typeof fromKafkaRecord>[0][]) => ms.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never));
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => ofCase(ms as never).filter((e) => e.type === 'ehc.plan-contents-recorded.v1').length === 3);
    const events = ofCase(messages as never);
    expect(events.map((e) => e.type).filter((t) => /plan-contents|personal-budget/.test(t))).toEqual([
      'ehc.plan-contents-recorded.v1', 'ehc.plan-contents-recorded.v1', 'ehc.personal-budget-requested.v1', 'ehc.personal-budget-decided.v1',
      'ehc.personal-budget-reviewed.v1', 'ehc.plan-contents-recorded.v1',
    ]);
    const published = JSON.stringify(events);
    expect(published).not.toContain(marker);
    expect(published).toContain('$enc:tio-aes-256-gcm/v1:');

    // erasure (crypto-shredding) makes every section's text unreadable; the structure (sections, ids, the school) stays
    await step(`/cases/${caseId}/personal-data-erasure`, { ground: 'erasure-request' });
    const erased = (await get(`/cases/${caseId}/plan`).expect(200)).body;
    expect(JSON.stringify(erased)).not.toContain(marker);
    expect(erased.current.sections.find((s: { section: string }) => s.section === 'A')).toEqual({ section: 'A', text: '[erased]' });
    expect(erased.current.sections.find((s: { section: string }) => s.section === 'F').items.map((i: { itemId: string; text: string }) => [i.itemId, i.text]))
      .toEqual([['prov-1', '[erased]'], ['prov-2', '[erased]']]);
    expect(erased.current.sections.find((s: { section: string }) => s.section === 'I').settingRef).toBe('urn:school:100234');
    expect((await get(`/cases/${caseId}/plan/versions/3/changes`).expect(200)).body.changedSections).toEqual(['F', 'J']);
  });
});
