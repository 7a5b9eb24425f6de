import { statutoryStatus } from '../clock/statutory-clock';
import { DeciderSpecification } from '../testing/decider-specification';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import { replay } from './state';
import { CASE, cmd, history, planInForce, steps } from './test-fixtures';

/**
 * Rights of appeal and mediation (CFA 2014 s.51-55; regs 5(3), 10(3), 14, 22(4), 31, 32-39; Tribunal Procedure
 * Rules r.20) and ceasing a plan (CFA 2014 s.45; regs 29-31). The fixture plan was issued on Monday 19 May 2025.
 */
const spec = DeciderSpecification(ehcCaseDecider);
const run = (events: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const out = [...events];
  for (const c of commands) out.push(...ehcCaseDecider.decide(c, replay(out)));
  return out;
};
const ALL = { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } as const;
const propose = (at = '2025-09-01') => cmd(at, { type: 'ProposeCessation', cessationId: 'ces-1', reason: 'needs-met-without-plan' });
const consult = (consultee: 'parent-or-young-person' | 'institution', at: string) =>
  cmd(at, { type: 'RecordCessationConsultation', cessationId: 'ces-1', consultee, ...(consultee === 'institution' ? { institutionRef: 'urn-100001' } : {}) });
const decideToCease = (at = '2025-09-15') => cmd(at, { type: 'DecideToCease', cessationId: 'ces-1' });
const noticeOfCease = (at = '2025-09-15') => cmd(at, { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'cease', cessationId: 'ces-1', includes: ALL });
const cease = (at: string) => cmd(at, { type: 'CeasePlan' } as never);
const mediation = (choice: 'mediate' | 'not-mediate', at = '2025-09-26') =>
  cmd(at, { type: 'RecordMediationDecision', mediationId: 'med-1', noticeId: 'n-1', adviceGivenOn: '2025-09-24', choice });
const certificate = (at: string) => cmd(at, { type: 'IssueMediationCertificate', mediationId: 'med-1' });
const appeal = (at: string) => cmd(at, { type: 'RegisterAppeal', appealId: 'ap-1', noticeId: 'n-1', hearingOn: '2026-02-10' });
const decideAppeal = (at: string, outcome: 'allowed' | 'dismissed' | 'withdrawn' | 'conceded') => cmd(at, { type: 'DecideAppeal', appealId: 'ap-1', outcome, hearingOn: '2026-02-10' });

/** Proposed 1 Sep 2025, family consulted 2 Sep, school 3 Sep, decided and notified Monday 15 Sep 2025. */
const decidedAndNotified = () => run(planInForce(), propose(), consult('parent-or-young-person', '2025-09-02'), consult('institution', '2025-09-03'), decideToCease(), noticeOfCease());

