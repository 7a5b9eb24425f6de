import * as T from '../../case/time-limits';
import type { DeadlineBook } from '../deadline-book';

/** reg 15: the plan moves with the family to the new LA, which then says whether it will reassess and when it will review. */
export function planTransferDeadlines(book: DeadlineBook): void {
  for (const t of Object.values(book.s.transfers)) {
    book.add({
      id: `transfer:${t.transferId}`, step: 'transfer', what: `Transfer the plan from ${t.fromLocalAuthority} to ${t.toLocalAuthority}`,
      regulation: 'reg 15', responsible: 'local-authority', startsOn: t.learnedOn, dueOn: t.transferDueOn, metOn: t.transferredOn,
      refs: { transferId: t.transferId, responsibleAuthority: t.fromLocalAuthority },
    });
    if (!t.transferredOn || !book.done(t.transferredOn)) continue;
    book.add({
      id: `transfer-reassessment:${t.transferId}`, step: 'transfer-reassessment', regulation: 'reg 15(4)',
      what: 'Tell the family whether the new LA will reassess and when it will review the plan',
      responsible: 'local-authority', startsOn: t.transferredOn, dueOn: T.transferReassessmentDue(t.transferredOn),
      metOn: t.reassessment?.decidedOn,
      refs: {
        transferId: t.transferId, responsibleAuthority: t.toLocalAuthority,
        ...(t.reassessment?.reviewOn ? { reviewOn: t.reassessment.reviewOn } : {}),
      },
    });
  }
}

/** reg 16(2): the previous NHS commissioning body notifies the new one (not the LA); the new body then holds the health provision. */
export function commissioningBodyDeadlines(book: DeadlineBook): void {
  for (const c of Object.values(book.s.commissioningChanges)) {
    book.add({
      id: `commissioning-body-notice:${c.changeId}`, step: 'commissioning-body-notice',
      what: 'The previous NHS commissioning body notifies the new one',
      regulation: 'reg 16(2)', responsible: 'health', startsOn: c.learnedOn, dueOn: c.notifyDueOn, metOn: c.notifiedOn,
      refs: { changeId: c.changeId, newCommissioningBodyRef: c.newCommissioningBodyRef },
    });
  }
}
