import {
  addDays, addMonths, commissioningNotifyDue, endOfWorkingDaysBeginningWith, isAfter, isIsoDate, londonDateOf, maxDate, reviewDueAfterTransfer,
  reviewDueThreeMonthsAfterTransfer, transferDue, transferReassessmentDue, TIME_LIMITS, type IsoDate,
} from '@tio/ehc-domain';
import type { TransferState } from './decider';
import { evolveTransfer, initialTransferState } from './decider';
import { TransferNotRequestedError } from './errors';
import type { TransferEvent, TransferKind } from './events';

/** reg 15: the day of the move with at least 15 working days' notice, otherwise within 15 working days of learning of it. */
export const reg15TransferDue = (learnedOn: IsoDate, moveOn: IsoDate): IsoDate => transferDue(learnedOn, moveOn);

/**
 * reg 15(5): the new LA reviews within 12 months of the plan being made or last reviewed, or within the 3 months
 * beginning with the transfer, whichever is later. Without either date only the 3-month limb is known (the case
 * service fills them from the case).
 */
export function reviewAfterTransferDue(s: TransferState): IsoDate {
  const anchor = s.lastReviewOn ?? s.planMadeOn;
  const transferredOn = s.completedOn as IsoDate;
  return anchor ? reviewDueAfterTransfer(anchor, transferredOn) : reviewDueThreeMonthsAfterTransfer(transferredOn);
}

/** reg 16(4): the last day a new NHS commissioning body may ask the LA for an assessment or review: 15 working days beginning with the notification. */
export const healthRequestDue = (notifiedOn: IsoDate): IsoDate => endOfWorkingDaysBeginningWith(notifiedOn, TIME_LIMITS.commissioningNotifyWorkingDays);

/** reg 16: the new NHS commissioning body holds the health provision from the notification (the request), or from the change if later. */
const healthProvisionPassesOn = (s: TransferState): IsoDate => maxDate(s.requestedOn as IsoDate, s.proposedOn as IsoDate);

export type TransferDeadlineStatus = 'met' | 'late' | 'open' | 'overdue' | 'window-open' | 'window-closed' | 'not-applicable';

export interface TransferDeadline {
  id: 'plan-transfer' | 'reassessment-decision' | 'review-after-transfer' | 'notify-commissioning-body' | 'health-provision-or-request' | 'transition-planning' | 'transition-assessment' | 'answer';
  what: string;
  regulation: string;
  /** The organisation that must act. */
  responsible: string;
  startsOn: IsoDate;
  dueOn: IsoDate;
  metOn?: IsoDate;
  status: TransferDeadlineStatus;
  /** A window the other side may use (e.g. the new NHS body asking for a health assessment), not a duty. */
  optional?: boolean;
}

function status(dueOn: IsoDate, metOn: IsoDate | undefined, asOf: IsoDate): TransferDeadlineStatus {
  if (metOn) return isAfter(metOn, dueOn) ? 'late' : 'met';
  return isAfter(asOf, dueOn) ? 'overdue' : 'open';
}

export const foldTransfer = (events: readonly TransferEvent[]): TransferState => events.reduce(evolveTransfer, initialTransferState());

/**
 * The statutory deadlines of a transfer as they stood on `asOf`, derived from its events only (a deadline appears
 * once the fact that starts it is recorded, and only the facts recorded on or before `asOf` count as meeting it).
 */
