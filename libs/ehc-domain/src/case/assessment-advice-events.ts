import type { IsoDate } from '../calendar';
import type { AdviceType, Agency } from './advice-types';

/**
 * Events of what an EHC needs assessment needs before a draft plan (SEND Regulations 2014 regs 6(1), 6(4), 7, 9):
 * which reg 6(1) advice this case needs, the family's requests for advice (reg 6(1)(h)), the LA's decision to go on
 * without advice an adviser has not given in time (reg 8(1)), and the consultation of, and information, advice and
 * support given to, the child and family (regs 7 and 9). Ids, dates and codes only: no personal details.
 */

export const YEAR_GROUP_SOURCES = ['date-of-birth', 'local-authority'] as const;
/** How the LA knows whether the child is in or beyond year 9 (reg 6(1)(g)): from the date of birth, or as it recorded. */
export type YearGroupSource = (typeof YEAR_GROUP_SOURCES)[number];

/** reg 6(1)(g) and 6(1)(b)/6(2): what this assessment's advice must cover beyond (a)-(e). */
export interface AdviceScopeRecordedV1 {
  caseId: string;
  assessmentId: string;
  /** reg 6(1)(g): the child or young person is in or beyond year 9, so advice on preparing for adulthood is sought. */
  inOrBeyondYear9: boolean;
  yearGroupFrom: YearGroupSource;
  /** reg 6(1)(b) with 6(2): vision or hearing impaired (or both): educational advice after consulting a qualified teacher of the impairment. */
  visionOrHearingImpaired: boolean;
  recordedOn: IsoDate;
}

export const FAMILY_ADVICE_DECLINE_REASONS = ['advice-already-available', 'not-about-the-childs-needs', 'person-cannot-advise'] as const;
/** Why the LA found a family's request for advice not reasonable (reg 6(1)(h)); the family may challenge it. */
export type FamilyAdviceDeclineReason = (typeof FAMILY_ADVICE_DECLINE_REASONS)[number];

/** reg 6(1)(h): the parent or young person asked the LA to seek advice from a person; the LA found it reasonable or not. */
export interface FamilyAdviceRequestRecordedV1 {
  caseId: string;
  assessmentId: string;
  familyRequestId: string;
  /** Opaque reference to the person the family named. */
  adviserRef: string;
  requestedOn: IsoDate;
  reasonable: boolean;
  /** When not reasonable: why. */
  declineReason?: FamilyAdviceDeclineReason;
}

export const ADVICE_NOT_AWAITED_REASONS = ['adviser-did-not-respond', 'appointment-not-kept', 'family-declined-to-give-views'] as const;
/**
 * Why the LA goes on to the draft without advice it sought: the adviser gave none within the 6 weeks of reg 8(1)
 * (the LA still has its own 16- and 20-week limits, regs 10 and 13); the family did not keep an appointment for an
 * examination or test (reg 8(2)(c)); the family chose not to give their views (reg 6(1)(a)).
 */
export type AdviceNotAwaitedReason = (typeof ADVICE_NOT_AWAITED_REASONS)[number];

/** The LA decided to draft without advice it sought and has not received, after the adviser's 6 weeks (reg 8(1)). */
export interface AdviceNotAwaitedV1 {
  caseId: string;
  decidedOn: IsoDate;
  reason: AdviceNotAwaitedReason;
  items: Array<{ adviceRequestId: string; adviceType: AdviceType; agency: Agency; dueOn: IsoDate }>;
}

export const FAMILY_INVOLVEMENT_KINDS = ['consulted', 'information-advice-support'] as const;
/** reg 7(a): the child and parent, or the young person, consulted; reg 9: information, advice and support given. */
export type FamilyInvolvementKind = (typeof FAMILY_INVOLVEMENT_KINDS)[number];

export const FAMILY_MEMBERS = ['child', 'parent', 'young-person'] as const;
export type FamilyMember = (typeof FAMILY_MEMBERS)[number];

export const INVOLVEMENT_PROVIDERS = ['local-authority', 'information-advice-support-service', 'independent-supporter', 'other'] as const;
/** Who consulted the family or gave them information, advice and support (reg 9; the SENDIASS, an independent supporter). */
export type InvolvementProvider = (typeof INVOLVEMENT_PROVIDERS)[number];

export const INVOLVEMENT_METHODS = ['meeting', 'home-visit', 'phone', 'video', 'letter-or-email', 'other'] as const;
export type InvolvementMethod = (typeof INVOLVEMENT_METHODS)[number];

/** regs 7 and 9: the family consulted during the assessment, or given information, advice and support, with date and who. */
export interface FamilyInvolvementRecordedV1 {
  caseId: string;
  involvementId: string;
  kind: FamilyInvolvementKind;
  /** Who in the family was consulted or supported. */
  who: FamilyMember[];
  providedBy: InvolvementProvider;
  method: InvolvementMethod;
  on: IsoDate;
}

/** The data of each event type of this module (merged into `EhcEventDataMap`). */
export interface AssessmentAdviceEventDataMap {
  'ehc.advice-scope-recorded.v1': AdviceScopeRecordedV1;
  'ehc.family-advice-request-recorded.v1': FamilyAdviceRequestRecordedV1;
  'ehc.advice-not-awaited.v1': AdviceNotAwaitedV1;
  'ehc.family-involvement-recorded.v1': FamilyInvolvementRecordedV1;
}

export const ASSESSMENT_ADVICE_EVENT_TYPES = [
  {
    type: 'ehc.advice-scope-recorded.v1', summary: 'The LA recorded what this assessment’s advice must cover: preparing for adulthood when the child is in or beyond year 9, and a qualified teacher of the vision or hearing impaired when relevant.',
    regulation: 'reg 6(1)(b), 6(1)(g), 6(2)',
  },
  {
    type: 'ehc.family-advice-request-recorded.v1', summary: 'The parent or young person asked the LA to seek advice from a person; the LA found the request reasonable (the advice is then required before the draft) or gave its reason.',
    regulation: 'reg 6(1)(h)',
  },
  {
    type: 'ehc.advice-not-awaited.v1', summary: 'The LA went on towards the draft plan without advice it sought and had not received, after the adviser’s 6 weeks, with its reason.',
    regulation: 'reg 6(1), 8(1), 8(2)(c); reg 10(1), 13(2)',
  },
  {
    type: 'ehc.family-involvement-recorded.v1', summary: 'The child and parent, or the young person, were consulted during the assessment (reg 7), or given information, advice and support to take part in it (reg 9).',
    regulation: 'reg 7, reg 9',
  },
] as const;
