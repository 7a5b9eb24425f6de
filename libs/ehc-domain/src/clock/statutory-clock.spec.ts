import { replay } from '../case/state';
import { cmd, history, planInForce, steps } from '../case/test-fixtures';
import type { EhcCommand } from '../case/commands';
import { statutoryStatus, type Deadline } from './statutory-clock';

const byId = (deadlines: Deadline[], id: string) => {
  const d = deadlines.find((x) => x.id === id);
  if (!d) throw new Error(`no deadline ${id} in ${deadlines.map((x) => x.id).join(', ')}`);
  return d;
};
const exc = (limit: string, over: Record<string, unknown> = {}, at = '2025-03-01') =>
  cmd(at, { type: 'RecordException', exceptionId: `ex-${limit}`, limit, reason: 'exceptional-personal-circumstances', fromOn: '2025-02-20', ...over } as never);
const order = (kind: string, at: string) => cmd(at, { type: 'RecordTribunalOrder', orderId: 'ord-1', regulation: 'reg 44', kind } as never);

describe('statutory clock: the request and the decision to assess (reg 5)', () => {
  it('on the day of the request: week 0, the 6-week decision open and next; the 16- and 20-week limits already run (reg 10(1), 13(2))', () => {
    const s = statutoryStatus(history(steps.request()), '2025-01-06');
    expect(s).toMatchObject({ caseId: 'case-1', caseStatus: 'requested', requestReceivedOn: '2025-01-06', daysSinceRequest: 0, weekOfProcess: 0, localAuthority: 'E08000025' });
    expect(s.deadlines.map((d) => [d.id, d.dueOn])).toEqual([['decision-to-assess', '2025-02-17'], ['decision-whether-to-issue', '2025-04-28'], ['final-plan', '2025-05-26']]);
    expect(s.next).toMatchObject({ id: 'decision-to-assess', dueOn: '2025-02-17', status: 'open', responsible: 'local-authority', regulation: 'reg 5(1)' });
  });

  it('reg 5(1): no decision by the end of week 6 makes it overdue for the LA', () => {
    const s = statutoryStatus(history(steps.request()), '2025-02-18');
    expect(s.weekOfProcess).toBe(7);
    expect(s.overdue.map((d) => d.id)).toEqual(['decision-to-assess']);
    expect(byId(s.deadlines, 'decision-to-assess')).toMatchObject({ status: 'overdue', daysLate: 1 });
    expect(s.overdueByResponsible['local-authority']?.map((d) => d.id)).toEqual(['decision-to-assess']);
  });

  it('reg 5(1): a decision on the last day is met; the day after is late', () => {
    expect(byId(statutoryStatus(history(steps.request(), steps.assess('2025-02-17')), '2025-03-01').deadlines, 'decision-to-assess')).toMatchObject({ status: 'met', metOn: '2025-02-17' });
    expect(byId(statutoryStatus(history(steps.request(), steps.assess('2025-02-18')), '2025-03-01').deadlines, 'decision-to-assess')).toMatchObject({ status: 'late', daysLate: 1 });
  });

  it('reg 5(4): an exception lifts the 6-week limit: past due but not overdue, marked as excepted', () => {
    const s = statutoryStatus(history(steps.request(), exc('decision-to-assess', { reason: 'absent-from-area', fromOn: '2025-01-10', toOn: '2025-02-20' }, '2025-01-15')), '2025-03-01');
    expect(byId(s.deadlines, 'decision-to-assess')).toMatchObject({ status: 'open', exceptionApplied: true, exceptions: [{ exceptionId: 'ex-decision-to-assess', regulation: 'reg 5(4)', reason: 'absent-from-area', fromOn: '2025-01-10', toOn: '2025-02-20' }] });
    expect(s.overdue).toEqual([]);
  });
});

