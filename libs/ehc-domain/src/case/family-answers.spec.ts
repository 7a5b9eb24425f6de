import { DeciderSpecification } from '../testing/decider-specification';
import { statutoryStatus } from '../clock/statutory-clock';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import * as F from './family-errors';
import { replay } from './state';
import { CASE, cmd, history, planInForce, steps } from './test-fixtures';

/**
 * The LA's side of two things the family asks for or is entitled to (issue #21): its answer to a request for an early
 * review (agreed with the meeting date, which schedules a reg 20 review; or declined with reasons; no statutory time
 * limit for the answer), and sharing advice with the family before the draft (reg 13 shares it all with the draft).
 */
const spec = DeciderSpecification(ehcCaseDecider);
const run = (events: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const out = [...events];
  for (const c of commands) out.push(...ehcCaseDecider.decide(c, replay(out)));
  return out;
};
const ask = (at = '2026-01-12', id = 'er-1') => cmd(at, { type: 'RequestEarlyReview', earlyReviewRequestId: id, requestedBy: 'parent-or-young-person' });
const agree = (at: string, meetingOn: string, over: Record<string, unknown> = {}) =>
  cmd(at, { type: 'AnswerEarlyReviewRequest', earlyReviewRequestId: 'er-1', answer: 'agreed', reviewId: 'rev-early', meetingOn, ...over } as never);
const decline = (at: string, reasons: unknown = ' The plan was reviewed in November and nothing has changed since. ', over: Record<string, unknown> = {}) =>
  cmd(at, { type: 'AnswerEarlyReviewRequest', earlyReviewRequestId: 'er-1', answer: 'declined', reasons, ...over } as never);

describe('the LA answers a request for an early review (CFA 2014 s.44(1); reg 20; CoP 9.176)', () => {
  const asked = () => run(planInForce(), ask());

  it('Given a request on Mon 12 Jan 2026, when the LA agrees on Mon 19 Jan with a meeting on Mon 16 Feb, then the answer and a reg 20 review meeting (papers by 2 Feb) are recorded', () => {
    spec.given(asked()).when(agree('2026-01-19', '2026-02-16')).then([
      { type: 'ehc.early-review-agreed.v1', data: { caseId: CASE, earlyReviewRequestId: 'er-1', reviewId: 'rev-early', meetingOn: '2026-02-16', agreedOn: '2026-01-19' } },
      { type: 'ehc.review-meeting-scheduled.v1', data: { caseId: CASE, reviewId: 'rev-early', scheduledOn: '2026-01-19', meetingOn: '2026-02-16', papersDueOn: '2026-02-02' } },
    ]);
  });

  it('Given the agreed early review, then it runs as any review: held, and the next annual review is due within 12 months of it', () => {
    const held = run(asked(), agree('2026-01-19', '2026-02-16'), cmd('2026-02-02', { type: 'CirculateReviewPapers', reviewId: 'rev-early' }), cmd('2026-02-16', { type: 'HoldReviewMeeting', reviewId: 'rev-early' }));
    const status = statutoryStatus(replay(held), '2026-02-17');
    expect(status.deadlines.filter((d) => d.step === 'annual-review' && d.status === 'open').map((d) => d.dueOn)).toEqual(['2027-02-15']);
    expect(status.deadlines.find((d) => d.id === 'review-notice:rev-early')).toMatchObject({ status: 'met' });
  });

  it('Given a request, when the LA declines with reasons, then the reasons are kept (trimmed) and no deadline is set for the answer either way', () => {
    spec.given(asked()).when(decline('2026-01-20')).then([
      { type: 'ehc.early-review-declined.v1', data: { caseId: CASE, earlyReviewRequestId: 'er-1', reasons: 'The plan was reviewed in November and nothing has changed since.', declinedOn: '2026-01-20' } },
    ]);
    const before = statutoryStatus(replay(planInForce()), '2026-01-13').deadlines.map((d) => d.id);
    expect(statutoryStatus(replay(asked()), '2026-01-13').deadlines.map((d) => d.id)).toEqual(before);
  });

  it('refuses an answer to no request, a second answer, one dated before the request, and an agreement without a meeting date or with its meeting in the past', () => {
    spec.given(planInForce()).when(decline('2026-01-20')).thenThrows(F.EarlyReviewRequestNotFoundError);
    spec.given(run(asked(), decline('2026-01-20'))).when(agree('2026-01-21', '2026-02-16')).thenThrows(F.EarlyReviewAlreadyAnsweredError);
    spec.given(run(asked(), agree('2026-01-19', '2026-02-16'))).when(decline('2026-01-21')).thenThrows(F.EarlyReviewAlreadyAnsweredError);
    spec.given(asked()).when(decline('2026-01-09')).thenThrows(E.ChronologyError);
    spec.given(asked()).when(agree('2026-01-19', undefined as never)).thenThrows(E.InvalidCommandError, /meetingOn/);
    spec.given(asked()).when(agree('2026-01-19', '2026-01-16')).thenThrows(E.ChronologyError);
  });

  it('refuses a decline without reasons or with a meeting, an agreement with reasons, an unknown answer, and a review id already used', () => {
    spec.given(asked()).when(decline('2026-01-20', '  ')).thenThrows(E.InvalidCommandError, /reasons/);
    spec.given(asked()).when(decline('2026-01-20', 'No change.', { meetingOn: '2026-02-16' })).thenThrows(E.InvalidCommandError, /meeting/);
    spec.given(asked()).when(agree('2026-01-19', '2026-02-16', { reasons: 'x' })).thenThrows(E.InvalidCommandError, /reasons/);
    spec.given(asked()).when(agree('2026-01-19', '2026-02-16', { answer: 'maybe' })).thenThrows(E.InvalidCommandError, /answer/);
    const reviewed = run(asked(), cmd('2026-01-13', { type: 'ScheduleReviewMeeting', reviewId: 'rev-early', meetingOn: '2026-03-02' }));
    spec.given(reviewed).when(agree('2026-01-19', '2026-02-16')).thenThrows(E.DuplicateIdError);
  });
});

