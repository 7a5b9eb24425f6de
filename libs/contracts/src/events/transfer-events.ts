import { HEALTH_REQUESTS, TRANSFER_EVENT_TYPES, TRANSFER_KINDS, type TransferEventDataMap, type TransferEventType, type TransferredItems } from '@tio/transfer-domain';
import type { JsonSchema } from '../json-schema';
import type { EventTypeRegistry } from '../registry';
import { arrayOf, bool, ENCRYPTED, id, isoDate, oneOf, opt, req, shapeOf, str } from '../schema-helpers';
import { TOPICS } from '../topics';
import { splitType } from './case-events';

/**
 * Transfers of responsibility (`@tio/transfer-domain`), published exactly as the case service stores them (stream
 * `transfer-<transferId>`) on `tio.case.events.v1` with key = case id, so both sides' timelines show every step.
 * Keyed by `TransferEventType`: a new transfer event type does not compile until it has a contract here.
 */
export interface TransferEventContract<K extends TransferEventType> {
  schema: JsonSchema;
  example: TransferEventDataMap[K];
}

const caseId = req(id('The EHC case the transfer is about; equal to the Kafka key and the CloudEvents subject.'));
const transferId = req(id('The transfer (its own stream, transfer-<transferId>).'));
const items = (what: string) => shapeOf<TransferredItems>({
  planId: opt(id('The EHC plan that moves with the child.')),
  adviceIds: req(arrayOf(id('Advice held for the child.'), 'The advice that moves with the child.')),
  fundingRef: opt(id('The funding (e.g. high-needs top-up) that follows the child.')),
}, what);
const organisation = (what: string) => req(id(what));

const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const T = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b0008';
const MOVES: TransferredItems = { planId: 'd3e4f506-1728-4930-8a4b-5c6d7e8f0005', adviceIds: ['c2d3e4f5-0617-4829-9a3b-4c5d6e7f0004'], fundingRef: 'hn-2025-77' };

export const TRANSFER_EVENT_CONTRACTS: { readonly [K in TransferEventType]: TransferEventContract<K> } = {
  'transfer.requested.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.requested.v1']>({
      caseId, transferId,
      kind: req(oneOf(TRANSFER_KINDS, 'local-authority (reg 15), school, nhs-body (reg 16) or adult-services.')),
      fromOrganisation: organisation('The organisation responsible now, which asks (LA GSS code, school URN, NHS ODS code …).'),
      toOrganisation: organisation('The organisation asked to take responsibility.'),
      requestedOn: req(isoDate('The day of the request.')),
      learnedOn: req(isoDate('The day the sending side learned of the change (reg 15/16 clocks start here).')),
      proposedOn: req(isoDate('The day responsibility is proposed to pass.')),
      moveOn: opt(isoDate('local-authority: the day of the move.')),
      transferDueOn: opt(isoDate('local-authority (reg 15): the day of the move, or 15 working days from learning of it with less notice.')),
      lastReviewOn: opt(isoDate('local-authority: the last annual review (for the reg 15(5) review deadline).')),
      planMadeOn: opt(isoDate('local-authority: the day the plan was made (the reg 15(5) 12-month limb when it has not been reviewed).')),
      adulthoodOn: opt(isoDate('adult-services: the day the young person turns 18.')),
      moves: req(items('What is to move with the child.')),
      reason: opt(str(`Why ${ENCRYPTED}`)),
    }),
    example: { caseId: C, transferId: T, kind: 'local-authority', fromOrganisation: 'E08000025', toOrganisation: 'E08000026', requestedOn: '2025-03-03', learnedOn: '2025-03-03', proposedOn: '2025-04-14', moveOn: '2025-04-14', transferDueOn: '2025-04-14', moves: MOVES },
  },
  'transfer.accepted.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.accepted.v1']>({
      caseId, transferId,
      organisation: organisation('The receiving organisation, which accepts.'),
      acceptedOn: req(isoDate('The day it accepted (a new setting: admitted).')),
      transitionAssessedOn: opt(isoDate('adult-services: the day of the transition assessment (Care Act 2014 s.58-59).')),
      asksLocalAuthorityFor: opt(oneOf(HEALTH_REQUESTS, 'nhs-body (reg 16(4)): instead of making the health provision in the plan, the new commissioning body asks the LA for an EHC needs assessment or a review (within 15 working days beginning with the notification).')),
      note: opt(str(`A note from the receiving organisation ${ENCRYPTED}`)),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000026', acceptedOn: '2025-03-10' },
  },
  'transfer.declined.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.declined.v1']>({
      caseId, transferId,
      organisation: organisation('The receiving organisation, which declines.'),
      declinedOn: req(isoDate('The day it declined.')),
      reason: req(id(`Why it declined ${ENCRYPTED}`)),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000026', declinedOn: '2025-03-10', reason: 'The family is not resident in our area' },
  },
  'transfer.completed.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.completed.v1']>({
      caseId, transferId,
      organisation: organisation('The sending organisation, which hands over.'),
      completedOn: req(isoDate('Responsibility passes to the receiving organisation from the start of this day.')),
      moved: req(items('What moved with the child.')),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000025', completedOn: '2025-04-14', moved: MOVES },
  },
  'transfer.acknowledged.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.acknowledged.v1']>({
      caseId, transferId,
      organisation: organisation('The receiving organisation, which confirms it holds responsibility, the plan, advice and funding.'),
      acknowledgedOn: req(isoDate('The day it acknowledged.')),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000026', acknowledgedOn: '2025-04-14' },
  },
  'transfer.cancelled.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.cancelled.v1']>({
      caseId, transferId,
      organisation: organisation('The sending organisation, which cancels.'),
      cancelledOn: req(isoDate('The day it cancelled.')),
      reason: req(id(`Why ${ENCRYPTED}`)),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000025', cancelledOn: '2025-03-20', reason: 'The family is not moving after all' },
  },
  'transfer.reassessment-decided.v1': {
    schema: shapeOf<TransferEventDataMap['transfer.reassessment-decided.v1']>({
      caseId, transferId,
      organisation: organisation('The new local authority.'),
      willReassess: req(bool('Whether it will reassess.')),
      decidedOn: req(isoDate('The day it told the family.')),
      reviewOn: opt(isoDate('reg 15(4)(a): when the new LA will review the plan (within the reg 15(5) limit).')),
    }),
    example: { caseId: C, transferId: T, organisation: 'E08000026', willReassess: false, decidedOn: '2025-05-01' },
  },
};

export function registerTransferEvents(registry: EventTypeRegistry): void {
  for (const info of TRANSFER_EVENT_TYPES) {
    const contract = TRANSFER_EVENT_CONTRACTS[info.type];
    const [name, v] = splitType(info.type);
    registry.register({
      name, version: v, direction: 'outbound', topic: TOPICS.caseEvents,
      summary: info.summary,
      ...(info.regulation ? { regulation: info.regulation } : {}),
      description: 'A step of a transfer of responsibility, published exactly as the case service stores it (stream transfer-<transferId>); key = case id.',
      schema: contract.schema,
      example: contract.example,
    });
  }
}
