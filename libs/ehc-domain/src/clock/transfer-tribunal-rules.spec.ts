import * as E from '../case/errors';
import { ehcCaseDecider } from '../case/decide';
import { cmd, history, steps, CASE } from '../case/test-fixtures';
import * as T from '../case/time-limits';
import { DeciderSpecification } from '../testing/decider-specification';
import { statutoryStatus, type Deadline } from './statutory-clock';

/**
 * The rules of issue 15 items 7, 9 and 12, Given / When / Then, each with its regulation and a hand-computed date.
 * The fixture case: request received Mon 6 Jan 2025 (day 0) by E08000025, decision to assess 3 Feb 2025.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const OLD = 'E08000025';
const NEW = 'E08000026';
const byId = (deadlines: Deadline[], id: string) => {
  const d = deadlines.find((x) => x.id === id);
  if (!d) throw new Error(`no deadline ${id} in ${deadlines.map((x) => x.id).join(', ')}`);
  return d;
};
const moved = () => history(steps.request(), steps.assess(), cmd('2025-03-10', { type: 'TransferAssessment', transferId: 't-1', toLocalAuthority: NEW }));
/** A plan in force from 19 May 2025 that names no setting (so no s.39 consultation is needed). */
const plan = (...more: Parameters<typeof history>) =>
  history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.familyResponse('2025-04-22', ''), cmd('2025-05-19', { type: 'IssueFinalPlan', planId: 'plan-1' }), ...more);

describe('the clock from day 0 (reg 10(1), 13(2))', () => {
  it('given only the request of Mon 6 Jan 2025, the 16- and 20-week limits show from that day: 28 Apr 2025 and 26 May 2025', () => {
    // 6 Jan + 112 days: 25 days to 31 Jan, 28 in Feb, 31 in Mar, 28 into Apr -> 28 Apr; + 140 days: 28 more -> 26 May
    const s = statutoryStatus(history(steps.request()), '2025-01-06');
    expect(s.decisionWhetherToIssue).toMatchObject({ id: 'decision-whether-to-issue', startsOn: '2025-01-06', dueOn: '2025-04-28', status: 'open' });
    expect(s.finalPlan).toMatchObject({ id: 'final-plan', startsOn: '2025-01-06', dueOn: '2025-05-26', status: 'open' });
    expect(s.next).toMatchObject({ id: 'decision-to-assess', dueOn: '2025-02-17' });
  });

  it('a decision not to assess (3 Feb 2025) ends them: lapsed, nothing overdue after 26 May 2025', () => {
    const s = statutoryStatus(history(steps.request(), steps.refuse()), '2025-06-01');
    expect(s.finalPlan).toMatchObject({ dueOn: '2025-05-26', status: 'lapsed' });
    expect(byId(s.deadlines, 'decision-whether-to-issue')).toMatchObject({ status: 'lapsed' });
    expect(s.overdue).toEqual([]);
  });
});