describe('statutory clock: advice (reg 8) — overdue per agency', () => {
  const base = [steps.request(), steps.assess('2025-02-03'), steps.askAdvice('req-med', 'medical', 'health', '2025-02-04'), steps.askAdvice('req-edu', 'educational', 'education', '2025-02-04'), steps.askAdvice('req-sc', 'social-care', 'social-care', '2025-02-04')];

  it('reg 8(1): each adviser has 6 weeks from the request for advice; late ones are overdue per agency', () => {
    const s = statutoryStatus(history(...base, steps.receiveAdvice('req-edu', 'education', '2025-03-01')), '2025-03-19');
    expect(byId(s.deadlines, 'advice:req-edu')).toMatchObject({ status: 'met', metOn: '2025-03-01', dueOn: '2025-03-18', responsible: 'education' });
    expect(byId(s.deadlines, 'advice:req-med')).toMatchObject({ status: 'overdue', daysLate: 1, responsible: 'health', refs: { adviceType: 'medical' } });
    expect(Object.keys(s.overdueByResponsible).sort()).toEqual(['health', 'social-care']);
    expect(s.overdueByResponsible.health?.map((d) => d.id)).toEqual(['advice:req-med']);
  });

  it('advice received after the due date is late by that many days; a corrected version does not change when it was met', () => {
    const s = statutoryStatus(history(...base, steps.receiveAdvice('req-med', 'health', '2025-03-20'), steps.receiveAdvice('req-med', 'health', '2025-03-25', 'advice-req-med', 2)), '2025-04-01');
    expect(byId(s.deadlines, 'advice:req-med')).toMatchObject({ status: 'late', metOn: '2025-03-20', daysLate: 2 });
  });

  it('withdrawn advice no longer meets the request: it is overdue again until new advice arrives', () => {
    const events = history(...base, steps.receiveAdvice('req-med', 'health', '2025-03-01'), cmd('2025-03-20', { type: 'WithdrawAdvice', adviceRequestId: 'req-med', adviceId: 'advice-req-med', reason: 'wrong child' }));
    expect(byId(statutoryStatus(events, '2025-03-21').deadlines, 'advice:req-med').status).toBe('overdue');
  });

  it('reg 8(2): a missed appointment exception lifts the limit for that advice only', () => {
    const s = statutoryStatus(history(...base, exc('advice', { adviceRequestId: 'req-med', reason: 'missed-appointment' })), '2025-03-19');
    expect(byId(s.deadlines, 'advice:req-med')).toMatchObject({ status: 'open', exceptionApplied: true });
    expect(byId(s.deadlines, 'advice:req-sc')).toMatchObject({ status: 'overdue', exceptionApplied: false });
  });

  it('reg 6(4): advice re-used by agreement answers the request on the day of the agreement', () => {
    const reuse = cmd('2025-02-10', { type: 'ReuseAdvice', reuseId: 'ru-1', adviceType: 'social-care', agency: 'social-care', adviceId: 'sc-2024-1', version: 1, adviceRequestId: 'req-sc', agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } });
    expect(byId(statutoryStatus(history(...base, reuse), '2025-03-19').deadlines, 'advice:req-sc')).toMatchObject({ status: 'met', metOn: '2025-02-10' });
  });
});