export function transferDeadlines(events: readonly TransferEvent[], asOf: IsoDate): TransferDeadline[] {
  const s = foldTransfer(eventsUpTo(events, asOf));
  if (s.status === 'none') return [];
  const from = s.fromOrganisation as string;
  const to = s.toOrganisation as string;
  const closed = s.status === 'declined' || s.status === 'cancelled';
  const out: TransferDeadline[] = [];
  const add = (d: Omit<TransferDeadline, 'status'>, override?: TransferDeadlineStatus) => out.push({ ...d, status: override ?? status(d.dueOn, d.metOn, asOf) });
  const kind = s.kind as TransferKind;
  if (kind === 'local-authority') {
    add({
      id: 'plan-transfer', what: `Transfer the EHC plan to ${to} (move on ${s.moveOn})`, regulation: 'reg 15(2)-(3)', responsible: from,
      startsOn: s.learnedOn as IsoDate, dueOn: s.transferDueOn as IsoDate, ...(s.completedOn ? { metOn: s.completedOn } : {}),
    }, closed ? 'not-applicable' : undefined);
    if (s.completedOn) {
      add({
        id: 'reassessment-decision', what: 'Tell the parent / young person whether the new LA will reassess and when it will review the plan', regulation: 'reg 15(4)', responsible: to,
        startsOn: s.completedOn, dueOn: transferReassessmentDue(s.completedOn), ...(s.reassessment ? { metOn: s.reassessment.decidedOn } : {}),
      });
      // the review itself is on the case's clock
      const known = s.lastReviewOn || s.planMadeOn ? '' : ' (only the 3-month limb: no plan or review date was given)';
      add({
        id: 'review-after-transfer', what: `Review the EHC plan (the new LA; tracked on the case’s statutory clock)${known}${s.reassessment?.reviewOn ? `; planned for ${s.reassessment.reviewOn}` : ''}`,
        regulation: 'reg 15(5)', responsible: to, startsOn: s.completedOn, dueOn: reviewAfterTransferDue(s),
      });
    }
  }
  if (kind === 'nhs-body') {
    const learnedOn = s.learnedOn as IsoDate;
    add({
      id: 'notify-commissioning-body', what: `Notify the new commissioning body ${to}`, regulation: 'reg 16(2)', responsible: from,
      startsOn: learnedOn, dueOn: commissioningNotifyDue(learnedOn), metOn: s.requestedOn,
    });
    // reg 16(3)-(4): the new body makes the plan's health provision, or asks the LA for an assessment or review within
    // 15 working days beginning with the notification; recorded by its acceptance (with asksLocalAuthorityFor)
    const windowEnds = healthRequestDue(s.requestedOn as IsoDate);
    const asked = s.acceptedOn && s.asksLocalAuthorityFor ? s.acceptedOn : undefined;
    add({
      id: 'health-provision-or-request', what: `${to} makes the health provision in the plan, or asks the LA for an EHC needs assessment or a review`, regulation: 'reg 16(3)-(4)', responsible: to,
      startsOn: s.requestedOn as IsoDate, dueOn: windowEnds, optional: true, ...(s.acceptedOn ? { metOn: s.acceptedOn } : {}),
    }, asked ? (isAfter(asked, windowEnds) ? 'late' : 'met') : s.acceptedOn ? 'met' : isAfter(asOf, windowEnds) ? 'window-closed' : 'window-open');
  }
  if (kind === 'adult-services') {
    const adulthoodOn = s.adulthoodOn as IsoDate;
    add({
      id: 'transition-planning', what: 'Plan the move to adult services from year 9 (age 14) reviews', regulation: 'CoP 8.9-8.10; CFA 2014 s.44', responsible: from,
      startsOn: addMonths(adulthoodOn, -48), dueOn: addMonths(adulthoodOn, -48), metOn: s.requestedOn,
    }, 'met');
    const before18 = addDays(adulthoodOn, -1);
    add({
      id: 'transition-assessment', what: 'Adult social care transition assessment before the young person turns 18', regulation: 'Care Act 2014 s.58-59; CoP 8.57', responsible: to,
      startsOn: s.requestedOn as IsoDate, dueOn: before18, ...(s.transitionAssessedOn ? { metOn: s.transitionAssessedOn } : {}),
    }, closed ? 'not-applicable' : undefined);
  }
  if (s.status === 'requested' || s.acceptedOn || s.declined) {
    // no statutory limit for the receiving side's answer: due by the proposed day so that nobody is left without a decision
    add({
      id: 'answer', what: `${to} accepts or declines before responsibility is due to pass`, regulation: 'CoP 9.2 (co-operation); reg 15-16', responsible: to,
      startsOn: s.requestedOn as IsoDate, dueOn: s.proposedOn as IsoDate, ...((s.acceptedOn ?? s.declined?.on) ? { metOn: s.acceptedOn ?? s.declined?.on } : {}),
    }, s.status === 'cancelled' ? 'not-applicable' : undefined);
  }
  return out;
}

/** The day (in England) of an instant or a calendar date. */
export function dayOf(at: IsoDate | string | Date): IsoDate {
  if (typeof at === 'string' && isIsoDate(at)) return at;
  return londonDateOf(at);
}

