import { addDays, addMonths, addWeeks, addWorkingDays, isBefore, lastDayOfMonthsStartingWith, maxDate, phaseTransferDeadline, type IsoDate, type PhaseTransferKind } from '../calendar';
import type { AssessmentTransferClock, TribunalOrderKind } from './events';

/**
 * The statutory time limits, in one place. Weeks and days are calendar periods (a limit landing on a weekend or bank
 * holiday is not extended); only reg 15 and 16 count working days.
 */
export const TIME_LIMITS = {
  /** reg 5(1): decide whether to assess, and notify, within 6 weeks of receiving the request. */
  decisionToAssessWeeks: 6,
  /** reg 8(1): advice within 6 weeks of the LA's request for it. */
  adviceWeeks: 6,
  /** reg 10(1): notify a decision not to issue a plan within 16 weeks of the request. */
  decisionWhetherToIssueWeeks: 16,
  /** reg 13(2): issue the final plan within 20 weeks of the request. */
  finalPlanWeeks: 20,
  /**
   * reg 13(1): at least 15 days, beginning with the day the draft was served, to comment and ask for a school. "Beginning
   * with" counts the first day, so the period's last day is day 14 (issued + 14 days).
   */
  draftCommentDays: 15,
  /** CFA 2014 s.39(4): the consulted governing body responds within 15 days beginning with the day it was consulted. */
  settingConsultationDays: 15,
  /** reg 22(2): at least 15 days, beginning with the day the proposals are served, to comment on amendments. */
  amendmentCommentDays: 15,
  /** reg 22(3) (as amended) / reg 28(3): the amended plan within 8 weeks of the proposals. */
  amendedPlanWeeks: 8,
  /**
   * R (L) v Devon CC [2022] EWHC 493 (Admin): after a review the proposals go with the 4-week decision (reg 22(2)),
   * so the amended plan is due within 12 weeks of the review meeting.
   */
  amendedPlanAfterReviewMeetingWeeks: 12,
  /** reg 20(3) / 21(3): at least 2 weeks' notice of the review meeting. */
  reviewNoticeWeeks: 2,
  /** CFA 2014 s.44(1): review within each period of 12 months. */
  reviewMonths: 12,
  /** reg 20(4) / 21: papers to everyone invited at least 2 weeks before the meeting. */
  reviewPapersWeeksBefore: 2,
  /** reg 20(7) / 21: the review report within 2 weeks of the meeting. */
  reviewReportWeeks: 2,
  /** reg 20(10) / 21: the LA decides to maintain, amend or cease within 4 weeks of the meeting. */
  reviewDecisionWeeks: 4,
  /** reg 15: 15 working days' notice / transfer within 15 working days. */
  transferWorkingDays: 15,
  /** reg 15: the new LA says whether it will reassess within 6 weeks of the transfer. */
  transferReassessmentWeeks: 6,
  /** reg 15(5): the new LA reviews within 12 months of the plan or last review or 3 months beginning with the transfer, whichever is later. */
  transferReviewMonths: 3,
  /** reg 16: notify the new NHS commissioning body within 15 working days. */
  commissioningNotifyWorkingDays: 15,
} as const;

/**
 * reg 44(2) / 45 clocks, in weeks from the date of the tribunal's order (reg 44) or of the LA's notice to the Tribunal
 * that it will not oppose the appeal (reg 45). Orders to continue to maintain take effect at once (no step); an order
 * to cease (dismissing an appeal against cessation) means ceasing at once (0 weeks: due the same day).
 */
export const TRIBUNAL_LIMITS: Readonly<Record<TribunalOrderKind, ReadonlyArray<{ step: TribunalStep; weeks: number; what: string }>>> = {
  assess: [
    { step: 'confirm-assessment', weeks: 2, what: 'Notify that the EHC needs assessment will be carried out' },
    { step: 'decision-whether-to-issue', weeks: 10, what: 'Notify a decision not to issue a plan' },
    { step: 'final-plan', weeks: 14, what: 'Issue the final EHC plan' },
  ],
  'make-plan': [
    { step: 'draft-plan', weeks: 5, what: 'Issue the draft EHC plan' },
    { step: 'final-plan', weeks: 11, what: 'Issue the final EHC plan' },
  ],
  'amend-plan': [{ step: 'amended-plan', weeks: 5, what: 'Issue the amended EHC plan' }],
  'amend-placement': [{ step: 'amended-plan', weeks: 2, what: 'Issue the amended EHC plan naming the school or placement ordered' }],
  'continue-to-maintain': [],
  cease: [{ step: 'cease-plan', weeks: 0, what: 'Cease to maintain the EHC plan' }],
};
export type TribunalStep = 'confirm-assessment' | 'decision-whether-to-issue' | 'final-plan' | 'draft-plan' | 'amended-plan' | 'cease-plan';

