import { earlyReviewsOf } from './early-reviews';

const e = (type: string, details: Record<string, unknown>) => ({ source: { type }, details });
const asked = (id: string, requestedOn: string, requestedBy = 'parent-or-young-person') => e('ehc.early-review-requested.v1', { earlyReviewRequestId: id, requestedBy, requestedOn });

describe("the family's early review requests and the council's answers", () => {
  it("Given a request with no answer, then the family read that they are waiting for the council's answer, with no date invented for it (no statutory time limit)", () => {
    const [r] = earlyReviewsOf([asked('er-1', '2026-01-12')]);
    expect(r).toEqual({ requestedOn: '2026-01-12', status: 'waiting', text: "You asked for an early review on 12 January 2026. We are waiting for the council's answer. The law sets no time limit for it." });
  });

  it('Given the council agreed, then the family read the meeting date; given it declined, that it said no and told them why', () => {
    const reviews = earlyReviewsOf([
      asked('er-1', '2026-01-12'), e('ehc.early-review-agreed.v1', { earlyReviewRequestId: 'er-1', reviewId: 'rev-1', meetingOn: '2026-02-16', agreedOn: '2026-01-19' }),
      asked('er-2', '2026-06-01', 'institution'), e('ehc.early-review-declined.v1', { earlyReviewRequestId: 'er-2', declinedOn: '2026-06-08' }),
    ]);
    expect(reviews.map((r) => [r.status, r.text])).toEqual([
      ['agreed', 'You asked for an early review on 12 January 2026. The council said yes. The meeting is on 16 February 2026.'],
      ['declined', 'Someone asked for an early review on 1 June 2026. The council said no and has told you why.'],
    ]);
  });

  it('Given no request, then there is nothing to show', () => {
    expect(earlyReviewsOf([e('ehc.request-received.v1', {})])).toEqual([]);
  });
});
