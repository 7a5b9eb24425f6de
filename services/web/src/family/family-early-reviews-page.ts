/**
 * The family's requests for an early review on "Your case", from the case service's answer: each with where it stands
 * in plain English, and when the council said no, its reasons in its own words (what the timeline could only say it
 * had "told you why" about) and what the family can do next. Pure.
 */
import { displayDate } from '../render';
import type { FamilyEarlyReviewsAnswer } from './family-api';

export interface EarlyReviewItem {
  status: string;
  /** What happened, one sentence each. */
  lines: string[];
  /** Declined: the council's reasons, as it wrote them (escaped when rendered). */
  reasons?: string;
  /** Declined, after the case's personal data was erased: the reasons are gone. */
  reasonsErased?: boolean;
}

const ASKED: Record<string, string> = { 'parent-or-young-person': 'You asked', institution: 'The school or college asked', 'local-authority': 'The council asked' };

/**
 * What the family can do when the council will not review the plan early: it is not a decision they can appeal to
 * the tribunal, but they can ask again, use the council's disagreement resolution, and get free help from SENDIASS.
 */
export const DECLINED_NEXT_STEPS: readonly string[] = [
  'You cannot appeal to a tribunal about this. But you can ask again at any time, for example if things change.',
  'If you do not agree, you can ask the council for disagreement resolution. This is a free meeting with someone who does not work for the council.',
  'Your local SEND information and support service (SENDIASS) can help you for free.',
  'The plan will still be reviewed at least once every 12 months.',
];

export function earlyReviewItems(answer: FamilyEarlyReviewsAnswer): EarlyReviewItem[] {
  return answer.earlyReviews.map((r) => {
    const asked = `${ASKED[r.requestedBy] ?? 'Someone asked'} for an early review of the plan on ${displayDate(r.requestedOn)}.`;
    if (r.status === 'agreed') {
      return { status: r.status, lines: [asked, `The council said yes on ${displayDate(r.answeredOn ?? '')}.`, `The review meeting is on ${displayDate(r.meetingOn ?? '')}.`] };
    }
    if (r.status === 'declined') {
      return {
        status: r.status, lines: [asked, `The council said no on ${displayDate(r.answeredOn ?? '')}.`],
        ...(r.reasonsErased ? { reasonsErased: true } : { reasons: r.reasons ?? '' }),
      };
    }
    return { status: r.status, lines: [asked, 'We are waiting for the council’s answer. The law sets no time limit for it.'] };
  });
}
