import { statutoryStatus } from '../clock/statutory-clock';
import { DeciderSpecification } from '../testing/decider-specification';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcCommand } from './commands';
import type { EhcEvent } from './events';
import { replay } from './state';
import { CASE, cmd, planInForce } from './test-fixtures';

/** Annual reviews (regs 20-21), amendments (regs 22, 28) and R (L) v Devon CC [2022] EWHC 493 (Admin). Plan issued 19 May 2025. */
const spec = DeciderSpecification(ehcCaseDecider);
const after = (...commands: EhcCommand[]): EhcEvent[] => {
  const events = planInForce();
  for (const c of commands) events.push(...ehcCaseDecider.decide(c, replay(events)));
  return events;
};
const dl = (events: EhcEvent[], id: string, asOf: string) => {
  const d = statutoryStatus(events, asOf).deadlines.find((x) => x.id === id);
  if (!d) throw new Error(`no deadline ${id}`);
  return d;
};
const propose = (at: string, over: Record<string, unknown> = {}) => cmd(at, { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances', ...over } as never);
const amend = (at: string) => cmd(at, { type: 'AmendPlan', amendmentId: 'am-1' });
const notAmend = (at: string) => cmd(at, { type: 'DecideNotToAmend', amendmentId: 'am-1' });
const schedule = (at: string, meetingOn: string) => cmd(at, { type: 'ScheduleReviewMeeting', reviewId: 'rev-1', meetingOn });
const hold = (at: string) => cmd(at, { type: 'HoldReviewMeeting', reviewId: 'rev-1' });
const decideReview = (at: string, decision = 'amend') => cmd(at, { type: 'MakeReviewDecision', reviewId: 'rev-1', decision } as never);

describe('amendments: the family’s 15 days come before the amended plan (reg 22(2), reg 28)', () => {
  // proposals Monday 1 Sep 2025: 15 days beginning with 1 Sep end 15 Sep (1 + 15 - 1); the amended plan from 16 Sep
  it('an amended plan the day after the proposals is refused; on day 15 too; from day 16 it is issued', () => {
    // corrected: the day after the proposals used to be accepted
    spec.given(after(propose('2025-09-01'))).when(amend('2025-09-02')).thenThrows(E.AmendmentDuringCommentPeriodError, /until 2025-09-15/);
    spec.given(after(propose('2025-09-01'))).when(amend('2025-09-15')).thenThrows(E.AmendmentDuringCommentPeriodError);
    spec.given(after(propose('2025-09-01'))).when(amend('2025-09-16')).then([{ type: 'ehc.plan-amended.v1', data: { caseId: CASE, amendmentId: 'am-1', amendedOn: '2025-09-16' } }]);
  });

  it('reg 22(3) / 28: the amended plan within 8 weeks of the proposals (1 Sep + 56 days = 27 Oct), overdue on 28 Oct', () => {
    const events = after(propose('2025-09-01'));
    expect(events.at(-1)).toMatchObject({ data: { commentsDueOn: '2025-09-15', amendedPlanDueOn: '2025-10-27' } });
    expect(dl(events, 'amended-plan:am-1', '2025-10-28')).toMatchObject({ status: 'overdue', daysLate: 1, regulation: 'reg 28' });
  });

  it('amendments outside a review follow reg 28; after a review, reg 22', () => {
    const outside = after(propose('2025-09-01'));
    expect(dl(outside, 'amendment-comments:am-1', '2025-09-02')).toMatchObject({ regulation: 'reg 28', kind: 'minimum-period', dueOn: '2025-09-15' });
    const afterReview = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), propose('2026-05-05', { trigger: 'annual-review', reviewId: 'rev-1' }));
    expect(dl(afterReview, 'amendment-comments:am-1', '2026-05-06')).toMatchObject({ regulation: 'reg 22(2)', dueOn: '2026-05-19' });
  });
});

