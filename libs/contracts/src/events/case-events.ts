import {
  ADVICE_TYPES, AGENCIES, AMENDMENT_TRIGGERS, APPEAL_OUTCOMES, ASSESSMENT_DECISIONS, APPEALABLE_DECISIONS, REASSESSMENT_DECISIONS, REASSESSMENT_REQUESTERS, ASSESSMENT_TRANSFER_CLOCKS, CEASE_REASONS, CESSATION_CONSULTEES, MEDIATION_CHOICES, MEDIATION_OUTCOMES, CLOSED_SETTINGS, EHC_EVENT_TYPES, ERASURE_GROUNDS, EXCEPTION_LIMITS, EXCEPTION_REASONS, REQUEST_SOURCES, TRIBUNAL_ORDER_KINDS,
  PHASE_TRANSFER_KINDS, REVIEW_DECISIONS, TRIBUNAL_ORDER_REGULATIONS,
  type AmendmentTrigger, type ChildDetails, type EhcEventDataMap, type EhcEventType, type PhaseTransferKind, type RequestReceivedV1, type ReviewDecision,
  type TribunalOrderReceivedV1, type AdviceReusedV1,
} from '@tio/ehc-domain';
import type { JsonSchema } from '../json-schema';
import type { EventTypeRegistry } from '../registry';
import { allOf, alwaysTrue, bool, ENCRYPTED, id, integer, isoDate, oneOf, opt, req, shapeOf, str } from '../schema-helpers';
import { TOPICS } from '../topics';
import { ASSESSMENT_ADVICE_CONTRACTS } from './assessment-advice-contracts';
import { FAMILY_CONTRACTS, type FamilyPublishedDataMap } from './family-contracts';
import { PLAN_CONTRACTS } from './plan-contracts';

/**
 * The case service's integration events ARE the EHC case domain events as stored (`@tio/ehc-domain`): same type
 * names, same data. Every entry of `EHC_EVENT_TYPES` is registered here on `tio.case.events.v1` with a JSON Schema
 * built by `shapeOf<EhcEventDataMap[type]>`, so the compiler rejects a schema whose fields or optionality differ
 * from the domain's data interface, and `CASE_EVENT_CONTRACTS` is keyed by `EhcEventType`, so a new domain event
 * type does not compile until it has a contract. Values (enums, dates, ids) are checked at run time by
 * `domain-contracts.spec.ts`, which validates events produced by the real decider against these schemas.
 */

/** One EHC case event type's contract: its payload schema and a realistic example. */
export interface CaseEventContract<K extends EhcEventType> {
  /** The published payload's schema (the stored data's, except for the types with `toPayload`). */
  schema: JsonSchema;
  example: PublishedCaseEventData<K>;
  /** Only for the family types whose personal fields stay out of Kafka (family-contracts.ts). */
  toPayload?: (stored: EhcEventDataMap[K]) => PublishedCaseEventData<K>;
}

/** What an EHC case event type is published as: its stored data, or for a family type its published shape. */
export type PublishedCaseEventData<K extends EhcEventType> = K extends keyof FamilyPublishedDataMap ? FamilyPublishedDataMap[K] : EhcEventDataMap[K];

// The domain's lists, re-exported here for the contracts' users (they were once defined in this file).
export { AMENDMENT_TRIGGERS, PHASE_TRANSFER_KINDS, REVIEW_DECISIONS };

const caseId = req(id('The EHC case (a UUID assigned by the case service); equal to the Kafka key and the CloudEvents subject.'));
const assessmentId = id('The EHC needs assessment.');
const adviceRequestId = id('The request for advice.');
const adviceId = id('The advice (as identified by the agency service that holds it).');
const planId = id('The EHC plan document.');
const localAuthority = (what: string) => id(`GSS code of the ${what} local authority, e.g. E08000025.`);
const agency = oneOf(AGENCIES, 'The agency that gives the advice (reg 6(1)).');
const adviceType = oneOf(ADVICE_TYPES, 'The kind of advice and information (SEND Regulations 2014 reg 6(1)).');
const version = integer('The version of the advice (a correction is a new version).', 1);
const tribunalOrderId = opt(id('The tribunal order this complies with (reg 44/45).'));
const namedSettingRef = opt(id('The school or other institution named in section I of the plan.'));

const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const ASMT = '7e0d4c8a-1b2c-4d3e-8f40-5a6b7c8d0002';
const REQ = '9a1b2c3d-4e5f-4061-8728-39a4b5c60003';
const ADV = 'c2d3e4f5-0617-4829-9a3b-4c5d6e7f0004';
const PLAN = 'd3e4f506-1728-4930-8a4b-5c6d7e8f0005';
const REVIEW = 'e4f50617-2839-4a41-9b5c-6d7e8f900006';
const TRANSFER = 'f5061728-394a-4b52-8c6d-7e8f90a10007';
const SETTING = 'urn:100001';

