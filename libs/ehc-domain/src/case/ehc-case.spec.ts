import { DeciderSpecification } from '../testing/decider-specification';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import { EHC_EVENT_TYPES, type EhcEventType } from './events';
import { replay } from './state';
import { CASE, cmd, history, planInForce, REQUEST_ON, steps } from './test-fixtures';
import { adviceTypesFor, agencyMayGive, ADVICE_TYPES } from './advice-types';

const spec = DeciderSpecification(ehcCaseDecider);
const requested = () => history(steps.request());
const assessing = () => history(steps.request(), steps.assess());
const withAdviceRequested = () => history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'));
const drafted = () => history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft());

describe('EHC case: the request (reg 3; CFA 2014 s.36)', () => {
  it('records the request, its source and who made it, starting the clock (day 0)', () => {
    spec.given([]).when(cmd(REQUEST_ON, { type: 'ReceiveRequest', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'school', requestedBy: { role: 'SENCO', organisationRef: 'urn-100001' } })).then([
      {
        type: 'ehc.request-received.v1',
        data: { caseId: CASE, childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'school', requestedBy: { role: 'SENCO', organisationRef: 'urn-100001' }, receivedOn: REQUEST_ON },
      },
    ]);
  });

  it.each(['parent', 'young-person', 'school', 'other'])('accepts a request from source "%s"', (source) => {
    spec.given([]).when(cmd(REQUEST_ON, { type: 'ReceiveRequest', childRef: 'c', localAuthority: 'E1', source, requestedBy: { role: 'x' } } as never)).thenMatches([{ type: 'ehc.request-received.v1' }]);
  });

  it('rejects a second request on the same case (CaseAlreadyRequestedError)', () => {
    spec.given(requested()).when(steps.request()).thenThrows(E.CaseAlreadyRequestedError);
  });

  it('rejects an unknown source, a missing child reference or an invalid date (InvalidCommandError)', () => {
    spec.given([]).when(cmd(REQUEST_ON, { type: 'ReceiveRequest', childRef: 'c', localAuthority: 'E1', source: 'neighbour', requestedBy: { role: 'x' } } as never)).thenThrows(E.InvalidCommandError);
    spec.given([]).when(cmd(REQUEST_ON, { type: 'ReceiveRequest', childRef: '', localAuthority: 'E1', source: 'parent', requestedBy: { role: 'x' } })).thenThrows(E.InvalidCommandError, /childRef/);
    spec.given([]).when(cmd('2025-02-30', { type: 'ReceiveRequest', childRef: 'c', localAuthority: 'E1', source: 'parent', requestedBy: { role: 'x' } })).thenThrows(E.InvalidCommandError, /at must be/);
  });

  it('any other step on a case with no request fails (CaseNotFoundError)', () => {
    spec.given([]).when(steps.assess()).thenThrows(E.CaseNotFoundError);
  });

  it('a command for a different case fails (WrongCaseError)', () => {
    spec.given(requested()).when({ ...steps.assess(), caseId: 'case-2' }).thenThrows(E.WrongCaseError);
  });

  it('a step dated before the request fails (ChronologyError)', () => {
    spec.given(requested()).when(steps.assess('2025-01-05')).thenThrows(E.ChronologyError);
  });
});

describe('EHC case: deciding whether to assess (reg 5)', () => {
  it('records a decision to assess with the assessment id', () => {
    spec.given(requested()).when(steps.assess('2025-02-03')).then([{ type: 'ehc.decision-to-assess.v1', data: { caseId: CASE, decision: 'assess', assessmentId: 'asmt-1', decidedOn: '2025-02-03' } }]);
  });
  it('records a decision not to assess', () => {
    spec.given(requested()).when(steps.refuse('2025-02-03')).then([{ type: 'ehc.decision-to-assess.v1', data: { caseId: CASE, decision: 'not-assess', decidedOn: '2025-02-03' } }]);
  });
  it('rejects a second decision (AssessmentAlreadyDecidedError)', () => {
    spec.given(assessing()).when(steps.assess()).thenThrows(E.AssessmentAlreadyDecidedError);
    spec.given(assessing()).when(steps.refuse()).thenThrows(E.AssessmentAlreadyDecidedError);
    spec.given(history(steps.request(), steps.refuse())).when(steps.assess()).thenThrows(E.AssessmentAlreadyDecidedError);
  });
});

describe('EHC case: seeking advice (reg 6, reg 8)', () => {
  it('reg 8(1): advice requested is due 6 weeks from the request for advice', () => {
    spec.given(assessing()).when(steps.askAdvice('req-med', 'medical', 'health', '2025-02-04')).then([
      { type: 'ehc.advice-requested.v1', data: { caseId: CASE, assessmentId: 'asmt-1', adviceRequestId: 'req-med', adviceType: 'medical', agency: 'health', requestedOn: '2025-02-04', dueOn: '2025-03-18' } },
    ]);
  });

  it.each([
    ['parent-views', 'local-authority'], ['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care'],
    ['vision-hearing', 'education'], ['preparing-for-adulthood', 'other'], ['other', 'other'], ['requested-by-family', 'health'],
  ])('reg 6(1): %s advice can be asked of %s', (adviceType, agency) => {
    spec.given(assessing()).when(steps.askAdvice('r', adviceType, agency)).thenMatches([{ type: 'ehc.advice-requested.v1', data: { adviceType, agency } }]);
  });

  it.each([
    ['medical', 'education'], ['educational', 'health'], ['psychological', 'social-care'], ['vision-hearing', 'health'], ['social-care', 'education'], ['parent-views', 'health'],
  ])('reg 6(1): %s advice cannot be asked of %s (AdviceAgencyMismatchError)', (adviceType, agency) => {
    spec.given(assessing()).when(steps.askAdvice('r', adviceType, agency)).thenThrows(E.AdviceAgencyMismatchError);
  });

  it('knows which agency gives which advice', () => {
    expect(adviceTypesFor('health')).toEqual(['medical', 'preparing-for-adulthood', 'other', 'requested-by-family']);
    expect(adviceTypesFor('education')).toEqual(['educational', 'psychological', 'vision-hearing', 'preparing-for-adulthood', 'other', 'requested-by-family']);
    expect(ADVICE_TYPES.filter((t) => agencyMayGive('social-care', t))).toContain('social-care');
  });

  it('advice for an assessment the LA refused fails (AdviceForRefusedAssessmentError)', () => {
    const refused = history(steps.request(), steps.refuse());
    spec.given(refused).when(steps.askAdvice('r', 'medical', 'health')).thenThrows(E.AdviceForRefusedAssessmentError);
    spec.given(refused).when(steps.receiveAdvice('r', 'health')).thenThrows(E.AdviceForRefusedAssessmentError);
  });

  it('advice before the decision to assess fails (AssessmentNotAgreedError)', () => {
    spec.given(requested()).when(steps.askAdvice('r', 'medical', 'health')).thenThrows(E.AssessmentNotAgreedError);
  });

  it('advice after the draft plan is a closed assessment (AssessmentClosedError)', () => {
    spec.given(drafted()).when(steps.askAdvice('r', 'medical', 'health')).thenThrows(E.AssessmentClosedError);
  });

  it('asking the same agency twice for the same advice fails (AdviceAlreadyRequestedError) and reusing an id fails (DuplicateIdError)', () => {
    spec.given(withAdviceRequested()).when(steps.askAdvice('req-2', 'medical', 'health')).thenThrows(E.AdviceAlreadyRequestedError);
    spec.given(withAdviceRequested()).when(steps.askAdvice('req-med', 'educational', 'education')).thenThrows(E.DuplicateIdError);
  });

  it('reg 6(1)(f),(h): several "other" advisers may be asked', () => {
    spec.given(history(...[steps.request(), steps.assess(), steps.askAdvice('o1', 'other', 'other')])).when(steps.askAdvice('o2', 'other', 'other')).thenMatches([{ type: 'ehc.advice-requested.v1' }]);
  });
});