describe('ceasing a plan: proposal, consultation, decision (CFA 2014 s.45; regs 29-31)', () => {
  it('reg 29: the decision to cease comes only after consulting the parent or young person and the institution; the plan stays in force', () => {
    const proposed = run(planInForce(), propose(), consult('parent-or-young-person', '2025-09-02'));
    spec.given(proposed).when(decideToCease()).thenThrows(E.CessationNotConsultedError, /institution/);
    const consulted = run(proposed, consult('institution', '2025-09-03'));
    spec.given(consulted).when(decideToCease()).then([{ type: 'ehc.decision-to-cease.v1', data: { caseId: CASE, cessationId: 'ces-1', decidedOn: '2025-09-15', reason: 'needs-met-without-plan' } }]);
    expect(replay(run(consulted, decideToCease())).status).toBe('plan-in-force');
  });

  it('a proposal to cease must be decided before the plan ceases (reg 29-31)', () => {
    spec.given(run(planInForce(), propose())).when(cease('2025-12-01')).thenThrows(E.CessationNotFoundError, /consult and decide/);
  });

  it('reg 31: the decision to cease is notified with the right of appeal before the plan can cease', () => {
    const decided = run(planInForce(), propose(), consult('parent-or-young-person', '2025-09-02'), consult('institution', '2025-09-03'), decideToCease());
    spec.given(decided).when(cease('2026-01-05')).thenThrows(E.PlanMaintainedPendingAppealError, /not been notified/);
    // (the fixture's final plan of 19 May was never notified with its appeal rights either: reg 14)
    expect(statutoryStatus(decided, '2025-09-16').decisionsWithoutAppealNotice.map((d) => [d.decision, d.decidedOn])).toEqual([['plan-contents', '2025-05-19'], ['cease', '2025-09-15']]);
    expect(statutoryStatus(decidedAndNotified(), '2025-09-16').decisionsWithoutAppealNotice.map((d) => d.decision)).toEqual(['plan-contents']);
  });

  it('reg 31: maintained until the time for appealing has passed: 15 Sep 2025 + 2 months = 15 Nov 2025; ceases from 16 Nov with the decision’s reason', () => {
    const events = decidedAndNotified();
    expect(events.at(-1)).toMatchObject({ type: 'ehc.appeal-rights-notified.v1', data: { decidedOn: '2025-09-15', appealDueOn: '2025-11-15', includes: ALL } });
    spec.given(events).when(cease('2025-11-15')).thenThrows(E.PlanMaintainedPendingAppealError, /2025-11-15/);
    spec.given(events).when(cease('2025-11-16')).then([{ type: 'ehc.plan-ceased.v1', data: { caseId: CASE, ceasedOn: '2025-11-16', reason: 'needs-met-without-plan', cessationId: 'ces-1' } }]);
    spec.given(events).when(cmd('2025-11-16', { type: 'CeasePlan', reason: 'other' })).thenThrows(E.InvalidCommandError, /needs-met-without-plan/);
  });

  it('reg 31: maintained while the appeal is pending; ceased after it is dismissed', () => {
    const appealed = run(decidedAndNotified(), appeal('2025-11-10'));
    expect(appealed.at(-1)).toMatchObject({ data: { registeredOn: '2025-11-10', appealDueOn: '2025-11-15', inTime: true, decision: 'cease' } });
    spec.given(appealed).when(cease('2025-12-01')).thenThrows(E.PlanMaintainedPendingAppealError, /appeal ap-1/);
    spec.given(run(appealed, decideAppeal('2026-02-20', 'dismissed'))).when(cease('2026-02-21')).then([
      { type: 'ehc.plan-ceased.v1', data: { caseId: CASE, ceasedOn: '2026-02-21', reason: 'needs-met-without-plan', cessationId: 'ces-1' } },
    ]);
  });

  it('a successful appeal leaves the plan maintained (the decision to cease is overturned); an order to continue to maintain does the same', () => {
    const allowed = replay(run(decidedAndNotified(), appeal('2025-11-10'), decideAppeal('2026-02-20', 'allowed')));
    expect(allowed.status).toBe('plan-in-force');
    expect(allowed.cessations?.['ces-1']).toMatchObject({ decidedOn: '2025-09-15', overturnedOn: '2026-02-20' });
    expect(allowed.appeals?.['ap-1']).toMatchObject({ hearingOn: '2026-02-10', outcome: { outcome: 'allowed', decidedOn: '2026-02-20' } });
    const ordered = replay(run(decidedAndNotified(), appeal('2025-11-10'), cmd('2026-02-20', { type: 'RecordTribunalOrder', orderId: 'ord-1', regulation: 'reg 44', kind: 'continue-to-maintain' })));
    expect(ordered.cessations?.['ces-1']).toMatchObject({ overturnedOn: '2026-02-20' });
    // a new proposal may follow later
    spec.given(run(decidedAndNotified(), appeal('2025-11-10'), decideAppeal('2026-02-20', 'allowed'))).when(cmd('2026-09-01', { type: 'ProposeCessation', cessationId: 'ces-2', reason: 'left-education-or-training' }))
      .then([{ type: 'ehc.cessation-proposed.v1', data: { caseId: CASE, cessationId: 'ces-2', proposedOn: '2026-09-01', reason: 'left-education-or-training' } }]);
  });

  it('reg 44: an order to cease (appeal dismissed) lets the plan cease at once even before the appeal’s outcome is recorded', () => {
    const ordered = run(decidedAndNotified(), appeal('2025-11-10'), cmd('2026-02-20', { type: 'RecordTribunalOrder', orderId: 'ord-2', regulation: 'reg 44', kind: 'cease' }));
    spec.given(ordered).when(cease('2026-02-20')).then([{ type: 'ehc.plan-ceased.v1', data: { caseId: CASE, ceasedOn: '2026-02-20', reason: 'needs-met-without-plan', cessationId: 'ces-1' } }]);
  });

  it('regs 29-31: a plan does not cease without a decision to cease, even with a reason', () => {
    spec.given(planInForce()).when(cmd('2026-01-05', { type: 'CeasePlan', reason: 'moved-outside-england' })).thenThrows(E.CessationNotDecidedError, /decide to cease first/);
    spec.given(planInForce()).when(cease('2026-01-05')).thenThrows(E.CessationNotDecidedError);
  });

  it('reg 44(2): under a Tribunal order to cease made without a decision on this case, the plan ceases with its SEN2 reason, not before the order', () => {
    const ordered = run(planInForce(), cmd('2026-01-05', { type: 'RecordTribunalOrder', orderId: 'ord-3', regulation: 'reg 44', kind: 'cease' }));
    spec.given(ordered).when(cmd('2026-01-05', { type: 'CeasePlan', reason: 'moved-outside-england' })).then([{ type: 'ehc.plan-ceased.v1', data: { caseId: CASE, ceasedOn: '2026-01-05', reason: 'moved-outside-england' } }]);
    spec.given(ordered).when(cease('2026-01-05')).thenThrows(E.InvalidCommandError, /reason/);
    spec.given(ordered).when(cmd('2026-01-04', { type: 'CeasePlan', reason: 'other' })).thenThrows(E.ChronologyError);
    // a later order to continue to maintain supersedes it
    spec.given(run(ordered, cmd('2026-02-01', { type: 'RecordTribunalOrder', orderId: 'ord-4', regulation: 'reg 44', kind: 'continue-to-maintain' })))
      .when(cmd('2026-02-02', { type: 'CeasePlan', reason: 'other' })).thenThrows(E.CessationNotDecidedError);
  });

  it('older histories replay: a plan-ceased event without a cessation still closes the case', () => {
    const old = [...planInForce(), { type: 'ehc.plan-ceased.v1' as const, data: { caseId: CASE, ceasedOn: '2026-01-05', reason: 'moved-outside-england' as const } }];
    expect(replay(old)).toMatchObject({ status: 'ceased', ceased: { ceasedOn: '2026-01-05', reason: 'moved-outside-england' } });
  });
});

