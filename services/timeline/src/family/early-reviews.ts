import { plainDate } from './family-text';

/** A request for an early review of the plan and the council's answer, as the family reads it. */
export interface FamilyEarlyReview {
  requestedOn: string;
  status: 'waiting' | 'agreed' | 'declined';
  text: string;
}

interface Entry {
  source: { type: string };
  details: Record<string, unknown>;
}

/**
 * Each request for an early review on the case with where it stands: waiting for the council's answer, agreed (with the
 * meeting date) or declined. No statutory time limit applies to the answer (CFA 2014 s.44 and reg 20 set none; CoP
 * 9.176 asks the council to consider the request): the waiting text says so and names no date.
 */
export function earlyReviewsOf(entries: readonly Entry[]): FamilyEarlyReview[] {
  const answers = new Map(entries
    .filter((e) => e.source.type === 'ehc.early-review-agreed.v1' || e.source.type === 'ehc.early-review-declined.v1')
    .map((e) => [String(e.details['earlyReviewRequestId']), e]));
  return entries.filter((e) => e.source.type === 'ehc.early-review-requested.v1').map((e) => {
    const requestedOn = String(e.details['requestedOn'] ?? '');
    const asked = e.details['requestedBy'] === 'parent-or-young-person' ? 'You asked' : 'Someone asked';
    const answer = answers.get(String(e.details['earlyReviewRequestId']));
    if (!answer) {
      return { requestedOn, status: 'waiting', text: `${asked} for an early review on ${plainDate(requestedOn)}. We are waiting for the council's answer. The law sets no time limit for it.` };
    }
    if (answer.source.type === 'ehc.early-review-agreed.v1') {
      return { requestedOn, status: 'agreed', text: `${asked} for an early review on ${plainDate(requestedOn)}. The council said yes. The meeting is on ${plainDate(answer.details['meetingOn'])}.` };
    }
    return { requestedOn, status: 'declined', text: `${asked} for an early review on ${plainDate(requestedOn)}. The council said no and has told you why.` };
  });
}
