import { statutoryStatus } from '../clock/statutory-clock';
import { DeciderSpecification } from '../testing/decider-specification';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import { replay } from './state';
import { CASE, cmd, history, planInForce, steps } from './test-fixtures';

/**
 * Reassessment (CFA 2014 s.44(2), s.51(2)(d); regs 24-27). The fixture plan was issued on Monday 19 May 2025; the
 * request for reassessment arrives on Monday 2 March 2026.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const run = (events: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const out = [...events];
  for (const c of commands) out.push(...ehcCaseDecider.decide(c, replay(out)));
  return out;
};
const ALL = { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } as const;
const request = (at = '2026-03-02') => cmd(at, { type: 'RequestReassessment', reassessmentId: 'rea-1', requestedBy: 'parent-or-young-person' });
const reassess = (at = '2026-03-16') => cmd(at, { type: 'DecideOnReassessment', reassessmentId: 'rea-1', decision: 'reassess', assessmentId: 'asmt-2' });
const notReassess = (at: string) => cmd(at, { type: 'DecideOnReassessment', reassessmentId: 'rea-1', decision: 'not-reassess' });
const byId = (events: EhcEvent[], asOf: string, id: string) => statutoryStatus(events, asOf).deadlines.find((d) => d.id === id);

describe('reassessment: the request and the decision within 15 days (CFA 2014 s.44(2); regs 24-25)', () => {
  it('reg 25(1): a request received Mon 2 Mar 2026 is decided by 2 Mar + 15 days = Tue 17 Mar 2026', () => {
    spec.given(planInForce()).when(request()).then([
      { type: 'ehc.reassessment-requested.v1', data: { caseId: CASE, reassessmentId: 'rea-1', requestedBy: 'parent-or-young-person', receivedOn: '2026-03-02', decisionDueOn: '2026-03-17' } },
    ]);
    const requested = run(planInForce(), request());
    expect(byId(requested, '2026-03-17', 'reassessment-decision:rea-1')).toMatchObject({ regulation: 'reg 25(1)', dueOn: '2026-03-17', status: 'open' });
    expect(byId(requested, '2026-03-18', 'reassessment-decision:rea-1')).toMatchObject({ status: 'overdue', daysLate: 1 });
    // the institution and the NHS commissioning body may ask too (s.44(2)); anyone else may not
    spec.given(planInForce()).when(cmd('2026-03-02', { type: 'RequestReassessment', reassessmentId: 'rea-1', requestedBy: 'institution' })).thenMatches([{ type: 'ehc.reassessment-requested.v1' }]);
    spec.given(planInForce()).when(cmd('2026-03-02', { type: 'RequestReassessment', reassessmentId: 'rea-1', requestedBy: 'neighbour' } as never)).thenThrows(E.InvalidCommandError, /requestedBy/);
    // s.44(3): the LA may reassess of its own motion; reg 27(2) runs the 14 weeks from that decision too
    const own = run(planInForce(), cmd('2026-03-02', { type: 'RequestReassessment', reassessmentId: 'rea-1', requestedBy: 'local-authority' }));
    spec.given(own).when(reassess('2026-03-02')).thenMatches([{ type: 'ehc.reassessment-decided.v1', data: { inTime: true, finalPlanDueOn: '2026-06-08' } }]);
  });

  it('a reassessment is of a child or young person with a plan: refused before the final plan or after it ceased', () => {
    spec.given(history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft())).when(request('2025-04-20')).thenThrows(E.PlanNotInForceError);
    const ceased = history(steps.request(), steps.assess(), ...steps.adviceGathered(), steps.draft(), steps.final(), ...steps.cease('2025-09-01', '2025-11-03'));
    spec.given(ceased).when(request()).thenThrows(E.CaseClosedError);
  });

  it('reg 25, 27(2): deciding to reassess on Mon 16 Mar 2026 is in time; the amended plan is due 16 Mar + 14 weeks = Mon 22 Jun 2026', () => {
    const requested = run(planInForce(), request());
    spec.given(requested).when(reassess()).then([
      { type: 'ehc.reassessment-decided.v1', data: { caseId: CASE, reassessmentId: 'rea-1', decision: 'reassess', decidedOn: '2026-03-16', inTime: true, assessmentId: 'asmt-2', finalPlanDueOn: '2026-06-22' } },
    ]);
    const decided = run(requested, reassess());
    expect(byId(decided, '2026-03-17', 'reassessment-decision:rea-1')).toMatchObject({ status: 'met', metOn: '2026-03-16' });
    expect(byId(decided, '2026-06-22', 'reassessment-final-plan:rea-1')).toMatchObject({ regulation: 'reg 27(2)', dueOn: '2026-06-22', status: 'open' });
    expect(byId(decided, '2026-06-23', 'reassessment-final-plan:rea-1')).toMatchObject({ status: 'overdue', daysLate: 1 });
    expect(replay(decided)).toMatchObject({ status: 'plan-in-force', assessmentId: 'asmt-2' });
  });

  it('a decision on Wed 18 Mar 2026 is recorded as out of time (inTime false; the clock shows it 1 day late)', () => {
    const late = run(planInForce(), request(), reassess('2026-03-18'));
    expect(late.at(-1)).toMatchObject({ data: { inTime: false, finalPlanDueOn: '2026-06-24' } });
    expect(byId(late, '2026-03-19', 'reassessment-decision:rea-1')).toMatchObject({ status: 'late', daysLate: 1 });
  });

  it('one decision per request, not before it, naming a new assessment id; one reassessment at a time', () => {
    const requested = run(planInForce(), request());
    spec.given(requested).when(reassess('2026-03-01')).thenThrows(E.ChronologyError);
    spec.given(requested).when(cmd('2026-03-16', { type: 'DecideOnReassessment', reassessmentId: 'rea-1', decision: 'reassess', assessmentId: 'asmt-1' })).thenThrows(E.DuplicateIdError);
    spec.given(requested).when(cmd('2026-03-16', { type: 'DecideOnReassessment', reassessmentId: 'rea-1', decision: 'reassess' })).thenThrows(E.InvalidCommandError, /assessmentId/);
    spec.given(requested).when(cmd('2026-03-16', { type: 'DecideOnReassessment', reassessmentId: 'rea-9', decision: 'reassess', assessmentId: 'asmt-2' })).thenThrows(E.ReassessmentNotFoundError);
    const decided = run(requested, reassess());
    spec.given(decided).when(reassess('2026-03-17')).thenThrows(E.AlreadyRecordedError);
    const second = run(decided, cmd('2026-04-01', { type: 'RequestReassessment', reassessmentId: 'rea-2', requestedBy: 'institution' }));
    spec.given(second).when(cmd('2026-04-02', { type: 'DecideOnReassessment', reassessmentId: 'rea-2', decision: 'reassess', assessmentId: 'asmt-3' })).thenThrows(E.AlreadyRecordedError, /still running/);
    spec.given(second).when(notReassess('2026-04-02')).thenThrows(E.AlreadyRecordedError);
  });
});

describe('reassessment: a decision not to reassess is appealable (CFA 2014 s.51(2)(d); reg 25)', () => {
  it('is flagged until notified with the right of appeal; the appeal window runs 2 months from it (20 Mar -> 20 May 2026)', () => {
    const refused = run(planInForce(), request(), notReassess('2026-03-20'));
    expect(refused.at(-1)).toEqual({ type: 'ehc.reassessment-decided.v1', data: { caseId: CASE, reassessmentId: 'rea-1', decision: 'not-reassess', decidedOn: '2026-03-20', inTime: false } });
    expect(statutoryStatus(refused, '2026-03-21').decisionsWithoutAppealNotice).toContainEqual({ decision: 'not-to-reassess', decidedOn: '2026-03-20', regulation: 'CFA 2014 s.51(2)(d); reg 25', reassessmentId: 'rea-1' });
    spec.given(refused).when(cmd('2026-03-20', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-reassess', reassessmentId: 'rea-1', includes: ALL })).then([{
      type: 'ehc.appeal-rights-notified.v1',
      data: { caseId: CASE, noticeId: 'n-1', decision: 'not-to-reassess', decidedOn: '2026-03-20', notifiedOn: '2026-03-20', reassessmentId: 'rea-1', includes: ALL, appealDueOn: '2026-05-20' },
    }]);
    const notified = run(refused, cmd('2026-03-20', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-reassess', reassessmentId: 'rea-1', includes: ALL }));
    expect(statutoryStatus(notified, '2026-03-21').decisionsWithoutAppealNotice.map((d) => d.decision)).not.toContain('not-to-reassess');
    expect(byId(notified, '2026-03-21', 'appeal-window:n-1')).toMatchObject({ dueOn: '2026-05-20', refs: { decision: 'not-to-reassess' } });
  });

  it('the notice names the reassessment, which must have been refused', () => {
    const decided = run(planInForce(), request(), reassess());
    spec.given(decided).when(cmd('2026-03-20', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-reassess', includes: ALL })).thenThrows(E.ReassessmentNotFoundError);
    spec.given(decided).when(cmd('2026-03-20', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-reassess', reassessmentId: 'rea-1', includes: ALL })).thenThrows(E.AppealableDecisionNotFoundError);
    spec.given(decided).when(cmd('2026-03-20', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'cease', reassessmentId: 'rea-1', includes: ALL })).thenThrows(E.InvalidCommandError, /reassessmentId/);
  });
});

describe('reassessment: the assessment steps under its own assessment id, then the amended plan (regs 26-27)', () => {
  const decided = () => run(planInForce(), request(), reassess());

  it('reg 26 (regs 6-8 apply): advice is sought again under asmt-2, due 6 weeks later (17 Mar -> 28 Apr 2026), though asmt-1 asked the same adviser', () => {
    spec.given(decided()).when(steps.askAdvice('req-edu-2', 'educational', 'education', '2026-03-17')).then([{
      type: 'ehc.advice-requested.v1',
      data: { caseId: CASE, assessmentId: 'asmt-2', adviceRequestId: 'req-edu-2', adviceType: 'educational', agency: 'education', requestedOn: '2026-03-17', dueOn: '2026-04-28' },
    }]);
    const asked = run(decided(), steps.askAdvice('req-edu-2', 'educational', 'education', '2026-03-17'));
    spec.given(asked).when(steps.askAdvice('req-edu-3', 'educational', 'education', '2026-03-18')).thenThrows(E.AdviceAlreadyRequestedError);
    spec.given(asked).when(steps.receiveAdvice('req-edu-2', 'education', '2026-04-20')).thenMatches([{ type: 'ehc.advice-received.v1', data: { assessmentId: 'asmt-2' } }]);
    // no reassessment running: no advice is sought on a plan in force
    spec.given(planInForce()).when(steps.askAdvice('req-x', 'medical', 'health', '2026-03-17')).thenThrows(E.AssessmentClosedError);
  });

  it('reg 27(1)-(2): the amended plan names the reassessment; 15 days beginning with 4 May for the family (to 18 May 2026); issued 19 May it meets the 14 weeks (22 Jun)', () => {
    const propose = cmd('2026-05-04', { type: 'ProposeAmendment', amendmentId: 'am-r', trigger: 'reassessment', reassessmentId: 'rea-1' });
    spec.given(decided()).when(propose).then([{
      type: 'ehc.amendment-proposed.v1',
      data: { caseId: CASE, amendmentId: 'am-r', trigger: 'reassessment', proposedOn: '2026-05-04', commentsDueOn: '2026-05-18', amendedPlanDueOn: '2026-06-22', reassessmentId: 'rea-1' },
    }]);
    const proposed = run(decided(), propose);
    expect(statutoryStatus(proposed, '2026-05-05').deadlines.map((d) => d.id)).not.toContain('amended-plan:am-r');
    const amended = run(proposed, cmd('2026-05-19', { type: 'AmendPlan', amendmentId: 'am-r' }));
    expect(byId(amended, '2026-05-20', 'reassessment-final-plan:rea-1')).toMatchObject({ status: 'met', metOn: '2026-05-19', refs: { amendmentId: 'am-r', assessmentId: 'asmt-2' } });
    // the reassessment is over: no more advice under it, and a new request may be decided
    spec.given(amended).when(steps.askAdvice('req-x', 'medical', 'health', '2026-05-20')).thenThrows(E.AssessmentClosedError);
    spec.given(amended).when(cmd('2026-05-20', { type: 'ProposeAmendment', amendmentId: 'am-s', trigger: 'reassessment', reassessmentId: 'rea-1' })).thenThrows(E.AlreadyRecordedError);
  });

  it('an amendment after a reassessment names it, and only then; a refused request cannot be amended upon', () => {
    spec.given(decided()).when(cmd('2026-05-04', { type: 'ProposeAmendment', amendmentId: 'am-r', trigger: 'reassessment' })).thenThrows(E.InvalidCommandError, /reassessmentId/);
    spec.given(decided()).when(cmd('2026-05-04', { type: 'ProposeAmendment', amendmentId: 'am-r', trigger: 'change-of-circumstances', reassessmentId: 'rea-1' })).thenThrows(E.InvalidCommandError);
    spec.given(run(planInForce(), request(), notReassess('2026-03-10'))).when(cmd('2026-05-04', { type: 'ProposeAmendment', amendmentId: 'am-r', trigger: 'reassessment', reassessmentId: 'rea-1' })).thenThrows(E.ReassessmentNotFoundError);
  });
});