describe('EHC case: advice received', () => {
  it('records advice with its id, version and agency', () => {
    spec.given(withAdviceRequested()).when(steps.receiveAdvice('req-med', 'health', '2025-03-10', 'adv-9', 1)).then([
      { type: 'ehc.advice-received.v1', data: { caseId: CASE, assessmentId: 'asmt-1', adviceRequestId: 'req-med', adviceId: 'adv-9', version: 1, agency: 'health', adviceType: 'medical', receivedOn: '2025-03-10' } },
    ]);
  });
  it('a retried delivery of the same version records nothing (idempotent)', () => {
    const events = history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), steps.receiveAdvice('req-med', 'health', '2025-03-10', 'adv-9', 1));
    spec.given(events).when(steps.receiveAdvice('req-med', 'health', '2025-03-11', 'adv-9', 1)).thenNothing();
  });
  it('a corrected version is recorded; an older version fails (StaleAdviceVersionError)', () => {
    const events = history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), steps.receiveAdvice('req-med', 'health', '2025-03-10', 'adv-9', 2));
    spec.given(events).when(steps.receiveAdvice('req-med', 'health', '2025-03-12', 'adv-9', 3)).thenMatches([{ type: 'ehc.advice-received.v1', data: { version: 3 } }]);
    spec.given(events).when(steps.receiveAdvice('req-med', 'health', '2025-03-12', 'adv-9', 1)).thenThrows(E.StaleAdviceVersionError);
  });
  it('Given health advice asked for, When a version its agency withholds from the family arrives, Then the case records that it is withheld; When a correction releases it, Then it no longer is', () => {
    const withheld = cmd('2025-03-10', { type: 'RecordAdviceReceived', adviceRequestId: 'req-med', adviceId: 'adv-9', version: 1, agency: 'health', withheldFromFamily: true });
    spec.given(withAdviceRequested()).when(withheld).thenState((state, events) => {
      expect(events).toMatchObject([{ type: 'ehc.advice-received.v1', data: { adviceId: 'adv-9', version: 1, withheldFromFamily: true } }]);
      expect(state.adviceRequests['req-med'].current?.withheldFromFamily).toBe(true);
    });
    const released = cmd('2025-03-12', { type: 'RecordAdviceReceived', adviceRequestId: 'req-med', adviceId: 'adv-9', version: 2, agency: 'health' });
    spec.given(history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), withheld)).when(released).thenState((state, events) => {
      expect(events[0].data).not.toHaveProperty('withheldFromFamily');
      expect(state.adviceRequests['req-med'].current).toMatchObject({ version: 2 });
      expect(state.adviceRequests['req-med'].current?.withheldFromFamily).toBeUndefined();
    });
  });
  it('advice that was never requested fails (AdviceNotRequestedError)', () => {
    spec.given(assessing()).when(steps.receiveAdvice('nope', 'health')).thenThrows(E.AdviceNotRequestedError);
  });
  it('advice from an agency other than the one asked fails (AdviceAgencyMismatchError)', () => {
    spec.given(withAdviceRequested()).when(steps.receiveAdvice('req-med', 'education')).thenThrows(E.AdviceAgencyMismatchError);
  });
  it('advice dated before it was requested fails (ChronologyError); version 0 fails (InvalidCommandError)', () => {
    spec.given(withAdviceRequested()).when(steps.receiveAdvice('req-med', 'health', '2025-02-01')).thenThrows(E.ChronologyError);
    spec.given(withAdviceRequested()).when(steps.receiveAdvice('req-med', 'health', '2025-03-01', 'a', 0)).thenThrows(E.InvalidCommandError);
  });
  it('withdrawing advice reopens the request; withdrawing advice not received fails (AdviceNotReceivedError)', () => {
    const received = history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), steps.receiveAdvice('req-med', 'health'));
    spec.given(received).when(cmd('2025-03-05', { type: 'WithdrawAdvice', adviceRequestId: 'req-med', adviceId: 'advice-req-med', reason: 'wrong child' })).thenState((state, events) => {
      expect(events[0].type).toBe('ehc.advice-withdrawn.v1');
      expect(state.adviceRequests['req-med'].current).toBeUndefined();
      expect(state.adviceRequests['req-med'].withdrawn).toHaveLength(1);
    });
    spec.given(withAdviceRequested()).when(cmd('2025-03-05', { type: 'WithdrawAdvice', adviceRequestId: 'req-med', adviceId: 'x', reason: 'r' })).thenThrows(E.AdviceNotReceivedError);
    spec.given(withAdviceRequested()).when(cmd('2025-03-05', { type: 'WithdrawAdvice', adviceRequestId: 'nope', adviceId: 'x', reason: 'r' })).thenThrows(E.AdviceNotRequestedError);
  });
});