describe('statutory clock: 16 and 20 weeks (reg 10, reg 13) and SEN2 timeliness', () => {
  it('after a decision to assess: decide whether to issue by week 16, final plan by week 20', () => {
    const s = statutoryStatus(history(steps.request(), steps.assess()), '2025-02-03');
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ dueOn: '2025-04-28', status: 'open', regulation: 'reg 10(1)' });
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ dueOn: '2025-05-26', status: 'open', regulation: 'reg 13(2)' });
    expect(s.sen2).toMatchObject({ outcome: 'pending', withinTwentyWeeks: null, assessmentDecision: 'assess', decisionWithinSixWeeks: true });
  });

  it('a plan issued in week 19 meets every limit; SEN2 counts it within 20 weeks, with and without exceptions', () => {
    const s = statutoryStatus(planInForce(), '2025-06-01');
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'met', metOn: '2025-04-14' });
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'met', metOn: '2025-05-19' });
    expect(s.sen2).toEqual({
      requestReceivedOn: '2025-01-06', source: 'parent', assessmentDecision: 'assess', assessmentDecidedOn: '2025-02-03', decisionWithinSixWeeks: true,
      outcome: 'plan-issued', finalPlanIssuedOn: '2025-05-19', daysFromRequestToFinalPlan: 133, withinTwentyWeeks: true, exceptionApplies: false,
      withinTwentyWeeksExcludingExceptions: true, tribunalOrdered: false,
    });
  });

  const latePlan = (...extra: EhcCommand[]) => history(steps.request(), steps.assess(), ...extra, ...steps.adviceGathered(), steps.draft('2025-05-12'), steps.familyResponse('2025-05-20'), steps.final('2025-06-02'));

  it('reg 13(2): a final plan in week 21 is late and overdue before it is issued', () => {
    const before = statutoryStatus(latePlan(), '2025-05-27');
    expect(byId(before.deadlines, 'final-plan')).toMatchObject({ status: 'overdue', daysLate: 1 });
    const s = statutoryStatus(latePlan(), '2025-06-10');
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'late', daysLate: 7 });
    expect(s.sen2).toMatchObject({ withinTwentyWeeks: false, exceptionApplies: false, withinTwentyWeeksExcludingExceptions: false, daysFromRequestToFinalPlan: 147 });
  });

  it('reg 13(3): with an exception the late plan is excepted — SEN2 counts it late overall and leaves it out of the "excluding exceptions" measure', () => {
    const s = statutoryStatus(latePlan(exc('final-plan', { reason: 'absent-from-area', fromOn: '2025-02-10', toOn: '2025-03-20' })), '2025-06-10');
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'late', exceptionApplied: true });
    expect(s.sen2).toMatchObject({ withinTwentyWeeks: false, exceptionApplies: true, withinTwentyWeeksExcludingExceptions: null });
    const open = statutoryStatus(latePlan(exc('final-plan', { reason: 'absent-from-area', fromOn: '2025-02-10', toOn: '2025-03-20' })), '2025-05-30');
    expect(byId(open.deadlines, 'final-plan')).toMatchObject({ status: 'open', exceptionApplied: true });
    expect(open.overdue).toEqual([]);
  });

  it('reg 10(4)(c): an exception lifts the 16-week limit', () => {
    // corrected: reg 10(4) has no missed-appointment limb; exceptional personal circumstances 20 Feb - 20 Mar 2025 (29 days)
    // excuse the 16 weeks due 28 Apr until 27 May (28 Apr + 29 days)
    const s = statutoryStatus(history(steps.request(), steps.assess(), exc('decision-whether-to-issue', { toOn: '2025-03-20' })), '2025-05-01');
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'open', exceptionApplied: true, exceptions: [{ regulation: 'reg 10(4)' }] });
  });

  it('reg 10(1): a decision not to issue in week 15 meets the 16-week limit and ends the 20-week one', () => {
    const s = statutoryStatus(history(steps.request(), steps.assess(), steps.notIssue('2025-04-20')), '2025-06-01');
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'met', metOn: '2025-04-20' });
    expect(byId(s.deadlines, 'final-plan').status).toBe('lapsed');
    expect(s.overdue).toEqual([]);
    expect(s.sen2).toMatchObject({ outcome: 'assessed-no-plan', withinTwentyWeeks: null });
  });

  it('a refusal to assess ends the 16- and 20-week limits (lapsed, nobody overdue); SEN2 outcome "not-assessed"', () => {
    const s = statutoryStatus(history(steps.request(), steps.refuse('2025-02-10')), '2025-09-01');
    expect(s.deadlines.map((d) => [d.id, d.status])).toEqual([['decision-to-assess', 'met'], ['decision-whether-to-issue', 'lapsed'], ['final-plan', 'lapsed']]);
    expect(s.overdue).toEqual([]);
    expect(s.sen2).toMatchObject({ outcome: 'not-assessed', assessmentDecision: 'not-assess', decisionWithinSixWeeks: true });
  });
});

