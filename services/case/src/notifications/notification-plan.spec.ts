import { ehcCaseDecider, type EhcCaseState, type EhcEvent } from '@tio/ehc-domain';
import { ERASED } from '@tio/personal-data';
import { caseSoFarIntent, channelsFor, intentForEvent, intentsForDeadlines, linkedRecipients } from './notification-plan';

const CASE = 'case-1';
const given = (...events: Array<{ type: string; data: object }>): EhcCaseState =>
  events.reduce<EhcCaseState>((s, e) => ehcCaseDecider.evolve(s, { type: e.type, data: { caseId: CASE, ...e.data } } as EhcEvent), ehcCaseDecider.initialState());

const requested = (on = '2026-01-05') => ({ type: 'ehc.request-received.v1', data: { childRef: 'child:1', localAuthority: 'E10000028', source: 'parent', requestedBy: { role: 'parent' }, receivedOn: on } });
const invited = (invitationId: string, email: string | undefined, relationship = 'parent', phone?: string) => ({
  type: 'ehc.family-member-invited.v1',
  data: { invitationId, relationship, contact: { name: 'Jo Carter', ...(email ? { email } : {}), ...(phone ? { phone } : {}) }, codeDigest: 'ab', expiresOn: '2026-02-02', invitedOn: '2026-01-05', invitedBy: { userId: 'u', organisationId: 'E10000028' } },
});
const linked = (invitationId: string, subject: string, relationship = 'parent') => ({ type: 'ehc.family-member-linked.v1', data: { invitationId, subject, relationship, linkedOn: '2026-01-06' } });
const unlinked = (subject: string) => ({ type: 'ehc.family-member-unlinked.v1', data: { subject, reason: 'no-longer-involved', unlinkedOn: '2026-01-07' } });
const draft = { type: 'ehc.draft-plan-issued.v1', data: { planId: 'p1', issuedOn: '2026-04-06', commentsDueOn: '2026-04-20' } };

describe('who is told, and what', () => {
  it('Given two linked parents with email addresses, When the draft plan is issued, Then both are told with the date their comments are due', () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'), invited('i2', 'sam@example.com'), linked('i2', 'family-sam'));
    expect(intentForEvent({ ...draft, eventId: 'e1' }, state, '2026-04-06')).toEqual({
      source: 'event:e1', templateId: 'draft-plan-issued', personalisation: { comments_due_on: '20 April 2026' }, recipients: ['i1', 'i2'],
    });
  });

  it('Given a member invited but not linked, one unlinked, one without an email and one erased, Then none of them is told', () => {
    const state = given(
      requested(),
      invited('i1', 'jo@example.com'), // invited only
      invited('i2', 'sam@example.com'), linked('i2', 'family-sam'), unlinked('family-sam'),
      invited('i3', undefined), linked('i3', 'family-lee'), // neither an email address nor a phone number
      invited('i4', ERASED), linked('i4', 'family-ash'),
    );
    expect(linkedRecipients(state, '2026-04-06')).toEqual([]);
    expect(intentForEvent({ ...draft, eventId: 'e1' }, state, '2026-04-06')).toBeUndefined();
  });

  it('Given a member reached by phone only, Then they are told by text message where the provider sends them, and not at all by SMTP email', () => {
    const state = given(requested(), invited('i1', undefined, 'carer', '07700 900123'), linked('i1', 'family-lee', 'carer'), invited('i2', 'jo@example.com', 'parent', '07700 900456'), linked('i2', 'family-jo'));
    expect(linkedRecipients(state, '2026-04-06')).toEqual(['i1', 'i2']);
    expect(channelsFor(state, 'i1', ['email', 'sms'])).toEqual(['sms']);
    expect(channelsFor(state, 'i1', ['email'])).toEqual([]);
    expect(channelsFor(state, 'i2', ['email', 'sms'])).toEqual(['email', 'sms']);
  });

  it('Given the young person holds the rights and chose that parents see nothing, Then the parent is not told and the young person is', () => {
    const state = given(
      requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'), invited('i2', 'alex@example.com', 'young-person'), linked('i2', 'family-alex', 'young-person'),
      { type: 'ehc.young-person-rights-recorded.v1', data: { holdsRights: true, parentAccess: 'none', recordedOn: '2026-01-08' } },
    );
    expect(linkedRecipients(state, '2026-04-06')).toEqual(['i2']);
  });

  it('tells decisions in words, with the right to appeal where there is one', () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    const notAssess = intentForEvent({ type: 'ehc.decision-to-assess.v1', data: { caseId: CASE, decision: 'not-assess', decidedOn: '2026-02-02' }, eventId: 'e2' }, state, '2026-02-02');
    expect(notAssess).toMatchObject({ templateId: 'decision-made', personalisation: { decision_text: expect.stringContaining('decided not to carry out'), rights_text: expect.stringContaining('appeal') } });
    const cease = intentForEvent({ type: 'ehc.decision-to-cease.v1', data: { caseId: CASE, cessationId: 'c', decidedOn: '2026-06-15', reason: 'other' }, eventId: 'e3' }, state, '2026-06-15');
    expect(cease?.personalisation['decision_text']).toBe('The council has decided to stop the EHC plan.');
  });

  it("tells of advice from others, but not of the family's own views coming back as advice", () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    const advice = (agency: string, adviceType: string) => ({
      type: 'ehc.advice-received.v1', eventId: `e-${adviceType}`,
      data: { caseId: CASE, assessmentId: 'a', adviceRequestId: 'r', adviceId: 'x', version: 1, agency, adviceType, receivedOn: '2026-03-02' },
    });
    expect(intentForEvent(advice('health', 'medical'), state, '2026-03-02')).toMatchObject({ templateId: 'advice-received', personalisation: { advice_from: 'the health service (NHS)', received_on: '2 March 2026' } });
    expect(intentForEvent(advice('local-authority', 'parent-views'), state, '2026-03-02')).toBeUndefined();
  });

  it('says nothing about events that are not news for the family', () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    expect(intentForEvent({ type: 'ehc.advice-requested.v1', data: {}, eventId: 'e4' }, state, '2026-02-03')).toBeUndefined();
  });
});

