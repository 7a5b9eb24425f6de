import { DeciderSpecification } from '../testing/decider-specification';
import type { EhcCommand } from './commands';
import { ehcCaseDecider } from './decide';
import * as E from './errors';
import type { EhcEvent } from './events';
import { planChanges } from './plan-diff';
import * as PE from './plan-errors';
import type { BudgetPart, PlanSectionContent } from './plan-events';
import { replay } from './state';
import { CASE, cmd, history, steps } from './test-fixtures';

/** Plan contents (SEND Regulations 2014 reg 12; CFA 2014 s.38(5)) and personal budgets (CFA 2014 s.49; SI 2014/1652). */
const spec = DeciderSpecification(ehcCaseDecider);
const after = (base: EhcEvent[], ...commands: EhcCommand[]): EhcEvent[] => {
  const events = [...base];
  for (const c of commands) events.push(...ehcCaseDecider.decide(c, replay(events)));
  return events;
};

/** Every section but I (a draft names no setting); the education advice of the fixture is listed in K. */
const DRAFT: PlanSectionContent[] = [
  { section: 'A', text: 'Sam loves trains and wants to work on the railway.' },
  { section: 'B', items: [{ itemId: 'need-1', text: 'Expressive language well below age expectations.' }] },
  { section: 'C', items: [{ itemId: 'need-h1', text: 'Asthma.' }] },
  { section: 'D', text: 'No social care needs identified.' },
  { section: 'E', items: [{ itemId: 'out-1', text: 'By July 2026 Sam asks for help in class in short sentences.', needIds: ['need-1'] }] },
  { section: 'F', items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 1 hour a week, by a qualified therapist.', needIds: ['need-1'] }] },
  { section: 'G', items: [{ itemId: 'prov-h1', text: 'Asthma care plan held by the school.', needIds: ['need-h1'] }] },
  { section: 'H1', text: 'None.' },
  { section: 'H2', text: 'None.' },
  { section: 'J', text: 'No personal budget has been asked for.' },
  { section: 'K', adviceIds: ['advice-req-edu'] },
];
/**
 * The assessment with its education advice and a first draft (without contents) already out on 10 April: the drafts
 * the tests issue are re-issued drafts, so what reg 6(1) requires before a first draft is the advice specs' business.
 */
const base = (): EhcEvent[] => [
  ...history(steps.request(), steps.assess(), steps.askAdvice('req-edu', 'educational', 'education'), steps.receiveAdvice('req-edu', 'education')),
  { type: 'ehc.draft-plan-issued.v1', data: { caseId: CASE, planId: 'plan-0', issuedOn: '2025-04-10', commentsDueOn: '2025-04-24' } },
];
const draft = (sections: PlanSectionContent[] = DRAFT, at = '2025-04-14') => cmd(at, { type: 'IssueDraftPlan', planId: 'plan-1', contents: { sections } });
const drafted = (sections: PlanSectionContent[] = DRAFT) => after(base(), draft(sections), steps.familyResponse(), steps.consult());
const final = (contents?: PlanSectionContent[]) =>
  cmd('2025-05-19', { type: 'IssueFinalPlan', planId: 'plan-1', namedSettingRef: 'urn-100001', ...(contents ? { contents: { sections: contents } } : {}) });
const withFinal = () => after(drafted(), final());

describe('plan contents: sections A-K, versioned (reg 12; CFA 2014 s.38(5))', () => {
  it('reg 12: a draft with contents records version 1 with every section given, in order A-K', () => {
    spec.given(after(base())).when(draft()).thenMatches([
      { type: 'ehc.draft-plan-issued.v1' },
      { type: 'ehc.plan-contents-recorded.v1', data: { caseId: CASE, version: 1, stage: 'draft', planId: 'plan-1', recordedOn: '2025-04-14', changedSections: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'J', 'K'] } },
    ]);
  });

  it('CFA 2014 s.38(5): a draft naming a school, or a type of school, in section I is refused', () => {
    spec.given(after(base())).when(draft([...DRAFT, { section: 'I', settingRef: 'urn-100001' }])).thenThrows(PE.PlanContentsInvalidError, /s\.38\(5\)/);
    spec.given(after(base())).when(draft([...DRAFT, { section: 'I', settingType: 'special' }])).thenThrows(PE.PlanContentsInvalidError, /s\.38\(5\)/);
  });

  it('reg 12(1): the final plan carries the draft forward as version 2, with the consulted school in I (the only changed section)', () => {
    const events = spec.given(drafted()).when(final()).thenMatches([
      { type: 'ehc.final-plan-issued.v1', data: { namedSettingRef: 'urn-100001' } },
      { type: 'ehc.plan-contents-recorded.v1', data: { version: 2, stage: 'final', planId: 'plan-1', changedSections: ['I'] } },
    ]);
    const sections = (events[1] as { data: { sections: PlanSectionContent[] } }).data.sections;
    expect(sections.map((s) => s.section)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K']);
    expect(sections.find((s) => s.section === 'I')).toEqual({ section: 'I', settingRef: 'urn-100001' });
  });

  it('reg 12(1): a final plan without every section A-K, or with a need in B that has no outcome in E or provision in F, is refused naming what is missing', () => {
    spec.given(drafted(DRAFT.filter((s) => s.section !== 'J' && s.section !== 'K'))).when(final())
      .thenThrows(PE.PlanContentsIncompleteError, /missing sections J, K/);
    const unmet = DRAFT.map((s) => (s.section === 'B' ? { ...s, items: [...(s.items ?? []), { itemId: 'need-2', text: 'Fine motor skills.' }] } : s));
    spec.given(drafted(unmet)).when(final()).thenThrows(PE.PlanContentsIncompleteError, /without an outcome in E: need-2.*without provision in F: need-2/);
  });

  it('reg 12: malformed contents are refused with every defect listed (unknown or repeated section, need or advice not on the case, items where none belong)', () => {
    const bad: PlanSectionContent[] = [
      { section: 'Z' as never, text: 'x' },
      { section: 'A', text: 'views' },
      { section: 'A', text: 'again' },
      { section: 'E', items: [{ itemId: 'o', text: 'outcome', needIds: ['need-9'] }] },
      { section: 'K', adviceIds: ['advice-from-nowhere'] },
      { section: 'J', items: [{ itemId: 'j', text: 'x' }] },
    ];
    try {
      ehcCaseDecider.decide(draft(bad), replay(base()));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(PE.PlanContentsInvalidError);
      expect((e as PE.PlanContentsInvalidError).details?.['defects']).toEqual([
        'unknown section "Z" (reg 12: A, B, C, D, E, F, G, H1, H2, I, J, K)',
        'section A is given twice',
        'section E: item o refers to need need-9, which is not in B, C or D',
        'section K: advice advice-from-nowhere is not recorded on this case',
        'section J: only B-D (needs), E (outcomes) and F-H2 (provision) have items',
      ]);
    }
  });

  it('reg 12(1), s.39(2): section I naming another school than the plan names is refused', () => {
    spec.given(drafted()).when(final([...DRAFT, { section: 'I', settingRef: 'urn-999999' }])).thenThrows(PE.PlanContentsInvalidError, /I names urn-999999/);
  });

  it('plans recorded without contents (older histories, callers that send none) issue their final plan as before', () => {
    spec.given(after(base(), steps.familyResponse(), steps.consult())).when(final()).thenMatches([{ type: 'ehc.final-plan-issued.v1' }]);
  });

  it('reg 22: an amended plan replaces only the sections given; the version says which changed and planChanges shows the items', () => {
    const F2: PlanSectionContent = {
      section: 'F', items: [
        { itemId: 'prov-1', text: 'Speech and language therapy, 90 minutes a week, by a qualified therapist.', needIds: ['need-1'] },
        { itemId: 'prov-2', text: 'A visual timetable in every lesson.', needIds: ['need-1'] },
      ],
    };
    const J2: PlanSectionContent = { section: 'J', text: 'A personal budget of £1,200 a year for therapy, paid as a direct payment.' };
    const proposed = after(withFinal(), cmd('2026-03-02', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances' }));
    const events = spec.given(proposed).when(cmd('2026-03-20', { type: 'AmendPlan', amendmentId: 'am-1', contents: { sections: [J2, F2] } })).thenMatches([
      { type: 'ehc.plan-amended.v1' },
      { type: 'ehc.plan-contents-recorded.v1', data: { version: 3, stage: 'amended', amendmentId: 'am-1', changedSections: ['F', 'J'] } },
    ]);
    const versions = replay([...proposed, ...events]).planVersions ?? [];
    const changes = planChanges(versions[1].sections, versions[2].sections);
    expect(changes.map((c) => [c.section, c.change, c.items])).toEqual([
      ['F', 'changed', { added: ['prov-2'], removed: [], changed: ['prov-1'] }],
      ['J', 'changed', { added: [], removed: [], changed: [] }],
    ]);
  });

  it('reg 22: after erasure both versions read "[erased]", yet the sections recorded as changed are still reported', () => {
    const erased: PlanSectionContent[] = [{ section: 'A', text: '[erased]' }, { section: 'J', text: '[erased]' }];
    expect(planChanges(erased, erased)).toEqual([]);
    expect(planChanges(erased, erased, ['J']).map((c) => [c.section, c.change])).toEqual([['J', 'changed']]);
  });

  it('reg 22, reg 12(1): an amendment that leaves a need in B without provision is refused', () => {
    const proposed = after(withFinal(), cmd('2026-03-02', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances' }));
    spec.given(proposed).when(cmd('2026-03-20', { type: 'AmendPlan', amendmentId: 'am-1', contents: { sections: [{ section: 'F', text: 'To be agreed.' }] } }))
      .thenThrows(PE.PlanContentsIncompleteError, /without provision in F: need-1/);
  });
});

const request = (over: Record<string, unknown> = {}, at = '2025-04-20') =>
  cmd(at, { type: 'RequestPersonalBudget', personalBudgetId: 'pb-1', requestedBy: 'parent', directPaymentRequested: true, ...over } as never);
const decideBudget = (over: Record<string, unknown>, at = '2026-02-20') => cmd(at, { type: 'DecidePersonalBudget', personalBudgetId: 'pb-1', ...over } as never);
const DP: BudgetPart = { arrangement: 'direct-payment', annualAmountPence: 120_000, provisionItemIds: ['prov-1'] };
const schedule = cmd('2026-02-02', { type: 'ScheduleReviewMeeting', reviewId: 'rev-1', meetingOn: '2026-03-02' });
const atReview = () => after(withFinal(), schedule, request({ reviewId: 'rev-1' }, '2026-02-10'));

describe('personal budgets (CFA 2014 s.49; Personal Budgets Regulations 2014)', () => {
  it('reg 4: asked for while the plan is prepared (a draft is out) or at a review; not otherwise', () => {
    spec.given(drafted()).when(request()).thenMatches([{ type: 'ehc.personal-budget-requested.v1', data: { occasion: 'plan-preparation', requestedBy: 'parent', directPaymentRequested: true } }]);
    spec.given(after(withFinal(), schedule)).when(request({ reviewId: 'rev-1' }, '2026-02-10'))
      .thenMatches([{ type: 'ehc.personal-budget-requested.v1', data: { occasion: 'review', reviewId: 'rev-1', requestedOn: '2026-02-10' } }]);
    spec.given(withFinal()).when(request({}, '2026-02-10')).thenThrows(PE.PersonalBudgetRequestNotAllowedError, /reg 4/);
    spec.given(history(steps.request(), steps.assess())).when(request({}, '2025-03-10')).thenThrows(PE.PersonalBudgetRequestNotAllowedError);
  });

  it('CFA 2014 s.49: a personal budget refused gives reasons; without them it is refused', () => {
    spec.given(atReview()).when(decideBudget({ decision: 'refused' })).thenThrows(PE.ReasonsRequiredError);
    spec.given(atReview()).when(decideBudget({ decision: 'refused', reasons: 'Therapy is bought in a block contract that cannot be split.' }))
      .then([{ type: 'ehc.personal-budget-decided.v1', data: { caseId: CASE, personalBudgetId: 'pb-1', decidedOn: '2026-02-20', decision: 'refused', reasons: 'Therapy is bought in a block contract that cannot be split.' } }]);
  });

  it('Personal Budgets Regulations reg 5-6: a direct payment agreed with its amount and the provision it pays for', () => {
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [DP] })).then([{
      type: 'ehc.personal-budget-decided.v1',
      data: { caseId: CASE, personalBudgetId: 'pb-1', decidedOn: '2026-02-20', decision: 'agreed', parts: [DP], annualAmountPence: 120_000 },
    }]);
    expect(replay(after(atReview(), decideBudget({ decision: 'agreed', parts: [DP] }))).personalBudgets?.['pb-1'].parts).toEqual([DP]);
  });

  it('Personal Budgets Regulations reg 5-6: a direct payment asked for and not agreed names its ground and reasons', () => {
    const notional = { arrangement: 'notional', annualAmountPence: 80_000 };
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [notional] })).thenThrows(PE.ReasonsRequiredError, /ground and reasons/);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [notional], directPaymentRefusal: { ground: 'adverse-impact-on-other-services', reasons: '' } }))
      .thenThrows(PE.ReasonsRequiredError);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [notional], directPaymentRefusal: { ground: 'budget-cuts', reasons: 'x' } }))
      .thenThrows(E.InvalidCommandError);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [notional], directPaymentRefusal: { ground: 'adverse-impact-on-other-services', reasons: 'The therapy group would close for others.' } }))
      .thenMatches([{ data: { decision: 'agreed', annualAmountPence: 80_000, directPaymentRefusal: { ground: 'adverse-impact-on-other-services' } } }]);
  });

  it('Personal Budgets Regulations reg 4-5: no direct payment unless asked for; a budget pays only for provision in F-H2', () => {
    const notAsked = after(withFinal(), schedule, request({ reviewId: 'rev-1', directPaymentRequested: false }, '2026-02-10'));
    spec.given(notAsked).when(decideBudget({ decision: 'agreed', parts: [DP] })).thenThrows(E.InvalidCommandError, /asked for them/);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [{ ...DP, provisionItemIds: ['need-1'] }] })).thenThrows(PE.PlanContentsInvalidError);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [] })).thenThrows(E.InvalidCommandError);
    spec.given(atReview()).when(decideBudget({ decision: 'agreed', parts: [DP] }, '2026-02-01')).thenThrows(E.ChronologyError);
    spec.given(after(atReview(), decideBudget({ decision: 'agreed', parts: [DP] }))).when(decideBudget({ decision: 'agreed', parts: [DP] })).thenThrows(E.AlreadyRecordedError);
    spec.given(atReview()).when(decideBudget({ personalBudgetId: 'pb-x', decision: 'agreed', parts: [DP] })).thenThrows(PE.PersonalBudgetNotFoundError);
  });

  it('Personal Budgets Regulations reg 11-14: reviewed with the plan at a held annual review; a reduction or an end gives reasons', () => {
    const agreed = after(atReview(), decideBudget({ decision: 'agreed', parts: [DP] }));
    const review = (over: Record<string, unknown>, at = '2026-03-05') => cmd(at, { type: 'ReviewPersonalBudget', personalBudgetId: 'pb-1', reviewId: 'rev-1', ...over } as never);
    spec.given(agreed).when(review({ outcome: 'continued' })).thenThrows(E.ReviewNotHeldError);
    const held = after(agreed, cmd('2026-03-02', { type: 'HoldReviewMeeting', reviewId: 'rev-1' }));
    spec.given(held).when(review({ outcome: 'continued' })).then([
      { type: 'ehc.personal-budget-reviewed.v1', data: { caseId: CASE, personalBudgetId: 'pb-1', reviewId: 'rev-1', reviewedOn: '2026-03-05', outcome: 'continued' } },
    ]);
    spec.given(held).when(review({ outcome: 'changed', parts: [{ ...DP, annualAmountPence: 90_000 }] })).thenThrows(PE.ReasonsRequiredError);
    spec.given(held).when(review({ outcome: 'changed', parts: [{ ...DP, annualAmountPence: 150_000 }] })).thenMatches([{ data: { outcome: 'changed', annualAmountPence: 150_000 } }]);
    spec.given(held).when(review({ outcome: 'ended' })).thenThrows(PE.ReasonsRequiredError);
    const ended = after(held, review({ outcome: 'ended', reasons: 'Sam now has the therapy in school.' }));
    expect(replay(ended).personalBudgets?.['pb-1']).toMatchObject({ parts: [], endedOn: '2026-03-05' });
    spec.given(ended).when(review({ outcome: 'continued' }, '2026-03-06')).thenThrows(PE.PersonalBudgetNotAgreedError);
    spec.given(after(atReview(), decideBudget({ decision: 'refused', reasons: 'No.' }), cmd('2026-03-02', { type: 'HoldReviewMeeting', reviewId: 'rev-1' })))
      .when(review({ outcome: 'continued' })).thenThrows(PE.PersonalBudgetNotAgreedError);
  });
});

describe('plan contents after the plan is in force (fixture without contents)', () => {
  it('an amendment of a plan recorded without contents needs complete contents (reg 12(1))', () => {
    const withoutContents = after(base(), steps.familyResponse(), steps.consult(), final());
    expect(replay(withoutContents).planVersions).toBeUndefined();
    const proposed = after(withoutContents, cmd('2026-03-02', { type: 'ProposeAmendment', amendmentId: 'am-1', trigger: 'change-of-circumstances' }));
    spec.given(proposed).when(cmd('2026-03-20', { type: 'AmendPlan', amendmentId: 'am-1' })).thenMatches([{ type: 'ehc.plan-amended.v1' }]);
    spec.given(proposed).when(cmd('2026-03-20', { type: 'AmendPlan', amendmentId: 'am-1', contents: { sections: [{ section: 'A', text: 'New views.' }] } }))
      .thenThrows(PE.PlanContentsIncompleteError, /missing sections B, C/);
  });
});