describe('EHC case: tell it once — re-using advice by reference (reg 6(4))', () => {
  const reuse = (over: Record<string, unknown> = {}) =>
    cmd('2025-02-05', {
      type: 'ReuseAdvice', reuseId: 'reuse-1', adviceType: 'psychological', agency: 'education', adviceId: 'ep-2023-7', version: 2, sourceCaseId: 'case-0',
      agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, ...over,
    } as never);

  it('records the re-used advice and the agreement of the adviser, the LA and the family', () => {
    spec.given(assessing()).when(reuse()).then([
      {
        type: 'ehc.advice-reused.v1',
        data: {
          caseId: CASE, assessmentId: 'asmt-1', reuseId: 'reuse-1', adviceType: 'psychological', agency: 'education', adviceId: 'ep-2023-7', version: 2, sourceCaseId: 'case-0',
          agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, agreedOn: '2025-02-05',
        },
      },
    ]);
  });
  it.each(['adviser', 'localAuthority', 'parentOrYoungPerson'])('without the agreement of %s it fails (ReuseAgreementIncompleteError)', (who) => {
    spec.given(assessing()).when(reuse({ agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true, [who]: false } })).thenThrows(E.ReuseAgreementIncompleteError, new RegExp(who));
  });
  it('once re-used, asking for the same advice again fails (AdviceAlreadyProvidedError)', () => {
    spec.given([...assessing(), ...ehcCaseDecider.decide(reuse(), replay(assessing()))]).when(steps.askAdvice('r', 'psychological', 'education')).thenThrows(E.AdviceAlreadyProvidedError);
  });
  it('can answer an open request; an answered request cannot be answered by re-use (AdviceAlreadyProvidedError)', () => {
    const asked = history(steps.request(), steps.assess(), steps.askAdvice('req-ep', 'psychological', 'education'));
    spec.given(asked).when(reuse({ adviceRequestId: 'req-ep' })).thenState((state) => {
      expect(state.adviceRequests['req-ep'].firstAnsweredOn).toBe('2025-02-05');
      expect(state.adviceRequests['req-ep'].current).toEqual({ adviceId: 'ep-2023-7', version: 2, receivedOn: '2025-02-05', reused: true });
    });
    const answered = history(steps.request(), steps.assess(), steps.askAdvice('req-ep', 'psychological', 'education'), steps.receiveAdvice('req-ep', 'education'));
    spec.given(answered).when(reuse({ adviceRequestId: 'req-ep' })).thenThrows(E.AdviceAlreadyProvidedError);
    spec.given(asked).when(reuse({ adviceRequestId: 'nope' })).thenThrows(E.AdviceNotRequestedError);
    spec.given(asked).when(reuse({ adviceRequestId: 'req-ep', adviceType: 'educational' })).thenThrows(E.AdviceAgencyMismatchError);
  });
  it('re-use of medical advice by the wrong agency fails (AdviceAgencyMismatchError); of a refused assessment fails', () => {
    spec.given(assessing()).when(reuse({ adviceType: 'medical' })).thenThrows(E.AdviceAgencyMismatchError);
    spec.given(history(steps.request(), steps.refuse())).when(reuse()).thenThrows(E.AdviceForRefusedAssessmentError);
  });
  it('reusing the same reuse id fails (DuplicateIdError)', () => {
    spec.given([...assessing(), ...ehcCaseDecider.decide(reuse(), replay(assessing()))]).when(reuse({ adviceType: 'educational' })).thenThrows(E.DuplicateIdError);
  });
});

describe('EHC case: decision not to issue (reg 10)', () => {
  it('records the decision after assessment', () => {
    spec.given(assessing()).when(steps.notIssue('2025-04-20')).then([{ type: 'ehc.decision-not-to-issue.v1', data: { caseId: CASE, decidedOn: '2025-04-20' } }]);
  });
  it('fails after a draft (DecisionNotToIssueAfterDraftError), twice (AlreadyRecordedError), or before an assessment (AssessmentNotAgreedError)', () => {
    spec.given(drafted()).when(steps.notIssue()).thenThrows(E.DecisionNotToIssueAfterDraftError);
    spec.given(history(steps.request(), steps.assess(), steps.notIssue())).when(steps.notIssue()).thenThrows(E.AlreadyRecordedError);
    spec.given(requested()).when(steps.notIssue()).thenThrows(E.AssessmentNotAgreedError);
  });
});

describe('EHC case: draft plan, family response and school consultation (reg 13; CFA 2014 s.38-39)', () => {
  it('reg 13(1): a draft gives the family 15 days beginning with the day of issue (last day = issue + 14)', () => {
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered())).when(steps.draft('2025-04-14')).then([{ type: 'ehc.draft-plan-issued.v1', data: { caseId: CASE, planId: 'plan-1', issuedOn: '2025-04-14', commentsDueOn: '2025-04-28' } }]);
  });
  it('a revised draft may be issued while the draft is with the family', () => {
    spec.given(drafted()).when(steps.draft('2025-04-20', 'plan-1b')).thenMatches([{ type: 'ehc.draft-plan-issued.v1', data: { planId: 'plan-1b', commentsDueOn: '2025-05-04' } }]);
  });
  it('a draft before assessment, after refusal or after a decision not to issue fails (DraftPlanNotAllowedError)', () => {
    spec.given(requested()).when(steps.draft()).thenThrows(E.DraftPlanNotAllowedError);
    spec.given(history(steps.request(), steps.refuse())).when(steps.draft()).thenThrows(E.DraftPlanNotAllowedError);
    spec.given(history(steps.request(), steps.assess(), steps.notIssue())).when(steps.draft()).thenThrows(E.DraftPlanNotAllowedError);
  });
  it('a draft after the final plan fails (DraftAfterFinalPlanError)', () => {
    spec.given(planInForce()).when(steps.draft()).thenThrows(E.DraftAfterFinalPlanError);
  });
  it('records the family’s comments and preferred setting', () => {
    spec.given(drafted()).when(steps.familyResponse('2025-04-22', 'urn-200002')).then([
      { type: 'ehc.family-response-received.v1', data: { caseId: CASE, planId: 'plan-1', receivedOn: '2025-04-22', preferredSettingRef: 'urn-200002' } },
    ]);
  });
  it('a response without a draft fails (NoDraftPlanError); a second response fails (AlreadyRecordedError)', () => {
    spec.given(assessing()).when(steps.familyResponse()).thenThrows(E.NoDraftPlanError);
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse())).when(steps.familyResponse()).thenThrows(E.AlreadyRecordedError);
  });
  it('s.39(2): the consulted setting is expected to answer within 15 days beginning with the consultation (CoP 9.79)', () => {
    spec.given(drafted()).when(cmd('2025-04-23', { type: 'ConsultSetting', consultationId: 'con-1', settingRef: 'urn-200002' })).then([
      { type: 'ehc.setting-consulted.v1', data: { caseId: CASE, consultationId: 'con-1', settingRef: 'urn-200002', consultedOn: '2025-04-23', responseDueOn: '2025-05-07' } },
    ]);
    const consulted = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), cmd('2025-04-23', { type: 'ConsultSetting', consultationId: 'con-1', settingRef: 'urn-200002' }));
    spec.given(consulted).when(cmd('2025-05-01', { type: 'RecordSettingResponse', consultationId: 'con-1', canMeetNeeds: true })).then([
      { type: 'ehc.setting-responded.v1', data: { caseId: CASE, consultationId: 'con-1', respondedOn: '2025-05-01', canMeetNeeds: true } },
    ]);
    spec.given([...consulted, { type: 'ehc.setting-responded.v1', data: { caseId: CASE, consultationId: 'con-1', respondedOn: '2025-05-01', canMeetNeeds: true } }])
      .when(cmd('2025-05-02', { type: 'RecordSettingResponse', consultationId: 'con-1', canMeetNeeds: false })).thenThrows(E.ConsultationAlreadyAnsweredError);
    spec.given(consulted).when(cmd('2025-05-01', { type: 'RecordSettingResponse', consultationId: 'con-9', canMeetNeeds: true })).thenThrows(E.ConsultationNotFoundError);
    spec.given(assessing()).when(cmd('2025-04-23', { type: 'ConsultSetting', consultationId: 'c', settingRef: 's' })).thenThrows(E.NoPlanToConsultOnError);
  });
});