describe('statutory clock: calendar edges', () => {
  it('29 February: a request received on 29 Feb 2028 has its decision due 11 Apr, decision-whether-to-issue 20 Jun and final plan 18 Jul 2028', () => {
    const s = statutoryStatus(history(steps.request('2028-02-29'), steps.assess('2028-03-20')), '2028-03-20');
    expect(byId(s.deadlines, 'decision-to-assess').dueOn).toBe('2028-04-11');
    expect(byId(s.deadlines, 'decision-whether-to-issue').dueOn).toBe('2028-06-20');
    expect(byId(s.deadlines, 'final-plan').dueOn).toBe('2028-07-18');
  });

  it('reg 13(2): a 20-week deadline landing on a Saturday stays on that Saturday — the regulations count calendar weeks and do not extend it, so a plan issued the next Monday is late', () => {
    const events = history(steps.request('2025-01-04'), steps.assess('2025-02-01'), ...steps.adviceGathered(), steps.draft('2025-05-01'), steps.familyResponse('2025-05-05'), steps.final('2025-05-26'));
    const s = statutoryStatus(events, '2025-06-01');
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ dueOn: '2025-05-24', status: 'late', daysLate: 2 });
    expect(s.sen2?.withinTwentyWeeks).toBe(false);
  });

  it('CFA 2014 s.44(1): a plan made on 29 Feb 2028 must be reviewed by 28 Feb 2029', () => {
    const events = history(steps.request('2027-10-15'), steps.assess('2027-11-01'), ...steps.adviceGathered('2027-11-02', '2027-12-01'), steps.draft('2028-02-01'), steps.familyResponse('2028-02-10'), steps.final('2028-02-29'));
    expect(byId(statutoryStatus(events, '2028-03-01').deadlines, 'annual-review:2028-02-29')).toMatchObject({ dueOn: '2029-02-28', status: 'open', responsible: 'local-authority' });
    expect(byId(statutoryStatus(events, '2029-03-01').deadlines, 'annual-review:2028-02-29')).toMatchObject({ status: 'overdue', daysLate: 1 });
  });
});

describe('statutory clock: draft, consultation, family period (reg 13(1); CFA 2014 s.39)', () => {
  it('the family’s 15 days is a minimum period: when it runs out it has "ended", nobody is overdue', () => {
    const s = statutoryStatus(history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-04-14')), '2025-04-30');
    expect(byId(s.deadlines, 'draft-comments:plan-1:2025-04-14')).toMatchObject({ kind: 'minimum-period', responsible: 'family', dueOn: '2025-04-28', status: 'ended' });
    expect(s.overdue).toEqual([]);
  });
  it('s.39(2); CoP 9.79: a consulted school that does not answer within 15 days is past its expected day, not overdue (no statutory limit)', () => {
    const events = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft('2025-04-14'), cmd('2025-04-15', { type: 'ConsultSetting', consultationId: 'con-1', settingRef: 'urn-1' }));
    const s = statutoryStatus(events, '2025-04-30');
    // corrected: consulted 15 Apr 2025, expected by 29 Apr (15 + 15 - 1); on 30 Apr it is past expected, not a breach
    expect(byId(s.deadlines, 'setting-consultation:con-1')).toMatchObject({ dueOn: '2025-04-29', kind: 'expectation', status: 'open', pastExpected: true, responsible: 'education', regulation: 'CFA 2014 s.39(2); CoP 9.79' });
    expect(s.overdueByResponsible.education).toBeUndefined();
  });
});