/** Every EHC case event type's schema and example. Keyed by the domain's type list: a new type must be added. */
export const CASE_EVENT_CONTRACTS: { readonly [K in EhcEventType]: CaseEventContract<K> } = {
  ...ASSESSMENT_ADVICE_CONTRACTS,
  ...PLAN_CONTRACTS,
  ...FAMILY_CONTRACTS,
  'ehc.request-received.v1': {
    schema: shapeOf<RequestReceivedV1>({
      caseId,
      childRef: req(id('Opaque reference to the child (never personal details).')),
      child: opt(shapeOf<ChildDetails>({
        dateOfBirth: req(str(`The child's date of birth (YYYY-MM-DD) ${ENCRYPTED}`)),
        name: opt(str(`The child's name ${ENCRYPTED}`)),
        nhsNumber: opt(str(`The child's NHS number (10 digits) ${ENCRYPTED}`)),
      }, "The child's personal details, where the process needs them (retention runs from the date of birth). Personal data: published only encrypted.")),
      localAuthority: req(localAuthority('responsible')),
      source: req(oneOf(REQUEST_SOURCES, 'Who asked for the assessment (reg 3; CoP 9.8-9.16).')),
      requestedBy: req(shapeOf<RequestReceivedV1['requestedBy']>({
        role: req(id('Their role, e.g. "parent", "SENCO", "paediatrician".')),
        personRef: opt(str('Opaque reference to the person.')),
        organisationRef: opt(str('Opaque reference to their organisation.')),
      }, 'Who made the request.')),
      receivedOn: req(isoDate('The day the LA received the request: day 0 of the statutory clock.')),
    }),
    example: { caseId: C, childRef: 'child-7f3a9c', localAuthority: 'E08000025', source: 'school', requestedBy: { role: 'SENCO', organisationRef: 'urn:100001' }, receivedOn: '2025-01-06' },
  },
  'ehc.decision-to-assess.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.decision-to-assess.v1']>({
      caseId,
      decision: req(oneOf(ASSESSMENT_DECISIONS, 'The decision.')),
      assessmentId: opt(id('The EHC needs assessment (present when the decision is to assess).')),
      decidedOn: req(isoDate('The day the decision was made.')),
      tribunalOrderId,
    }),
    example: { caseId: C, decision: 'assess', assessmentId: ASMT, decidedOn: '2025-02-03' },
  },
  'ehc.advice-requested.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-requested.v1']>({
      caseId,
      assessmentId: req(assessmentId),
      adviceRequestId: req(adviceRequestId),
      adviceType: req(adviceType),
      agency: req(agency),
      adviserRef: opt(id('Opaque reference to the adviser asked.')),
      requestedOn: req(isoDate('The day advice was asked for.')),
      dueOn: req(isoDate('reg 8(1): 6 weeks from the request for advice.')),
    }),
    example: { caseId: C, assessmentId: ASMT, adviceRequestId: REQ, adviceType: 'medical', agency: 'health', requestedOn: '2025-02-04', dueOn: '2025-03-18' },
  },
  'ehc.advice-received.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-received.v1']>({
      caseId, assessmentId: req(assessmentId), adviceRequestId: req(adviceRequestId), adviceId: req(adviceId), version: req(version),
      agency: req(agency), adviceType: req(adviceType), receivedOn: req(isoDate('The day the advice (this version) was received.')),
      withheldFromFamily: opt(alwaysTrue('Present when the agency keeps this version from the family (the advice event\'s withheldFromFamily; never its reason): it is never shown, named or counted to them. The latest version decides.')),
    }),
    example: { caseId: C, assessmentId: ASMT, adviceRequestId: REQ, adviceId: ADV, version: 1, agency: 'health', adviceType: 'medical', receivedOn: '2025-03-10' },
  },
  'ehc.advice-reused.v1': {
    schema: shapeOf<AdviceReusedV1>({
      caseId, assessmentId: req(assessmentId),
      reuseId: req(id('This re-use.')),
      adviceType: req(adviceType), agency: req(agency), adviceId: req(adviceId), version: req(version),
      adviceRequestId: opt(id('The open request this re-use answers, if one had been made.')),
      sourceCaseId: opt(id('The earlier case the advice was given for, if not this one.')),
      agreement: req(shapeOf<AdviceReusedV1['agreement']>({
        adviser: req(alwaysTrue('The adviser agrees.')),
        localAuthority: req(alwaysTrue('The LA agrees.')),
        parentOrYoungPerson: req(alwaysTrue('The parent or young person agrees.')),
      }, 'reg 6(4): everyone is satisfied the existing advice is sufficient (all always true).')),
      agreedOn: req(isoDate('The day the agreement was recorded.')),
    }),
    example: {
      caseId: C, assessmentId: ASMT, reuseId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b10008', adviceType: 'psychological', agency: 'education',
      adviceId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c0009', version: 2, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true }, agreedOn: '2025-02-10',
    },
  },
  'ehc.advice-withdrawn.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-withdrawn.v1']>({
      caseId, adviceRequestId: req(adviceRequestId), adviceId: req(adviceId),
      withdrawnOn: req(isoDate('The day it was withdrawn.')),
      reason: req(id('Why the agency withdrew it.')),
    }),
    example: { caseId: C, adviceRequestId: REQ, adviceId: ADV, withdrawnOn: '2025-03-12', reason: 'Written for another child with the same surname' },
  },
  'ehc.decision-not-to-issue.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.decision-not-to-issue.v1']>({ caseId, decidedOn: req(isoDate('The day the decision was made (reg 10: within 16 weeks).')) }),
    example: { caseId: C, decidedOn: '2025-04-22' },
  },
  'ehc.draft-plan-issued.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.draft-plan-issued.v1']>({
      caseId, planId: req(planId), issuedOn: req(isoDate('The day the draft was issued.')),
      commentsDueOn: req(isoDate('reg 13(1): the last of at least 15 days to comment and ask for a school.')),
      tribunalOrderId,
    }),
    example: { caseId: C, planId: PLAN, issuedOn: '2025-04-14', commentsDueOn: '2025-04-28' },
  },
  'ehc.family-response-received.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-response-received.v1']>({
      caseId, planId: req(planId), receivedOn: req(isoDate('The day the response was received.')),
      preferredSettingRef: opt(id('The school or setting the family asks to be named (s.38 CFA 2014).')),
      commentsRef: opt(id('Reference to the comments document held by the case service.')),
      nothingMoreToSay: opt(bool('reg 13(1): the family said they have nothing more to say, so the final plan may follow before their 15 days end.')),
      meetingRequested: opt(bool('The family asked to meet an officer of the LA to discuss the draft (CoP 9.78).')),
      comments: opt(str(`The family's comments on the draft in their own words ${ENCRYPTED}`)),
    }),
    example: { caseId: C, planId: PLAN, receivedOn: '2025-04-22', preferredSettingRef: SETTING },
  },
  'ehc.setting-consulted.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.setting-consulted.v1']>({
      caseId, consultationId: req(id('The consultation.')), settingRef: req(id('The school or setting consulted.')),
      consultedOn: req(isoDate('The day it was consulted.')), responseDueOn: req(isoDate('The response is expected by this day (15 days beginning with the consultation, CoP 9.79): an expectation, not a statutory limit (s.39(4) is the suitability test).')),
    }),
    example: { caseId: C, consultationId: '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f000a', settingRef: SETTING, consultedOn: '2025-04-23', responseDueOn: '2025-05-07' },
  },
  'ehc.setting-responded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.setting-responded.v1']>({
      caseId, consultationId: req(id('The consultation.')), respondedOn: req(isoDate('The day it responded.')),
      canMeetNeeds: req(bool('Whether the setting says it can meet the needs.')),
    }),
    example: { caseId: C, consultationId: '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f000a', respondedOn: '2025-05-02', canMeetNeeds: true },
  },
  'ehc.final-plan-issued.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.final-plan-issued.v1']>({
      caseId, planId: req(planId), issuedOn: req(isoDate('The day the final plan was issued (reg 13(2): within 20 weeks).')), namedSettingRef, tribunalOrderId,
    }),
    example: { caseId: C, planId: PLAN, issuedOn: '2025-05-19', namedSettingRef: SETTING },
  },
  'ehc.amendment-proposed.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.amendment-proposed.v1']>({
      caseId, amendmentId: req(id('The amendment.')),
      trigger: req(allOf<AmendmentTrigger>()(AMENDMENT_TRIGGERS, 'What led to the proposal.')),
      proposedOn: req(isoDate('The day the amendments were proposed.')),
      commentsDueOn: req(isoDate('reg 22(2): the last of at least 15 days to comment.')),
      amendedPlanDueOn: req(isoDate('reg 22(3) / 28(3): the amended plan within 8 weeks of the proposals; after a review no later than 12 weeks after the meeting (R (L) v Devon CC [2022]).')),
      reviewId: opt(id('The annual review that led to it.')),
      phaseTransferId: opt(id('The phase transfer that led to it.')),
      tribunalOrderId: opt(id('The tribunal order that led to it.')),
      reassessmentId: opt(id('The reassessment it finishes (reg 27): the amended plan is then due within 14 weeks of the decision to reassess.')),
    }),
    example: { caseId: C, amendmentId: '2c3d4e5f-6071-4829-8b3c-4d5e6f70000b', trigger: 'annual-review', proposedOn: '2026-04-20', commentsDueOn: '2026-05-04', amendedPlanDueOn: '2026-06-15', reviewId: REVIEW },
  },
  'ehc.plan-amended.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.plan-amended.v1']>({ caseId, amendmentId: req(id('The amendment.')), amendedOn: req(isoDate('The day the amended plan was issued.')), namedSettingRef }),
    example: { caseId: C, amendmentId: '2c3d4e5f-6071-4829-8b3c-4d5e6f70000b', amendedOn: '2026-06-01' },
  },
  'ehc.decision-not-to-amend.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.decision-not-to-amend.v1']>({
      caseId, amendmentId: req(id('The proposed amendment the LA decided not to make.')), decidedOn: req(isoDate('reg 22(4): the day the decision was notified (within 8 weeks of the proposals).')),
    }),
    example: { caseId: C, amendmentId: '2c3d4e5f-6071-4829-8b3c-4d5e6f70000b', decidedOn: '2026-06-01' },
  },
  'ehc.review-meeting-scheduled.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.review-meeting-scheduled.v1']>({
      caseId, reviewId: req(id('The annual review.')), scheduledOn: req(isoDate('The day the meeting was arranged.')),
      meetingOn: req(isoDate('The day of the meeting.')), papersDueOn: req(isoDate('reg 20(4)/21: papers to everyone invited 2 weeks before the meeting.')),
    }),
    example: { caseId: C, reviewId: REVIEW, scheduledOn: '2026-02-02', meetingOn: '2026-04-13', papersDueOn: '2026-03-30' },
  },
  'ehc.review-papers-circulated.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.review-papers-circulated.v1']>({ caseId, reviewId: req(id('The annual review.')), circulatedOn: req(isoDate('The day the papers went out.')) }),
    example: { caseId: C, reviewId: REVIEW, circulatedOn: '2026-03-27' },
  },
  'ehc.review-meeting-held.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.review-meeting-held.v1']>({ caseId, reviewId: req(id('The annual review.')), heldOn: req(isoDate('The day the meeting was held.')) }),
    example: { caseId: C, reviewId: REVIEW, heldOn: '2026-04-13' },
  },
  'ehc.review-report-submitted.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.review-report-submitted.v1']>({ caseId, reviewId: req(id('The annual review.')), submittedOn: req(isoDate('The day the report was sent (within 2 weeks of the meeting).')) }),
    example: { caseId: C, reviewId: REVIEW, submittedOn: '2026-04-17' },
  },
  'ehc.review-decision-made.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.review-decision-made.v1']>({
      caseId, reviewId: req(id('The annual review.')),
      decision: req(allOf<ReviewDecision>()(REVIEW_DECISIONS, 'Maintain, amend or cease the plan.')),
      decidedOn: req(isoDate('The day of the decision (within 4 weeks of the meeting).')),
    }),
    example: { caseId: C, reviewId: REVIEW, decision: 'amend', decidedOn: '2026-04-20' },
  },
  'ehc.phase-transfer-scheduled.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.phase-transfer-scheduled.v1']>({
      caseId, phaseTransferId: req(id('The phase transfer.')),
      kind: req(allOf<PhaseTransferKind>()(PHASE_TRANSFER_KINDS, 'Which kind of transfer (it decides the reg 18 date).')),
      scheduledOn: req(isoDate('The day it was recorded.')), transferOn: req(isoDate('The day of the move.')),
      amendDueOn: req(isoDate('reg 18(1): the last day to amend: before 15 February (14 February) / before 31 March (30 March) of the year of transfer, or 5 months before a post-16 move.')),
    }),
    example: { caseId: C, phaseTransferId: '3d4e5f60-7182-4930-9c4d-5e6f7081000c', kind: 'school-phase', scheduledOn: '2026-09-07', transferOn: '2027-09-01', amendDueOn: '2027-02-14' },
  },
  'ehc.plan-ceased.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.plan-ceased.v1']>({
      caseId, ceasedOn: req(isoDate('The day the LA ceased to maintain the plan.')), reason: req(oneOf(CEASE_REASONS, 'Why (CFA 2014 s.45).')),
      cessationId: opt(id('The cessation (proposal, consultation, decision to cease: regs 29-31) this carries out; absent on a direct cessation.')),
    }),
    example: { caseId: C, ceasedOn: '2031-07-31', reason: 'left-education-or-training' },
  },
  'ehc.exception-recorded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.exception-recorded.v1']>({
      caseId, exceptionId: req(id('The exception.')),
      limit: req(oneOf(EXCEPTION_LIMITS, 'Which statutory time limit it lifts.')),
      regulation: req(id('The regulation that allows it: reg 5(4), reg 8(2), reg 10(4), reg 13(3) or reg 44(3).')),
      adviceRequestId: opt(id('For an advice exception (reg 8(2)): the advice request it applies to.')),
      tribunalOrderId: opt(id('For a tribunal exception (reg 44(3)): the order whose limits it applies to.')),
      reason: req(oneOf(EXCEPTION_REASONS, 'The reason the regulation allows.')),
      fromOn: req(isoDate('First day of the exceptional period.')),
      toOn: opt(isoDate('Last day of the exceptional period, inclusive (a missed appointment: the rearranged day).')),
      recordedOn: req(isoDate('The day it was recorded.')),
      limb: opt(id('The limb relied on, e.g. reg 13(3)(c).')),
      closedSetting: opt(oneOf(CLOSED_SETTINGS, 'School-closure limb: which setting closed (reg 5(4)(a), 10(4)(a)/(b), 13(3)(a)/(b)).')),
      adviceRequestedOn: opt(isoDate('School-closure limb: the day the LA asked the setting for advice (inside the closure window).')),
    }),
    example: {
      caseId: C, exceptionId: '4e5f6071-8293-4a41-8d5e-6f708192000d', limit: 'advice', regulation: 'reg 8(2)', adviceRequestId: REQ,
      reason: 'exceptional-personal-circumstances', fromOn: '2025-02-24', toOn: '2025-03-21', recordedOn: '2025-02-25',
    },
  },
  'ehc.tribunal-order-received.v1': {
    schema: shapeOf<TribunalOrderReceivedV1>({
      caseId, orderId: req(id('The tribunal order.')),
      regulation: req(allOf<TribunalOrderReceivedV1['regulation']>()(TRIBUNAL_ORDER_REGULATIONS, 'reg 44 (order after an appeal) or reg 45 (the LA conceded).')),
      kind: req(oneOf(TRIBUNAL_ORDER_KINDS, 'What the First-tier Tribunal (SEND) ordered (reg 44(2)): amend-placement changes only the school or placement named (2 weeks); continue-to-maintain and cease take effect at once.')),
      orderOn: req(isoDate('reg 44: the day of the order; reg 45: the day the LA notified the Tribunal it would not oppose the appeal. New time limits run from it.')),
      tribunalNotifiedOn: opt(isoDate('reg 45: the day of the LA’s notice to the Tribunal that it will not oppose the appeal (no order is made); the clocks run from it.')),
    }),
    example: { caseId: C, orderId: '5f607182-93a4-4b52-9e6f-708192a3000e', regulation: 'reg 44', kind: 'assess', orderOn: '2025-06-16' },
  },
  'ehc.transfer-notified.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.transfer-notified.v1']>({
      caseId, transferId: req(id('The transfer.')),
      fromLocalAuthority: req(localAuthority('current')), toLocalAuthority: req(localAuthority('new')),
      learnedOn: req(isoDate('The day the LA learned of the move.')), moveOn: req(isoDate('The day of the move.')),
      transferDueOn: req(isoDate('reg 15: the day of the move, or 15 working days from learning of it with less notice.')),
    }),
    example: { caseId: C, transferId: TRANSFER, fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', learnedOn: '2026-06-01', moveOn: '2026-08-28', transferDueOn: '2026-08-28' },
  },
  'ehc.plan-transferred.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.plan-transferred.v1']>({
      caseId, transferId: req(id('The transfer.')), toLocalAuthority: req(localAuthority('new')), transferredOn: req(isoDate('The day the new LA became responsible.')),
    }),
    example: { caseId: C, transferId: TRANSFER, toLocalAuthority: 'E08000026', transferredOn: '2026-08-28' },
  },
  'ehc.transfer-reassessment-decided.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.transfer-reassessment-decided.v1']>({
      caseId, transferId: req(id('The transfer.')), willReassess: req(bool('Whether the new LA will reassess.')), decidedOn: req(isoDate('The day it told the family (within 6 weeks).')),
      reviewOn: opt(isoDate('reg 15(4)(a): when the new LA will review the plan (within 12 months of the plan or last review or the 3 months beginning with the transfer, whichever is later, reg 15(5)).')),
    }),
    example: { caseId: C, transferId: TRANSFER, willReassess: false, decidedOn: '2026-09-25', reviewOn: '2026-11-20' },
  },
  'ehc.assessment-transferred.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.assessment-transferred.v1']>({
      caseId, transferId: req(id('The transfer.')), assessmentId: req(assessmentId),
      fromLocalAuthority: req(localAuthority('previous')), toLocalAuthority: req(localAuthority('new')),
      transferredOn: req(isoDate('The day the new LA became responsible; the old LA’s time limits lapse on it.')),
      clock: req(oneOf(ASSESSMENT_TRANSFER_CLOCKS, 'from-transfer: the new LA is treated as having received the request on the transfer day; from-original-request: the original dates stand.')),
      clockStartsOn: req(isoDate('The day the new LA’s time limits are counted from.')),
      decisionWhetherToIssueDueOn: req(isoDate('reg 10(1) for the new LA: a decision not to issue by this day.')),
      finalPlanDueOn: req(isoDate('reg 13(2) for the new LA: the final plan by this day.')),
      decisionToAssessDueOn: opt(isoDate('reg 5(1)(b): the new LA’s own decision whether to assess, 6 weeks from becoming responsible.')),
    }),
    example: {
      caseId: C, transferId: TRANSFER, assessmentId: ASMT, fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', transferredOn: '2025-03-10',
      clock: 'from-transfer', clockStartsOn: '2025-03-10', decisionWhetherToIssueDueOn: '2025-06-30', finalPlanDueOn: '2025-07-28', decisionToAssessDueOn: '2025-04-21',
    },
  },
  'ehc.commissioning-body-changed.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.commissioning-body-changed.v1']>({
      caseId, changeId: req(id('The change.')), newCommissioningBodyRef: req(id('The new NHS commissioning body (e.g. an ICB code).')),
      learnedOn: req(isoDate('The day the LA learned of the change.')), notifyDueOn: req(isoDate('reg 16: notify the new body within 15 working days.')),
    }),
    example: { caseId: C, changeId: '60718293-a4b5-4c63-8f70-8192a3b4000f', newCommissioningBodyRef: 'QOP', learnedOn: '2025-09-01', notifyDueOn: '2025-09-19' },
  },
  'ehc.commissioning-body-notified.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.commissioning-body-notified.v1']>({ caseId, changeId: req(id('The change.')), notifiedOn: req(isoDate('The day the new body was notified.')) }),
    example: { caseId: C, changeId: '60718293-a4b5-4c63-8f70-8192a3b4000f', notifiedOn: '2025-09-10' },
  },
  'ehc.personal-data-erased.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.personal-data-erased.v1']>({
      caseId,
      erasureId: req(id('The erasure (the key store keeps a tombstone: who, when, why; no key material).')),
      erasedOn: req(isoDate('The day the case\'s key was destroyed: from then on its personal fields, in every store and topic, read as "[erased]".')),
      ground: req(oneOf(ERASURE_GROUNDS, 'Why: the data subject asked (UK GDPR art. 17), or the retention period (date of birth + N years) ended.')),
    }),
    example: { caseId: C, erasureId: '71829304-b5c6-4d74-8a81-92a3b4c50010', erasedOn: '2056-01-07', ground: 'retention-period-ended' },
  },
  'ehc.appeal-rights-notified.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.appeal-rights-notified.v1']>({
      caseId, noticeId: req(id('The notice.')),
      decision: req(oneOf(APPEALABLE_DECISIONS, 'The appealable decision: not to assess (reg 5(3)), not to issue (reg 10(3)), the contents of a final or amended plan (reg 14), not to amend (reg 22(4)), to cease (reg 31), not to reassess (CFA 2014 s.51(2)(d); reg 25).')),
      decidedOn: req(isoDate('The day of the decision.')), notifiedOn: req(isoDate('The day of the notice.')),
      amendmentId: opt(id('The amendment (an amended plan, or a decision not to amend).')), cessationId: opt(id('The cessation (a decision to cease).')),
      reassessmentId: opt(id('The request for reassessment (a decision not to reassess).')),
      includes: req(shapeOf<EhcEventDataMap['ehc.appeal-rights-notified.v1']['includes']>({
        rightOfAppeal: req(alwaysTrue('The right of appeal to the First-tier Tribunal (SEND).')),
        mediation: req(alwaysTrue('The requirement to consider mediation before appealing (CFA 2014 s.55).')),
        disagreementResolution: req(alwaysTrue('The disagreement resolution arrangements (CFA 2014 s.57).')),
        informationAdviceSupport: req(alwaysTrue('The information, advice and support service (CFA 2014 s.32).')),
      })),
      appealDueOn: req(isoDate('The end of the appeal window without mediation: 2 months from the day the notice of the decision was sent (Tribunal Procedure Rules r.20(1)), i.e. from notifiedOn.')),
    }),
    example: {
      caseId: C, noticeId: '82930415-c6d7-4e85-9b92-a3b4c5d60011', decision: 'cease', decidedOn: '2031-03-03', notifiedOn: '2031-03-03', cessationId: '93041526-d7e8-4f96-8ca3-b4c5d6e70012',
      includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true }, appealDueOn: '2031-05-03',
    },
  },
  'ehc.mediation-decided.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.mediation-decided.v1']>({
      caseId, mediationId: req(id('The mediation.')), noticeId: req(id('The notice of the decision in dispute.')),
      adviceGivenOn: req(isoDate('The day the mediation adviser gave the family information and advice about mediation.')),
      choice: req(oneOf(MEDIATION_CHOICES, 'Whether the family wish to mediate.')),
      decidedOn: req(isoDate('The day the family told the mediation adviser (not-mediate) or the LA (mediate).')),
      certificateDueOn: opt(isoDate('reg 33: the certificate within 3 working days of the family choosing not to mediate.')),
      mediationDueOn: opt(isoDate('reg 37: mediation within 30 days of the LA being told.')),
    }),
    example: { caseId: C, mediationId: 'a4152637-e8f9-4a07-9db4-c5d6e7f80013', noticeId: '82930415-c6d7-4e85-9b92-a3b4c5d60011', adviceGivenOn: '2031-03-10', choice: 'mediate', decidedOn: '2031-03-12', mediationDueOn: '2031-04-11' },
  },
  'ehc.mediation-held.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.mediation-held.v1']>({
      caseId, mediationId: req(id('The mediation.')), heldOn: req(isoDate('The day of the mediation.')),
      outcome: req(oneOf(MEDIATION_OUTCOMES, 'What was agreed.')),
      certificateDueOn: req(isoDate('reg 39: the mediator’s certificate within 3 working days of the mediation.')),
    }),
    example: { caseId: C, mediationId: 'a4152637-e8f9-4a07-9db4-c5d6e7f80013', heldOn: '2031-04-02', outcome: 'no-agreement', certificateDueOn: '2031-04-07' },
  },
  'ehc.mediation-certificate-issued.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.mediation-certificate-issued.v1']>({
      caseId, mediationId: req(id('The mediation.')), issuedOn: req(isoDate('The day of the certificate.')),
      appealDueOn: req(isoDate('The end of the appeal window: 2 months from the notice of the decision or 1 month from the certificate, whichever is later (r.20).')),
    }),
    example: { caseId: C, mediationId: 'a4152637-e8f9-4a07-9db4-c5d6e7f80013', issuedOn: '2031-04-04', appealDueOn: '2031-05-04' },
  },
  'ehc.appeal-registered.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.appeal-registered.v1']>({
      caseId, appealId: req(id('The appeal.')), noticeId: req(id('The notice of the decision appealed.')),
      decision: req(oneOf(APPEALABLE_DECISIONS, 'The decision appealed.')),
      registeredOn: req(isoDate('The day the Tribunal registered the appeal.')),
      appealDueOn: req(isoDate('The end of the appeal window that applied (r.20).')),
      inTime: req(bool('Registered on or before appealDueOn (the Tribunal may still admit a late appeal).')),
      hearingOn: opt(isoDate('The day of the hearing, when listed.')),
    }),
    example: { caseId: C, appealId: 'b5263748-f90a-4b18-8ec5-d6e7f8090014', noticeId: '82930415-c6d7-4e85-9b92-a3b4c5d60011', decision: 'cease', registeredOn: '2031-04-20', appealDueOn: '2031-05-04', inTime: true, hearingOn: '2031-07-14' },
  },
  'ehc.appeal-decided.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.appeal-decided.v1']>({
      caseId, appealId: req(id('The appeal.')), decidedOn: req(isoDate('The day of the decision, withdrawal or concession.')),
      outcome: req(oneOf(APPEAL_OUTCOMES, 'allowed / conceded: the appeal succeeds; dismissed / withdrawn: the decision stands.')),
      hearingOn: opt(isoDate('The day of the hearing (absent for a decision on the papers, a withdrawal or a concession).')),
    }),
    example: { caseId: C, appealId: 'b5263748-f90a-4b18-8ec5-d6e7f8090014', decidedOn: '2031-07-21', outcome: 'allowed', hearingOn: '2031-07-14' },
  },
  'ehc.cessation-proposed.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.cessation-proposed.v1']>({
      caseId, cessationId: req(id('The cessation.')), proposedOn: req(isoDate('The day the LA told the family it is considering ceasing the plan.')),
      reason: req(oneOf(CEASE_REASONS, 'Why (SEN2 reasons).')),
    }),
    example: { caseId: C, cessationId: '93041526-d7e8-4f96-8ca3-b4c5d6e70012', proposedOn: '2031-02-03', reason: 'needs-met-without-plan' },
  },
  'ehc.cessation-consulted.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.cessation-consulted.v1']>({
      caseId, cessationId: req(id('The cessation.')),
      consultee: req(oneOf(CESSATION_CONSULTEES, 'Who was consulted (reg 29): the parent or young person, or the institution named.')),
      consultedOn: req(isoDate('The day of the consultation.')), institutionRef: opt(id('The institution consulted.')),
    }),
    example: { caseId: C, cessationId: '93041526-d7e8-4f96-8ca3-b4c5d6e70012', consultee: 'institution', consultedOn: '2031-02-10', institutionRef: SETTING },
  },
  'ehc.decision-to-cease.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.decision-to-cease.v1']>({
      caseId, cessationId: req(id('The cessation.')), decidedOn: req(isoDate('The day of the decision.')),
      reason: req(oneOf(CEASE_REASONS, 'Why (SEN2 reasons).')),
    }),
    example: { caseId: C, cessationId: '93041526-d7e8-4f96-8ca3-b4c5d6e70012', decidedOn: '2031-03-03', reason: 'needs-met-without-plan' },
  },
  'ehc.reassessment-requested.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.reassessment-requested.v1']>({
      caseId, reassessmentId: req(id('The request for reassessment.')),
      requestedBy: req(oneOf(REASSESSMENT_REQUESTERS, 'Who asked (CFA 2014 s.44(2)): the parent or young person, the institution attended, or the NHS commissioning body; local-authority: the LA of its own motion (s.44(3)).')),
      receivedOn: req(isoDate('The day the LA received the request.')),
      decisionDueOn: req(isoDate('reg 25(1): the decision whether to reassess within 15 days of receiving the request.')),
    }),
    example: { caseId: C, reassessmentId: 'a4152637-e8f9-4a0b-9cd4-c5d6e7f80013', requestedBy: 'parent-or-young-person', receivedOn: '2026-03-02', decisionDueOn: '2026-03-17' },
  },
  'ehc.reassessment-decided.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.reassessment-decided.v1']>({
      caseId, reassessmentId: req(id('The request for reassessment.')),
      decision: req(oneOf(REASSESSMENT_DECISIONS, 'Whether the LA will reassess (a decision not to is appealable: CFA 2014 s.51(2)(d)).')),
      decidedOn: req(isoDate('The day the decision was notified.')),
      inTime: req(bool('Whether it came within the 15 days of reg 25(1).')),
      assessmentId: opt(id('The reassessment’s own EHC needs assessment (advice requests are keyed by it; regs 6-10 apply by reg 26).')),
      finalPlanDueOn: opt(isoDate('reg 27(2): the finalised amended plan within 14 weeks of the notification of the decision to reassess.')),
    }),
    example: { caseId: C, reassessmentId: 'a4152637-e8f9-4a0b-9cd4-c5d6e7f80013', decision: 'reassess', decidedOn: '2026-03-16', inTime: true, assessmentId: 'b5263748-f9a0-4b1c-8de5-d6e7f8090014', finalPlanDueOn: '2026-06-22' },
  },
};

