import {
  ADVICE_NOT_AWAITED_REASONS, ADVICE_TYPES, AGENCIES, FAMILY_ADVICE_DECLINE_REASONS, FAMILY_INVOLVEMENT_KINDS, FAMILY_MEMBERS, INVOLVEMENT_METHODS,
  INVOLVEMENT_PROVIDERS, YEAR_GROUP_SOURCES, type AssessmentAdviceEventDataMap, type EhcEventDataMap,
} from '@tio/ehc-domain';
import type { JsonSchema } from '../json-schema';
import { arrayOf, bool, id, isoDate, oneOf, opt, req, shapeOf } from '../schema-helpers';

/** The contracts of what an assessment needs before a draft (SEND Regulations 2014 regs 6(1), 6(4), 7, 8(1), 9); merged into CASE_EVENT_CONTRACTS. */
type Contracts = { readonly [K in keyof AssessmentAdviceEventDataMap]: { schema: JsonSchema; example: EhcEventDataMap[K] } };

const caseId = req(id('The EHC case (a UUID assigned by the case service); equal to the Kafka key and the CloudEvents subject.'));
const assessmentId = req(id('The EHC needs assessment (or reassessment, reg 26) it belongs to.'));
const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const ASMT = '7e0d4c8a-1b2c-4d3e-8f40-5a6b7c8d0002';

export const ASSESSMENT_ADVICE_CONTRACTS: Contracts = {
  'ehc.advice-scope-recorded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-scope-recorded.v1']>({
      caseId, assessmentId,
      inOrBeyondYear9: req(bool('reg 6(1)(g): in or beyond year 9, so advice on preparing for adulthood and independent living is required.')),
      yearGroupFrom: req(oneOf(YEAR_GROUP_SOURCES, 'Derived from the date of birth on the day recorded, or as the LA recorded it.')),
      visionOrHearingImpaired: req(bool('reg 6(1)(b), 6(2): vision or hearing impaired (or both): the advice of a qualified teacher of the impairment is required.')),
      recordedOn: req(isoDate('The day the LA recorded it.')),
    }),
    example: { caseId: C, assessmentId: ASMT, inOrBeyondYear9: true, yearGroupFrom: 'date-of-birth', visionOrHearingImpaired: false, recordedOn: '2025-02-04' },
  },
  'ehc.family-advice-request-recorded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-advice-request-recorded.v1']>({
      caseId, assessmentId,
      familyRequestId: req(id('The family’s request.')),
      adviserRef: req(id('Opaque reference to the person the family asked the LA to seek advice from.')),
      requestedOn: req(isoDate('The day the family asked.')),
      reasonable: req(bool('reg 6(1)(h): whether the LA found the request reasonable (the advice is then required before the draft).')),
      declineReason: opt(oneOf(FAMILY_ADVICE_DECLINE_REASONS, 'Why the LA found it not reasonable (absent when reasonable).')),
    }),
    example: { caseId: C, assessmentId: ASMT, familyRequestId: 'f1a2b3c4-d5e6-4f70-8192-a3b4c5d60020', adviserRef: 'speech-therapist-ref-12', requestedOn: '2025-02-10', reasonable: true },
  },
  'ehc.advice-not-awaited.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.advice-not-awaited.v1']>({
      caseId,
      decidedOn: req(isoDate('The day the LA decided to go on without the advice.')),
      reason: req(oneOf(ADVICE_NOT_AWAITED_REASONS, 'adviser-did-not-respond: after the 6 weeks of reg 8(1); appointment-not-kept: reg 8(2)(c); family-declined-to-give-views: reg 6(1)(a).')),
      items: req(arrayOf(shapeOf<EhcEventDataMap['ehc.advice-not-awaited.v1']['items'][number]>({
        adviceRequestId: req(id('The request for advice.')),
        adviceType: req(oneOf(ADVICE_TYPES, 'The kind of advice (reg 6(1)).')),
        agency: req(oneOf(AGENCIES, 'The agency asked.')),
        dueOn: req(isoDate('The end of the adviser’s 6 weeks (reg 8(1)).')),
      }), 'The advice requests the LA goes on without.', 1)),
    }),
    example: {
      caseId: C, decidedOn: '2025-03-24', reason: 'adviser-did-not-respond',
      items: [{ adviceRequestId: '9a1b2c3d-4e5f-4061-8728-39a4b5c60003', adviceType: 'medical', agency: 'health', dueOn: '2025-03-18' }],
    },
  },
  'ehc.family-involvement-recorded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.family-involvement-recorded.v1']>({
      caseId,
      involvementId: req(id('The consultation or support given.')),
      kind: req(oneOf(FAMILY_INVOLVEMENT_KINDS, 'consulted: reg 7(a); information-advice-support: reg 9.')),
      who: req(arrayOf(oneOf(FAMILY_MEMBERS, 'A member of the family.'), 'Who was consulted or supported.', 1)),
      providedBy: req(oneOf(INVOLVEMENT_PROVIDERS, 'Who consulted or supported them (the LA, the information, advice and support service, an independent supporter).')),
      method: req(oneOf(INVOLVEMENT_METHODS, 'How.')),
      on: req(isoDate('The day.')),
    }),
    example: { caseId: C, involvementId: 'e1f2a3b4-c5d6-4e7f-8091-a2b3c4d50021', kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit', on: '2025-02-12' },
  },
};
