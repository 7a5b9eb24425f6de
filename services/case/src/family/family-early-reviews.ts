import type { EarlyReviewAgreedV1, EarlyReviewDeclinedV1, EarlyReviewRequestedV1, EarlyReviewRequester, IsoDate } from '@tio/ehc-domain';
import { ERASED } from '@tio/personal-data';

/**
 * One request for an early review of the plan (CFA 2014 s.44(1); reg 20; CoP 9.176) and the council's answer, as the
 * family reads it: waiting (no statutory time limit applies to the answer), agreed with the review meeting's date, or
 * declined with the council's reasons, decrypted. After the case's personal data was erased the reasons read
 * "[erased]" and `reasonsErased` says so.
 */
export interface FamilyEarlyReview {
  earlyReviewRequestId: string;
  requestedBy: EarlyReviewRequester;
  requestedOn: IsoDate;
  status: 'waiting' | 'agreed' | 'declined';
  answeredOn?: IsoDate;
  meetingOn?: IsoDate;
  reasons?: string;
  reasonsErased?: boolean;
}

/** Each request for an early review on the case, oldest first, with its answer (from the case's events, personal fields decrypted). */
export function familyEarlyReviews(events: ReadonlyArray<{ type: string; data: unknown }>): FamilyEarlyReview[] {
  const requests = new Map<string, FamilyEarlyReview>();
  for (const e of events) {
    if (e.type === 'ehc.early-review-requested.v1') {
      const d = e.data as EarlyReviewRequestedV1;
      requests.set(d.earlyReviewRequestId, { earlyReviewRequestId: d.earlyReviewRequestId, requestedBy: d.requestedBy, requestedOn: d.requestedOn, status: 'waiting' });
    } else if (e.type === 'ehc.early-review-agreed.v1') {
      const d = e.data as EarlyReviewAgreedV1;
      const r = requests.get(d.earlyReviewRequestId);
      if (r) requests.set(d.earlyReviewRequestId, { ...r, status: 'agreed', answeredOn: d.agreedOn, meetingOn: d.meetingOn });
    } else if (e.type === 'ehc.early-review-declined.v1') {
      const d = e.data as EarlyReviewDeclinedV1;
      const r = requests.get(d.earlyReviewRequestId);
      const erased = typeof d.reasons !== 'string' || d.reasons === ERASED;
      if (r) requests.set(d.earlyReviewRequestId, { ...r, status: 'declined', answeredOn: d.declinedOn, reasons: erased ? ERASED : d.reasons, reasonsErased: erased });
    }
  }
  return [...requests.values()];
}
