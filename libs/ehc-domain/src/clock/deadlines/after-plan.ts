import { daysBetween, isAfter, type IsoDate } from '../../calendar';
import type { ReviewState } from '../../case/state';
import * as T from '../../case/time-limits';
import { earliest, type DeadlineBook } from '../deadline-book';

/**
 * CFA 2014 s.44(1): a review within 12 months of the plan, then of each review held. reg 15: after a transfer, the new LA
 * reviews within 12 months of the last review or 3 months of the transfer, whichever is later.
 */
function annualReviewDeadlines(book: DeadlineBook, finalIssued: IsoDate): void {
  const { s } = book;
  const held = Object.values(s.reviews)
    .filter((r) => book.done(r.heldOn))
    .sort((a, b) => daysBetween(b.heldOn as IsoDate, a.heldOn as IsoDate));
  const transfers = Object.values(s.transfers).filter((t) => book.done(t.transferredOn));
  let anchor = finalIssued;
  for (let i = 0; i <= held.length; i++) {
    const heldOn = held[i]?.heldOn;
    const transfer = transfers.find(
      (t) => !isAfter(anchor, t.transferredOn as IsoDate) && (!heldOn || !isAfter(t.transferredOn as IsoDate, heldOn)),
    );
    const dueOn = transfer ? T.reviewDueAfterTransfer(anchor, transfer.transferredOn as IsoDate) : T.annualReviewDue(anchor);
    book.add({
      id: `annual-review:${anchor}`, step: 'annual-review', what: 'Hold the annual review of the EHC plan',
      regulation: transfer ? 'CFA 2014 s.44(1); reg 15' : 'CFA 2014 s.44(1); reg 20-21', responsible: 'local-authority', startsOn: anchor,
      dueOn, metOn: heldOn,
    });
    if (heldOn) anchor = heldOn;
  }
}

/**
 * R (L) v Devon CC [2022]: a decision to amend is made with the notice of the proposed amendments (reg 22(2)), so it
 * meets the 4 weeks only once the proposals for this review have been sent.
 */
function reviewDecisionDeadline(book: DeadlineBook, r: ReviewState, heldOn: IsoDate): void {
  const amend = r.decision?.decision === 'amend';
  const proposedOn = earliest(...Object.values(book.s.amendments).filter((a) => a.reviewId === r.reviewId).map((a) => a.proposedOn));
  const proposalsDecidedOn = proposedOn && r.decision
    ? (isAfter(proposedOn, r.decision.decidedOn) ? proposedOn : r.decision.decidedOn)
    : undefined;
  book.add({
    id: `review-decision:${r.reviewId}`, step: 'review-decision',
    what: amend ? 'Decide to amend the plan and send the proposed amendments' : 'Decide to maintain, amend or cease the plan',
    regulation: amend ? 'reg 20(10) / 21; reg 22(2); R (L) v Devon CC [2022] EWHC 493 (Admin)' : 'reg 20(10) / 21',
    responsible: 'local-authority',
    startsOn: heldOn, dueOn: T.reviewDecisionDue(heldOn), metOn: amend ? proposalsDecidedOn : r.decision?.decidedOn,
    refs: { reviewId: r.reviewId },
  });
}

