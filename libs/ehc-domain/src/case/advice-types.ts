import { SERVICE_AGENCIES } from '@tio/kernel';

/**
 * The agencies that give advice (reg 6(1)): the agency services (`@tio/kernel` SERVICE_AGENCIES; `local-authority`
 * is the LA SEND team and the family's caseworker, who records the views of the child and family) and `other`, anyone
 * else the LA asks (reg 6(1)(f)) or the family asks it to approach (reg 6(1)(h)). Who *acts* (token, event metadata)
 * is a different list, `@tio/kernel` ACTOR_AGENCIES: it has the family and the system but no `other`.
 */
export const AGENCIES = [...SERVICE_AGENCIES, 'other'] as const;
export type Agency = (typeof AGENCIES)[number];

/** Who is responsible for meeting a deadline: an agency, or the family (e.g. commenting on a draft plan). */
export type Responsible = Agency | 'family';

/** The advice and information an EHC needs assessment must seek (SEND Regulations 2014 reg 6(1)). */
export const ADVICE_TYPES = [
  'parent-views',
  'educational',
  'medical',
  'psychological',
  'social-care',
  'vision-hearing',
  'preparing-for-adulthood',
  'other',
  'requested-by-family',
] as const;
export type AdviceType = (typeof ADVICE_TYPES)[number];

export interface AdviceTypeRule {
  /** The regulation requiring it. */
  regulation: string;
  description: string;
  /** The agencies that may give it; `any` when the LA (or the family) chooses the adviser. */
  givenBy: readonly Agency[] | 'any';
}

/** Which agency gives which advice: the rule both the case and the agency services enforce. */
export const ADVICE_TYPE_RULES: Readonly<Record<AdviceType, AdviceTypeRule>> = {
  'parent-views': {
    regulation: 'reg 6(1)(a)',
    description: 'Advice and information from the child’s parent or the young person (recorded by the family’s caseworker)',
    givenBy: ['local-authority'],
  },
  educational: {
    regulation: 'reg 6(1)(b)',
    description: 'Educational advice and information from the head teacher/principal (or a qualified teacher / early years practitioner)',
    givenBy: ['education'],
  },
  medical: {
    regulation: 'reg 6(1)(c)',
    description: 'Medical advice and information from a health care professional identified by the responsible commissioning body',
    givenBy: ['health'],
  },
  psychological: {
    regulation: 'reg 6(1)(d)',
    description: 'Psychological advice and information from an educational psychologist',
    givenBy: ['education'],
  },
  'social-care': {
    regulation: 'reg 6(1)(e)',
    description: 'Advice and information in relation to social care',
    givenBy: ['social-care'],
  },
  'vision-hearing': {
    regulation: 'reg 6(1)(b) and 6(2)',
    description: 'Advice from a qualified teacher of the visually, hearing or multi-sensory impaired',
    givenBy: ['education'],
  },
  'preparing-for-adulthood': {
    regulation: 'reg 6(1)(g)',
    description: 'Advice on preparing for adulthood and independent living (year 9 onwards)',
    givenBy: 'any',
  },
  other: {
    regulation: 'reg 6(1)(f)',
    description: 'Advice from anyone else the local authority thinks appropriate (e.g. youth justice)',
    givenBy: 'any',
  },
  'requested-by-family': {
    regulation: 'reg 6(1)(h)',
    description: 'Advice from a person the parent or young person reasonably asks the local authority to approach',
    givenBy: 'any',
  },
};

/** True when `agency` may give advice of `type` (medical only from health, and so on). */
export function agencyMayGive(agency: Agency, type: AdviceType): boolean {
  const givenBy = ADVICE_TYPE_RULES[type].givenBy;
  return givenBy === 'any' || givenBy.includes(agency);
}

/** The advice types an agency may give. */
export function adviceTypesFor(agency: Agency): AdviceType[] {
  return ADVICE_TYPES.filter((t) => agencyMayGive(agency, t));
}

/**
 * The duty behind the 6 weeks for advice (reg 8(1)): `statutory` for the bodies the LA asks under CFA 2014 s.31
 * (health bodies; other LAs and youth offending teams, which the `other` agency stands for); `expected-standard` for
 * schools, the educational psychology service and the LA's own social care (the Code of Practice's standard, not a
 * duty of theirs); `not-applicable` to the family's own views (reg 8 is about advice the LA requests from others).
 */
export type AdviceDuty = 'statutory' | 'expected-standard' | 'not-applicable';
export function adviceDuty(agency: Agency, type: AdviceType): AdviceDuty {
  if (type === 'parent-views' || agency === 'local-authority') return 'not-applicable';
  return agency === 'health' || agency === 'other' ? 'statutory' : 'expected-standard';
}
