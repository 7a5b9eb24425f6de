import {
  BUDGET_ARRANGEMENTS, DIRECT_PAYMENT_REFUSAL_GROUNDS, PERSONAL_BUDGET_DECISIONS, PERSONAL_BUDGET_OCCASIONS, PERSONAL_BUDGET_REQUESTERS,
  PERSONAL_BUDGET_REVIEW_OUTCOMES, PLAN_SECTIONS, PLAN_STAGES, SETTING_TYPES,
  type BudgetPart, type EhcEventDataMap, type PlanAndBudgetEventDataMap, type PlanItem, type PlanSectionContent,
} from '@tio/ehc-domain';
import type { JsonSchema } from '../json-schema';
import { arrayOf, bool, ENCRYPTED, id, integer, isoDate, oneOf, opt, req, shapeOf, str } from '../schema-helpers';

/** The contracts of the plan's contents (reg 12) and personal budgets (CFA 2014 s.49; SI 2014/1652); merged into CASE_EVENT_CONTRACTS. */
type Contracts = { readonly [K in keyof PlanAndBudgetEventDataMap]: { schema: JsonSchema; example: EhcEventDataMap[K] } };

const caseId = req(id('The EHC case (a UUID assigned by the case service); equal to the Kafka key and the CloudEvents subject.'));
const personalBudgetId = req(id('The request for a personal budget.'));
const C = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const PB = 'c6d7e8f9-0a1b-4c2d-8e3f-4a5b6c7d0030';
const REVIEW = 'e4f50617-2839-4a41-9b5c-6d7e8f900006';

const item = shapeOf<PlanItem>({
  itemId: req(id('The need, outcome or provision (stable across versions, so a change to it shows as a change).')),
  text: req(str(`What the plan says ${ENCRYPTED}`)),
  needIds: opt(arrayOf(id('A need in B, C or D.'), 'For outcomes (E) and provision (F-H2): the needs it meets.')),
});
const section = shapeOf<PlanSectionContent>({
  section: req(oneOf(PLAN_SECTIONS, 'reg 12(1)(a)-(k): A views, interests, aspirations; B SEN; C health needs; D social care needs; E outcomes; F special educational provision; G health provision; H1/H2 social care provision; I placement; J personal budget; K advice and information.')),
  text: opt(str(`The section's narrative ${ENCRYPTED}`)),
  items: opt(arrayOf(item, 'B-D needs, E outcomes, F-H2 provision.')),
  settingRef: opt(id('I: the school or institution named (consulted first, CFA 2014 s.39(2)); never in a draft (s.38(5)).')),
  settingType: opt(oneOf(SETTING_TYPES, 'I: the type of school or institution.')),
  adviceIds: opt(arrayOf(id('Advice received or re-used on the case.'), 'K: the advice and information gathered, listed.')),
});
const part = shapeOf<BudgetPart>({
  arrangement: req(oneOf(BUDGET_ARRANGEMENTS, 'How this part is held (CoP 9.101): direct payment, notional (the LA or school arranges), third party.')),
  annualAmountPence: req(integer('The yearly amount, in pence.', 1)),
  provisionItemIds: opt(arrayOf(id('Provision in F, G, H1 or H2.'), 'The provision it pays for.')),
});
const reasons = (what: string) => str(`${what} ${ENCRYPTED}`);