describe('a move to another LA mid-assessment: the new LA’s own limits from becoming responsible (regs 5(1)(b), 10(1), 13(2); CFA 2014 s.24)', () => {
  it('the transfer on Mon 10 Mar 2025 gives the new LA 6 weeks to decide whether to assess (21 Apr), 16 weeks (30 Jun) and 20 weeks (28 Jul)', () => {
    // 10 Mar + 42 days: 21 to 31 Mar, 21 into Apr -> 21 Apr; + 112 days: 21 Mar, 30 Apr, 31 May, 30 Jun -> 30 Jun; + 140 -> 28 Jul
    spec.given(history(steps.request(), steps.assess())).when(cmd('2025-03-10', { type: 'TransferAssessment', transferId: 't-1', toLocalAuthority: NEW })).then([{
      type: 'ehc.assessment-transferred.v1',
      data: {
        caseId: CASE, transferId: 't-1', assessmentId: 'asmt-1', fromLocalAuthority: OLD, toLocalAuthority: NEW, transferredOn: '2025-03-10', clock: 'from-transfer',
        clockStartsOn: '2025-03-10', decisionWhetherToIssueDueOn: '2025-06-30', finalPlanDueOn: '2025-07-28', decisionToAssessDueOn: '2025-04-21',
      },
    }]);
  });

  it('reg 5(1)(b): the new LA makes its own decision whether to assess, once, not before the transfer; the clock shows it met', () => {
    spec.given(moved()).when(cmd('2025-03-09', { type: 'DecideToAssess', assessmentId: 'asmt-2' })).thenThrows(E.ChronologyError);
    const [decided] = spec.given(moved()).when(cmd('2025-03-17', { type: 'DecideToAssess', assessmentId: 'asmt-2' })).then([
      { type: 'ehc.decision-to-assess.v1', data: { caseId: CASE, decision: 'assess', assessmentId: 'asmt-2', decidedOn: '2025-03-17' } },
    ]);
    spec.given([...moved(), decided]).when(cmd('2025-03-18', { type: 'DecideToAssess', assessmentId: 'asmt-3' })).thenThrows(E.AssessmentAlreadyDecidedError);
    const s = statutoryStatus([...moved(), decided], '2025-03-18');
    expect(byId(s.deadlines, 'decision-to-assess:t-1')).toMatchObject({ regulation: 'reg 5(1)(b)', dueOn: '2025-04-21', status: 'met', metOn: '2025-03-17', refs: { responsibleAuthority: NEW } });
    expect(s.caseStatus).toBe('assessing');
  });

  it('without the move the decision is made once only (reg 5(1)(a))', () => {
    spec.given(history(steps.request(), steps.assess())).when(cmd('2025-03-17', { type: 'DecideToAssess', assessmentId: 'asmt-2' })).thenThrows(E.AssessmentAlreadyDecidedError);
  });

  it('a new LA that does not decide within its 6 weeks is overdue on 22 Apr 2025; one that decides not to assess ends its 16/20-week limits', () => {
    expect(byId(statutoryStatus(moved(), '2025-04-22').deadlines, 'decision-to-assess:t-1')).toMatchObject({ status: 'overdue', daysLate: 1 });
    spec.given(moved()).when(cmd('2025-03-24', { type: 'DecideNotToAssess' })).thenState((state) => expect(state.status).toBe('assessment-refused'));
    const events = history(steps.request(), steps.assess(), cmd('2025-03-10', { type: 'TransferAssessment', transferId: 't-1', toLocalAuthority: NEW }), cmd('2025-03-24', { type: 'DecideNotToAssess' }));
    const s = statutoryStatus(events, '2025-08-01');
    expect(byId(s.deadlines, 'final-plan:t-1')).toMatchObject({ status: 'lapsed' });
    expect(byId(s.deadlines, 'decision-whether-to-issue:t-1')).toMatchObject({ status: 'lapsed' });
    expect(s.overdue).toEqual([]);
  });

  it('the "final plan due" summary is the responsible LA’s limit: 28 Jul 2025 for the new LA, not the old LA’s lapsed 26 May 2025', () => {
    const s = statutoryStatus(moved(), '2025-06-01');
    expect(byId(s.deadlines, 'final-plan')).toMatchObject({ dueOn: '2025-05-26', status: 'lapsed', refs: { responsibleAuthority: OLD } });
    expect(s.finalPlan).toMatchObject({ id: 'final-plan:t-1', dueOn: '2025-07-28', status: 'open', refs: { responsibleAuthority: NEW } });
    expect(s.decisionWhetherToIssue).toMatchObject({ id: 'decision-whether-to-issue:t-1', dueOn: '2025-06-30' });
  });
});