describe('amendments: the decision not to amend after all (reg 22(4))', () => {
  it('is recorded within the 8 weeks and meets them; the proposal can then not become an amended plan', () => {
    const proposed = after(propose('2025-09-01'));
    spec.given(proposed).when(notAmend('2025-10-20')).then([{ type: 'ehc.decision-not-to-amend.v1', data: { caseId: CASE, amendmentId: 'am-1', decidedOn: '2025-10-20' } }]);
    const decided = after(propose('2025-09-01'), notAmend('2025-10-20'));
    expect(dl(decided, 'amended-plan:am-1', '2025-12-01')).toMatchObject({ status: 'met', metOn: '2025-10-20', dueOn: '2025-10-27', regulation: 'reg 28' });
    spec.given(decided).when(amend('2025-10-21')).thenThrows(E.AmendmentNotToBeMadeError);
    spec.given(decided).when(notAmend('2025-10-21')).thenThrows(E.AlreadyRecordedError);
    spec.given(after(propose('2025-09-01'), amend('2025-09-16'))).when(notAmend('2025-09-20')).thenThrows(E.AmendmentAlreadyMadeError);
    spec.given(planInForce()).when(notAmend('2025-09-20')).thenThrows(E.AmendmentNotProposedError);
  });
  it('after a review it is a reg 22(4) decision', () => {
    const events = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), decideReview('2026-05-05'), propose('2026-05-05', { trigger: 'annual-review', reviewId: 'rev-1' }), notAmend('2026-06-01'));
    expect(dl(events, 'amended-plan:am-1', '2026-06-02')).toMatchObject({ status: 'met', regulation: 'reg 22(4)' });
  });
});

describe('reviews: notice, the LA’s duties and R (L) v Devon CC [2022]', () => {
  it('reg 20(3) / 21(3): at least 2 weeks’ notice of the meeting (meeting 20 Apr 2026: notice by 6 Apr)', () => {
    expect(dl(after(schedule('2026-03-01', '2026-04-20')), 'review-notice:rev-1', '2026-03-02')).toMatchObject({ dueOn: '2026-04-06', status: 'met', metOn: '2026-03-01', responsible: 'local-authority' });
    // notice given on 10 Apr for a meeting on 20 Apr: 10 days, 4 days short
    expect(dl(after(schedule('2026-04-10', '2026-04-20')), 'review-notice:rev-1', '2026-04-11')).toMatchObject({ dueOn: '2026-04-06', status: 'late', daysLate: 4 });
  });

  it('reg 20-21: the LA, not the school, holds the papers, report and decision duties', () => {
    const events = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'));
    for (const id of ['review-papers:rev-1', 'review-report:rev-1', 'review-decision:rev-1']) expect(dl(events, id, '2026-04-21').responsible).toBe('local-authority');
  });

  // Meeting Monday 20 Apr 2026: the decision due 18 May (20 Apr + 28 days); the amended plan due by 13 Jul (20 Apr + 84 days).
  it('a decision to amend with the proposals inside 4 weeks meets the limit; the amended plan is due 8 weeks from them (5 May + 56 = 30 Jun)', () => {
    const events = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), decideReview('2026-05-05'), propose('2026-05-05', { trigger: 'annual-review', reviewId: 'rev-1' }));
    expect(dl(events, 'review-decision:rev-1', '2026-05-06')).toMatchObject({ dueOn: '2026-05-18', status: 'met', metOn: '2026-05-05' });
    expect(events.at(-1)).toMatchObject({ type: 'ehc.amendment-proposed.v1', data: { amendedPlanDueOn: '2026-06-30' } });
  });

  it('a decision of "amend" alone does not meet the 4 weeks; proposals months later are late and the amended plan stays due 12 weeks from the meeting', () => {
    // corrected: "amend" on 5 May used to meet the limit and proposals on 1 Jul showed as met, amended plan due 26 Aug (1 Jul + 56)
    const decided = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), decideReview('2026-05-05'));
    expect(dl(decided, 'review-decision:rev-1', '2026-05-19')).toMatchObject({ dueOn: '2026-05-18', status: 'overdue', daysLate: 1 });
    const late = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), decideReview('2026-05-05'), propose('2026-07-01', { trigger: 'annual-review', reviewId: 'rev-1' }));
    expect(dl(late, 'review-decision:rev-1', '2026-07-02')).toMatchObject({ status: 'late', metOn: '2026-07-01', daysLate: 44 });
    expect(late.at(-1)).toMatchObject({ data: { proposedOn: '2026-07-01', amendedPlanDueOn: '2026-07-13' } });
  });

  it('a decision to maintain meets the 4 weeks by itself', () => {
    const events = after(schedule('2026-03-01', '2026-04-20'), hold('2026-04-20'), decideReview('2026-05-05', 'maintain'));
    expect(dl(events, 'review-decision:rev-1', '2026-05-06')).toMatchObject({ status: 'met', metOn: '2026-05-05', regulation: 'reg 20(10) / 21' });
  });
});