describe('rights of appeal: every appealable decision is notified with them (regs 5(3), 10(3), 14, 22(4), 31)', () => {
  const refused = () => history(steps.request(), steps.refuse('2025-02-03'));

  it('reg 5(3): a decision not to assess without its notice is flagged by the clock until the notice is recorded', () => {
    expect(statutoryStatus(refused(), '2025-02-04').decisionsWithoutAppealNotice).toEqual([{ decision: 'not-to-assess', decidedOn: '2025-02-03', regulation: 'reg 5(3)' }]);
    const notice = cmd('2025-02-03', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-assess', includes: ALL });
    // 3 Feb 2025 + 2 months = 3 Apr 2025
    spec.given(refused()).when(notice).then([{
      type: 'ehc.appeal-rights-notified.v1',
      data: { caseId: CASE, noticeId: 'n-1', decision: 'not-to-assess', decidedOn: '2025-02-03', notifiedOn: '2025-02-03', includes: ALL, appealDueOn: '2025-04-03' },
    }]);
    expect(statutoryStatus(run(refused(), notice), '2025-02-04').decisionsWithoutAppealNotice).toEqual([]);
  });

  it('the notice must carry all four: right of appeal, mediation, disagreement resolution, information advice and support', () => {
    spec.given(refused()).when(cmd('2025-02-03', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-assess', includes: { ...ALL, disagreementResolution: false, informationAdviceSupport: false } }))
      .thenThrows(E.AppealNoticeIncompleteError, /disagreementResolution, informationAdviceSupport/);
  });

  it('a notice names a decision the case has, and is not dated before it', () => {
    spec.given(refused()).when(cmd('2025-02-03', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-issue', includes: ALL })).thenThrows(E.AppealableDecisionNotFoundError);
    spec.given(refused()).when(cmd('2025-02-01', { type: 'NotifyAppealRights', noticeId: 'n-1', decision: 'not-to-assess', includes: ALL })).thenThrows(E.ChronologyError);
  });

  it('reg 14: the final plan’s contents are appealable; reg 22(4): so is a decision not to amend', () => {
    expect(statutoryStatus(planInForce(), '2025-05-20').decisionsWithoutAppealNotice).toEqual([{ decision: 'plan-contents', decidedOn: '2025-05-19', regulation: 'reg 14' }]);
    const notAmended = run(planInForce(), cmd('2025-09-01', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances' }), cmd('2025-09-20', { type: 'DecideNotToAmend', amendmentId: 'am-1' }));
    // r.20(1): 2 months after the notice was sent, not after the decision: decided 20 Sep, notified 22 Sep -> 22 Nov
    spec.given(notAmended).when(cmd('2025-09-22', { type: 'NotifyAppealRights', noticeId: 'n-2', decision: 'not-to-amend', amendmentId: 'am-1', includes: ALL }))
      .then([{ type: 'ehc.appeal-rights-notified.v1', data: { caseId: CASE, noticeId: 'n-2', decision: 'not-to-amend', decidedOn: '2025-09-20', notifiedOn: '2025-09-22', amendmentId: 'am-1', includes: ALL, appealDueOn: '2025-11-22' } }]);
  });
});

describe('mediation (CFA 2014 s.55; regs 33, 37, 39) and the appeal window (Tribunal Procedure Rules r.20)', () => {
  it('reg 33: not to mediate (Friday 26 Sep 2025): the certificate within 3 working days (Mon 29, Tue 30, Wed 1 Oct); the window stays 15 Nov (later than 1 Oct + 1 month)', () => {
    const events = run(decidedAndNotified(), mediation('not-mediate'));
    expect(events.at(-1)).toMatchObject({ type: 'ehc.mediation-decided.v1', data: { adviceGivenOn: '2025-09-24', choice: 'not-mediate', decidedOn: '2025-09-26', certificateDueOn: '2025-10-01' } });
    expect(statutoryStatus(events, '2025-10-02').overdue.map((d) => d.id)).toEqual(['mediation-certificate:med-1']);
    const certified = run(events, certificate('2025-10-01'));
    expect(certified.at(-1)).toMatchObject({ data: { issuedOn: '2025-10-01', appealDueOn: '2025-11-15' } });
    expect(statutoryStatus(certified, '2025-10-02').deadlines.find((d) => d.id === 'mediation-certificate:med-1')).toMatchObject({ status: 'met' });
    // a late certificate (20 Oct) moves the window to 20 Nov: 1 month from the certificate is later than 2 months from the decision
    expect(run(events, certificate('2025-10-20')).at(-1)).toMatchObject({ data: { appealDueOn: '2025-11-20' } });
  });

  it('reg 37: mediation within 30 days (26 Sep + 30 = 26 Oct); reg 39: certificate within 3 working days of it (Fri 24 Oct -> Wed 29 Oct); window 28 Oct + 1 month = 28 Nov', () => {
    const chosen = run(decidedAndNotified(), mediation('mediate'));
    expect(chosen.at(-1)).toMatchObject({ data: { choice: 'mediate', mediationDueOn: '2025-10-26' } });
    expect(statutoryStatus(chosen, '2025-10-27').overdue.map((d) => d.id)).toEqual(['mediation:med-1']);
    spec.given(chosen).when(certificate('2025-10-01')).thenThrows(E.MediationNotFoundError, /not been held/);
    const held = run(chosen, cmd('2025-10-24', { type: 'RecordMediationHeld', mediationId: 'med-1', outcome: 'no-agreement' }));
    expect(held.at(-1)).toMatchObject({ type: 'ehc.mediation-held.v1', data: { heldOn: '2025-10-24', outcome: 'no-agreement', certificateDueOn: '2025-10-29' } });
    const certified = run(held, certificate('2025-10-28'));
    expect(certified.at(-1)).toMatchObject({ data: { appealDueOn: '2025-11-28' } });
    // while in mediation and until the window passes the plan is maintained (reg 31)
    spec.given(held).when(cease('2025-11-20')).thenThrows(E.PlanMaintainedPendingAppealError, /mediation/);
    spec.given(certified).when(cease('2025-11-28')).thenThrows(E.PlanMaintainedPendingAppealError, /2025-11-28/);
    const window = statutoryStatus(certified, '2025-11-01').deadlines.find((d) => d.id === 'appeal-window:n-1');
    expect(window).toMatchObject({ kind: 'minimum-period', responsible: 'family', dueOn: '2025-11-28', status: 'open' });
  });

  it('an appeal registered after the window is recorded as out of time (the Tribunal may still admit it)', () => {
    spec.given(decidedAndNotified()).when(cmd('2025-11-17', { type: 'RegisterAppeal', appealId: 'ap-1', noticeId: 'n-1' })).then([{
      type: 'ehc.appeal-registered.v1', data: { caseId: CASE, appealId: 'ap-1', noticeId: 'n-1', decision: 'cease', registeredOn: '2025-11-17', appealDueOn: '2025-11-15', inTime: false },
    }]);
  });

  it('one appeal at a time per decision; the outcome once, not before the registration, the hearing not after the decision', () => {
    const appealed = run(decidedAndNotified(), appeal('2025-11-10'));
    spec.given(appealed).when(cmd('2025-11-11', { type: 'RegisterAppeal', appealId: 'ap-2', noticeId: 'n-1' })).thenThrows(E.AlreadyRecordedError);
    spec.given(appealed).when(decideAppeal('2026-02-01', 'allowed')).thenThrows(E.ChronologyError);
    spec.given(run(appealed, decideAppeal('2026-02-20', 'withdrawn'))).when(decideAppeal('2026-02-21', 'allowed')).thenThrows(E.AlreadyRecordedError);
  });
});