describe('a plan transferred to another LA (reg 15(4)-(5))', () => {
  it('reg 15(5)(b): "3 months beginning with" a transfer on 10 Jan 2025 end on 9 Apr 2025 (10 Jan-9 Feb, 10 Feb-9 Mar, 10 Mar-9 Apr), not 10 Apr', () => {
    expect(T.reviewDueThreeMonthsAfterTransfer('2025-01-10')).toBe('2025-04-09');
    // plan made 1 Jun 2024: 12 months starting with it end 31 May 2025, later than 9 Apr 2025
    expect(T.reviewDueAfterTransfer('2024-06-01', '2025-01-10')).toBe('2025-05-31');
    // plan last reviewed 1 Mar 2024: 12 months end 28 Feb 2025, earlier than 9 Apr 2025
    expect(T.reviewDueAfterTransfer('2024-03-01', '2025-01-10')).toBe('2025-04-09');
  });

  const transferred = () => plan(
    cmd('2026-03-02', { type: 'NotifyTransfer', transferId: 't-1', toLocalAuthority: NEW, moveOn: '2026-04-10' }),
    cmd('2026-04-10', { type: 'TransferPlan', transferId: 't-1' }),
  );
  it('on the case: plan made 19 May 2025 (12 months end 18 May 2026), transfer 10 Apr 2026 (3 months end 9 Jul 2026): review due 9 Jul 2026', () => {
    expect(byId(statutoryStatus(transferred(), '2026-04-11').deadlines, 'annual-review:2025-05-19')).toMatchObject({ dueOn: '2026-07-09', regulation: 'CFA 2014 s.44(1); reg 15' });
  });
  it('reg 15(4)(a): the new LA records when it will review; a date after the reg 15(5) limit (9 Jul 2026) is refused', () => {
    spec.given(transferred()).when(cmd('2026-05-01', { type: 'DecideReassessmentAfterTransfer', transferId: 't-1', willReassess: false, reviewOn: '2026-07-10' })).thenThrows(E.InvalidCommandError, /reg 15\(5\): the new LA must review by 2026-07-09/);
    const [decided] = spec.given(transferred()).when(cmd('2026-05-01', { type: 'DecideReassessmentAfterTransfer', transferId: 't-1', willReassess: false, reviewOn: '2026-07-09' })).then([
      { type: 'ehc.transfer-reassessment-decided.v1', data: { caseId: CASE, transferId: 't-1', willReassess: false, decidedOn: '2026-05-01', reviewOn: '2026-07-09' } },
    ]);
    // 10 Apr 2026 + 6 weeks = 22 May 2026
    expect(byId(statutoryStatus([...transferred(), decided], '2026-05-02').deadlines, 'transfer-reassessment:t-1')).toMatchObject({
      regulation: 'reg 15(4)', dueOn: '2026-05-22', status: 'met', refs: { responsibleAuthority: NEW, reviewOn: '2026-07-09' },
    });
  });
});