describe('statutory clock: tribunal orders (reg 44-45)', () => {
  it('an order to assess: confirm in 2 weeks, decide whether to issue in 10, final plan in 14', () => {
    const events = history(steps.request(), steps.refuse(), order('assess', '2025-09-01'), cmd('2025-09-10', { type: 'DecideToAssess', assessmentId: 'asmt-2' }));
    const s = statutoryStatus(events, '2025-09-20');
    expect(byId(s.deadlines, 'tribunal:ord-1:confirm-assessment')).toMatchObject({ dueOn: '2025-09-15', status: 'met', metOn: '2025-09-10', regulation: 'reg 44(2)' });
    expect(byId(s.deadlines, 'tribunal:ord-1:decision-whether-to-issue')).toMatchObject({ dueOn: '2025-11-10', status: 'open' });
    expect(byId(s.deadlines, 'tribunal:ord-1:final-plan')).toMatchObject({ dueOn: '2025-12-08', status: 'open' });
    // the request's own 20 weeks ended with the refusal (reg 13(2)); the order's limits replace them
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'lapsed' });
    expect(s.finalPlan).toMatchObject({ id: 'tribunal:ord-1:final-plan', dueOn: '2025-12-08' });
    expect(s.sen2?.tribunalOrdered).toBe(true);
  });
  it('an order to make a plan: draft in 5 weeks, final in 11; overdue when missed', () => {
    const events = history(steps.request(), steps.assess(), steps.notIssue('2025-04-20'), order('make-plan', '2025-09-01'));
    const s = statutoryStatus(events, '2025-10-07');
    expect(byId(s.deadlines, 'tribunal:ord-1:draft-plan')).toMatchObject({ dueOn: '2025-10-06', status: 'overdue', daysLate: 1 });
    expect(byId(s.deadlines, 'tribunal:ord-1:final-plan')).toMatchObject({ dueOn: '2025-11-17', status: 'open' });
  });
  it('an order to amend: the amended plan within 5 weeks', () => {
    const events = history(...[steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse(), steps.final()], order('amend-plan', '2025-09-01'),
      cmd('2025-09-02', { type: 'ProposeAmendment', amendmentId: 'am-t', trigger: 'tribunal-order', tribunalOrderId: 'ord-1' }), cmd('2025-10-01', { type: 'AmendPlan', amendmentId: 'am-t' }));
    expect(byId(statutoryStatus(events, '2025-10-02').deadlines, 'tribunal:ord-1:amended-plan')).toMatchObject({ dueOn: '2025-10-06', status: 'met', metOn: '2025-10-01' });
  });
});