describe('deadlines that pass', () => {
  it('Given a request received on 5 January and no decision, When the job runs on 17 February, Then the family hear the council is late, once per limit and due date', () => {
    const state = given(requested('2026-01-05'), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    expect(intentsForDeadlines(state, '2026-02-16')).toEqual([]); // due 16 February: not passed yet
    expect(intentsForDeadlines(state, '2026-02-17')).toEqual([{
      source: 'deadline:decision-to-assess:2026-02-16', templateId: 'deadline-passed', recipients: ['i1'],
      personalisation: { due_on: '16 February 2026', what: 'decide whether to carry out an EHC needs assessment', who: 'The council' },
    }]);
  });

  it("Given the family's own 15 days to comment ran out, Then nobody is told the family is late", () => {
    const state = given(requested('2026-01-05'), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'),
      { type: 'ehc.decision-to-assess.v1', data: { decision: 'assess', assessmentId: 'a1', decidedOn: '2026-01-20' } }, draft);
    const steps = intentsForDeadlines(state, '2026-05-01').map((i) => i.source);
    expect(steps.filter((s) => s.includes('draft-comments'))).toEqual([]);
  });

  it('Given nobody linked, Then the job has nobody to tell', () => {
    expect(intentsForDeadlines(given(requested('2026-01-05'), invited('i1', 'jo@example.com')), '2026-03-01')).toEqual([]);
  });
});

describe('a member linked after things happened: the case so far, once', () => {
  const before = [
    { ...requested(), on: '2026-01-05' },
    { type: 'ehc.decision-to-assess.v1', data: { assessmentId: 'a1', decision: 'assess', decidedOn: '2026-02-02' }, on: '2026-02-02' },
    { type: 'ehc.advice-received.v1', data: { adviceType: 'parent-views', agency: 'family', receivedOn: '2026-02-10' }, on: '2026-02-10' },
    { type: 'ehc.advice-received.v1', data: { adviceType: 'health', agency: 'health', receivedOn: '2026-03-02' }, on: '2026-03-02' },
    { ...draft, on: '2026-04-06' },
  ];

  it('Given a decision, advice and a draft before they joined, When a parent is linked, Then one message lists them in order, keyed by the linking event', () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    expect(caseSoFarIntent({ eventId: 'link-1', invitationId: 'i1', subject: 'family-jo' }, before, state, '2026-04-07')).toEqual({
      source: 'event:link-1', templateId: 'case-so-far', recipients: ['i1'],
      personalisation: {
        case_so_far: [
          '* 2 February 2026: The council has decided to carry out an EHC needs assessment. It will ask for advice about your needs from the people who know you.',
          '* 2 March 2026: Advice from the health service (NHS) was added.',
          '* 6 April 2026: The council sent a draft EHC plan. Comments were asked for by 20 April 2026.',
        ].join('\n'),
      },
    });
  });

  it('Given nothing yet the family is told about, When a parent is linked, Then no message', () => {
    const state = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'));
    expect(caseSoFarIntent({ eventId: 'link-1', invitationId: 'i1', subject: 'family-jo' }, before.slice(0, 1), state, '2026-04-07')).toBeUndefined();
  });

  it('Given a parent the young person holding the rights shut out, or one without an address, Then no message', () => {
    const shut = given(requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo'), { type: 'ehc.young-person-rights-recorded.v1', data: { holdsRights: true, parentAccess: 'none', recordedOn: '2026-04-01' } });
    expect(caseSoFarIntent({ eventId: 'link-1', invitationId: 'i1', subject: 'family-jo' }, before, shut, '2026-04-07')).toBeUndefined();
    const unreachable = given(requested(), invited('i1', ERASED), linked('i1', 'family-jo'));
    expect(caseSoFarIntent({ eventId: 'link-1', invitationId: 'i1', subject: 'family-jo' }, before, unreachable, '2026-04-07')).toBeUndefined();
  });
});