describe('tribunal orders (regs 44-45)', () => {
  const order = (at: string, kind: string, regulation = 'reg 44') => cmd(at, { type: 'RecordTribunalOrder', orderId: 'o-1', regulation, kind } as never);

  it('reg 44(2): an order that only changes the school or placement named: the amended plan within 2 weeks (order Mon 1 Sep 2025 -> 15 Sep 2025); other amendments 5 weeks (6 Oct 2025)', () => {
    const placement = plan(order('2025-09-01', 'amend-placement'));
    expect(byId(statutoryStatus(placement, '2025-09-16').deadlines, 'tribunal:o-1:amended-plan')).toMatchObject({ regulation: 'reg 44(2)', dueOn: '2025-09-15', status: 'overdue', daysLate: 1 });
    const contents = plan(order('2025-09-01', 'amend-plan'));
    expect(byId(statutoryStatus(contents, '2025-09-16').deadlines, 'tribunal:o-1:amended-plan')).toMatchObject({ dueOn: '2025-10-06', status: 'open' });
    // the amendment made under the placement order meets it
    const met = plan(order('2025-09-01', 'amend-placement'), cmd('2025-09-02', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'tribunal-order', tribunalOrderId: 'o-1' }), cmd('2025-09-15', { type: 'AmendPlan', amendmentId: 'am-1', namedSettingRef: 'urn-200002' }));
    expect(byId(statutoryStatus(met, '2025-09-16').deadlines, 'tribunal:o-1:amended-plan')).toMatchObject({ status: 'met', metOn: '2025-09-15' });
  });

  it('reg 44(2): an order to continue to maintain takes effect at once: a ceased plan is in force again the day of the order, with no new clock', () => {
    const ceased = plan(...steps.cease('2025-05-20', '2025-07-21'));
    spec.given(ceased).when(cmd('2025-09-01', { type: 'ScheduleReviewMeeting', reviewId: 'r-1', meetingOn: '2025-10-01' })).thenThrows(E.CaseClosedError);
    spec.given(ceased).when(order('2025-09-01', 'continue-to-maintain')).thenState((state) => {
      expect(state.status).toBe('plan-in-force');
      expect(state.ceased).toBeUndefined();
    });
    const restored = [...ceased, ...spec.given(ceased).when(order('2025-09-01', 'continue-to-maintain')).thenMatches([{ type: 'ehc.tribunal-order-received.v1' }])];
    expect(statutoryStatus(restored, '2025-09-02').deadlines.filter((d) => d.step === 'tribunal')).toEqual([]);
    spec.given(restored).when(cmd('2025-09-02', { type: 'ScheduleReviewMeeting', reviewId: 'r-1', meetingOn: '2025-10-01' })).thenMatches([{ type: 'ehc.review-meeting-scheduled.v1' }]);
  });

  it('reg 44(2): dismissing an appeal against ceasing means ceasing at once: due the day of the order (1 Sep 2025), a day later is late', () => {
    const events = plan(order('2025-09-01', 'cease'));
    expect(byId(statutoryStatus(events, '2025-09-01').deadlines, 'tribunal:o-1:cease-plan')).toMatchObject({ dueOn: '2025-09-01', status: 'open' });
    const ceasedNextDay = plan(order('2025-09-01', 'cease'), cmd('2025-09-02', { type: 'CeasePlan', reason: 'needs-met-without-plan' }));
    expect(byId(statutoryStatus(ceasedNextDay, '2025-09-03').deadlines, 'tribunal:o-1:cease-plan')).toMatchObject({ status: 'late', daysLate: 1 });
    const ceasedThatDay = plan(order('2025-09-01', 'cease'), cmd('2025-09-01', { type: 'CeasePlan', reason: 'needs-met-without-plan' }));
    expect(byId(statutoryStatus(ceasedThatDay, '2025-09-03').deadlines, 'tribunal:o-1:cease-plan')).toMatchObject({ status: 'met' });
    spec.given(history(steps.request(), steps.refuse())).when(order('2025-09-01', 'cease')).thenThrows(E.TribunalOrderNotApplicableError);
  });

  it('reg 45: the LA does not oppose an appeal against a refusal to assess: the clocks run from its notice to the Tribunal (Mon 2 Jun 2025)', () => {
    // 2 Jun + 2 weeks = 16 Jun; + 10 weeks (70 days: 28 to 30 Jun, 31 in Jul, 11 into Aug) = 11 Aug; + 14 weeks (98 days) = 8 Sep 2025
    const refused = history(steps.request(), steps.refuse());
    const [notice] = spec.given(refused).when(order('2025-06-02', 'assess', 'reg 45')).then([
      { type: 'ehc.tribunal-order-received.v1', data: { caseId: CASE, orderId: 'o-1', regulation: 'reg 45', kind: 'assess', orderOn: '2025-06-02', tribunalNotifiedOn: '2025-06-02' } },
    ]);
    const s = statutoryStatus([...refused, notice], '2025-06-03');
    expect(byId(s.deadlines, 'tribunal:o-1:confirm-assessment')).toMatchObject({ regulation: 'reg 45', startsOn: '2025-06-02', dueOn: '2025-06-16', what: expect.stringContaining("from the LA's notice to the Tribunal") });
    expect(byId(s.deadlines, 'tribunal:o-1:decision-whether-to-issue')).toMatchObject({ dueOn: '2025-08-11' });
    expect(byId(s.deadlines, 'tribunal:o-1:final-plan')).toMatchObject({ dueOn: '2025-09-08' });
    // the page's "final plan due" follows the order's limit once the request's limits lapsed with the refusal
    expect(s.finalPlan).toMatchObject({ id: 'tribunal:o-1:final-plan', dueOn: '2025-09-08' });
  });

  it('a plan made under an order to assess is flagged for reporting apart from the 20-week measure; an order about the placement is not', () => {
    const underOrder = history(steps.request(), steps.refuse(), order('2025-06-02', 'assess'), cmd('2025-06-09', { type: 'DecideToAssess', assessmentId: 'asmt-2' }));
    expect(statutoryStatus(underOrder, '2025-06-10').sen2?.tribunalOrdered).toBe(true);
    expect(statutoryStatus(plan(order('2025-09-01', 'amend-placement')), '2025-09-02').sen2?.tribunalOrdered).toBe(false);
  });
});