export const PLAN_CONTRACTS: Contracts = {
  'ehc.plan-contents-recorded.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.plan-contents-recorded.v1']>({
      caseId,
      version: req(integer('The version of the plan’s contents on this case (1, 2, ...).', 1)),
      stage: req(oneOf(PLAN_STAGES, 'Recorded with a draft, the final plan or an amended plan.')),
      recordedOn: req(isoDate('The day of the draft, final or amended plan.')),
      planId: opt(id('The draft or final plan document.')),
      amendmentId: opt(id('The amendment (stage amended).')),
      sections: req(arrayOf(section, 'Every section of this version, in order A-K (an amendment’s unchanged sections carried forward).')),
      changedSections: req(arrayOf(oneOf(PLAN_SECTIONS, 'A section.'), 'The sections that differ from the previous version (all of them for the first).')),
    }),
    example: {
      caseId: C, version: 3, stage: 'amended', recordedOn: '2026-04-20', amendmentId: 'b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c0031',
      sections: [
        { section: 'A', text: 'Loves trains.' },
        { section: 'B', items: [{ itemId: 'need-1', text: 'Expressive language delay.' }] },
        { section: 'E', items: [{ itemId: 'out-1', text: 'Asks for help in short sentences by July.', needIds: ['need-1'] }] },
        { section: 'F', items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 90 minutes a week.', needIds: ['need-1'] }] },
        { section: 'I', settingRef: 'urn:100001', settingType: 'mainstream' },
        { section: 'J', text: 'A direct payment of £1,200 a year for therapy.' },
        { section: 'K', adviceIds: ['c2d3e4f5-0617-4829-9a3b-4c5d6e7f0004'] },
      ],
      changedSections: ['F', 'J'],
    },
  },
  'ehc.personal-budget-requested.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.personal-budget-requested.v1']>({
      caseId, personalBudgetId,
      requestedBy: req(oneOf(PERSONAL_BUDGET_REQUESTERS, 'CFA 2014 s.49(1): the parent or the young person.')),
      requestedOn: req(isoDate('The day they asked.')),
      occasion: req(oneOf(PERSONAL_BUDGET_OCCASIONS, 'Personal Budgets Regulations reg 4: while the plan is prepared, at a review or at a reassessment.')),
      reviewId: opt(id('The review it was asked at.')),
      reassessmentId: opt(id('The reassessment it was asked at.')),
      directPaymentRequested: req(bool('Direct payments were also asked for.')),
    }),
    example: { caseId: C, personalBudgetId: PB, requestedBy: 'parent', requestedOn: '2026-02-10', occasion: 'review', reviewId: REVIEW, directPaymentRequested: true },
  },
  'ehc.personal-budget-decided.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.personal-budget-decided.v1']>({
      caseId, personalBudgetId,
      decidedOn: req(isoDate('The day of the decision.')),
      decision: req(oneOf(PERSONAL_BUDGET_DECISIONS, 'Agreed, or refused with reasons.')),
      parts: opt(arrayOf(part, 'Agreed: the parts of the budget.')),
      annualAmountPence: opt(integer('Agreed: the total a year, in pence.', 1)),
      reasons: opt(reasons('Refused: the LA’s reasons')),
      directPaymentRefusal: opt(shapeOf<NonNullable<EhcEventDataMap['ehc.personal-budget-decided.v1']['directPaymentRefusal']>>({
        ground: req(oneOf(DIRECT_PAYMENT_REFUSAL_GROUNDS, 'Personal Budgets Regulations reg 5 and the Schedule, reg 6.')),
        reasons: req(reasons('The reasons')),
      }, 'A direct payment asked for and not agreed.')),
    }),
    example: {
      caseId: C, personalBudgetId: PB, decidedOn: '2026-02-20', decision: 'agreed', annualAmountPence: 120000,
      parts: [{ arrangement: 'direct-payment', annualAmountPence: 120000, provisionItemIds: ['prov-1'] }],
    },
  },
  'ehc.personal-budget-reviewed.v1': {
    schema: shapeOf<EhcEventDataMap['ehc.personal-budget-reviewed.v1']>({
      caseId, personalBudgetId,
      reviewId: req(id('The annual review it was reviewed at.')),
      reviewedOn: req(isoDate('The day of the review of the budget.')),
      outcome: req(oneOf(PERSONAL_BUDGET_REVIEW_OUTCOMES, 'Continued, changed or ended.')),
      parts: opt(arrayOf(part, 'Changed: the parts from now on.')),
      annualAmountPence: opt(integer('Changed: the new total a year, in pence.', 1)),
      reasons: opt(reasons('Why it was reduced or ended (required then)')),
    }),
    example: { caseId: C, personalBudgetId: PB, reviewId: REVIEW, reviewedOn: '2026-03-05', outcome: 'continued' },
  },
};