describe('statutory clock: after the plan (reg 18, 20-22; CFA 2014 s.44)', () => {
  const afterPlan = (...more: EhcCommand[]) => history(steps.request(), steps.assess(), steps.askAdvice('req-edu', 'educational', 'education'), steps.receiveAdvice('req-edu', 'education'), ...steps.adviceGathered('2025-02-04', '2025-03-01', ['educational']), steps.draft(), steps.familyResponse(), steps.final('2025-05-19'), ...more);

  it('annual review within the 12 months starting with the plan date, then with each review', () => {
    const events = afterPlan(cmd('2026-03-01', { type: 'ScheduleReviewMeeting', reviewId: 'rev-1', meetingOn: '2026-05-01' }), cmd('2026-05-01', { type: 'HoldReviewMeeting', reviewId: 'rev-1' }));
    const s = statutoryStatus(events, '2026-05-02');
    expect(byId(s.deadlines, 'annual-review:2025-05-19')).toMatchObject({ dueOn: '2026-05-18', status: 'met', metOn: '2026-05-01' });
    expect(byId(s.deadlines, 'annual-review:2026-05-01')).toMatchObject({ dueOn: '2027-04-30', status: 'open' });
  });

  it('reg 20-21: papers 2 weeks before the meeting, report within 2 weeks after, LA decision within 4 weeks', () => {
    const events = afterPlan(
      cmd('2026-03-01', { type: 'ScheduleReviewMeeting', reviewId: 'rev-1', meetingOn: '2026-05-01' }),
      cmd('2026-04-20', { type: 'CirculateReviewPapers', reviewId: 'rev-1' }),
      cmd('2026-05-01', { type: 'HoldReviewMeeting', reviewId: 'rev-1' }),
      cmd('2026-05-10', { type: 'SubmitReviewReport', reviewId: 'rev-1' }),
    );
    const s = statutoryStatus(events, '2026-06-01');
    expect(byId(s.deadlines, 'review-papers:rev-1')).toMatchObject({ dueOn: '2026-04-17', status: 'late', daysLate: 3 });
    expect(byId(s.deadlines, 'review-report:rev-1')).toMatchObject({ dueOn: '2026-05-15', status: 'met' });
    expect(byId(s.deadlines, 'review-decision:rev-1')).toMatchObject({ dueOn: '2026-05-29', status: 'overdue', daysLate: 3, responsible: 'local-authority' });
  });

  it('reg 22: the amended plan within 8 weeks of the proposals; the family’s 15 days shown as a minimum period', () => {
    const events = afterPlan(cmd('2025-09-01', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances' }));
    const s = statutoryStatus(events, '2025-10-28');
    expect(byId(s.deadlines, 'amendment-comments:am-1')).toMatchObject({ dueOn: '2025-09-15', status: 'ended', responsible: 'family' });
    // a change of circumstances outside a review: reg 28 (same 15 days and 8 weeks as reg 22)
    expect(byId(s.deadlines, 'amended-plan:am-1')).toMatchObject({ dueOn: '2025-10-27', status: 'overdue', daysLate: 1, regulation: 'reg 28' });
  });

  it('reg 18(1)(a): a September 2027 school transfer needs the plan amended before 15 February 2027: 14 Feb is the last day, 15 Feb is a day late', () => {
    const events = afterPlan(
      cmd('2026-09-10', { type: 'SchedulePhaseTransfer', phaseTransferId: 'pt-1', kind: 'school-phase', transferOn: '2027-09-01' }),
      cmd('2026-12-01', { type: 'ProposeAmendment', amendmentId: 'am-pt', trigger: 'phase-transfer', phaseTransferId: 'pt-1' }),
    );
    expect(byId(statutoryStatus(events, '2027-02-14').deadlines, 'phase-transfer:pt-1')).toMatchObject({ dueOn: '2027-02-14', status: 'open' });
    expect(byId(statutoryStatus(events, '2027-02-15').deadlines, 'phase-transfer:pt-1')).toMatchObject({ dueOn: '2027-02-14', status: 'overdue', daysLate: 1 });
    const onThe15th = afterPlan(
      cmd('2026-09-10', { type: 'SchedulePhaseTransfer', phaseTransferId: 'pt-1', kind: 'school-phase', transferOn: '2027-09-01' }),
      cmd('2026-12-01', { type: 'ProposeAmendment', amendmentId: 'am-pt', trigger: 'phase-transfer', phaseTransferId: 'pt-1' }),
      cmd('2027-02-15', { type: 'AmendPlan', amendmentId: 'am-pt', namedSettingRef: 'urn-300003' }),
    );
    expect(byId(statutoryStatus(onThe15th, '2027-02-16').deadlines, 'phase-transfer:pt-1')).toMatchObject({ status: 'late', daysLate: 1 });
    const amended = afterPlan(
      cmd('2026-09-10', { type: 'SchedulePhaseTransfer', phaseTransferId: 'pt-1', kind: 'school-phase', transferOn: '2027-09-01' }),
      cmd('2026-12-01', { type: 'ProposeAmendment', amendmentId: 'am-pt', trigger: 'phase-transfer', phaseTransferId: 'pt-1' }),
      cmd('2027-02-10', { type: 'AmendPlan', amendmentId: 'am-pt', namedSettingRef: 'urn-300003' }),
    );
    expect(byId(statutoryStatus(amended, '2027-02-16').deadlines, 'phase-transfer:pt-1')).toMatchObject({ status: 'met', metOn: '2027-02-10' });
  });

  it('reg 15: transfer to a new LA on the day of the move; the new LA decides on reassessment within 6 weeks and reviews by the later of 12 months / 3 months', () => {
    const events = afterPlan(
      cmd('2026-04-01', { type: 'NotifyTransfer', transferId: 't-1', toLocalAuthority: 'E08000026', moveOn: '2026-05-10' }),
      cmd('2026-05-10', { type: 'TransferPlan', transferId: 't-1' }),
    );
    const s = statutoryStatus(events, '2026-06-22');
    expect(s.localAuthority).toBe('E08000026');
    expect(byId(s.deadlines, 'transfer:t-1')).toMatchObject({ dueOn: '2026-05-10', status: 'met', refs: { responsibleAuthority: 'E08000025' } });
    expect(byId(s.deadlines, 'transfer-reassessment:t-1')).toMatchObject({ dueOn: '2026-06-21', status: 'overdue', refs: { responsibleAuthority: 'E08000026' } });
    // reg 15(5): 12 months starting with 19 May 2025 end 18 May 2026; the 3 months beginning with the transfer on 10 May
    // 2026 end on 9 Aug 2026 (10 May-9 Jun, 10 Jun-9 Jul, 10 Jul-9 Aug): the later wins.
    expect(byId(s.deadlines, 'annual-review:2025-05-19')).toMatchObject({ dueOn: '2026-08-09', status: 'open', regulation: 'CFA 2014 s.44(1); reg 15' });
  });

  it('reg 16: notify a new NHS commissioning body within 15 working days (Christmas counted out)', () => {
    const events = afterPlan(cmd('2025-12-15', { type: 'RecordCommissioningBodyChange', changeId: 'ch-1', newCommissioningBodyRef: 'icb-1' }));
    expect(byId(statutoryStatus(events, '2026-01-08').deadlines, 'commissioning-body-notice:ch-1')).toMatchObject({ dueOn: '2026-01-07', status: 'overdue' });
  });

  it('once the plan ceases, open deadlines lapse', () => {
    const s = statutoryStatus(afterPlan(...steps.cease('2025-12-01', '2026-03-01', 'moved-outside-england')), '2026-06-01');
    expect(byId(s.deadlines, 'annual-review:2025-05-19').status).toBe('lapsed');
    expect(s.overdue).toEqual([]);
    expect(s.caseStatus).toBe('ceased');
  });
});

describe('statutory clock: a move to another LA mid-assessment', () => {
  const OLD = 'E08000025';
  const NEW = 'E08000026';
  const move = (clock?: string) => cmd('2025-03-10', { type: 'TransferAssessment', transferId: 'mv-1', toLocalAuthority: NEW, ...(clock ? { clock } : {}) } as never);
  const base = [steps.request(), steps.assess(), steps.askAdvice('req-edu', 'educational', 'education')];
  /** reg 6(1): the rest of the advice a draft needs besides the educational advice asked for in `base`. */
  const otherAdvice = (askOn: string, receivedOn: string) => steps.adviceGathered(askOn, receivedOn, ['educational']);

  it('as at the day before the move: the old LA is responsible for the 16- and 20-week limits from the request', () => {
    const s = statutoryStatus(history(...base, move()), '2025-03-09');
    expect(s.localAuthority).toBe(OLD);
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ dueOn: '2025-04-28', status: 'open', refs: { responsibleAuthority: OLD } });
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ dueOn: '2025-05-26', status: 'open', refs: { responsibleAuthority: OLD } });
    expect(s.deadlines.some((d) => d.id.endsWith(':mv-1'))).toBe(false);
  });

  it('as at the day of / after the move: the old LA’s limits lapse, the new LA has its own counted from the transfer day', () => {
    for (const day of ['2025-03-10', '2025-03-11']) {
      const s = statutoryStatus(history(...base, move()), day);
      expect(s.localAuthority).toBe(NEW);
      expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'lapsed', refs: { responsibleAuthority: OLD } });
      expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'lapsed', refs: { responsibleAuthority: OLD } });
      expect(byId(s.deadlines, 'decision-whether-to-issue:mv-1')).toMatchObject({ startsOn: '2025-03-10', dueOn: '2025-06-30', status: 'open', responsible: 'local-authority', refs: { responsibleAuthority: NEW, transferId: 'mv-1' } });
      expect(byId(s.deadlines, 'final-plan:mv-1')).toMatchObject({ startsOn: '2025-03-10', dueOn: '2025-07-28', status: 'open', regulation: 'reg 13(2)', refs: { responsibleAuthority: NEW } });
      // the adviser's reg 8 deadline is unchanged (the advice goes to whichever LA is responsible)
      expect(byId(s.deadlines, 'advice:req-edu')).toMatchObject({ dueOn: '2025-03-18', status: 'open', responsible: 'education' });
    }
  });

  it('past the original 20 weeks nobody is overdue for the old dates; the new LA meets its own limit with the final plan', () => {
    // reg 5(1)(b): the new LA first makes its own decision whether to assess (within 6 weeks of 10 Mar: by 21 Apr 2025)
    const events = history(...base, move(), cmd('2025-03-12', { type: 'DecideToAssess', assessmentId: 'asmt-1' }), steps.receiveAdvice('req-edu', 'education', '2025-03-14'), ...otherAdvice('2025-03-13', '2025-03-14'), steps.draft('2025-06-09'), steps.familyResponse('2025-06-16'), steps.final('2025-07-21'));
    const mid = statutoryStatus(events, '2025-05-27');
    expect(mid.overdue).toEqual([]);
    expect(byId(mid.deadlines, 'final-plan:mv-1').status).toBe('open');
    const s = statutoryStatus(events, '2025-08-01');
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ status: 'lapsed' });
    expect(byId(s.deadlines, 'final-plan:mv-1')).toMatchObject({ status: 'met', metOn: '2025-07-21' });
    expect(byId(s.deadlines, 'decision-whether-to-issue:mv-1')).toMatchObject({ status: 'met', metOn: '2025-06-09' });
    expect(s.localAuthority).toBe(NEW);
  });

  it('a new LA that misses its own limit is overdue, and it is the new LA that is named', () => {
    const s = statutoryStatus(history(...base, move()), '2025-07-29');
    expect(byId(s.deadlines, 'final-plan:mv-1')).toMatchObject({ status: 'overdue', daysLate: 1, refs: { responsibleAuthority: NEW } });
    expect(s.overdueByResponsible['local-authority']?.map((d) => d.id)).toEqual(['decision-to-assess:mv-1', 'decision-whether-to-issue:mv-1', 'final-plan:mv-1']);
  });

  it('clock from-original-request: the new LA owes the original dates', () => {
    const s = statutoryStatus(history(...base, move('from-original-request')), '2025-05-27');
    expect(byId(s.deadlines, 'final-plan:mv-1')).toMatchObject({ dueOn: '2025-05-26', status: 'overdue', refs: { responsibleAuthority: NEW } });
  });

  it('a draft the old LA issued before the move meets the old LA’s reg 10 limit; the new LA still owes its own', () => {
    const events = history(...base, ...otherAdvice('2025-02-04', '2025-03-01'), steps.receiveAdvice('req-edu', 'education', '2025-03-01'), steps.draft('2025-03-03'), move());
    const s = statutoryStatus(events, '2025-03-11');
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'met', metOn: '2025-03-03', refs: { responsibleAuthority: OLD } });
    expect(byId(s.deadlines, 'decision-whether-to-issue:mv-1').status).toBe('open');
  });

  it('replay and folded state agree', () => {
    const events = history(...base, move());
    expect(statutoryStatus(events, '2025-04-01')).toEqual(statutoryStatus(replay(events), '2025-04-01'));
  });
});

