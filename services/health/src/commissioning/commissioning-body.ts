import { ChronologyError, DomainError, isIsoDate, type IsoDate } from '@tio/ehc-domain';
import type { Decider } from '@tio/event-sourcing';
import type { Author } from '@tio/advice-domain';

/**
 * The NHS commissioning body responsible for the child's health provision on a case (an integrated care board,
 * by ODS code). Medical advice comes from a health care professional it identifies (reg 6(1)(c)); when it changes,
 * the previous body notifies the new one within 15 working days and the new body makes the health provision or asks
 * the LA for an assessment or review (reg 16: recorded as an `nhs-body` service transfer on the case service), so every
 * change is kept, never overwritten.
 */
export interface CommissioningBodyRecordedV1 {
  caseId: string;
  commissioningBodyRef: string;
  effectiveFrom: IsoDate;
  previousRef?: string;
  reason?: string;
  by: Author;
}
export type HealthEvent = { type: 'health.commissioning-body-recorded.v1'; data: CommissioningBodyRecordedV1 };

export interface RecordCommissioningBody {
  type: 'RecordCommissioningBody';
  caseId: string;
  commissioningBodyRef: string;
  effectiveFrom: IsoDate;
  reason?: string;
  by: Author;
}

export interface CommissioningState {
  current?: { commissioningBodyRef: string; effectiveFrom: IsoDate };
  history: CommissioningBodyRecordedV1[];
}

export class SameCommissioningBodyError extends DomainError {
  readonly code = 'same-commissioning-body';
}
export class InvalidCommissioningBodyError extends DomainError {
  readonly code = 'invalid-commissioning-body';
}

export const commissioningStream = (caseId: string) => `health-${caseId}`;

export const commissioningDecider: Decider<CommissioningState, RecordCommissioningBody, HealthEvent> = {
  initialState: () => ({ history: [] }),
  evolve: (s, e) => ({ current: { commissioningBodyRef: e.data.commissioningBodyRef, effectiveFrom: e.data.effectiveFrom }, history: [...s.history, e.data] }),
  decide: (c, s) => {
    if (!isIsoDate(c.effectiveFrom)) throw new InvalidCommissioningBodyError(`effectiveFrom must be a date YYYY-MM-DD, got ${c.effectiveFrom}`);
    if (s.current?.commissioningBodyRef === c.commissioningBodyRef) {
      throw new SameCommissioningBodyError(`${c.commissioningBodyRef} is already the responsible commissioning body (since ${s.current.effectiveFrom})`);
    }
    if (s.current && c.effectiveFrom < s.current.effectiveFrom) {
      throw new ChronologyError(`a change from ${c.effectiveFrom} cannot precede the current body's start ${s.current.effectiveFrom}`);
    }
    if (s.current && !c.reason) throw new InvalidCommissioningBodyError('a change of commissioning body says why (reason), e.g. the family moved (reg 16)');
    return [{
      type: 'health.commissioning-body-recorded.v1',
      data: { caseId: c.caseId, commissioningBodyRef: c.commissioningBodyRef, effectiveFrom: c.effectiveFrom, previousRef: s.current?.commissioningBodyRef, reason: c.reason, by: c.by },
    }];
  },
};