describe('EHC case: final plan (reg 13(2))', () => {
  const responded = () => history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-04-14'), steps.familyResponse('2025-04-22'));
  it('issues the final plan naming the setting consulted under s.39(2)', () => {
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-04-14'), steps.familyResponse('2025-04-22'), steps.consult())).when(steps.final('2025-05-19', 'plan-1', 'urn-100001')).then([{ type: 'ehc.final-plan-issued.v1', data: { caseId: CASE, planId: 'plan-1', issuedOn: '2025-05-19', namedSettingRef: 'urn-100001' } }]);
  });
  it('a final plan before a draft fails (FinalPlanBeforeDraftError)', () => {
    spec.given(assessing()).when(steps.final()).thenThrows(E.FinalPlanBeforeDraftError);
    spec.given(requested()).when(steps.final()).thenThrows(E.FinalPlanBeforeDraftError);
  });
  it('a second final plan fails (SecondFinalPlanError)', () => {
    spec.given(planInForce()).when(steps.final('2025-06-01', 'plan-2')).thenThrows(E.SecondFinalPlanError);
  });
  it('reg 13(1): a final plan within the family’s 15 days fails, even after they responded (FinalPlanDuringCommentPeriodError)', () => {
    // draft 14 Apr 2025: 15 days beginning with 14 Apr end 28 Apr (14 + 15 - 1); the final plan is possible from 29 Apr (day 16)
    spec.given(drafted()).when(steps.final('2025-04-28')).thenThrows(E.FinalPlanDuringCommentPeriodError);
    spec.given(drafted()).when(steps.final('2025-04-29')).thenMatches([{ type: 'ehc.final-plan-issued.v1' }]);
    // corrected: a response (22 Apr) without "nothing more to say" no longer lifts the guard (it used to accept 23 Apr)
    spec.given(responded()).when(steps.final('2025-04-23')).thenThrows(E.FinalPlanDuringCommentPeriodError);
  });
  it('a final plan dated before its draft fails (ChronologyError)', () => {
    spec.given(responded()).when(steps.final('2025-04-13')).thenThrows(E.ChronologyError);
  });
});

