import type { DeadlineBook } from '../deadline-book';

/** reg 13(1): the family's 15 days on each draft (a minimum period the LA must allow). */
export function draftCommentDeadlines(book: DeadlineBook): void {
  for (const d of book.s.drafts) {
    book.add({
      id: `draft-comments:${d.planId}:${d.issuedOn}`, step: 'draft-comments', kind: 'minimum-period',
      what: 'Comment on the draft plan and ask for a school or setting', regulation: 'reg 13(1)', responsible: 'family',
      startsOn: d.issuedOn, dueOn: d.commentsDueOn, metOn: d.familyResponse?.receivedOn, lapsedOn: book.s.finalPlan?.issuedOn,
      refs: { planId: d.planId },
    });
  }
}

/**
 * s.39(2) CFA 2014 consultation: the Code of Practice (9.79) expects an answer within 15 days; no statute sets a limit
 * (s.39(4) is the test for naming the school), so it is an expectation: "expected by", never overdue.
 */
export function settingConsultationExpectations(book: DeadlineBook): void {
  for (const c of Object.values(book.s.consultations)) {
    book.add({
      id: `setting-consultation:${c.consultationId}`, step: 'setting-consultation', kind: 'expectation',
      what: `Respond to the consultation on naming ${c.settingRef} (expected by ${c.responseDueOn})`,
      regulation: 'CFA 2014 s.39(2); CoP 9.79',
      responsible: 'education', startsOn: c.consultedOn, dueOn: c.responseDueOn, metOn: c.response?.respondedOn,
      refs: { consultationId: c.consultationId, settingRef: c.settingRef },
    });
  }
}
