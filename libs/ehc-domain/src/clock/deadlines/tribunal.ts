import { isAfter, type IsoDate } from '../../calendar';
import type { TribunalOrderState } from '../../case/state';
import * as T from '../../case/time-limits';
import { earliest, type DeadlineBook } from '../deadline-book';

/** When the LA complied with one step of an order (and when it stopped being required), counting from the order. */
function compliance(
  book: DeadlineBook, o: TribunalOrderState, step: T.TribunalStep, from: IsoDate,
): { metOn?: IsoDate; lapsedOn?: IsoDate } {
  const { s } = book;
  const after = (d: IsoDate | undefined) => (d && !isAfter(from, d) ? d : undefined);
  switch (step) {
    case 'confirm-assessment':
      return { metOn: s.assessmentDecisions.find((d) => d.tribunalOrderId === o.orderId)?.decidedOn };
    case 'decision-whether-to-issue':
      return { metOn: earliest(after(s.drafts.map((d) => d.issuedOn).find((d) => after(d))), after(s.decisionNotToIssueOn)) };
    case 'draft-plan':
      return { metOn: s.drafts.find((d) => d.tribunalOrderId === o.orderId)?.issuedOn };
    case 'final-plan':
      return { metOn: after(s.finalPlan?.issuedOn), lapsedOn: o.kind === 'assess' ? after(s.decisionNotToIssueOn) : undefined };
    case 'amended-plan':
      return { metOn: Object.values(s.amendments).find((a) => a.tribunalOrderId === o.orderId)?.amendedOn };
    case 'cease-plan':
      return { metOn: after(s.ceased?.ceasedOn) };
  }
}

/** Tribunal orders (reg 44-45): new clocks from the date of the order, or under reg 45 from the LA's notice to the Tribunal. */
export function tribunalDeadlines(book: DeadlineBook): void {
  for (const o of Object.values(book.s.tribunalOrders)) {
    const from = o.tribunalNotifiedOn ?? o.orderOn;
    const notOpposed = o.regulation === 'reg 45';
    for (const step of T.TRIBUNAL_LIMITS[o.kind]) {
      const { metOn, lapsedOn } = compliance(book, o, step.step, from);
      book.add({
        id: `tribunal:${o.orderId}:${step.step}`, step: 'tribunal', regulation: notOpposed ? 'reg 45' : 'reg 44(2)',
        responsible: 'local-authority',
        what: notOpposed ? `${step.what} (appeal not opposed: from the LA's notice to the Tribunal)` : `${step.what} (tribunal order)`,
        startsOn: from, dueOn: T.tribunalDue(from, step.weeks), metOn, lapsedOn,
        exceptions: book.exceptionsFor('tribunal', undefined, o.orderId),
        refs: { orderId: o.orderId, order: o.kind, orderStep: step.step },
      });
    }
  }
}