describe('EHC case: after the plan — amendments (reg 22), reviews (reg 20-21), phase transfer (reg 18), ceasing', () => {
  const propose = (at = '2025-09-01', over = {}) => cmd(at, { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances', ...over } as never);
  it('reg 22: proposed amendments give 15 days to comment and the amended plan is due within 8 weeks', () => {
    spec.given(planInForce()).when(propose('2025-09-01')).then([
      { type: 'ehc.amendment-proposed.v1', data: { caseId: CASE, amendmentId: 'am-1', trigger: 'change-of-circumstances', proposedOn: '2025-09-01', commentsDueOn: '2025-09-15', amendedPlanDueOn: '2025-10-27' } },
    ]);
  });
  it('amends the plan; amending without a proposal fails (AmendmentNotProposedError); twice fails (AmendmentAlreadyMadeError)', () => {
    const proposed = [...planInForce(), ...ehcCaseDecider.decide(propose(), replay(planInForce()))];
    spec.given(proposed).when(cmd('2025-10-01', { type: 'AmendPlan', amendmentId: 'am-1' })).then([{ type: 'ehc.plan-amended.v1', data: { caseId: CASE, amendmentId: 'am-1', amendedOn: '2025-10-01' } }]);
    spec.given(planInForce()).when(cmd('2025-10-01', { type: 'AmendPlan', amendmentId: 'am-1' })).thenThrows(E.AmendmentNotProposedError);
    const amended = [...proposed, { type: 'ehc.plan-amended.v1' as const, data: { caseId: CASE, amendmentId: 'am-1', amendedOn: '2025-10-01' } }];
    spec.given(amended).when(cmd('2025-10-02', { type: 'AmendPlan', amendmentId: 'am-1' })).thenThrows(E.AmendmentAlreadyMadeError);
  });
  it('amending, reviewing, transferring or ceasing without a plan in force fails (PlanNotInForceError)', () => {
    spec.given(drafted()).when(propose()).thenThrows(E.PlanNotInForceError);
    spec.given(drafted()).when(cmd('2025-09-01', { type: 'ScheduleReviewMeeting', reviewId: 'r', meetingOn: '2025-10-01' })).thenThrows(E.PlanNotInForceError);
    spec.given(drafted()).when(cmd('2025-09-01', { type: 'SchedulePhaseTransfer', phaseTransferId: 'p', kind: 'school-phase', transferOn: '2026-09-01' })).thenThrows(E.PlanNotInForceError);
    spec.given(drafted()).when(cmd('2025-09-01', { type: 'CeasePlan', reason: 'needs-met-without-plan' })).thenThrows(E.PlanNotInForceError);
    spec.given(drafted()).when(cmd('2025-09-01', { type: 'NotifyTransfer', transferId: 't', toLocalAuthority: 'E2', moveOn: '2025-10-01' })).thenThrows(E.PlanNotInForceError);
  });
  it('a proposal citing an unknown review, phase transfer or tribunal order fails', () => {
    spec.given(planInForce()).when(propose('2025-09-01', { reviewId: 'r9' })).thenThrows(E.ReviewNotScheduledError);
    spec.given(planInForce()).when(propose('2025-09-01', { phaseTransferId: 'p9' })).thenThrows(E.PhaseTransferNotFoundError);
    spec.given(planInForce()).when(propose('2025-09-01', { tribunalOrderId: 'o9' })).thenThrows(E.TribunalOrderNotApplicableError);
  });

  const reviewSteps = (meetingOn = '2026-04-20') => [
    cmd('2026-03-01', { type: 'ScheduleReviewMeeting', reviewId: 'rev-1', meetingOn }),
  ];
  it('reg 20-21: scheduling a review meeting sets the papers due 2 weeks before it', () => {
    spec.given(planInForce()).when(reviewSteps()[0]).then([
      { type: 'ehc.review-meeting-scheduled.v1', data: { caseId: CASE, reviewId: 'rev-1', scheduledOn: '2026-03-01', meetingOn: '2026-04-20', papersDueOn: '2026-04-06' } },
    ]);
  });
  it('papers, meeting, report and decision are recorded in order', () => {
    const scheduled = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), ...reviewSteps()]);
    spec.given(scheduled).when(cmd('2026-04-01', { type: 'CirculateReviewPapers', reviewId: 'rev-1' })).then([{ type: 'ehc.review-papers-circulated.v1', data: { caseId: CASE, reviewId: 'rev-1', circulatedOn: '2026-04-01' } }]);
    spec.given(scheduled).when(cmd('2026-04-20', { type: 'HoldReviewMeeting', reviewId: 'rev-1' })).then([{ type: 'ehc.review-meeting-held.v1', data: { caseId: CASE, reviewId: 'rev-1', heldOn: '2026-04-20' } }]);
    spec.given(scheduled).when(cmd('2026-04-21', { type: 'SubmitReviewReport', reviewId: 'rev-1' })).thenThrows(E.ReviewNotHeldError);
    spec.given(scheduled).when(cmd('2026-04-21', { type: 'MakeReviewDecision', reviewId: 'rev-1', decision: 'maintain' })).thenThrows(E.ReviewNotHeldError);
    spec.given(scheduled).when(cmd('2026-04-21', { type: 'HoldReviewMeeting', reviewId: 'rev-9' })).thenThrows(E.ReviewNotScheduledError);
    const held = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), ...reviewSteps(), cmd('2026-04-20', { type: 'HoldReviewMeeting', reviewId: 'rev-1' })]);
    spec.given(held).when(cmd('2026-04-20', { type: 'HoldReviewMeeting', reviewId: 'rev-1' })).thenThrows(E.ReviewAlreadyHeldError);
    spec.given(held).when(cmd('2026-04-30', { type: 'SubmitReviewReport', reviewId: 'rev-1' })).then([{ type: 'ehc.review-report-submitted.v1', data: { caseId: CASE, reviewId: 'rev-1', submittedOn: '2026-04-30' } }]);
    spec.given(held).when(cmd('2026-05-10', { type: 'MakeReviewDecision', reviewId: 'rev-1', decision: 'amend' })).then([{ type: 'ehc.review-decision-made.v1', data: { caseId: CASE, reviewId: 'rev-1', decision: 'amend', decidedOn: '2026-05-10' } }]);
    const decided = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), ...reviewSteps(), cmd('2026-04-20', { type: 'HoldReviewMeeting', reviewId: 'rev-1' }), cmd('2026-05-10', { type: 'MakeReviewDecision', reviewId: 'rev-1', decision: 'amend' })]);
    spec.given(decided).when(cmd('2026-05-11', { type: 'MakeReviewDecision', reviewId: 'rev-1', decision: 'cease' })).thenThrows(E.ReviewAlreadyDecidedError);
  });

  it('reg 18(1)(a): a phase transfer in September 2027 must be reflected in the plan before 15 February 2027 (last day 14 February)', () => {
    spec.given(planInForce()).when(cmd('2026-09-10', { type: 'SchedulePhaseTransfer', phaseTransferId: 'pt-1', kind: 'school-phase', transferOn: '2027-09-01' })).then([
      { type: 'ehc.phase-transfer-scheduled.v1', data: { caseId: CASE, phaseTransferId: 'pt-1', kind: 'school-phase', scheduledOn: '2026-09-10', transferOn: '2027-09-01', amendDueOn: '2027-02-14' } },
    ]);
  });

  it('ceases the plan, after which every step fails (CaseClosedError)', () => {
    // regs 29-31: decided and notified on 1 May 2026; the time for appealing ends 1 Jul 2026
    const process = steps.cease('2026-05-01', '2026-07-20', 'left-education-or-training');
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), ...process.slice(0, -1))).when(process[process.length - 1])
      .then([{ type: 'ehc.plan-ceased.v1', data: { caseId: CASE, ceasedOn: '2026-07-20', reason: 'left-education-or-training', cessationId: 'ces-1' } }]);
    spec.given(planInForce()).when(cmd('2026-07-20', { type: 'CeasePlan', reason: 'left-education-or-training' })).thenThrows(E.CessationNotDecidedError, /regs 29-31/);
    const ceased = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), ...process]);
    spec.given(ceased).when(propose('2026-08-01')).thenThrows(E.CaseClosedError);
    spec.given(ceased).when(cmd('2026-08-01', { type: 'CeasePlan', reason: 'other' })).thenThrows(E.CaseClosedError);
  });
});

