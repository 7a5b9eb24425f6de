import type { DeadlineBook } from '../deadline-book';

/**
 * Reassessment (CFA 2014 s.44(2); regs 24-27): the decision within 15 days of the request, then the amended plan within
 * 14 weeks of the decision to reassess.
 */
export function reassessmentDeadlines(book: DeadlineBook): void {
  for (const r of Object.values(book.s.reassessments ?? {})) {
    book.add({
      id: `reassessment-decision:${r.reassessmentId}`, step: 'reassessment-decision',
      what: 'Decide whether to reassess and tell the family',
      regulation: 'reg 25(1)', responsible: 'local-authority', startsOn: r.receivedOn, dueOn: r.decisionDueOn, metOn: r.decidedOn,
      refs: { reassessmentId: r.reassessmentId, requestedBy: r.requestedBy },
    });
    if (r.decision !== 'reassess' || !r.decidedOn || !r.finalPlanDueOn) continue;
    const a = r.amendmentId ? book.s.amendments[r.amendmentId] : undefined;
    book.add({
      id: `reassessment-final-plan:${r.reassessmentId}`, step: 'reassessment-final-plan',
      what: 'Issue the finalised plan after the reassessment',
      regulation: 'reg 27(2)', responsible: 'local-authority', startsOn: r.decidedOn, dueOn: r.finalPlanDueOn, metOn: a?.amendedOn,
      lapsedOn: a?.notAmendedOn,
      refs: {
        reassessmentId: r.reassessmentId, ...(r.assessmentId ? { assessmentId: r.assessmentId } : {}),
        ...(r.amendmentId ? { amendmentId: r.amendmentId } : {}),
      },
    });
  }
}
