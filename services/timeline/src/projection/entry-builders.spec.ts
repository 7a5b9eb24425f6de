import { randomUUID } from 'node:crypto';
import { ADVICE_EVENT_TYPES } from '@tio/advice-domain';
import { EHC_EVENT_TYPES } from '@tio/ehc-domain';
import type { ConsumedEvent } from '@tio/messaging';
import { integrationEvents, type IntegrationEvent } from '@tio/contracts';
import { TRANSFER_EVENT_TYPES } from '@tio/transfer-domain';
import { ACTORS, DomainCase } from '../testing/fixtures';
import { ENTRY_BUILDERS, buildEntry } from './entry-builders';

const consumed = (e: IntegrationEvent): ConsumedEvent<Record<string, unknown>> => ({ ...e, data: e.data as Record<string, unknown>, topic: 't', partition: 0, offset: '0' });
const t = (d: string) => `${d}T10:00:00Z`;

/** Two histories through the domain deciders that between them produce every ehc.* type and every advice.* type. */
function histories(): IntegrationEvent[] {
  const la = ACTORS.la;
  const a = new DomainCase(randomUUID());
  const [edu, med] = ['req-edu', 'req-med'];
  const out: IntegrationEvent[] = [
    a.ehc(t('2025-01-06'), la, { type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-1', localAuthority: la.organisationId, source: 'school', requestedBy: { role: 'SENCO', organisationRef: ACTORS.school.organisationId } }),
    a.ehc(t('2025-02-03'), la, { type: 'DecideToAssess', at: '2025-02-03', assessmentId: 'asmt-1' }),
    // issue #21: the family on the case (invited, linked, asks for advice, unlinked; the young person's rights)
    a.ehc(t('2025-02-03'), la, { type: 'InviteFamilyMember', at: '2025-02-03', invitationId: 'inv-1', relationship: 'parent', contact: { name: 'Jo Carter', email: 'jo@example.org' }, codeDigest: 'a'.repeat(64), invitedBy: { userId: la.userId, organisationId: la.organisationId } }),
    a.ehc(t('2025-02-04'), la, { type: 'AcceptFamilyInvitation', at: '2025-02-04', invitationId: 'inv-1', codeDigest: 'a'.repeat(64), subject: 'family-jo' }),
    a.ehc(t('2025-02-05'), la, { type: 'AskForAdvice', at: '2025-02-05', familyRequestId: 'fa-1', adviser: { name: 'Sam Green', role: 'speech therapist' } }),
    a.ehc(t('2025-02-05'), la, { type: 'RecordYoungPersonRights', at: '2025-02-05', holdsRights: false, parentAccess: 'see-and-act' }),
    a.ehc(t('2025-02-06'), la, { type: 'UnlinkFamilyMember', at: '2025-02-06', subject: 'family-jo', reason: 'linked-in-error' }),
    a.ehc(t('2025-02-04'), la, { type: 'RequestAdvice', at: '2025-02-04', adviceRequestId: edu, adviceType: 'educational', agency: 'education', adviserRef: ACTORS.school.organisationId }),
    a.ehc(t('2025-02-04'), la, { type: 'RequestAdvice', at: '2025-02-04', adviceRequestId: med, adviceType: 'medical', agency: 'health' }),
    a.ehc(t('2025-02-10'), la, { type: 'RecordException', at: '2025-02-10', exceptionId: 'exc-1', limit: 'advice', adviceRequestId: med, reason: 'exceptional-personal-circumstances', fromOn: '2025-02-10', toOn: '2025-03-10' }),
    a.adviceEvent(t('2025-03-01'), ACTORS.school, edu, { type: 'SubmitAdvice', adviceId: 'adv-edu', headings: ['Learning', 'Communication'] }),
    a.ehc(t('2025-03-01'), ACTORS.school, { type: 'RecordAdviceReceived', at: '2025-03-01', adviceRequestId: edu, adviceId: 'adv-edu', version: 1, agency: 'education' }),
    a.adviceEvent(t('2025-03-03'), ACTORS.school, edu, { type: 'CorrectAdvice', reason: 'Wrong reading age in section 1', headings: ['Learning'] }),
    a.adviceEvent(t('2025-03-04'), ACTORS.school, edu, { type: 'WithdrawAdvice', reason: 'Given for the wrong assessment' }),
    a.ehc(t('2025-03-04'), ACTORS.school, { type: 'WithdrawAdvice', at: '2025-03-04', adviceRequestId: edu, adviceId: 'adv-edu', reason: 'Given for the wrong assessment' }),
    a.ehc(t('2025-03-05'), la, { type: 'ReuseAdvice', at: '2025-03-05', reuseId: 'reuse-1', adviceType: 'medical', agency: 'health', adviceId: 'old-med', version: 2, adviceRequestId: med, sourceCaseId: 'case-earlier', agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } }),
    // reg 6(1): the rest of what the draft needs; the withdrawn educational advice is not awaited after its 6 weeks (reg 8(1)); regs 7, 9
    a.ehc(t('2025-03-06'), la, { type: 'RecordAdviceScope', at: '2025-03-06', inOrBeyondYear9: true, visionOrHearingImpaired: false }),
    a.ehc(t('2025-03-06'), la, { type: 'RecordFamilyAdviceRequest', at: '2025-03-06', familyRequestId: 'fa-1', adviserRef: 'speech-therapist-1', reasonable: false, declineReason: 'advice-already-available' }),
    a.ehc(t('2025-03-06'), la, { type: 'RecordFamilyInvolvement', at: '2025-03-06', involvementId: 'inv-1', kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit' }),
    a.ehc(t('2025-03-06'), la, { type: 'RecordFamilyInvolvement', at: '2025-03-06', involvementId: 'inv-2', kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }),
    ...([['parent-views', 'local-authority'], ['psychological', 'education'], ['social-care', 'social-care'], ['preparing-for-adulthood', 'social-care']] as const).flatMap(([adviceType, agency]) => [
      a.ehc(t('2025-03-06'), la, { type: 'RequestAdvice', at: '2025-03-06', adviceRequestId: `req-${adviceType}`, adviceType, agency }),
      a.ehc(t('2025-03-20'), la, { type: 'RecordAdviceReceived', at: '2025-03-20', adviceRequestId: `req-${adviceType}`, adviceId: `adv-${adviceType}`, version: 1, agency }),
    ]),
    a.ehc(t('2025-03-20'), la, { type: 'ProceedWithoutAdvice', at: '2025-03-20', adviceRequestIds: [edu], reason: 'adviser-did-not-respond' }),
    a.ehc(t('2025-03-21'), la, { type: 'ShareAdviceWithFamily', at: '2025-03-21', shareId: 'share-1', adviceIds: ['adv-psychological'], sharedBy: { userId: la.userId, organisationId: la.organisationId } }),
    a.ehc(t('2025-04-14'), la, { type: 'IssueDraftPlan', at: '2025-04-14', planId: 'plan-1' }),
    a.ehc(t('2025-04-22'), la, { type: 'RecordFamilyResponse', at: '2025-04-22', preferredSettingRef: 'urn-100001' }),
    a.ehc(t('2025-04-23'), la, { type: 'ConsultSetting', at: '2025-04-23', consultationId: 'cons-1', settingRef: 'urn-100001' }),
    a.ehc(t('2025-04-30'), la, { type: 'RecordSettingResponse', at: '2025-04-30', consultationId: 'cons-1', canMeetNeeds: true }),
    a.ehc(t('2025-05-19'), la, { type: 'IssueFinalPlan', at: '2025-05-19', planId: 'plan-1', namedSettingRef: 'urn-100001' }),
    a.ehc(t('2025-06-02'), la, { type: 'RequestEarlyReview', at: '2025-06-02', earlyReviewRequestId: 'er-1', requestedBy: 'parent-or-young-person' }),
    a.ehc(t('2025-06-09'), la, { type: 'AnswerEarlyReviewRequest', at: '2025-06-09', earlyReviewRequestId: 'er-1', answer: 'declined', reasons: 'The plan is three weeks old.' }),
    a.ehc(t('2025-09-01'), la, { type: 'RequestEarlyReview', at: '2025-09-01', earlyReviewRequestId: 'er-2', requestedBy: 'parent-or-young-person' }),
    ...a.ehcAll(t('2025-09-08'), la, { type: 'AnswerEarlyReviewRequest', at: '2025-09-08', earlyReviewRequestId: 'er-2', answer: 'agreed', reviewId: 'rev-early', meetingOn: '2025-10-06' }),
    a.ehc(t('2026-03-01'), la, { type: 'ScheduleReviewMeeting', at: '2026-03-01', reviewId: 'rev-1', meetingOn: '2026-04-01' }),
    // CFA 2014 s.49: a personal budget asked for at the review, agreed as a direct payment, reviewed with the plan
    a.ehc(t('2026-03-02'), la, { type: 'RequestPersonalBudget', at: '2026-03-02', personalBudgetId: 'pb-1', requestedBy: 'parent', reviewId: 'rev-1', directPaymentRequested: true }),
    a.ehc(t('2026-03-10'), la, { type: 'DecidePersonalBudget', at: '2026-03-10', personalBudgetId: 'pb-1', decision: 'agreed', parts: [{ arrangement: 'direct-payment', annualAmountPence: 120000 }] }),
    a.ehc(t('2026-03-15'), la, { type: 'CirculateReviewPapers', at: '2026-03-15', reviewId: 'rev-1' }),
    a.ehc(t('2026-04-01'), la, { type: 'HoldReviewMeeting', at: '2026-04-01', reviewId: 'rev-1' }),
    a.ehc(t('2026-04-01'), la, { type: 'ReviewPersonalBudget', at: '2026-04-01', personalBudgetId: 'pb-1', reviewId: 'rev-1', outcome: 'continued' }),
    a.ehc(t('2026-04-10'), la, { type: 'SubmitReviewReport', at: '2026-04-10', reviewId: 'rev-1' }),
    a.ehc(t('2026-04-20'), la, { type: 'MakeReviewDecision', at: '2026-04-20', reviewId: 'rev-1', decision: 'amend' }),
    a.ehc(t('2026-04-21'), la, { type: 'ProposeAmendment', at: '2026-04-21', amendmentId: 'amd-1', trigger: 'annual-review', reviewId: 'rev-1' }),
    ...a.ehcAll(t('2026-05-20'), la, { type: 'AmendPlan', at: '2026-05-20', amendmentId: 'amd-1', namedSettingRef: 'urn-100002', contents: { sections: [{ section: 'A', text: 'Views' }, { section: 'B', items: [{ itemId: 'n1', text: 'Need' }] }, { section: 'C', text: 'None' }, { section: 'D', text: 'None' }, { section: 'E', items: [{ itemId: 'o1', text: 'Outcome', needIds: ['n1'] }] }, { section: 'F', items: [{ itemId: 'p1', text: 'Provision', needIds: ['n1'] }] }, { section: 'G', text: 'None' }, { section: 'H1', text: 'None' }, { section: 'H2', text: 'None' }, { section: 'I', settingRef: 'urn-100002' }, { section: 'J', text: 'Direct payment' }, { section: 'K', text: 'Advice listed' }] } }),
    a.ehc(t('2026-05-25'), la, { type: 'ProposeAmendment', at: '2026-05-25', amendmentId: 'amd-2', trigger: 'change-of-circumstances' }),
    a.ehc(t('2026-06-10'), la, { type: 'DecideNotToAmend', at: '2026-06-10', amendmentId: 'amd-2' }),
    a.ehc(t('2026-06-01'), la, { type: 'SchedulePhaseTransfer', at: '2026-06-01', phaseTransferId: 'pt-1', kind: 'school-phase', transferOn: '2027-09-01' }),
    a.ehc(t('2026-07-01'), la, { type: 'NotifyTransfer', at: '2026-07-01', transferId: 'tr-1', toLocalAuthority: 'la-e09000001', moveOn: '2026-08-01' }),
    a.ehc(t('2026-08-01'), la, { type: 'TransferPlan', at: '2026-08-01', transferId: 'tr-1' }),
    a.ehc(t('2026-08-20'), la, { type: 'DecideReassessmentAfterTransfer', at: '2026-08-20', transferId: 'tr-1', willReassess: false }),
    a.ehc(t('2026-09-01'), la, { type: 'RecordCommissioningBodyChange', at: '2026-09-01', changeId: 'cb-1', newCommissioningBodyRef: 'nhs-icb-qwe' }),
    a.ehc(t('2026-09-10'), la, { type: 'NotifyCommissioningBody', at: '2026-09-10', changeId: 'cb-1' }),
    a.ehc(t('2026-09-02'), la, { type: 'RequestReassessment', at: '2026-09-02', reassessmentId: 'rea-1', requestedBy: 'parent-or-young-person' }),
    a.ehc(t('2026-09-18'), la, { type: 'DecideOnReassessment', at: '2026-09-18', reassessmentId: 'rea-1', decision: 'not-reassess' }),
    a.ehc(t('2026-09-18'), la, { type: 'NotifyAppealRights', at: '2026-09-18', noticeId: 'n-rea', decision: 'not-to-reassess', reassessmentId: 'rea-1', includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    a.ehc(t('2026-09-21'), la, { type: 'RequestReassessment', at: '2026-09-21', reassessmentId: 'rea-2', requestedBy: 'institution' }),
    a.ehc(t('2026-09-25'), la, { type: 'DecideOnReassessment', at: '2026-09-25', reassessmentId: 'rea-2', decision: 'reassess', assessmentId: 'asmt-2' }),
    a.ehc(t('2026-09-14'), la, { type: 'ProposeCessation', at: '2026-09-14', cessationId: 'ces-1', reason: 'left-education-or-training' }),
    a.ehc(t('2026-09-15'), la, { type: 'RecordCessationConsultation', at: '2026-09-15', cessationId: 'ces-1', consultee: 'parent-or-young-person' }),
    a.ehc(t('2026-09-16'), la, { type: 'RecordCessationConsultation', at: '2026-09-16', cessationId: 'ces-1', consultee: 'institution', institutionRef: 'urn-100002' }),
    a.ehc(t('2026-09-28'), la, { type: 'DecideToCease', at: '2026-09-28', cessationId: 'ces-1' }),
    a.ehc(t('2026-09-28'), la, { type: 'NotifyAppealRights', at: '2026-09-28', noticeId: 'n-1', decision: 'cease', cessationId: 'ces-1', includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    a.ehc(t('2026-10-02'), la, { type: 'RecordMediationDecision', at: '2026-10-02', mediationId: 'med-1', noticeId: 'n-1', adviceGivenOn: '2026-10-01', choice: 'mediate' }),
    a.ehc(t('2026-10-20'), la, { type: 'RecordMediationHeld', at: '2026-10-20', mediationId: 'med-1', outcome: 'no-agreement' }),
    a.ehc(t('2026-10-21'), la, { type: 'IssueMediationCertificate', at: '2026-10-21', mediationId: 'med-1' }),
    a.ehc(t('2026-11-02'), la, { type: 'RegisterAppeal', at: '2026-11-02', appealId: 'ap-1', noticeId: 'n-1', hearingOn: '2026-12-07' }),
    a.ehc(t('2026-12-14'), la, { type: 'DecideAppeal', at: '2026-12-14', appealId: 'ap-1', outcome: 'dismissed', hearingOn: '2026-12-07' }),
    a.ehc(t('2027-01-01'), la, { type: 'CeasePlan', at: '2027-01-01', reason: 'left-education-or-training' }),
    a.ehc(t('2058-01-01'), la, { type: 'RecordPersonalDataErasure', at: '2058-01-01', erasureId: 'er-1', ground: 'retention-period-ended' }),
  ];
  const b = new DomainCase(randomUUID());
  out.push(
    b.ehc(t('2025-01-06'), la, { type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-2', localAuthority: la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }),
    b.ehc(t('2025-02-10'), la, { type: 'DecideNotToAssess', at: '2025-02-10' }),
    b.ehc(t('2025-05-01'), la, { type: 'RecordTribunalOrder', at: '2025-05-01', orderId: 'ord-1', regulation: 'reg 44', kind: 'assess' }),
    b.ehc(t('2025-05-20'), la, { type: 'DecideToAssess', at: '2025-05-20', assessmentId: 'asmt-2' }),
    b.ehc(t('2025-09-01'), la, { type: 'DecideNotToIssue', at: '2025-09-01' }),
  );
  // a family moving to another LA mid-assessment
  const c = new DomainCase(randomUUID());
  out.push(
    c.ehc(t('2025-01-06'), la, { type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-3', localAuthority: la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }),
    c.ehc(t('2025-02-03'), la, { type: 'DecideToAssess', at: '2025-02-03', assessmentId: 'asmt-3' }),
    c.ehc(t('2025-03-03'), la, { type: 'TransferAssessment', at: '2025-03-03', transferId: 'tr-3', toLocalAuthority: 'la-e09000001' }),
  );
  return out;
}

describe('entry builders', () => {
  const events = histories();
  const entries = events.map((e) => ({ e, entry: buildEntry(consumed(e)) }));
  const of = (type: string) => entries.filter((x) => x.e.type === type).map((x) => x.entry);

  it('has a builder for every ehc.* type of @tio/ehc-domain and every advice.* type of @tio/advice-domain', () => {
    const missing = [...EHC_EVENT_TYPES, ...ADVICE_EVENT_TYPES].map((i) => i.type).filter((type) => !ENTRY_BUILDERS[type]);
    expect(missing).toEqual([]);
    // the histories above really produce every one of them (from the deciders)
    expect(new Set(events.map((e) => e.type))).toEqual(new Set([...EHC_EVENT_TYPES, ...ADVICE_EVENT_TYPES].map((i) => i.type)));
  });

  it('gives each type a kind the page can filter by, a title and a summary with the specifics', () => {
    const kinds = Object.fromEntries(entries.map(({ e, entry }) => [e.type, entry.kind]));
    expect(kinds).toMatchObject({
      'ehc.request-received.v1': 'request', 'ehc.decision-to-assess.v1': 'decision', 'ehc.decision-not-to-issue.v1': 'decision',
      'ehc.advice-requested.v1': 'advice-requested', 'ehc.advice-received.v1': 'advice', 'ehc.advice-reused.v1': 'advice', 'ehc.advice-withdrawn.v1': 'advice',
      'advice.submitted.v1': 'advice', 'advice.corrected.v1': 'advice', 'advice.withdrawn.v1': 'advice', 'ehc.draft-plan-issued.v1': 'draft',
      'ehc.family-response-received.v1': 'family-views', 'ehc.setting-consulted.v1': 'setting', 'ehc.setting-responded.v1': 'setting', 'ehc.final-plan-issued.v1': 'final',
      'ehc.amendment-proposed.v1': 'amendment', 'ehc.plan-amended.v1': 'amendment', 'ehc.decision-not-to-amend.v1': 'amendment', 'ehc.review-meeting-held.v1': 'review', 'ehc.review-decision-made.v1': 'review',
      'ehc.phase-transfer-scheduled.v1': 'phase-transfer', 'ehc.transfer-notified.v1': 'transfer', 'ehc.plan-transferred.v1': 'transfer',
      'ehc.transfer-reassessment-decided.v1': 'transfer', 'ehc.exception-recorded.v1': 'exception', 'ehc.tribunal-order-received.v1': 'tribunal',
      'ehc.commissioning-body-changed.v1': 'commissioning', 'ehc.plan-ceased.v1': 'ceased',
      'ehc.cessation-proposed.v1': 'ceased', 'ehc.cessation-consulted.v1': 'ceased', 'ehc.decision-to-cease.v1': 'ceased',
      'ehc.appeal-rights-notified.v1': 'appeal', 'ehc.mediation-decided.v1': 'appeal', 'ehc.mediation-held.v1': 'appeal', 'ehc.mediation-certificate-issued.v1': 'appeal',
      'ehc.appeal-registered.v1': 'appeal', 'ehc.appeal-decided.v1': 'appeal',
    });
    expect(of('ehc.reassessment-requested.v1')[0]).toMatchObject({ kind: 'decision', title: 'Reassessment requested by the family' });
    expect(of('ehc.reassessment-requested.v1')[0].summary).toContain('decides whether to reassess by 2026-09-17 (15 days, reg 25)');
    expect(of('ehc.reassessment-decided.v1').map((x) => x.title)).toEqual(['Decided not to reassess', 'Decided to reassess']);
    expect(of('ehc.reassessment-decided.v1')[0].summary).toContain('(after the 15 days); the family may appeal');
    expect(of('ehc.reassessment-decided.v1')[1].summary).toContain('amended plan is due by 2027-01-01 (14 weeks, reg 27)');
    expect(of('ehc.appeal-rights-notified.v1').map((x) => x.title)).toContain('Appeal rights notified: decision not to reassess');
    expect(of('ehc.decision-to-cease.v1')[0].summary).toContain('maintained until the time for appealing has passed or an appeal is concluded (reg 31)');
    expect(of('ehc.mediation-decided.v1')[0].summary).toContain('mediation due by 2026-11-01 (reg 37)');
    expect(of('ehc.mediation-certificate-issued.v1')[0].summary).toContain('may appeal by 2026-11-28');
    expect(of('ehc.appeal-registered.v1')[0]).toMatchObject({ title: 'Appeal registered: decision to cease the plan', details: { inTime: true, hearingOn: '2026-12-07' } });
    expect(of('ehc.plan-ceased.v1')[0].details).toMatchObject({ reason: 'left-education-or-training' });
    for (const { e, entry } of entries) {
      expect(entry.title.length).toBeGreaterThan(5);
      expect(entry.summary).not.toContain('undefined');
      if (e.type.startsWith('ehc.')) expect(entry.details['regulation']).toBe(EHC_EVENT_TYPES.find((i) => i.type === e.type)?.regulation);
    }
    expect(of('ehc.advice-requested.v1')[1]).toMatchObject({ agency: 'health', details: { dueOn: '2025-03-18', adviceType: 'medical' } });
    expect(of('ehc.advice-requested.v1')[1].summary).toContain('due by 2025-03-18');
    expect(of('ehc.final-plan-issued.v1')[0].summary).toContain('names urn-100001');
    expect(of('ehc.transfer-notified.v1')[0].summary).toContain(`From ${ACTORS.la.organisationId} to la-e09000001`);
    expect(of('ehc.exception-recorded.v1')[0].summary).toContain('exceptional personal circumstances');
    expect(of('ehc.exception-recorded.v1')[0].summary).toContain('from 2025-02-10 to 2025-03-10');
    expect(of('ehc.tribunal-order-received.v1')[0].title).toBe('Tribunal order: carry out an EHC needs assessment');
    // regs 6(1)(g), 6(1)(h), 7, 8(1), 9: what the assessment needed before the draft, in words a caseworker reads
    expect(of('ehc.advice-scope-recorded.v1')[0]).toMatchObject({ kind: 'decision', title: 'Advice needed for this assessment recorded' });
    expect(of('ehc.advice-scope-recorded.v1')[0].summary).toContain('in or beyond year 9, so advice on preparing for adulthood is needed (reg 6(1)(g))');
    expect(of('ehc.family-advice-request-recorded.v1')[0]).toMatchObject({ kind: 'advice-requested', agency: 'family', title: 'Family’s request for advice declined' });
    expect(of('ehc.family-advice-request-recorded.v1')[0].summary).toContain('found it not reasonable: the advice is already available');
    expect(of('ehc.advice-not-awaited.v1')[0]).toMatchObject({ kind: 'advice', title: 'Going on without educational advice', details: { adviceRequestIds: ['req-edu'], reason: 'adviser-did-not-respond' } });
    expect(of('ehc.advice-not-awaited.v1')[0].summary).toContain('the adviser gave no advice within 6 weeks, reg 8(1)');
    expect(of('ehc.family-involvement-recorded.v1').map((x) => x.title)).toEqual(['Child and parent consulted', 'Information, advice and support given to parent']);
    expect(of('ehc.family-involvement-recorded.v1')[1].summary).toBe('On 2025-03-06, by the information, advice and support service (phone). The child and parent, or the young person, were consulted during the assessment (reg 7), or given information, advice and support to take part in it (reg 9).');
  });

  it('keeps advice headings, version and agency, never section text; a correction says what it supersedes and why', () => {
    const [submitted] = of('advice.submitted.v1');
    expect(submitted).toMatchObject({ agency: 'education', details: { version: 1, adviceType: 'educational', sectionHeadings: ['Learning', 'Communication'] } });
    const [corrected] = of('advice.corrected.v1');
    expect(corrected.title).toBe('Education advice corrected (version 2 supersedes version 1)');
    expect(corrected.summary).toContain('Wrong reading age in section 1');
    expect(corrected.details).toMatchObject({ version: 2, supersedesVersion: 1, reason: 'Wrong reading age in section 1', sectionHeadings: ['Learning'] });
    expect(of('advice.withdrawn.v1')[0].summary).toContain('Given for the wrong assessment');
    expect(JSON.stringify(entries.map((x) => x.entry))).not.toContain('private text');
  });

  it('shows the views of the child and family (parent-views, reg 6(1)(a)) as the family’s contribution, not agency advice', () => {
    const la = ACTORS.la;
    const c = new DomainCase(randomUUID());
    const events = [
      c.ehc(t('2025-01-06'), la, { type: 'ReceiveRequest', at: '2025-01-06', childRef: 'child-2', localAuthority: la.organisationId, source: 'parent', requestedBy: { role: 'parent' } }),
      c.ehc(t('2025-02-03'), la, { type: 'DecideToAssess', at: '2025-02-03', assessmentId: 'asmt-2' }),
      c.ehc(t('2025-02-04'), la, { type: 'RequestAdvice', at: '2025-02-04', adviceRequestId: 'req-views', adviceType: 'parent-views', agency: 'local-authority' }),
      c.adviceEvent(t('2025-02-20'), la, 'req-views', { type: 'SubmitAdvice', adviceId: 'adv-views', headings: ['What I want', 'How best to support me'] }),
      c.ehc(t('2025-02-20'), la, { type: 'RecordAdviceReceived', at: '2025-02-20', adviceRequestId: 'req-views', adviceId: 'adv-views', version: 1, agency: 'local-authority' }),
    ];
    const [submitted, received] = events.slice(3).map((e) => buildEntry(consumed(e)));
    expect(submitted).toMatchObject({ kind: 'family-views', title: 'Views of the child and family submitted (version 1)' });
    expect(submitted.summary).toContain('What I want');
    expect(submitted.summary).not.toContain('private text');
    expect(received).toMatchObject({ kind: 'family-views', title: 'Views of the child and family received by the local authority' });
  });

  it('makes named organisations members: the adviser an advice request names, receiving LAs, consulted and named settings', () => {
    const members = (type: string, i = 0) => (of(type)[i].members ?? []).map((m) => `${m.organisationId}:${m.reason}`);
    expect(members('ehc.advice-requested.v1', 0)).toEqual([`${ACTORS.school.organisationId}:named adviser`]);
    expect(members('ehc.advice-requested.v1', 1)).toEqual([]); // names only the agency: see the agency-level rule
    expect(members('ehc.request-received.v1')).toEqual([`${ACTORS.la.organisationId}:responsible local authority`, `${ACTORS.school.organisationId}:made the request`]);
    expect(members('ehc.transfer-notified.v1')).toContain('la-e09000001:receiving local authority');
    expect(members('ehc.setting-consulted.v1')).toEqual(['urn-100001:consulted on being named']);
  });

  it('reg 12, s.49: plan contents show section letters and what changed, never the text; personal budgets show amounts and arrangements, never the reasons', () => {
    const entries = histories().map((e) => [e.type, buildEntry(consumed(e))] as const);
    const contents = entries.find(([type]) => type === 'ehc.plan-contents-recorded.v1')?.[1];
    expect(contents).toMatchObject({ kind: 'amendment', title: 'Plan contents, version 1 (amended plan)', details: { version: 1, stage: 'amended', sections: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K'] } });
    expect(JSON.stringify(contents)).not.toContain('Provision');
    const decided = entries.find(([type]) => type === 'ehc.personal-budget-decided.v1')?.[1];
    expect(decided).toMatchObject({ kind: 'personal-budget', title: 'Personal budget agreed', details: { annualAmountPence: 120000, arrangements: [{ arrangement: 'direct-payment', annualAmountPence: 120000 }] } });
    expect(decided?.summary).toContain('£1,200.00 a year (direct payment £1,200.00)');
    expect(entries.find(([type]) => type === 'ehc.personal-budget-requested.v1')?.[1].title).toBe('Personal budget asked for by the parent, with direct payments');
  });

  it('reads every registered event type without its type name: each contract example makes an entry whose title and summary are words, not a type', () => {
    const raw = /\b[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*\.v\d+\b/;
    const unreadable = integrationEvents.all().flatMap((def) => {
      const entry = buildEntry(consumed({ id: 'e', source: '/tio/x', type: def.type, subject: 'c', time: t('2025-01-01'), data: def.example as Record<string, unknown>, correlationId: 'c', actor: ACTORS.la }));
      return raw.test(`${entry.title} ${entry.summary}`) || !entry.title ? [`${def.type}: ${entry.title} / ${entry.summary}`] : [];
    });
    expect(unreadable).toEqual([]);
    expect(integrationEvents.all().length).toBeGreaterThan(60);
  });

  it('says for each transfer step from whom, to whom, from which day, and who is responsible meanwhile', () => {
    expect(TRANSFER_EVENT_TYPES.map((i) => i.type).filter((type) => !ENTRY_BUILDERS[type])).toEqual([]);
    const example = (type: string) => integrationEvents.get(type)?.example as Record<string, unknown>;
    const build = (type: string) => buildEntry(consumed({ id: 'e', source: '/tio/x', type, subject: 'c', time: t('2025-03-03'), data: example(type), correlationId: 'c', actor: ACTORS.la }));
    const requested = build('transfer.requested.v1');
    expect(requested).toMatchObject({ kind: 'transfer', title: 'Transfer to another local authority requested', details: { fromOrganisation: 'E08000025', toOrganisation: 'E08000026', moveOn: '2025-04-14' } });
    expect(requested.summary).toContain('From E08000025 to E08000026');
    expect(requested.summary).toContain('the family moves on 2025-04-14');
    expect(requested.summary).toContain('E08000025 stays responsible until the transfer completes');
    expect(requested.members).toEqual(expect.arrayContaining([expect.objectContaining({ organisationId: 'E08000026', reason: 'receiving organisation' })]));
    expect(build('transfer.completed.v1').summary).toMatch(/^E08000025 handed over on 2025-04-14: from that day the receiving organisation is responsible/);
    expect(build('transfer.declined.v1').summary).toContain('The sending organisation stays responsible.');
  });

  it('falls back to a generic entry, never an error, for an unknown type or a payload that breaks its contract', () => {
    const odd = buildEntry(consumed({ id: 'x', source: '/tio/x', type: 'ehc.plan-ceased.v1', subject: 'c', time: t('2025-01-01'), data: { ceasedOn: 5 }, correlationId: 'c', actor: ACTORS.la }));
    expect(odd).toMatchObject({ kind: 'ceased', title: 'Ehc plan ceased' });
    const unknown = buildEntry(consumed({ id: 'y', source: '/tio/x', type: 'health.clinic-held.v1', subject: 'c', time: t('2025-01-01'), data: { clinicId: 'k', notes: 'free text' }, correlationId: 'c', actor: ACTORS.nhs }));
    expect(unknown).toMatchObject({ kind: 'other', agency: 'health', details: { clinicId: 'k' } });
  });
});
