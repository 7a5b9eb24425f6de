import { ehcCaseDecider, type EhcCaseState, type EhcEvent } from '@tio/ehc-domain';
import { ERASED } from '@tio/personal-data';
import { EARLY_REVIEW_DECLINED_RIGHTS, renderMessage } from './message-texts';
import { caseSoFarIntent, caseSoFarLine, channelsFor, intentForEvent, intentsForDeadlines, linkedRecipients, sharedAdviceWords, withheldFromFamily } from './notification-plan';

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

describe('advice shared early and the answer to a request for an early review', () => {
  const reused = (adviceId: string, adviceType: string, agency: string) => ({
    type: 'ehc.advice-reused.v1', data: { assessmentId: 'a1', reuseId: `u-${adviceId}`, adviceType, agency, adviceId, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, agreedOn: '2026-02-03' },
  });
  const earlyReview = (id: string, requestedBy: string) => ({ type: 'ehc.early-review-requested.v1', data: { earlyReviewRequestId: id, requestedBy, requestedOn: '2026-05-04' } });
  const family = [requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo')] as const;
  const SAMPLE = { first_name: 'Jo', case_link: 'https://send.example.gov.uk/family/cases/c' };

  it('Given health and psychology advice shared before the draft, Then the family hear which kinds of advice, from which kind of organisation, the day, and where to read it', () => {
    const state = given(...family, reused('x-med', 'medical', 'health'), reused('x-ep', 'psychological', 'education'));
    const intent = intentForEvent({ type: 'ehc.advice-shared-with-family.v1', eventId: 'e5', data: { caseId: CASE, shareId: 's1', scope: 'listed', adviceIds: ['x-med', 'x-ep'], sharedBy: { userId: 'u', organisationId: 'E10000028' }, sharedOn: '2026-02-04' } }, state, '2026-02-04');
    expect(intent).toEqual({
      source: 'event:e5', templateId: 'advice-shared', recipients: ['i1'],
      personalisation: { shared_on: '4 February 2026', advice_list: 'health advice from the health service (NHS) and advice from a psychologist from the school or education service' },
    });
    const { subject, body } = renderMessage('advice-shared', { ...SAMPLE, ...intent?.personalisation });
    expect(subject).toBe('The council has shared advice with you');
    expect(body).toContain('It is on your case page');
    // who shared it (a caseworker's id, the council's code) is not in the message
    expect(`${subject}\n${body}`).not.toMatch(/E10000028|\bu\b/);
  });

  it('lists each kind once, leaves out the family’s own views, and says "some advice" for advice the case does not know', () => {
    const state = given(...family, reused('x1', 'medical', 'health'), reused('x2', 'medical', 'health'), reused('x3', 'parent-views', 'local-authority'), reused('x4', 'social-care', 'social-care'));
    expect(sharedAdviceWords(['x1', 'x2', 'x3', 'x4'], state)).toBe('health advice from the health service (NHS) and social care advice from social care');
    expect(sharedAdviceWords(['x1', 'x2', 'x4', 'x9'], state)).toBe('health advice from the health service (NHS) and social care advice from social care');
    expect(sharedAdviceWords(['x9'], state)).toBe('some advice');
    expect(sharedAdviceWords(['x1'])).toBe('some advice');
  });

  it('Given the family asked for an early review, When the council agrees, Then they hear it said yes to their request, with the meeting date', () => {
    const state = given(...family, earlyReview('er1', 'parent-or-young-person'));
    expect(intentForEvent({ type: 'ehc.early-review-agreed.v1', eventId: 'e6', data: { caseId: CASE, earlyReviewRequestId: 'er1', reviewId: 'r1', meetingOn: '2026-06-08', agreedOn: '2026-05-11' } }, state, '2026-05-11')).toEqual({
      source: 'event:e6', templateId: 'early-review-agreed', recipients: ['i1'], personalisation: { request_words: 'your request', meeting_on: '8 June 2026' },
    });
  });

  it('Given the school asked, When the council says no, Then the family hear it said no, where to read why, and what they can do; never the reasons themselves', () => {
    const state = given(...family, earlyReview('er2', 'institution'));
    const intent = intentForEvent({ type: 'ehc.early-review-declined.v1', eventId: 'e7', data: { caseId: CASE, earlyReviewRequestId: 'er2', reasons: 'The plan is five weeks old.', declinedOn: '2026-05-11' } }, state, '2026-05-11');
    expect(intent).toEqual({ source: 'event:e7', templateId: 'early-review-declined', recipients: ['i1'], personalisation: { request_words: 'the request from the school or college' } });
    const { body } = renderMessage('early-review-declined', { ...SAMPLE, ...intent?.personalisation });
    expect(body).toContain('The council has said no to the request from the school or college for an early review of the EHC plan. It has told you why. You can read its reasons on your case page.');
    // not appealable to the tribunal; ask again, disagreement resolution, SENDIASS
    expect(body).toContain(EARLY_REVIEW_DECLINED_RIGHTS);
    expect(body).toMatch(/cannot appeal to a tribunal/);
    expect(body).toMatch(/ask again/);
    expect(body).toMatch(/disagreement resolution/);
    expect(body).toMatch(/SENDIASS/);
    expect(body).not.toContain('five weeks');
  });

  it('Given a parent the young person shut out, Then they are not told of the answer', () => {
    const state = given(...family, invited('i2', 'alex@example.com', 'young-person'), linked('i2', 'family-alex', 'young-person'),
      { type: 'ehc.young-person-rights-recorded.v1', data: { holdsRights: true, parentAccess: 'none', recordedOn: '2026-01-08' } }, earlyReview('er1', 'parent-or-young-person'));
    expect(intentForEvent({ type: 'ehc.early-review-declined.v1', eventId: 'e8', data: { caseId: CASE, earlyReviewRequestId: 'er1', reasons: 'No.', declinedOn: '2026-05-11' } }, state, '2026-05-11')?.recipients).toEqual(['i2']);
  });

  it('tells both in the case so far of a member linked later', () => {
    const state = given(...family, reused('x-med', 'medical', 'health'), earlyReview('er1', 'parent-or-young-person'));
    expect(caseSoFarLine('ehc.advice-shared-with-family.v1', { adviceIds: ['x-med'], sharedOn: '2026-02-04' }, '2026-02-04', state))
      .toBe('* 4 February 2026: The council shared this advice with you: health advice from the health service (NHS).');
    expect(caseSoFarLine('ehc.early-review-declined.v1', { earlyReviewRequestId: 'er1', reasons: 'No.', declinedOn: '2026-05-11' }, '2026-05-11', state))
      .toBe('* 11 May 2026: The council said no to your request for an early review. You can read why on your case page.');
    expect(caseSoFarLine('ehc.early-review-agreed.v1', { earlyReviewRequestId: 'er1', meetingOn: '2026-06-08', agreedOn: '2026-05-11' }, '2026-05-11', state))
      .toBe('* 11 May 2026: The council said yes to your request for an early review. The meeting is on 8 June 2026.');
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

describe('advice its agency withholds from the family is never named, counted or hinted at', () => {
  const family = [requested(), invited('i1', 'jo@example.com'), linked('i1', 'family-jo')] as const;
  const asked = (adviceRequestId: string, adviceType: string, agency: string) => ({
    type: 'ehc.advice-requested.v1', data: { assessmentId: 'a1', adviceRequestId, adviceType, agency, requestedOn: '2026-02-03', dueOn: '2026-03-17' },
  });
  const received = (adviceRequestId: string, adviceId: string, adviceType: string, agency: string, version: number, withheld: boolean, on = '2026-03-02') => ({
    type: 'ehc.advice-received.v1',
    data: { caseId: CASE, assessmentId: 'a1', adviceRequestId, adviceId, version, agency, adviceType, receivedOn: on, ...(withheld ? { withheldFromFamily: true } : {}) },
  });
  const share = (adviceIds: string[], eventId = 'share-1') => ({
    type: 'ehc.advice-shared-with-family.v1', eventId,
    data: { caseId: CASE, shareId: 's1', scope: 'listed', adviceIds, sharedBy: { userId: 'u', organisationId: 'E10000028' }, sharedOn: '2026-03-09' },
  });
  const healthAndSocialCare = [asked('r-med', 'medical', 'health'), asked('r-sc', 'social-care', 'social-care')] as const;

  it('Given health advice shared and a social care assessment withheld for safeguarding, When the council shares both, Then the message names only the health advice', () => {
    const state = given(...family, ...healthAndSocialCare, received('r-med', 'x-med', 'medical', 'health', 1, false), received('r-sc', 'x-sc', 'social-care', 'social-care', 1, true));
    const intent = intentForEvent(share(['x-sc', 'x-med']), state, '2026-03-09');
    expect(intent).toEqual({
      source: 'event:share-1', templateId: 'advice-shared', recipients: ['i1'],
      personalisation: { shared_on: '9 March 2026', advice_list: 'health advice from the health service (NHS)' },
    });
    expect(renderMessage('advice-shared', { first_name: 'Jo', case_link: 'https://x', ...intent?.personalisation }).body).not.toMatch(/social care/i);
  });

  it('Given everything a share names is withheld (alone, or with the family’s own views), When the council shares it, Then no message at all', () => {
    const state = given(...family, ...healthAndSocialCare, asked('r-pv', 'parent-views', 'local-authority'),
      received('r-sc', 'x-sc', 'social-care', 'social-care', 1, true), received('r-pv', 'x-pv', 'parent-views', 'local-authority', 1, false));
    expect(intentForEvent(share(['x-sc']), state, '2026-03-09')).toBeUndefined();
    expect(intentForEvent(share(['x-sc', 'x-pv']), state, '2026-03-09')).toBeUndefined();
    expect(sharedAdviceWords(['x-sc'], state)).toBeUndefined();
    // the case so far of a member linked later has no line for it either
    expect(caseSoFarLine('ehc.advice-shared-with-family.v1', { adviceIds: ['x-sc'], sharedOn: '2026-03-09' }, '2026-03-09', state)).toBeUndefined();
  });

  it('Given two pieces of health advice, one withheld, When both are shared, Then the one kind is named once and nothing counts the other', () => {
    const state = given(...family, asked('r-med', 'medical', 'health'), asked('r-pfa', 'preparing-for-adulthood', 'health'),
      received('r-med', 'x-med', 'medical', 'health', 1, false), received('r-pfa', 'x-pfa', 'preparing-for-adulthood', 'health', 1, true));
    expect(sharedAdviceWords(['x-med', 'x-pfa'], state)).toBe('health advice from the health service (NHS)');
  });

  it('Given advice withheld in version 1 and released by its correction (version 2), When it is shared, Then it is named', () => {
    const state = given(...family, ...healthAndSocialCare, received('r-sc', 'x-sc', 'social-care', 'social-care', 1, true), received('r-sc', 'x-sc', 'social-care', 'social-care', 2, false, '2026-03-05'));
    expect(withheldFromFamily('x-sc', state)).toBe(false);
    expect(intentForEvent(share(['x-sc']), state, '2026-03-09')?.personalisation['advice_list']).toBe('social care advice from social care');
  });

  it('Given advice shared in version 1 and withheld by its correction (version 2), When it is shared, Then it is left out', () => {
    const state = given(...family, ...healthAndSocialCare, received('r-med', 'x-med', 'medical', 'health', 1, false),
      received('r-sc', 'x-sc', 'social-care', 'social-care', 1, false), received('r-sc', 'x-sc', 'social-care', 'social-care', 2, true, '2026-03-05'));
    expect(withheldFromFamily('x-sc', state)).toBe(true);
    expect(intentForEvent(share(['x-med', 'x-sc']), state, '2026-03-09')?.personalisation['advice_list']).toBe('health advice from the health service (NHS)');
  });

  it('Given withheld advice is received, Then the family are not told advice arrived; Given a correction releases it, Then they are', () => {
    const withheld = received('r-sc', 'x-sc', 'social-care', 'social-care', 1, true);
    const atWithheld = given(...family, ...healthAndSocialCare, withheld);
    expect(intentForEvent({ ...withheld, eventId: 'e-sc-1' }, atWithheld, '2026-03-02')).toBeUndefined();
    const released = received('r-sc', 'x-sc', 'social-care', 'social-care', 2, false, '2026-03-05');
    const atReleased = given(...family, ...healthAndSocialCare, withheld, released);
    expect(intentForEvent({ ...released, eventId: 'e-sc-2' }, atReleased, '2026-03-05')).toMatchObject({ templateId: 'advice-received', personalisation: { advice_from: 'social care' } });
  });

  it('Given advice withheld by a correction before a member is linked, When they are sent the case so far, Then it has no line for that advice, its receipt or its share', () => {
    const v1 = received('r-sc', 'x-sc', 'social-care', 'social-care', 1, false);
    const med = received('r-med', 'x-med', 'medical', 'health', 1, false);
    const v2 = received('r-sc', 'x-sc', 'social-care', 'social-care', 2, true, '2026-03-12');
    const state = given(...family, ...healthAndSocialCare, v1, med, v2);
    const before = [
      { ...v1, on: '2026-03-02' }, { ...med, on: '2026-03-02' },
      { type: 'ehc.advice-shared-with-family.v1', data: share(['x-sc']).data, on: '2026-03-09' },
      { type: 'ehc.advice-shared-with-family.v1', data: share(['x-sc', 'x-med']).data, on: '2026-03-10' },
      { ...v2, on: '2026-03-12' },
    ];
    expect(caseSoFarIntent({ eventId: 'link-1', invitationId: 'i1', subject: 'family-jo' }, before, state, '2026-03-13')?.personalisation['case_so_far']).toBe([
      '* 2 March 2026: Advice from the health service (NHS) was added.',
      '* 10 March 2026: The council shared this advice with you: health advice from the health service (NHS).',
    ].join('\n'));
  });

  it('Given a share with advice the case does not know beside withheld advice, Then it reads "some advice", never the withheld kind', () => {
    const state = given(...family, ...healthAndSocialCare, received('r-sc', 'x-sc', 'social-care', 'social-care', 1, true));
    expect(sharedAdviceWords(['x-sc', 'x-unknown'], state)).toBe('some advice');
  });
});