export const decisionToAssessDue = (receivedOn: IsoDate) => addWeeks(receivedOn, TIME_LIMITS.decisionToAssessWeeks);
export const adviceDue = (requestedOn: IsoDate) => addWeeks(requestedOn, TIME_LIMITS.adviceWeeks);
export const decisionWhetherToIssueDue = (receivedOn: IsoDate) => addWeeks(receivedOn, TIME_LIMITS.decisionWhetherToIssueWeeks);
export const finalPlanDue = (receivedOn: IsoDate) => addWeeks(receivedOn, TIME_LIMITS.finalPlanWeeks);
/** Last day of a period of N days *beginning with* `day` (the day itself is day 1 of the period). */
export const endOfDaysBeginningWith = (day: IsoDate, days: number) => addDays(day, days - 1);
export const draftCommentsDue = (issuedOn: IsoDate) => endOfDaysBeginningWith(issuedOn, TIME_LIMITS.draftCommentDays);
export const settingResponseDue = (consultedOn: IsoDate) => endOfDaysBeginningWith(consultedOn, TIME_LIMITS.settingConsultationDays);
export const amendmentCommentsDue = (proposedOn: IsoDate) => endOfDaysBeginningWith(proposedOn, TIME_LIMITS.amendmentCommentDays);
/** reg 22(3) / 28(3): 8 weeks from the proposals; after a review meeting held on `reviewHeldOn`, no later than 12 weeks after it (Devon). */
export function amendedPlanDue(proposedOn: IsoDate, reviewHeldOn?: IsoDate): IsoDate {
  const eightWeeks = addWeeks(proposedOn, TIME_LIMITS.amendedPlanWeeks);
  if (!reviewHeldOn) return eightWeeks;
  const twelveWeeksFromMeeting = addWeeks(reviewHeldOn, TIME_LIMITS.amendedPlanAfterReviewMeetingWeeks);
  return isBefore(twelveWeeksFromMeeting, eightWeeks) ? twelveWeeksFromMeeting : eightWeeks;
}
/** reg 20(3) / 21(3): the latest day to give notice of a review meeting (2 weeks before it). */
export const reviewNoticeDue = (meetingOn: IsoDate) => addWeeks(meetingOn, -TIME_LIMITS.reviewNoticeWeeks);
export const reviewPapersDue = (meetingOn: IsoDate) => addWeeks(meetingOn, -TIME_LIMITS.reviewPapersWeeksBefore);
export const reviewReportDue = (heldOn: IsoDate) => addWeeks(heldOn, TIME_LIMITS.reviewReportWeeks);
export const reviewDecisionDue = (heldOn: IsoDate) => addWeeks(heldOn, TIME_LIMITS.reviewDecisionWeeks);
/** CFA 2014 s.44(1): the last day of the 12-month period starting with the plan date or the last review. */
export const annualReviewDue = (anchor: IsoDate) => lastDayOfMonthsStartingWith(anchor, TIME_LIMITS.reviewMonths);
export const phaseTransferAmendDue = (kind: PhaseTransferKind, transferOn: IsoDate) => phaseTransferDeadline(kind, transferOn);
export const tribunalDue = (orderOn: IsoDate, weeks: number) => addWeeks(orderOn, weeks);

/** Last day of a period of N working days *beginning with* `day` (the day itself counts if it is a working day). */
export function endOfWorkingDaysBeginningWith(day: IsoDate, workingDays: number): IsoDate {
  return addWorkingDays(addDays(day, -1), workingDays);
}

/**
 * reg 15: the old LA transfers the plan on the day of the move if it had at least 15 working days' notice, otherwise
 * within 15 working days beginning with the day it learned of the move. Both cases are the later of the two dates.
 */