/** The day each event's fact happened (responsibility and "as at" views follow the facts, not when they were typed in). */
export function factDate(e: TransferEvent): IsoDate {
  switch (e.type) {
    case 'transfer.requested.v1': return e.data.requestedOn;
    case 'transfer.accepted.v1': return e.data.acceptedOn;
    case 'transfer.declined.v1': return e.data.declinedOn;
    case 'transfer.completed.v1': return e.data.completedOn;
    case 'transfer.acknowledged.v1': return e.data.acknowledgedOn;
    case 'transfer.cancelled.v1': return e.data.cancelledOn;
    case 'transfer.reassessment-decided.v1': return e.data.decidedOn;
  }
}

/** The events whose facts happened on or before `at`. */
export function eventsUpTo(events: readonly TransferEvent[], at: IsoDate | string | Date): TransferEvent[] {
  const day = dayOf(at);
  return events.filter((e) => !isAfter(factDate(e), day));
}

export interface Responsibility {
  /** The one organisation responsible. */
  organisation: string;
  side: 'sending' | 'receiving';
  kind: TransferKind;
  /** Where the transfer stood at that moment. */
  stage: 'before-request' | 'requested' | 'accepted' | 'declined' | 'cancelled' | 'completed';
  /** Since when this organisation has held responsibility as far as this transfer shows (absent: before the transfer). */
  since?: IsoDate;
  /** Is a handover pending (requested or accepted, not completed)? */
  handoverPending: boolean;
}

/**
 * Which organisation is responsible at `at` (an instant, or a day in England): always exactly one. The sending side
 * stays responsible through the request, the acceptance, a decline or a cancellation, until the day the transfer
 * completes; from the start of that day the receiving side is. Before the request the sending side was responsible.
 */
export function responsibility(events: readonly TransferEvent[], at: IsoDate | string | Date): Responsibility {
  const all = foldTransfer(events);
  if (all.status === 'none') throw new TransferNotRequestedError('No transfer has been requested: its events are empty');
  const day = dayOf(at);
  const s = foldTransfer(eventsUpTo(events, day));
  const kind = all.kind as TransferKind;
  if (s.status === 'none') return { organisation: all.fromOrganisation as string, side: 'sending', kind, stage: 'before-request', handoverPending: false };
  if (kind === 'nhs-body' && s.status !== 'cancelled' && !isAfter(healthProvisionPassesOn(s), day)) {
    return { organisation: s.toOrganisation as string, side: 'receiving', kind, stage: s.status as Responsibility['stage'], since: healthProvisionPassesOn(s), handoverPending: false };
  }
  if (s.status === 'completed') return { organisation: s.toOrganisation as string, side: 'receiving', kind, stage: 'completed', since: s.completedOn, handoverPending: false };
  return { organisation: s.fromOrganisation as string, side: 'sending', kind, stage: s.status as Responsibility['stage'], handoverPending: s.status === 'requested' || s.status === 'accepted' };
}

export interface ResponsibilityPeriod {
  organisation: string;
  /** Inclusive first day (absent: from before the transfer). */
  from?: IsoDate;
  /** Exclusive: the day the next organisation took over (absent: still responsible). */
  until?: IsoDate;
}

/** Responsibility over time: consecutive periods with no gap and no overlap (one period, or two when completed). */
export function responsibilityPeriods(events: readonly TransferEvent[]): ResponsibilityPeriod[] {
  const s = foldTransfer(events);
  if (s.status === 'none') return [];
  if (s.kind === 'nhs-body' && s.status !== 'cancelled') {
    const passesOn = healthProvisionPassesOn(s);
    return [{ organisation: s.fromOrganisation as string, until: passesOn }, { organisation: s.toOrganisation as string, from: passesOn }];
  }
  if (s.status !== 'completed') return [{ organisation: s.fromOrganisation as string }];
  return [
    { organisation: s.fromOrganisation as string, until: s.completedOn },
    { organisation: s.toOrganisation as string, from: s.completedOn },
  ];
}

/** A short summary of a transfer for APIs: its state, steps, deadlines and who is responsible on `asOf`. */
export function describeTransfer(events: readonly TransferEvent[], asOf: IsoDate) {
  const state = foldTransfer(events);
  return {
    state,
    deadlines: transferDeadlines(events, asOf),
    responsibleOn: { on: asOf, ...responsibility(events, asOf) },
    responsibility: responsibilityPeriods(events),
  };
}
