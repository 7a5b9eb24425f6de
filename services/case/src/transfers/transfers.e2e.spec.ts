import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, fromKafkaRecord } from '@tio/contracts';
import { EVENT_STORE } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { ehcCaseDecider, londonDateOf, statutoryStatus, type EhcEvent } from '@tio/ehc-domain';
import { KafkaJsClient, type ConsumedMessage } from '@tio/messaging';
import { consumeUntil, startTestService, tokenFor, type TestService } from '@tio/testing';
import { responsibility, transferDeadlines, type TransferEvent } from '@tio/transfer-domain';
import { caseService } from '../service';
import { adviceForDraft } from '../assessment-advice/advice-for-draft';

// Transfers of responsibility through the case service: real PostgreSQL event store, real Kafka, HTTP via supertest.
describe('service transfers end to end', () => {
  const OLD = 'E08000025';
  const NEW = 'E08000026';
  const prefix = `transfers-e2e-${randomUUID().slice(0, 8)}.`;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  let service: TestService;
  let store: EventStore;
  let oldOfficer: string;
  let newOfficer: string;
  let newPractitioner: string;
  let stranger: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const post = (path: string, body: object, token: string) => request(service.server).post(path).set(auth(token)).send(body);

  beforeAll(async () => {
    service = await startTestService(caseService, { KAFKA_TOPIC_PREFIX: prefix });
    store = service.app.get(EVENT_STORE);
    oldOfficer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: OLD, userId: 'old-officer' });
    newOfficer = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: NEW, userId: 'new-officer' });
    newPractitioner = await tokenFor({ agency: 'local-authority', roles: ['practitioner'], organisationId: NEW, userId: 'new-caseworker' });
    stranger = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E09000001', userId: 'stranger' });
  });
  afterAll(() => service?.close());
  /** The advice steps before a draft (reg 6(1); adviceForDraft), left out where a test follows the lifecycle. */
  const ADVICE_STEPS = ['ehc.advice-scope-recorded.v1', 'ehc.advice-reused.v1', 'ehc.advice-requested.v1', 'ehc.advice-not-awaited.v1'];

  async function caseWithPlan(): Promise<{ caseId: string; planId: string }> {
    const res = await post('/cases', { at: '2025-09-01', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: OLD, source: 'parent', requestedBy: { role: 'parent' } }, oldOfficer).expect(201);
    const caseId = res.body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2025-09-15' }, oldOfficer).expect(200);
    await adviceForDraft((path, body) => post(path, body, oldOfficer).expect(201), caseId, '2025-09-15'); // reg 6(1): what a draft needs
    const planId = randomUUID();
    await post(`/cases/${caseId}/draft-plan`, { at: '2025-11-03', planId }, oldOfficer).expect(201);
    // s.39(2) CFA 2014: the school is consulted before the plan names it
    await post(`/cases/${caseId}/consultations`, { at: '2025-11-10', settingRef: 'urn:100001' }, oldOfficer).expect(201);
    await post(`/cases/${caseId}/final-plan`, { at: '2025-11-24', planId, namedSettingRef: 'urn:100001' }, oldOfficer).expect(201);
    return { caseId, planId };
  }
  const caseEvents = async (caseId: string) => (await store.readStream(`case-${caseId}`)).map((e) => ({ type: e.type, data: e.data, on: londonDateOf(e.metadata.occurredAt) }));
  /** The case's responsible LA and clock as at a day, from the stored events (facts on or before it). */
  async function caseAsAt(caseId: string, day: string) {
    const state = (await caseEvents(caseId)).filter((e) => e.on <= day).reduce((s, e) => ehcCaseDecider.evolve(s, e as unknown as EhcEvent), ehcCaseDecider.initialState());
    return { localAuthority: state.localAuthority, status: statutoryStatus(state, day) };
  }
  const transferEvents = async (transferId: string) => (await store.readStream(`transfer-${transferId}`)).map((e) => ({ type: e.type, data: e.data }) as TransferEvent);

  it('a family moves between two LAs: each side records its own steps, the case and its clock follow on the move day, Kafka has it in order', async () => {
    const { caseId, planId } = await caseWithPlan();
    const base = `/cases/${caseId}/service-transfers`;

    // the old LA requests (15+ working days' notice: the plan transfers on the day of the move); nobody else may
    await post(base, { at: '2026-03-02', kind: 'local-authority', toOrganisation: NEW, moveOn: '2026-04-14' }, newOfficer).expect(403);
    const requested = await post(base, { at: '2026-03-02', kind: 'local-authority', toOrganisation: NEW, moveOn: '2026-04-14', moves: { fundingRef: 'hn-2026-12' } }, oldOfficer).expect(201);
    const transferId = requested.body.transferId as string;
    // reg 15(5): the plan date comes from the case (no review held yet) for the new LA's review deadline
    expect((await transferEvents(transferId))[0].data).toMatchObject({ planMadeOn: '2025-11-24' });
    expect(requested.body.case).toMatchObject({ followed: true, command: 'NotifyTransfer' });
    expect(requested.body.transfer).toMatchObject({ status: 'requested', moves: { planId, fundingRef: 'hn-2026-12' }, responsibleOn: { organisation: OLD, handoverPending: true } });
    expect(requested.body.transfer.deadlines.find((d: { id: string }) => d.id === 'plan-transfer')).toMatchObject({ dueOn: '2026-04-14', responsible: OLD, status: 'open' });

    // the new LA accepts; the old LA, or a third LA, may not
    const acc403 = await post(`${base}/${transferId}/acceptance`, { at: '2026-03-09' }, oldOfficer).expect(403);
    expect(acc403.body.detail).toBe(`accepting a transfer belongs to the receiving organisation ${NEW}; the token is for ${OLD}`);
    await post(`${base}/${transferId}/acceptance`, { at: '2026-03-09' }, stranger).expect(403);
    // completing before acceptance is a domain error (409)
    const early = await post(`${base}/${transferId}/completion`, { at: '2026-03-05' }, oldOfficer).expect(409);
    expect(early.body.code).toBe('transfer-not-accepted');
    await post(`${base}/${transferId}/acceptance`, { at: '2026-03-09' }, newPractitioner).expect(200);

    // the case is still the old LA's until the move: the new LA may not act on it yet
    await post(`/cases/${caseId}/reviews`, { at: '2026-03-20', meetingOn: '2026-04-01' }, newOfficer).expect(403);

    // the old LA completes on the move day; the new LA may not complete, and may not acknowledge before it
    await post(`${base}/${transferId}/completion`, { at: '2026-04-14' }, newOfficer).expect(403);
    await post(`${base}/${transferId}/acknowledgement`, { at: '2026-04-13' }, newOfficer).expect(409);
    const completed = await post(`${base}/${transferId}/completion`, { at: '2026-04-14' }, oldOfficer).expect(200);
    expect(completed.body.case).toMatchObject({ followed: true, command: 'TransferPlan' });
    const second = await post(`${base}/${transferId}/completion`, { at: '2026-04-15' }, oldOfficer).expect(409);
    expect(second.body.code).toBe('transfer-already-completed');

    // the new LA acknowledges and decides on reassessment; the old LA may do neither
    await post(`${base}/${transferId}/acknowledgement`, { at: '2026-04-14' }, oldOfficer).expect(403);
    await post(`${base}/${transferId}/acknowledgement`, { at: '2026-04-14' }, newOfficer).expect(200);
    await post(`${base}/${transferId}/reassessment-decision`, { at: '2026-05-01', willReassess: false }, oldOfficer).expect(403);
    // reg 15(4)-(5): it also says when it will review: plan made 24 Nov 2025 -> 12 months end 23 Nov 2026; the 3 months
    // beginning with the transfer on 14 Apr 2026 end 13 Jul 2026; the later, 23 Nov 2026, is the last day it may name
    const tooLate = await post(`${base}/${transferId}/reassessment-decision`, { at: '2026-05-01', willReassess: false, reviewOn: '2026-11-24' }, newOfficer).expect(409);
    expect(tooLate.body.detail).toMatch(/reg 15\(5\): the new LA must review by 2026-11-23/);
    const decided = await post(`${base}/${transferId}/reassessment-decision`, { at: '2026-05-01', willReassess: false, reviewOn: '2026-11-20' }, newOfficer).expect(200);
    expect(decided.body.case).toMatchObject({ followed: true, command: 'DecideReassessmentAfterTransfer' });
    expect(decided.body.transfer.reassessment).toEqual({ willReassess: false, decidedOn: '2026-05-01', reviewOn: '2026-11-20' });
    expect(decided.body.transfer.deadlines.find((d: { id: string }) => d.id === 'review-after-transfer')).toMatchObject({ dueOn: '2026-11-23', responsible: NEW });
    expect((await caseEvents(caseId)).at(-1)).toMatchObject({ type: 'ehc.transfer-reassessment-decided.v1', data: { reviewOn: '2026-11-20' } });

    // the case itself now belongs to the new LA: it sees it, the old one does not
    const kase = await request(service.server).get(`/cases/${caseId}?asOf=2026-05-02`).set(auth(newOfficer)).expect(200);
    expect(kase.body.state.localAuthority).toBe(NEW);
    await request(service.server).get(`/cases/${caseId}`).set(auth(oldOfficer)).expect(403);

    // GET: steps by their own organisations, deadlines, responsibility as at a day
    const list = await request(service.server).get(`${base}?asOf=2026-05-02`).set(auth(oldOfficer)).expect(200);
    expect(list.body.responsibleAsOf).toEqual({ 'local-authority': NEW });
    const t = list.body.transfers[0];
    expect(t.steps.map((s: { step: string; recordedBy: string }) => [s.step, s.recordedBy])).toEqual([
      ['requested', OLD], ['accepted', NEW], ['completed', OLD], ['acknowledged', NEW], ['reassessment-decided', NEW],
    ]);
    expect(t.deadlines.find((d: { id: string }) => d.id === 'plan-transfer')).toMatchObject({ status: 'met', metOn: '2026-04-14' });
    expect(t.deadlines.find((d: { id: string }) => d.id === 'reassessment-decision')).toMatchObject({ dueOn: '2026-05-26', status: 'met', responsible: NEW });
    expect(t.responsibility).toEqual([{ organisation: OLD, until: '2026-04-14' }, { organisation: NEW, from: '2026-04-14' }]);
    const before = await request(service.server).get(`${base}?asOf=2026-04-13`).set(auth(newOfficer)).expect(200);
    expect(before.body.responsibleAsOf).toEqual({ 'local-authority': OLD });
    await request(service.server).get(base).set(auth(stranger)).expect(403);

    // "as at" from the stored events, with the domain functions: before and after the move
    const tEvents = await transferEvents(transferId);
    expect(responsibility(tEvents, '2026-04-13')).toMatchObject({ organisation: OLD, stage: 'accepted' });
    expect(responsibility(tEvents, '2026-04-14T00:00:00+01:00')).toMatchObject({ organisation: NEW, stage: 'completed' });
    expect(transferDeadlines(tEvents, '2026-04-13').find((d) => d.id === 'reassessment-decision')).toBeUndefined();
    const asAtBefore = await caseAsAt(caseId, '2026-04-13');
    const asAtAfter = await caseAsAt(caseId, '2026-04-14');
    expect(asAtBefore.localAuthority).toBe(OLD);
    expect(asAtAfter.localAuthority).toBe(NEW);
    const step = (s: typeof asAtAfter, id: string) => s.status.deadlines.find((d: { step: string }) => d.step === id);
    expect(step(asAtBefore, 'transfer')).toMatchObject({ dueOn: '2026-04-14' });
    expect(step(asAtBefore, 'transfer-reassessment')).toBeUndefined();
    expect(step(asAtAfter, 'transfer-reassessment')).toMatchObject({ dueOn: '2026-05-26' });

    // on Kafka, keyed by the case, in order, recorded by their own organisations
    const decode = (ms: ConsumedMessage[]) => ms.filter((m) => String(m.key) === caseId).map((m) => fromKafkaRecord({ ...m, key: m.key ?? undefined } as never));
    const messages = await consumeUntil(kafka, TOPICS.caseEvents, (ms) => decode(ms).filter((e) => e.type.startsWith('transfer.')).length >= 5);
    const mine = decode(messages);
    const transfers = mine.filter((e) => e.type.startsWith('transfer.'));
    expect(transfers.map((e) => [e.type, e.actor.organisationId])).toEqual([
      ['transfer.requested.v1', OLD], ['transfer.accepted.v1', NEW], ['transfer.completed.v1', OLD], ['transfer.acknowledged.v1', NEW], ['transfer.reassessment-decided.v1', NEW],
    ]);
    expect(transfers.every((e) => e.subject === caseId && e.source === '/tio/case')).toBe(true);
  });

  it('mid-assessment: the move is recorded by both sides; on completion the assessment moves to the new LA with its own clock, as at before/after', async () => {
    const res = await post('/cases', { at: '2026-01-05', childRef: `child:${randomUUID().slice(0, 6)}`, localAuthority: OLD, source: 'parent', requestedBy: { role: 'parent' } }, oldOfficer).expect(201);
    const caseId = res.body.caseId as string;
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-01-19' }, oldOfficer).expect(200);
    const base = `/cases/${caseId}/service-transfers`;
    const r = await post(base, { at: '2026-02-02', kind: 'local-authority', toOrganisation: NEW, moveOn: '2026-02-09' }, oldOfficer).expect(201);
    // nothing on the case yet: the assessment moves on the day responsibility passes (completion)
    expect(r.body.case.followed).toBe(false);
    expect(r.body.case.reason).toMatch(/assessment itself moves when the transfer is completed/);
    // less than 15 working days' notice: due 15 working days from learning of it
    expect(r.body.transfer.deadlines.find((d: { id: string }) => d.id === 'plan-transfer')).toMatchObject({ dueOn: '2026-02-20' });
    const id = r.body.transferId as string;
    await post(`${base}/${id}/acceptance`, { at: '2026-02-03' }, newOfficer).expect(200);
    // until the completion the case is the old LA's: the new LA may not move the lifecycle
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-02-05', planId: randomUUID() }, newOfficer).expect(403);
    const completed = await post(`${base}/${id}/completion`, { at: '2026-02-09' }, oldOfficer).expect(200);
    expect(completed.body.case).toMatchObject({ followed: true, command: 'TransferAssessment', recorded: [{ type: 'ehc.assessment-transferred.v1' }] });

    // both sides see the new LA responsible from the completion day, in the transfer and in the case itself
    const list = await request(service.server).get(`${base}?asOf=2026-02-10`).set(auth(newOfficer)).expect(200);
    expect(list.body.responsibleAsOf).toEqual({ 'local-authority': NEW });
    expect(list.body.caseLocalAuthority).toBe(NEW);
    const kase = await request(service.server).get(`/cases/${caseId}`).set(auth(newOfficer)).expect(200);
    expect(kase.body.state.localAuthority).toBe(NEW);

    // reg 5(1)(b): the new LA makes its own decision whether to assess, within 6 weeks of becoming responsible
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-16' }, oldOfficer).expect(403);
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-16' }, newOfficer).expect(200);
    await post(`/cases/${caseId}/decision-to-assess`, { at: '2026-02-17' }, newOfficer).expect(409);

    // the new LA continues the assessment; the old LA no longer may
    await adviceForDraft((path, body) => post(path, body, newOfficer).expect(201), caseId, '2026-02-16'); // reg 6(1): the new LA gathers the advice
    const planId = randomUUID();
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-20', planId }, oldOfficer).expect(403);
    await post(`/cases/${caseId}/draft-plan`, { at: '2026-04-20', planId }, newOfficer).expect(201);

    // "as at" from the stored events: the day before and the day after the move
    const asAtBefore = await caseAsAt(caseId, '2026-02-08');
    const asAtOn = await caseAsAt(caseId, '2026-02-09');
    const asAtAfter = await caseAsAt(caseId, '2026-02-10');
    expect([asAtBefore.localAuthority, asAtOn.localAuthority, asAtAfter.localAuthority]).toEqual([OLD, NEW, NEW]);
    const dl = (s: typeof asAtAfter, id: string) => s.status.deadlines.find((d: { id: string }) => d.id === id);
    // what was known on the day before: the old LA's limits from the request, no move yet
    expect(asAtBefore.status.localAuthority).toBe(OLD);
    expect(dl(asAtBefore, 'final-plan')).toMatchObject({ dueOn: '2026-05-25', status: 'open', responsible: 'local-authority' });
    expect(dl(asAtBefore, `final-plan:${id}`)).toBeUndefined();
    // the whole history read as at the day before names the old LA for that limit
    const all = (await caseEvents(caseId)) as unknown as EhcEvent[];
    expect(statutoryStatus(all, '2026-02-08')).toMatchObject({ localAuthority: OLD });
    expect(statutoryStatus(all, '2026-02-08').deadlines.find((d) => d.id === 'final-plan')).toMatchObject({ status: 'open', refs: { responsibleAuthority: OLD } });
    expect(asAtAfter.status.localAuthority).toBe(NEW);
    expect(dl(asAtAfter, 'final-plan')).toMatchObject({ status: 'lapsed', refs: { responsibleAuthority: OLD } });
    // reg 5(1)(b): 9 Feb 2026 + 6 weeks (42 days: 19 to 28 Feb, 23 into March) = 23 Mar 2026
    expect(dl(asAtAfter, `decision-to-assess:${id}`)).toMatchObject({ dueOn: '2026-03-23', status: 'open', refs: { responsibleAuthority: NEW } });
    // the clock's summary names the responsible LA's limit, not the old LA's lapsed one (what the timeline shows as "final plan due")
    expect(asAtAfter.status.finalPlan).toMatchObject({ id: `final-plan:${id}`, dueOn: '2026-06-29' });
    // the new LA is treated as receiving the request on the transfer day: 16 and 20 weeks from 9 Feb 2026
    expect(dl(asAtAfter, `decision-whether-to-issue:${id}`)).toMatchObject({ dueOn: '2026-06-01', status: 'open', refs: { responsibleAuthority: NEW } });
    expect(dl(asAtAfter, `final-plan:${id}`)).toMatchObject({ startsOn: '2026-02-09', dueOn: '2026-06-29', status: 'open', refs: { responsibleAuthority: NEW } });
    // after the old 20 weeks: nobody is overdue on the old dates; the new LA's draft met its reg 10 limit
    const later = await caseAsAt(caseId, '2026-05-26');
    expect(later.status.overdue).toEqual([]);
    expect(dl(later, `decision-whether-to-issue:${id}`)).toMatchObject({ status: 'met', metOn: '2026-04-20' });
    expect(dl(later, `decision-to-assess:${id}`)).toMatchObject({ status: 'met', metOn: '2026-02-16' });

    // the audit sequence on the case stream: request, decision, the move (recorded by the old LA), the new LA's draft
    const seq = (await store.readStream(`case-${caseId}`)).map((e) => [e.type, e.metadata.actor.organisationId]).filter(([type]) => !ADVICE_STEPS.includes(type));
    expect(seq).toEqual([
      ['ehc.request-received.v1', OLD], ['ehc.decision-to-assess.v1', OLD], ['ehc.assessment-transferred.v1', OLD], ['ehc.decision-to-assess.v1', NEW], ['ehc.draft-plan-issued.v1', NEW],
    ]);
    // a retried completion does not move it twice
    await post(`${base}/${id}/completion`, { at: '2026-02-09' }, oldOfficer).expect(409);
  });

  it('school to school: the new setting admits, funding follows the child on the start day, each step by its own school', async () => {
    const { caseId, planId } = await caseWithPlan();
    const base = `/cases/${caseId}/service-transfers`;
    const oldSchool = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'urn:100001', userId: 'senco-old' });
    const newSchool = await tokenFor({ agency: 'education', roles: ['practitioner'], organisationId: 'urn:100002', userId: 'senco-new' });
    const r = await post(base, { at: '2026-06-01', kind: 'school', toOrganisation: 'urn:100002', proposedOn: '2026-09-02', moves: { planId, adviceIds: [], fundingRef: 'top-up-7' } }, oldSchool).expect(201);
    const id = r.body.transferId as string;
    expect(r.body.case).toEqual({ followed: false });
    // a second open school transfer would overlap: refused
    await post(base, { at: '2026-06-02', kind: 'school', toOrganisation: 'urn:100003' }, oldSchool).expect(409);
    await post(`${base}/${id}/acceptance`, { at: '2026-06-15' }, oldSchool).expect(403);
    await post(`${base}/${id}/acceptance`, { at: '2026-06-15', note: 'place offered from September' }, newSchool).expect(200);
    await post(`${base}/${id}/completion`, { at: '2026-09-02' }, oldSchool).expect(200);
    await post(`${base}/${id}/acknowledgement`, { at: '2026-09-02' }, newSchool).expect(200);
    // the next school transfer must come from the school responsible now
    await post(base, { at: '2026-10-05', kind: 'school', toOrganisation: 'urn:100004' }, oldSchool).expect(403);
    // a step dated after today is refused with 422 naming the field (a planned day, proposedOn, may lie ahead)
    const tomorrow = new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);
    const future = await post(base, { at: tomorrow, kind: 'school', toOrganisation: 'urn:100004', proposedOn: '2027-09-01' }, newSchool).expect(422);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
    const before = await request(service.server).get(`${base}?asOf=2026-09-01`).set(auth(newSchool)).expect(200);
    const after = await request(service.server).get(`${base}?asOf=2026-09-02`).set(auth(newSchool)).expect(200);
    expect(before.body.responsibleAsOf).toEqual({ school: 'urn:100001' });
    expect(after.body.responsibleAsOf).toEqual({ school: 'urn:100002' });
    expect(after.body.transfers[0]).toMatchObject({ status: 'completed', moved: { planId, fundingRef: 'top-up-7' }, acknowledgedOn: '2026-09-02' });
    // the LA's responsibility is untouched by a school transfer
    const kase = await request(service.server).get(`/cases/${caseId}`).set(auth(oldOfficer)).expect(200);
    expect(kase.body.state.localAuthority).toBe(OLD);

    // one open transfer of a kind is the rule of the case's transfer register (one stream): the completed transfer
    // closed its kind there, and of two requests sent at the same moment exactly one is recorded
    const racing = await Promise.all(['urn:100005', 'urn:100006'].map((to) => post(base, { at: '2026-10-05', kind: 'school', toOrganisation: to }, newSchool)));
    expect(racing.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(racing.find((res) => res.status === 409)?.body.code).toBe('transfer-already-requested');
    const listed = await request(service.server).get(base).set(auth(newSchool)).expect(200);
    expect(listed.body.transfers.filter((t: { status: string }) => t.status === 'requested')).toHaveLength(1);
  });

});