/** The EHC case events the case service stores and publishes on `tio.case.events.v1`, exactly as stored. */
export function registerCaseEvents(registry: EventTypeRegistry): void {
  for (const info of EHC_EVENT_TYPES) {
    const contract = CASE_EVENT_CONTRACTS[info.type];
    if (!contract) throw new Error(`No contract for EHC event type ${info.type}: add it to CASE_EVENT_CONTRACTS`);
    const [name, v] = splitType(info.type);
    registry.register({
      name, version: v, direction: 'outbound', topic: TOPICS.caseEvents,
      summary: info.summary,
      ...(info.regulation ? { regulation: info.regulation } : {}),
      description: contract.toPayload
        ? 'The EHC case domain event without its personal fields (they stay in the case service); dates are calendar dates YYYY-MM-DD.'
        : 'Published exactly as the case service stores it (the EHC case domain event); dates are calendar dates YYYY-MM-DD.',
      schema: contract.schema,
      example: contract.example,
      ...(contract.toPayload ? { toPayload: contract.toPayload as (stored: unknown) => unknown } : {}),
    });
  }
}

/** `ehc.request-received.v1` -> [`ehc.request-received`, 1]. */
export function splitType(type: string): [string, number] {
  const m = /^(.+)\.v(\d+)$/.exec(type);
  if (!m) throw new Error(`Event type ${type} does not end in .v<version>`);
  return [m[1], Number(m[2])];
}