describe('a change of NHS commissioning body (reg 16)', () => {
  it('reg 16(2): the previous commissioning body, not the LA, notifies the new one within 15 working days of learning of it (Mon 15 Dec 2025 -> Wed 7 Jan 2026)', () => {
    // 15 working days beginning with 15 Dec: 15-19, 22-24 Dec (8); 25, 26 Dec holidays; 29-31 Dec (11); 1 Jan holiday; 2 Jan (12); 5-7 Jan (15)
    const events = plan(cmd('2025-12-15', { type: 'RecordCommissioningBodyChange', changeId: 'ch-1', newCommissioningBodyRef: 'QWU' }));
    expect(byId(statutoryStatus(events, '2025-12-16').deadlines, 'commissioning-body-notice:ch-1')).toMatchObject({
      responsible: 'health', regulation: 'reg 16(2)', dueOn: '2026-01-07', status: 'open', refs: { newCommissioningBodyRef: 'QWU' },
    });
    expect(statutoryStatus(events, '2026-01-08').overdueByResponsible).toMatchObject({ health: [expect.objectContaining({ id: 'commissioning-body-notice:ch-1' })] });
  });
});

describe('exceptions to a tribunal order’s limits (reg 44(3))', () => {
  // refused to issue on 20 Apr 2025; ordered to make a plan on Mon 1 Sep 2025: draft by 6 Oct (5 weeks), final by 17 Nov 2025 (11 weeks)
  const ordered = () => history(steps.request(), steps.assess(), steps.notIssue('2025-04-20'), cmd('2025-09-01', { type: 'RecordTribunalOrder', orderId: 'o-1', regulation: 'reg 44', kind: 'make-plan' }));
  const absence = (toOn: string, more: Record<string, unknown> = {}) =>
    cmd('2025-09-22', { type: 'RecordException', exceptionId: 'x-1', limit: 'tribunal', tribunalOrderId: 'o-1', reason: 'absent-from-area', fromOn: '2025-09-08', toOn, ...more } as never);

  it('reg 44(3)(b): an absence from the area of at least 2 weeks (8-21 Sep 2025, 14 days counted inclusively) is an exception; 8-20 Sep is not', () => {
    spec.given(ordered()).when(absence('2025-09-21')).thenMatches([{ type: 'ehc.exception-recorded.v1', data: { limit: 'tribunal', tribunalOrderId: 'o-1', regulation: 'reg 44(3)', limb: 'reg 44(3)(b)' } }]);
    spec.given(ordered()).when(absence('2025-09-20')).thenThrows(E.ExceptionConditionNotMetError, /at least 2 weeks/);
  });

  it('reg 44(3) has no missed-appointment limb, and names the order it applies to', () => {
    spec.given(ordered()).when(cmd('2025-09-22', { type: 'RecordException', exceptionId: 'x-1', limit: 'tribunal', tribunalOrderId: 'o-1', reason: 'missed-appointment', fromOn: '2025-09-10' } as never)).thenThrows(E.ExceptionNotApplicableError);
    spec.given(ordered()).when(absence('2025-09-21', { tribunalOrderId: undefined })).thenThrows(E.TribunalOrderNotApplicableError);
  });

  it('the 14 days excuse the draft for 14 days only: open (excused) on 7 Oct, overdue after 20 Oct 2025 (6 Oct + 14)', () => {
    const events = [...ordered(), ...spec.given(ordered()).when(absence('2025-09-21')).thenMatches([{ type: 'ehc.exception-recorded.v1' }])];
    expect(byId(statutoryStatus(events, '2025-10-07').deadlines, 'tribunal:o-1:draft-plan')).toMatchObject({ dueOn: '2025-10-06', status: 'open', exceptionApplied: true, excusedUntil: '2025-10-20' });
    expect(byId(statutoryStatus(events, '2025-10-21').deadlines, 'tribunal:o-1:draft-plan')).toMatchObject({ status: 'overdue' });
  });
});
