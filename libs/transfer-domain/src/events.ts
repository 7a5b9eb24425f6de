import type { IsoDate } from '@tio/ehc-domain';

/**
 * One transfer of responsibility for a child's case, as its own stream `transfer-<transferId>`, recorded step by
 * step by the organisation each step belongs to. Events carry ids and organisation references, never personal details.
 */

export const TRANSFER_KINDS = ['local-authority', 'school', 'nhs-body', 'adult-services'] as const;
/**
 * - `local-authority`: the family moves to another LA (SEND Regulations 2014 reg 15);
 * - `school`: one school or setting to another (the plan names the new setting; the new setting admits);
 * - `nhs-body`: a different NHS commissioning body becomes responsible (reg 16): the old body notifies the new one (the
 *   request), and the new body holds the health provision from the notification;
 * - `adult-services`: children's to adult social care (planned from year 9; transition assessment before 18).
 */
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export const HEALTH_REQUESTS = ['assessment', 'review'] as const;
/** reg 16(4): what a new NHS commissioning body may ask the LA for instead of making the plan's health provision as it stands. */
export type HealthRequest = (typeof HEALTH_REQUESTS)[number];

/** What moves with the child: the plan, the advice held, and the funding. */
export interface TransferredItems {
  planId?: string;
  adviceIds: string[];
  fundingRef?: string;
}

export interface TransferRequestedV1 {
  caseId: string;
  transferId: string;
  kind: TransferKind;
  /** The organisation responsible now, which asks (an LA GSS code, a school URN, an NHS body ODS code …). */
  fromOrganisation: string;
  /** The organisation that is asked to take responsibility. */
  toOrganisation: string;
  requestedOn: IsoDate;
  /** The day the sending side learned of the change (reg 15/16 clocks start here). */
  learnedOn: IsoDate;
  /** The day responsibility is proposed to pass (the day of the move, the start at the new setting, the 18th birthday …). */
  proposedOn: IsoDate;
  /** `local-authority`: the day of the move. */
  moveOn?: IsoDate;
  /** `local-authority`: reg 15: the day of the move, or 15 working days from learning of it when there was less notice. */
  transferDueOn?: IsoDate;
  /** `local-authority`: the last annual review of the plan, for the reg 15(5) review deadline. */
  lastReviewOn?: IsoDate;
  /** `local-authority`: the day the plan was made: the reg 15(5) 12-month limb runs from it when the plan has not been reviewed. */
  planMadeOn?: IsoDate;
  /** `adult-services`: the day the young person turns 18 (the transition assessment must be before it). */
  adulthoodOn?: IsoDate;
  moves: TransferredItems;
  reason?: string;
}
export interface TransferAcceptedV1 {
  caseId: string;
  transferId: string;
  /** The receiving organisation, which accepts. */
  organisation: string;
  acceptedOn: IsoDate;
  /** `adult-services`: the day adult social care completed its transition assessment (Care Act 2014 s.58-59). */
  transitionAssessedOn?: IsoDate;
  /**
   * `nhs-body` (reg 16): the new commissioning body, instead of simply making the health provision in the plan, asks the
   * LA for an EHC needs `assessment` or a `review` of the plan (within 15 working days beginning with the notification).
   */
  asksLocalAuthorityFor?: HealthRequest;
  note?: string;
}
export interface TransferDeclinedV1 {
  caseId: string;
  transferId: string;
  organisation: string;
  declinedOn: IsoDate;
  reason: string;
}
export interface TransferCompletedV1 {
  caseId: string;
  transferId: string;
  /** The sending organisation, which hands over. */
  organisation: string;
  /** Responsibility passes to the receiving organisation at the start of this day. */
  completedOn: IsoDate;
  moved: TransferredItems;
}
export interface TransferAcknowledgedV1 {
  caseId: string;
  transferId: string;
  /** The receiving organisation, which confirms it holds responsibility, the plan, advice and funding. */
  organisation: string;
  acknowledgedOn: IsoDate;
}
export interface TransferCancelledV1 {
  caseId: string;
  transferId: string;
  organisation: string;
  cancelledOn: IsoDate;
  reason: string;
}
export interface TransferReassessmentDecidedV1 {
  caseId: string;
  transferId: string;
  /** The new local authority. */
  organisation: string;
  willReassess: boolean;
  decidedOn: IsoDate;
  /** reg 15(4)(a): when the new LA will review the plan (within the reg 15(5) limit). */
  reviewOn?: IsoDate;
}

export interface TransferEventDataMap {
  'transfer.requested.v1': TransferRequestedV1;
  'transfer.accepted.v1': TransferAcceptedV1;
  'transfer.declined.v1': TransferDeclinedV1;
  'transfer.completed.v1': TransferCompletedV1;
  'transfer.acknowledged.v1': TransferAcknowledgedV1;
  'transfer.cancelled.v1': TransferCancelledV1;
  'transfer.reassessment-decided.v1': TransferReassessmentDecidedV1;
}
export type TransferEventType = keyof TransferEventDataMap;
export type TransferEvent = { [K in TransferEventType]: { type: K; data: TransferEventDataMap[K] } }[TransferEventType];

export interface TransferEventTypeInfo {
  type: TransferEventType;
  summary: string;
  regulation?: string;
}

export const TRANSFER_EVENT_TYPES: readonly TransferEventTypeInfo[] = [
  { type: 'transfer.requested.v1', summary: 'The organisation responsible for the child asked another to take responsibility (LA, school, NHS body or adult services); it stays responsible until completion.', regulation: 'reg 15; reg 16; CFA 2014 s.39-40; CoP 8.9' },
  { type: 'transfer.accepted.v1', summary: 'The receiving organisation accepted the transfer (a new setting admits; adult services after a transition assessment; a new NHS commissioning body makes the health provision or asks the LA for an assessment or review).', regulation: 'reg 15; reg 16; Care Act 2014 s.58-59' },
  { type: 'transfer.declined.v1', summary: 'The receiving organisation declined the transfer, with its reason; the sending organisation stays responsible.' },
  { type: 'transfer.completed.v1', summary: 'The sending organisation handed over: responsibility, the plan, advice and funding pass to the receiving organisation from the stated day.', regulation: 'reg 15; reg 16' },
  { type: 'transfer.acknowledged.v1', summary: 'The receiving organisation confirmed it holds responsibility, the plan, the advice and the funding.' },
  { type: 'transfer.cancelled.v1', summary: 'The sending organisation cancelled the transfer before completion; it stays responsible.' },
  { type: 'transfer.reassessment-decided.v1', summary: 'The new local authority told the family whether it will reassess and when it will review the plan (within 6 weeks of the transfer).', regulation: 'reg 15(4)' },
];