describe('EHC case: exceptions to the time limits (reg 5(4), 8(2), 10(4), 13(3))', () => {
  const exc = (over: Record<string, unknown>) => cmd('2025-02-10', { type: 'RecordException', exceptionId: 'ex-1', limit: 'final-plan', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01', ...over } as never);
  it('records an exception with its regulation, reason and dates', () => {
    spec.given(assessing()).when(exc({})).then([
      { type: 'ehc.exception-recorded.v1', data: { caseId: CASE, exceptionId: 'ex-1', limit: 'final-plan', regulation: 'reg 13(3)', limb: 'reg 13(3)(c)', reason: 'exceptional-personal-circumstances', fromOn: '2025-02-01', toOn: '2025-03-01', recordedOn: '2025-02-10' } },
    ]);
  });
  it.each([
    ['decision-to-assess', 'reg 5(4)'], ['decision-whether-to-issue', 'reg 10(4)'], ['final-plan', 'reg 13(3)'],
  ])('the %s limit takes its exception under %s', (limit, regulation) => {
    spec.given(assessing()).when(exc({ limit })).thenMatches([{ data: { limit, regulation } }]);
  });
  it('reg 8(2): an advice exception names the advice request (else AdviceNotRequestedError)', () => {
    spec.given(withAdviceRequested()).when(exc({ limit: 'advice', adviceRequestId: 'req-med', reason: 'missed-appointment' })).thenMatches([{ data: { limit: 'advice', regulation: 'reg 8(2)', adviceRequestId: 'req-med' } }]);
    spec.given(withAdviceRequested()).when(exc({ limit: 'advice' })).thenThrows(E.AdviceNotRequestedError);
    spec.given(withAdviceRequested()).when(exc({ limit: 'final-plan', adviceRequestId: 'req-med' })).thenThrows(E.InvalidCommandError);
  });
  it('reg 5(4) has no missed-appointment exception (ExceptionNotApplicableError)', () => {
    spec.given(requested()).when(exc({ limit: 'decision-to-assess', reason: 'missed-appointment' })).thenThrows(E.ExceptionNotApplicableError);
  });
  it('absence from the area and school closure need a continuous period of at least 4 weeks, counted inclusively (ExceptionConditionNotMetError)', () => {
    // corrected: 1-28 February 2025 is 28 days away = 4 weeks (it used to be refused); 1-27 February is 27 days
    spec.given(assessing()).when(exc({ reason: 'absent-from-area', fromOn: '2025-02-01', toOn: '2025-02-27' })).thenThrows(E.ExceptionConditionNotMetError);
    spec.given(assessing()).when(exc({ reason: 'absent-from-area', fromOn: '2025-02-01', toOn: '2025-02-28' })).thenMatches([{ data: { reason: 'absent-from-area', limb: 'reg 13(3)(d)' } }]);
    spec.given(assessing()).when(exc({ reason: 'school-closure', fromOn: '2025-07-20', toOn: undefined })).thenThrows(E.ExceptionConditionNotMetError);
  });
  it('the 16- and 20-week limits have no exception before the LA decides to assess (ExceptionNotApplicableError)', () => {
    spec.given(requested()).when(exc({ limit: 'final-plan' })).thenThrows(E.ExceptionNotApplicableError);
  });
  it('an unknown reason, reversed dates or a reused id fail', () => {
    spec.given(assessing()).when(exc({ reason: 'holiday' })).thenThrows(E.InvalidCommandError);
    spec.given(assessing()).when(exc({ fromOn: '2025-03-01', toOn: '2025-02-01' })).thenThrows(E.InvalidCommandError);
    spec.given([...assessing(), ...ehcCaseDecider.decide(exc({}), replay(assessing()))]).when(exc({})).thenThrows(E.DuplicateIdError);
  });
});

describe('EHC case: tribunal orders (reg 44-45)', () => {
  const order = (kind: string, at = '2025-09-01', orderId = 'ord-1') => cmd(at, { type: 'RecordTribunalOrder', orderId, regulation: 'reg 44', kind } as never);
  it('an order to assess after a refusal lets the LA now assess (decision linked to the order)', () => {
    const refusedAndOrdered = history(steps.request(), steps.refuse(), order('assess'));
    spec.given(refusedAndOrdered).when(cmd('2025-09-10', { type: 'DecideToAssess', assessmentId: 'asmt-2' })).then([
      { type: 'ehc.decision-to-assess.v1', data: { caseId: CASE, decision: 'assess', assessmentId: 'asmt-2', decidedOn: '2025-09-10', tribunalOrderId: 'ord-1' } },
    ]);
    spec.given(refusedAndOrdered).when(cmd('2025-08-30', { type: 'DecideToAssess', assessmentId: 'asmt-2' })).thenThrows(E.ChronologyError);
  });
  it('an order to make a plan after a decision not to issue lets the LA issue a draft', () => {
    const ordered = history(steps.request(), steps.assess(), steps.notIssue(), order('make-plan'));
    spec.given(ordered).when(steps.draft('2025-09-20')).thenMatches([{ type: 'ehc.draft-plan-issued.v1', data: { tribunalOrderId: 'ord-1' } }]);
  });
  it('records the order; an order that does not fit the case fails (TribunalOrderNotApplicableError)', () => {
    spec.given(history(steps.request(), steps.refuse())).when(order('assess')).then([{ type: 'ehc.tribunal-order-received.v1', data: { caseId: CASE, orderId: 'ord-1', regulation: 'reg 44', kind: 'assess', orderOn: '2025-09-01' } }]);
    spec.given(assessing()).when(order('assess')).thenThrows(E.TribunalOrderNotApplicableError);
    spec.given(assessing()).when(order('make-plan')).thenThrows(E.TribunalOrderNotApplicableError);
    spec.given(drafted()).when(order('amend-plan')).thenThrows(E.TribunalOrderNotApplicableError);
    spec.given(planInForce()).when(order('amend-plan')).thenMatches([{ data: { kind: 'amend-plan' } }]);
  });
});

describe('EHC case: transfers between LAs (reg 15) and NHS commissioning bodies (reg 16)', () => {
  it('reg 15: records the move and when the plan must transfer; the transfer makes the new LA responsible', () => {
    spec.given(planInForce()).when(cmd('2025-07-28', { type: 'NotifyTransfer', transferId: 't-1', toLocalAuthority: 'E08000026', moveOn: '2025-07-31' })).then([
      { type: 'ehc.transfer-notified.v1', data: { caseId: CASE, transferId: 't-1', fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', learnedOn: '2025-07-28', moveOn: '2025-07-31', transferDueOn: '2025-08-15' } },
    ]);
    const notified = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final(), cmd('2025-07-28', { type: 'NotifyTransfer', transferId: 't-1', toLocalAuthority: 'E08000026', moveOn: '2025-07-31' })]);
    spec.given(notified).when(cmd('2025-07-31', { type: 'TransferPlan', transferId: 't-1' })).thenState((state) => {
      expect(state.localAuthority).toBe('E08000026');
    });
    spec.given(notified).when(cmd('2025-07-31', { type: 'TransferPlan', transferId: 't-9' })).thenThrows(E.TransferNotFoundError);
    spec.given(notified).when(cmd('2025-08-31', { type: 'DecideReassessmentAfterTransfer', transferId: 't-1', willReassess: false })).thenThrows(E.TransferNotFoundError);
    const done = [...notified, { type: 'ehc.plan-transferred.v1' as const, data: { caseId: CASE, transferId: 't-1', toLocalAuthority: 'E08000026', transferredOn: '2025-07-31' } }];
    spec.given(done).when(cmd('2025-08-01', { type: 'TransferPlan', transferId: 't-1' })).thenThrows(E.TransferAlreadyCompletedError);
    spec.given(done).when(cmd('2025-08-20', { type: 'DecideReassessmentAfterTransfer', transferId: 't-1', willReassess: false })).then([
      { type: 'ehc.transfer-reassessment-decided.v1', data: { caseId: CASE, transferId: 't-1', willReassess: false, decidedOn: '2025-08-20' } },
    ]);
  });
  it('reg 15: naming the current LA as the new one fails (InvalidCommandError)', () => {
    spec.given(planInForce()).when(cmd('2025-07-28', { type: 'NotifyTransfer', transferId: 't', toLocalAuthority: 'E08000025', moveOn: '2025-07-31' })).thenThrows(E.InvalidCommandError);
  });
  it('reg 16: a change of NHS commissioning body must be notified within 15 working days', () => {
    spec.given(planInForce()).when(cmd('2025-12-15', { type: 'RecordCommissioningBodyChange', changeId: 'ch-1', newCommissioningBodyRef: 'icb-QWE' })).then([
      { type: 'ehc.commissioning-body-changed.v1', data: { caseId: CASE, changeId: 'ch-1', newCommissioningBodyRef: 'icb-QWE', learnedOn: '2025-12-15', notifyDueOn: '2026-01-07' } },
    ]);
    spec.given(planInForce()).when(cmd('2025-12-20', { type: 'NotifyCommissioningBody', changeId: 'ch-1' })).thenThrows(E.CommissioningChangeNotFoundError);
  });
});

describe('EHC case: the family moves to another LA mid-assessment (CFA 2014 s.24; not reg 15, which needs a plan)', () => {
  const move = (at = '2025-03-10', over: Record<string, unknown> = {}) => cmd(at, { type: 'TransferAssessment', transferId: 'mv-1', toLocalAuthority: 'E08000026', ...over } as never);
  const moved = () => history(steps.request(), steps.assess(), steps.askAdvice('req-edu', 'educational', 'education'), move());

  it('records the move; by default the new LA is treated as receiving the request on the transfer day (16 and 20 weeks from it)', () => {
    spec.given(assessing()).when(move()).then([
      {
        type: 'ehc.assessment-transferred.v1',
        data: {
          caseId: CASE, transferId: 'mv-1', assessmentId: 'asmt-1', fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', transferredOn: '2025-03-10',
          clock: 'from-transfer', clockStartsOn: '2025-03-10', decisionWhetherToIssueDueOn: '2025-06-30', finalPlanDueOn: '2025-07-28',
          // reg 5(1)(b): the new LA's own decision whether to assess, 6 weeks from 10 Mar 2025
          decisionToAssessDueOn: '2025-04-21',
        },
      },
    ]);
  });
  it('with clock from-original-request the new LA keeps the dates counted from the original request', () => {
    spec.given(assessing()).when(move('2025-03-10', { clock: 'from-original-request' })).thenMatches([
      { data: { clock: 'from-original-request', clockStartsOn: REQUEST_ON, decisionWhetherToIssueDueOn: '2025-04-28', finalPlanDueOn: '2025-05-26' } },
    ]);
  });
  it('the new LA is responsible from the transfer day and continues the assessment: advice, draft, final plan', () => {
    spec.given(assessing()).when(move()).thenState((state) => {
      expect(state.localAuthority).toBe('E08000026');
      expect(state.status).toBe('assessing');
      expect(state.assessmentId).toBe('asmt-1');
      expect(state.assessmentTransfers).toEqual([expect.objectContaining({ transferId: 'mv-1', fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', transferredOn: '2025-03-10' })]);
    });
    spec.given(moved()).when(steps.receiveAdvice('req-edu', 'education', '2025-03-12')).thenMatches([{ type: 'ehc.advice-received.v1' }]);
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered(), move())).when(steps.draft('2025-05-12')).thenMatches([{ type: 'ehc.draft-plan-issued.v1' }]);
    const planned = history(steps.request(), steps.assess(), move(), ...steps.adviceGathered('2025-03-11', '2025-04-01'), steps.draft('2025-05-12'), steps.familyResponse('2025-05-20'), steps.final('2025-06-16'));
    expect(replay(planned)).toMatchObject({ status: 'plan-in-force', localAuthority: 'E08000026' });
    // with a plan in force, a later move is a reg 15 plan transfer from the new LA
    spec.given(planned).when(cmd('2025-09-01', { type: 'NotifyTransfer', transferId: 't-2', toLocalAuthority: 'E08000027', moveOn: '2025-10-01' })).thenMatches([
      { data: { fromLocalAuthority: 'E08000026', toLocalAuthority: 'E08000027' } },
    ]);
  });
  it('a draft before the move: the move is still mid-process (no plan in force) and allowed', () => {
    spec.given(drafted()).when(move('2025-04-20')).thenMatches([{ data: { fromLocalAuthority: 'E08000025', transferredOn: '2025-04-20' } }]);
  });
  it('a second move passes the assessment on again, from the LA responsible now', () => {
    spec.given(moved()).when(cmd('2025-04-07', { type: 'TransferAssessment', transferId: 'mv-2', toLocalAuthority: 'E08000027' })).thenMatches([
      { data: { fromLocalAuthority: 'E08000026', toLocalAuthority: 'E08000027', clockStartsOn: '2025-04-07', finalPlanDueOn: '2025-08-25' } },
    ]);
    spec.given(moved()).when(cmd('2025-03-09', { type: 'TransferAssessment', transferId: 'mv-2', toLocalAuthority: 'E08000027' })).thenThrows(E.ChronologyError);
  });
  it('illegal: no assessment in progress (before the decision, refused, plan refused, plan in force, ceased)', () => {
    spec.given(requested()).when(move()).thenThrows(E.NoAssessmentInProgressError);
    spec.given(history(steps.request(), steps.refuse())).when(move()).thenThrows(E.NoAssessmentInProgressError);
    spec.given(history(steps.request(), steps.assess(), steps.notIssue())).when(move('2025-05-01')).thenThrows(E.NoAssessmentInProgressError);
    spec.given(planInForce()).when(move('2025-07-01')).thenThrows(E.NoAssessmentInProgressError);
    spec.given([]).when(move()).thenThrows(E.CaseNotFoundError);
  });
  it('illegal: the same LA, a used transfer id, an unknown clock, a missing LA', () => {
    spec.given(assessing()).when(move('2025-03-10', { toLocalAuthority: 'E08000025' })).thenThrows(E.SameLocalAuthorityError);
    spec.given(moved()).when(move('2025-04-01', { toLocalAuthority: 'E08000027' })).thenThrows(E.DuplicateIdError);
    spec.given(assessing()).when(move('2025-03-10', { clock: 'whenever' })).thenThrows(E.InvalidCommandError);
    spec.given(assessing()).when(move('2025-03-10', { toLocalAuthority: ' ' })).thenThrows(E.InvalidCommandError);
  });
  it('illegal: dated before the request, the decision to assess or the draft (ChronologyError)', () => {
    spec.given(assessing()).when(move('2025-01-01')).thenThrows(E.ChronologyError);
    spec.given(assessing()).when(move('2025-02-01')).thenThrows(E.ChronologyError);
    spec.given(drafted()).when(move('2025-04-13')).thenThrows(E.ChronologyError);
  });
});

describe('EHC case: the event list', () => {
  it('lists every event type exactly once, namespaced and versioned', () => {
    const all: Record<EhcEventType, true> = {
      'ehc.advice-scope-recorded.v1': true, 'ehc.family-advice-request-recorded.v1': true, 'ehc.advice-not-awaited.v1': true, 'ehc.family-involvement-recorded.v1': true,
      'ehc.request-received.v1': true, 'ehc.decision-to-assess.v1': true, 'ehc.advice-requested.v1': true, 'ehc.advice-received.v1': true, 'ehc.advice-reused.v1': true,
      'ehc.advice-withdrawn.v1': true, 'ehc.decision-not-to-issue.v1': true, 'ehc.draft-plan-issued.v1': true, 'ehc.family-response-received.v1': true,
      'ehc.setting-consulted.v1': true, 'ehc.setting-responded.v1': true, 'ehc.final-plan-issued.v1': true, 'ehc.amendment-proposed.v1': true, 'ehc.plan-amended.v1': true,
      'ehc.decision-not-to-amend.v1': true, 'ehc.reassessment-requested.v1': true, 'ehc.reassessment-decided.v1': true,
      'ehc.review-meeting-scheduled.v1': true, 'ehc.review-papers-circulated.v1': true, 'ehc.review-meeting-held.v1': true, 'ehc.review-report-submitted.v1': true,
      'ehc.review-decision-made.v1': true, 'ehc.phase-transfer-scheduled.v1': true, 'ehc.plan-ceased.v1': true, 'ehc.exception-recorded.v1': true,
      'ehc.tribunal-order-received.v1': true, 'ehc.transfer-notified.v1': true, 'ehc.plan-transferred.v1': true, 'ehc.transfer-reassessment-decided.v1': true,
      'ehc.commissioning-body-changed.v1': true, 'ehc.commissioning-body-notified.v1': true, 'ehc.assessment-transferred.v1': true,
      'ehc.personal-data-erased.v1': true,
      'ehc.appeal-rights-notified.v1': true, 'ehc.mediation-decided.v1': true, 'ehc.mediation-held.v1': true, 'ehc.mediation-certificate-issued.v1': true,
      'ehc.appeal-registered.v1': true, 'ehc.appeal-decided.v1': true, 'ehc.cessation-proposed.v1': true, 'ehc.cessation-consulted.v1': true, 'ehc.decision-to-cease.v1': true,
      'ehc.plan-contents-recorded.v1': true, 'ehc.personal-budget-requested.v1': true, 'ehc.personal-budget-decided.v1': true, 'ehc.personal-budget-reviewed.v1': true,
      'ehc.family-member-invited.v1': true, 'ehc.family-member-linked.v1': true, 'ehc.family-member-unlinked.v1': true, 'ehc.young-person-rights-recorded.v1': true,
      'ehc.early-review-requested.v1': true, 'ehc.family-advice-asked.v1': true,
      'ehc.early-review-agreed.v1': true, 'ehc.early-review-declined.v1': true, 'ehc.advice-shared-with-family.v1': true,
    };
    expect(EHC_EVENT_TYPES.map((e) => e.type).sort()).toEqual(Object.keys(all).sort());
    for (const e of EHC_EVENT_TYPES) expect(e.type).toMatch(/^ehc\.[a-z-]+\.v\d+$/);
  });
  it('events carry no personal details: only the opaque childRef identifies the child', () => {
    const text = JSON.stringify(planInForce());
    expect(text).toContain('child-ref-1');
    expect(text).not.toMatch(/name"|dateOfBirth|nhsNumber|address/i);
  });
});

describe('EHC case: personal details and erasure (DOMAIN.md "Data protection")', () => {
  const request = (child: unknown) => cmd(REQUEST_ON, { type: 'ReceiveRequest', childRef: 'child-ref-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' }, child } as never);

  it('records the child\'s date of birth, name and NHS number on the request when given (the services encrypt them)', () => {
    spec.given([]).when(request({ dateOfBirth: '2016-04-02', name: ' Sam Example ', nhsNumber: '9434765919' })).thenMatches([
      { type: 'ehc.request-received.v1', data: { child: { dateOfBirth: '2016-04-02', name: 'Sam Example', nhsNumber: '9434765919' } } },
    ]);
    const state = replay(history(request({ dateOfBirth: '2016-04-02' }) as never));
    expect(state.child).toEqual({ dateOfBirth: '2016-04-02' });
  });

  it('refuses a date of birth that is not a date or is after the request, an empty name and an NHS number with a wrong check digit', () => {
    spec.given([]).when(request({ dateOfBirth: '02/04/2016' })).thenThrows(E.InvalidCommandError, /child.dateOfBirth/);
    spec.given([]).when(request({ dateOfBirth: '2025-01-07' })).thenThrows(E.InvalidCommandError, /after the request/);
    spec.given([]).when(request({ dateOfBirth: '2016-04-02', name: ' ' })).thenThrows(E.InvalidCommandError, /child.name/);
    spec.given([]).when(request({ dateOfBirth: '2016-04-02', nhsNumber: '9434765918' })).thenThrows(E.InvalidCommandError, /nhsNumber/);
    spec.given([]).when(request({ dateOfBirth: '2016-04-02', nhsNumber: '943476591' })).thenThrows(E.InvalidCommandError, /nhsNumber/);
  });

  it('records an erasure once, whatever the status (also after the plan ceased), with its ground and no personal data', () => {
    const erase = (at = '2056-01-07') => cmd(at, { type: 'RecordPersonalDataErasure', erasureId: 'erasure-1', ground: 'retention-period-ended' });
    spec.given(planInForce()).when(erase()).then([
      { type: 'ehc.personal-data-erased.v1', data: { caseId: CASE, erasureId: 'erasure-1', erasedOn: '2056-01-07', ground: 'retention-period-ended' } },
    ]);
    const ceased = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.final(), ...steps.cease('2029-10-01', '2030-01-01', 'left-education-or-training'));
    expect(replay(ceased).status).toBe('ceased');
    spec.given(ceased).when(erase()).thenMatches([{ type: 'ehc.personal-data-erased.v1' }]);
    const erased = [...planInForce(), { type: 'ehc.personal-data-erased.v1' as const, data: { caseId: CASE, erasureId: 'erasure-1', erasedOn: '2056-01-07', ground: 'erasure-request' as const } }];
    spec.given(erased).when(erase('2056-02-01')).then([]);
    expect(replay(erased).personalDataErased).toEqual({ erasureId: 'erasure-1', erasedOn: '2056-01-07', ground: 'erasure-request' });
    spec.given([]).when(erase()).thenThrows(E.CaseNotFoundError);
    spec.given(planInForce()).when(cmd('2056-01-07', { type: 'RecordPersonalDataErasure', erasureId: 'e', ground: 'because' } as never)).thenThrows(E.InvalidCommandError);
    spec.given(planInForce()).when(erase('2024-12-31')).thenThrows(E.ChronologyError);
  });
});