/** Reviews: the LA holds the reg 20/21 duties, also for school-based reviews (the head teacher acts at its request). */
function reviewDeadlines(book: DeadlineBook): void {
  for (const r of Object.values(book.s.reviews)) {
    const reviewId = r.reviewId;
    book.add({
      id: `review-notice:${reviewId}`, step: 'review-notice', what: 'Give everyone invited at least 2 weeks’ notice of the review meeting',
      regulation: 'reg 20(3) / 21(3)', responsible: 'local-authority', startsOn: r.scheduledOn, dueOn: T.reviewNoticeDue(r.meetingOn),
      metOn: r.scheduledOn,
      refs: { reviewId, meetingOn: r.meetingOn },
    });
    book.add({
      id: `review-papers:${reviewId}`, step: 'review-papers', what: 'Send advice and papers to everyone invited to the review',
      regulation: 'reg 20(4) / 21',
      responsible: 'local-authority', startsOn: r.scheduledOn, dueOn: r.papersDueOn, metOn: r.papersCirculatedOn, refs: { reviewId },
    });
    if (!r.heldOn || !book.done(r.heldOn)) continue;
    book.add({
      id: `review-report:${reviewId}`, step: 'review-report', what: 'Send the review report', regulation: 'reg 20(7) / 21',
      responsible: 'local-authority',
      startsOn: r.heldOn, dueOn: T.reviewReportDue(r.heldOn), metOn: r.reportSubmittedOn, refs: { reviewId },
    });
    reviewDecisionDeadline(book, r, r.heldOn);
  }
}

/** Amendments after a review (or a phase transfer's review) follow reg 22; at any other time reg 28 (same periods). */
function amendmentDeadlines(book: DeadlineBook): void {
  for (const a of Object.values(book.s.amendments)) {
    const outsideReview = !a.reviewId && a.trigger === 'change-of-circumstances';
    const [commentsReg, planReg] = outsideReview ? ['reg 28', 'reg 28'] : ['reg 22(2)', 'reg 22(3)'];
    const closedOn = a.amendedOn ?? a.notAmendedOn;
    book.add({
      id: `amendment-comments:${a.amendmentId}`, step: 'amendment-comments', kind: 'minimum-period',
      what: 'Comment on the proposed amendments',
      regulation: a.reassessmentId ? 'reg 27(1); reg 13(1)' : commentsReg, responsible: 'family', startsOn: a.proposedOn,
      dueOn: a.commentsDueOn,
      lapsedOn: closedOn, refs: { amendmentId: a.amendmentId },
    });
    // after a reassessment the plan is due by the reassessment's own 14 weeks (reg 27(2)), counted with the reassessment
    if (a.reassessmentId) continue;
    book.add({
      id: `amended-plan:${a.amendmentId}`, step: 'amended-plan',
      what: a.notAmendedOn ? 'Notify the decision not to amend the plan' : 'Issue the amended plan (or notify a decision not to amend)',
      regulation: a.notAmendedOn ? (outsideReview ? 'reg 28' : 'reg 22(4)') : planReg + (a.reviewId ? '; R (L) v Devon CC [2022]' : ''),
      responsible: 'local-authority', startsOn: a.proposedOn, dueOn: a.amendedPlanDueOn, metOn: closedOn,
      refs: { amendmentId: a.amendmentId },
    });
  }
}

/** reg 18: the plan names the new setting by the reg 18 date before a transfer between phases or institutions. */
function phaseTransferDeadlines(book: DeadlineBook): void {
  for (const p of Object.values(book.s.phaseTransfers)) {
    const amendments = Object.values(book.s.amendments).filter((a) => a.phaseTransferId === p.phaseTransferId);
    book.add({
      id: `phase-transfer:${p.phaseTransferId}`, step: 'phase-transfer', regulation: 'reg 18', responsible: 'local-authority',
      what: `Review and amend the plan to name the new setting (${p.kind} transfer on ${p.transferOn})`,
      startsOn: p.scheduledOn, dueOn: p.amendDueOn, metOn: earliest(...amendments.map((a) => a.amendedOn)),
      refs: { phaseTransferId: p.phaseTransferId },
    });
  }
}

/** After the plan: annual reviews (CFA 2014 s.44(1); reg 20-21), amendments (reg 22), phase transfers (reg 18). */
export function afterPlanDeadlines(book: DeadlineBook): void {
  const finalIssued = book.done(book.s.finalPlan?.issuedOn);
  if (!finalIssued) return;
  annualReviewDeadlines(book, finalIssued);
  reviewDeadlines(book);
  amendmentDeadlines(book);
  phaseTransferDeadlines(book);
}