describe('statutory clock: derived only from events', () => {
  const events = history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), steps.receiveAdvice('req-med', 'health', '2025-03-20'), ...steps.adviceGathered('2025-02-04', '2025-03-01', ['medical']), steps.draft(), steps.familyResponse(), steps.final());

  it('replaying the events gives the same answer as the folded state, every time', () => {
    expect(statutoryStatus(events, '2025-06-01')).toEqual(statutoryStatus(replay(events), '2025-06-01'));
    expect(statutoryStatus([...events], '2025-06-01')).toEqual(statutoryStatus(events, '2025-06-01'));
  });

  it('answers as of a past date: facts dated later are not yet known', () => {
    const s = statutoryStatus(events, '2025-03-19');
    expect(byId(s.deadlines, 'advice:req-med')).toMatchObject({ status: 'overdue' });
    expect(s.deadlines.some((d) => d.id.startsWith('draft-comments'))).toBe(false);
    expect(s.sen2?.outcome).toBe('pending');
  });

  it('lists deadlines in due-date order and names the next one', () => {
    const s = statutoryStatus(history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health')), '2025-02-05');
    expect(s.deadlines.map((d) => d.dueOn)).toEqual([...s.deadlines.map((d) => d.dueOn)].sort());
    expect(s.next?.id).toBe('advice:req-med');
  });

  it('an empty stream has no clock', () => {
    expect(statutoryStatus([], '2025-01-01')).toEqual({ asOf: '2025-01-01', caseStatus: 'none', deadlines: [], open: [], overdue: [], overdueByResponsible: {}, decisionsWithoutAppealNotice: [] });
  });
});