describe('the LA shares advice with the family before the draft (reg 13; CoP 9.77)', () => {
  const gathered = () => history(steps.request(), steps.assess(), ...steps.adviceGathered());
  const share = (at: string, adviceIds?: string[], shareId = 'share-1') =>
    cmd(at, { type: 'ShareAdviceWithFamily', shareId, ...(adviceIds ? { adviceIds } : {}), sharedBy: { userId: 'caseworker-priya', organisationId: 'E08000025' } });

  it('Given advice received on 1 Mar 2025, when the LA shares the educational advice on 3 Mar, then that advice is listed as shared, by whom and when', () => {
    spec.given(gathered()).when(share('2025-03-03', ['advice-req-educational'])).then([{
      type: 'ehc.advice-shared-with-family.v1',
      data: { caseId: CASE, shareId: 'share-1', scope: 'listed', adviceIds: ['advice-req-educational'], sharedBy: { userId: 'caseworker-priya', organisationId: 'E08000025' }, sharedOn: '2025-03-03' },
    }]);
  });

  it('Given no ids, then all advice received so far is shared, and the event lists it (advice arriving later is not shared by it)', () => {
    spec.given(gathered()).when(share('2025-03-03')).thenMatches([{
      data: { scope: 'all-received', adviceIds: ['advice-req-educational', 'advice-req-medical', 'advice-req-parent-views', 'advice-req-psychological', 'advice-req-social-care'] },
    }]);
  });

  it('refuses advice not on the case, an empty list, nothing received yet, and a share id used before', () => {
    spec.given(gathered()).when(share('2025-03-03', ['advice-from-elsewhere'])).thenThrows(F.AdviceNotOnCaseError, /advice-from-elsewhere/);
    spec.given(gathered()).when(share('2025-03-03', [])).thenThrows(E.InvalidCommandError, /adviceIds/);
    spec.given(history(steps.request(), steps.assess())).when(share('2025-02-10')).thenThrows(F.AdviceNotOnCaseError, /No advice/);
    spec.given(run(gathered(), share('2025-03-03'))).when(share('2025-03-04')).thenThrows(E.DuplicateIdError);
  });
});
