import type { Request, Response } from 'express';
import { Renderer } from '../render';
import type { FamilyEarlyReviewsAnswer, FamilyTimelineView } from './family-api';
import { DECLINED_NEXT_STEPS, earlyReviewItems } from './family-early-reviews-page';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';
const REASONS = 'The plan is five weeks old and nothing has changed.\nSam’s new school will look at it in the spring.';
const answer: FamilyEarlyReviewsAnswer = {
  caseId: CASE,
  earlyReviews: [
    { earlyReviewRequestId: 'e1', requestedBy: 'parent-or-young-person', requestedOn: '2026-05-04', status: 'declined', answeredOn: '2026-05-11', reasons: REASONS, reasonsErased: false },
    { earlyReviewRequestId: 'e2', requestedBy: 'institution', requestedOn: '2026-06-01', status: 'agreed', answeredOn: '2026-06-08', meetingOn: '2026-07-06' },
    { earlyReviewRequestId: 'e3', requestedBy: 'parent-or-young-person', requestedOn: '2026-09-07', status: 'waiting' },
  ],
};

describe('requests for an early review on "Your case" (pure): the case service’s answer in plain English', () => {
  it('Given one declined, one agreed and one waiting, then who asked and when, the answer and its date, the meeting date, and the reasons as the council wrote them', () => {
    expect(earlyReviewItems(answer)).toEqual([
      { status: 'declined', lines: ['You asked for an early review of the plan on 4 May 2026.', 'The council said no on 11 May 2026.'], reasons: REASONS },
      { status: 'agreed', lines: ['The school or college asked for an early review of the plan on 1 June 2026.', 'The council said yes on 8 June 2026.', 'The review meeting is on 6 July 2026.'] },
      { status: 'waiting', lines: ['You asked for an early review of the plan on 7 September 2026.', 'We are waiting for the council’s answer. The law sets no time limit for it.'] },
    ]);
  });

  it('Given the reasons were erased, then it says so and shows no "[erased]" text', () => {
    const [item] = earlyReviewItems({ caseId: CASE, earlyReviews: [{ ...answer.earlyReviews[0], reasons: '[erased]', reasonsErased: true } as FamilyEarlyReviewsAnswer['earlyReviews'][number]] });
    expect(item).toEqual({ status: 'declined', lines: ['You asked for an early review of the plan on 4 May 2026.', 'The council said no on 11 May 2026.'], reasonsErased: true });
  });
});

describe('the "Your case" template with the council’s answers', () => {
  const view: FamilyTimelineView = {
    caseId: CASE, asOf: '2026-09-08T10:00:00Z', stage: { status: 'plan-in-force', text: 'The plan is in place' }, weekOfProcess: null, next: null, due: [], late: [],
    entries: [], people: [], earlyReviews: [{ requestedOn: '2026-05-04', status: 'declined', text: 'You asked for an early review on 4 May 2026. The council said no and has told you why.' }],
  };
  const render = (locals: Record<string, unknown>) => {
    let html = '';
    const res = { locals: {}, status: () => res, type: () => res, send: (h: string) => (html = h) } as unknown as Response;
    new Renderer().page({} as Request, res, 'family/case.njk', { title: 'Your case', nav: 'family', caseId: CASE, view, actions: [], entries: [], declinedNextSteps: DECLINED_NEXT_STEPS, ...locals });
    return html;
  };

  it('Given a declined request, then "Why the council said no" with its reasons, escaped, and what the family can do; the agreed one with its meeting date', () => {
    const html = render({ earlyReviews: earlyReviewItems({ caseId: CASE, earlyReviews: [{ ...answer.earlyReviews[0], reasons: `${REASONS}\n<script>x</script>` } as FamilyEarlyReviewsAnswer['earlyReviews'][number], answer.earlyReviews[1] as FamilyEarlyReviewsAnswer['earlyReviews'][number]] }) });
    expect(html).toContain('Why the council said no');
    expect(html).toMatch(/<div class="govuk-inset-text tio-pre-line" id="early-review-1-reasons">The plan is five weeks old and nothing has changed.\nSam(’|&#39;|&rsquo;)s new school will look at it in the spring.\n&lt;script&gt;x&lt;\/script&gt;<\/div>/);
    expect(html).not.toContain('<script>x</script>');
    for (const step of DECLINED_NEXT_STEPS) expect(html).toContain(step);
    expect(html).toContain('The review meeting is on 6 July 2026.');
    // the timeline's "has told you why" gives way to the reasons themselves
    expect(html).not.toContain('has told you why');
  });

  it('Given the reasons were erased, then the page says they are no longer held', () => {
    const html = render({ earlyReviews: [{ status: 'declined', lines: ['You asked for an early review of the plan on 4 May 2026.', 'The council said no on 11 May 2026.'], reasonsErased: true }] });
    expect(html).toContain('The council’s reasons are no longer held.');
    expect(html).not.toContain('[erased]');
  });

  it('Given the case service did not answer, then the timeline’s list as before', () => {
    const html = render({});
    expect(html).toContain('The council said no and has told you why.');
    expect(html).not.toContain('Why the council said no');
  });
});
