import { ERASED } from '@tio/personal-data';
import { familyEarlyReviews } from './family-early-reviews';

const asked = (id: string, requestedOn: string, requestedBy = 'parent-or-young-person') => ({ type: 'ehc.early-review-requested.v1', data: { caseId: 'c', earlyReviewRequestId: id, requestedBy, requestedOn } });
const declined = (id: string, declinedOn: string, reasons: string) => ({ type: 'ehc.early-review-declined.v1', data: { caseId: 'c', earlyReviewRequestId: id, reasons, declinedOn } });
const agreed = (id: string, agreedOn: string, meetingOn: string) => ({ type: 'ehc.early-review-agreed.v1', data: { caseId: 'c', earlyReviewRequestId: id, reviewId: 'r', meetingOn, agreedOn } });

describe('requests for an early review as the family reads them (pure)', () => {
  it('Given no request, then none', () => {
    expect(familyEarlyReviews([{ type: 'ehc.final-plan-issued.v1', data: {} }])).toEqual([]);
  });

  it('Given a request not answered yet, then it is waiting, with no answer', () => {
    expect(familyEarlyReviews([asked('e1', '2026-05-04')])).toEqual([{ earlyReviewRequestId: 'e1', requestedBy: 'parent-or-young-person', requestedOn: '2026-05-04', status: 'waiting' }]);
  });

  it('Given one declined with reasons and one from the school agreed, then the reasons in the council’s words and the meeting date, oldest first', () => {
    const events = [asked('e1', '2026-05-04'), declined('e1', '2026-05-11', 'The plan is five weeks old and nothing has changed.'), asked('e2', '2026-06-01', 'institution'), agreed('e2', '2026-06-08', '2026-07-06')];
    expect(familyEarlyReviews(events)).toEqual([
      { earlyReviewRequestId: 'e1', requestedBy: 'parent-or-young-person', requestedOn: '2026-05-04', status: 'declined', answeredOn: '2026-05-11', reasons: 'The plan is five weeks old and nothing has changed.', reasonsErased: false },
      { earlyReviewRequestId: 'e2', requestedBy: 'institution', requestedOn: '2026-06-01', status: 'agreed', answeredOn: '2026-06-08', meetingOn: '2026-07-06' },
    ]);
  });

  it('Given the case’s personal data was erased, then the reasons read "[erased]" and say so; the dates stay', () => {
    expect(familyEarlyReviews([asked('e1', '2026-05-04'), declined('e1', '2026-05-11', ERASED)])).toEqual([
      { earlyReviewRequestId: 'e1', requestedBy: 'parent-or-young-person', requestedOn: '2026-05-04', status: 'declined', answeredOn: '2026-05-11', reasons: ERASED, reasonsErased: true },
    ]);
  });

  it('Given an answer to a request it does not know, then it shows nothing for it', () => {
    expect(familyEarlyReviews([declined('e9', '2026-05-11', 'No.')])).toEqual([]);
  });
});
