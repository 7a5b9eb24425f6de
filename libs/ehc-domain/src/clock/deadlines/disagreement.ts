import type { IsoDate } from '../../calendar';
import { earliest, type DeadlineBook } from '../deadline-book';

/** Mediation (CFA 2014 s.55; regs 33, 37, 39): the certificate, or the mediation and then its certificate. */
export function mediationDeadlines(book: DeadlineBook): void {
  for (const m of Object.values(book.s.mediations ?? {})) {
    const refs = { mediationId: m.mediationId, noticeId: m.noticeId };
    if (m.certificateDueOn) {
      book.add({
        id: `mediation-certificate:${m.mediationId}`, step: 'mediation-certificate',
        what: 'The mediation adviser issues the certificate (the family chose not to mediate)',
        regulation: 'reg 33', responsible: 'other', startsOn: m.decidedOn, dueOn: m.certificateDueOn, metOn: m.certificate?.issuedOn,
        refs: { ...refs },
      });
    }
    if (m.mediationDueOn) {
      book.add({
        id: `mediation:${m.mediationId}`, step: 'mediation', what: 'Hold the mediation', regulation: 'reg 37',
        responsible: 'local-authority',
        startsOn: m.decidedOn, dueOn: m.mediationDueOn, metOn: m.held?.heldOn, refs: { ...refs },
      });
    }
    if (m.held) {
      book.add({
        id: `mediation-certificate:${m.mediationId}`, step: 'mediation-certificate',
        what: 'The mediator issues the certificate after the mediation',
        regulation: 'reg 39', responsible: 'other', startsOn: m.held.heldOn, dueOn: m.held.certificateDueOn, metOn: m.certificate?.issuedOn,
        refs: { ...refs },
      });
    }
  }
}

/** The family's window to appeal each notified decision (Tribunal Procedure Rules r.20), later after a mediation certificate. */
export function appealWindows(book: DeadlineBook): void {
  const { s } = book;
  for (const n of Object.values(s.appealNotices ?? {})) {
    const certified = Object.values(s.mediations ?? {}).flatMap((m) =>
      m.noticeId === n.noticeId && m.certificate && book.done(m.certificate.issuedOn) ? [m.certificate.appealDueOn] : []);
    const dueOn = [n.appealDueOn, ...certified].sort().at(-1) as IsoDate;
    const registered = earliest(...Object.values(s.appeals ?? {}).filter((a) => a.noticeId === n.noticeId).map((a) => a.registeredOn));
    book.add({
      id: `appeal-window:${n.noticeId}`, step: 'appeal-window', kind: 'minimum-period',
      what: `Appeal to the First-tier Tribunal (SEND) against the decision (${n.decision}) of ${n.decidedOn}`,
      regulation: 'CFA 2014 s.51; Tribunal Procedure Rules r.20', responsible: 'family', startsOn: n.decidedOn, dueOn, metOn: registered,
      refs: { noticeId: n.noticeId, decision: n.decision },
    });
  }
}