export function transferDue(learnedOn: IsoDate, moveOn: IsoDate): IsoDate {
  return maxDate(moveOn, endOfWorkingDaysBeginningWith(learnedOn, TIME_LIMITS.transferWorkingDays));
}
export const transferReassessmentDue = (transferredOn: IsoDate) => addWeeks(transferredOn, TIME_LIMITS.transferReassessmentWeeks);
/** reg 15(5)(b): the last day of the 3 months *beginning with* the transfer (10 Jan 2025 -> 9 Apr 2025). */
export const reviewDueThreeMonthsAfterTransfer = (transferredOn: IsoDate) => lastDayOfMonthsStartingWith(transferredOn, TIME_LIMITS.transferReviewMonths);
/**
 * reg 15(5): the new LA reviews within 12 months of the plan being made or last reviewed (`anchor`), or within the 3
 * months beginning with the transfer, whichever is later.
 */
export const reviewDueAfterTransfer = (anchor: IsoDate, transferredOn: IsoDate) =>
  maxDate(annualReviewDue(anchor), reviewDueThreeMonthsAfterTransfer(transferredOn));
export const commissioningNotifyDue = (learnedOn: IsoDate) => endOfWorkingDaysBeginningWith(learnedOn, TIME_LIMITS.commissioningNotifyWorkingDays);

/**
 * A move to another LA during the assessment (no plan, so not reg 15): with `from-transfer` the new LA is treated as
 * having received the request on the day of the transfer and the reg 10(1) / 13(2) limits run from it; with
 * `from-original-request` they stay counted from the original request.
 */
export function assessmentTransferClock(clock: AssessmentTransferClock, requestReceivedOn: IsoDate, transferredOn: IsoDate) {
  const clockStartsOn = clock === 'from-transfer' ? transferredOn : requestReceivedOn;
  return { clockStartsOn, decisionWhetherToIssueDueOn: decisionWhetherToIssueDue(clockStartsOn), finalPlanDueOn: finalPlanDue(clockStartsOn) };
}

/**
 * Rights of appeal and mediation (CFA 2014 s.51-55; regs 32-42; Tribunal Procedure (First-tier Tribunal) (HESC)
 * Rules 2008 r.20). Months are calendar months to the corresponding date (`addMonths`).
 */
export const APPEAL_LIMITS = {
  /** r.20: appeal within 2 months of the date of the decision notice ... */
  appealMonthsFromDecision: 2,
  /** ... or 1 month of the date of the mediation certificate, whichever is later. */
  appealMonthsFromCertificate: 1,
  /** reg 33 / 39: the mediation adviser's (or mediator's) certificate within 3 working days. */
  certificateWorkingDays: 3,
  /** reg 37: mediation within 30 days of the LA being told the family wish to mediate. */
  mediationDays: 30,
} as const;
export const appealDue = (notifiedOn: IsoDate) => addMonths(notifiedOn, APPEAL_LIMITS.appealMonthsFromDecision);
export const appealDueAfterCertificate = (notifiedOn: IsoDate, certificateOn: IsoDate) =>
  maxDate(appealDue(notifiedOn), addMonths(certificateOn, APPEAL_LIMITS.appealMonthsFromCertificate));
export const mediationCertificateDue = (day: IsoDate) => addWorkingDays(day, APPEAL_LIMITS.certificateWorkingDays);
export const mediationDue = (decidedOn: IsoDate) => addDays(decidedOn, APPEAL_LIMITS.mediationDays);

/** Reassessment (regs 24-27). */
export const REASSESSMENT_LIMITS = {
  /** reg 25(1): the decision whether to reassess, notified within 15 days of receiving the request. */
  decisionDays: 15,
  /** reg 27(2): the finalised plan within 14 weeks of that notification. */
  finalPlanWeeks: 14,
} as const;
export const reassessmentDecisionDue = (receivedOn: IsoDate) => addDays(receivedOn, REASSESSMENT_LIMITS.decisionDays);
export const reassessmentFinalPlanDue = (decidedOn: IsoDate) => addWeeks(decidedOn, REASSESSMENT_LIMITS.finalPlanWeeks);
