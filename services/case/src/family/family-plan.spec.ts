import { initialState, type EhcCaseState, type PlanVersionState } from '@tio/ehc-domain';
import { parseOrganisationDirectory } from '@tio/service-kit';
import { familyPlan } from './family-plan';

const A = { section: 'A' as const, text: 'Sam loves trains.' };
const version = (v: number, stage: PlanVersionState['stage'], recordedOn: string, text = A.text): PlanVersionState => ({
  version: v, stage, recordedOn, sections: [{ ...A, text }], changedSections: ['A'], ...(stage === 'draft' ? { planId: 'plan-1' } : {}),
});
const draft = { planId: 'plan-1', issuedOn: '2026-03-02', commentsDueOn: '2026-03-16' };
const state = (s: Partial<EhcCaseState>): EhcCaseState => ({ ...initialState(), status: 'draft-issued', ...s });

describe('the plan as the family reads it (pure)', () => {
  it('Given no draft yet, then there is no plan', () => {
    expect(familyPlan(state({ status: 'assessing' }), '2026-03-01')).toBeUndefined();
  });

  it('Given a draft with contents, when read within the 15 days, then its sections and the last day for comments, not replied yet', () => {
    expect(familyPlan(state({ drafts: [draft], planVersions: [version(1, 'draft', '2026-03-02')] }), '2026-03-10')).toEqual({
      stage: 'draft', version: 1, issuedOn: '2026-03-02', sections: [A], draft: { commentsDueOn: '2026-03-16', openForComments: true, responded: false },
    });
  });

  it('Given the family replied and the 15 days are over, then the draft says so', () => {
    const replied = { ...draft, familyResponse: { receivedOn: '2026-03-09' } };
    expect(familyPlan(state({ drafts: [replied], planVersions: [version(1, 'draft', '2026-03-02')] }), '2026-03-17')?.draft)
      .toEqual({ commentsDueOn: '2026-03-16', openForComments: false, responded: true, respondedOn: '2026-03-09' });
  });

  it('Given a draft issued without contents, then it is a draft to comment on with no sections', () => {
    expect(familyPlan(state({ drafts: [draft] }), '2026-03-02')).toMatchObject({ stage: 'draft', issuedOn: '2026-03-02', sections: [], draft: { responded: false } });
  });

  it('Given the final plan, then the final plan without a comment window; an amended plan after it replaces it', () => {
    const final = state({ status: 'plan-in-force', drafts: [draft], finalPlan: { planId: 'plan-1', issuedOn: '2026-04-01' }, planVersions: [version(1, 'draft', '2026-03-02'), version(2, 'final', '2026-04-01')] });
    expect(familyPlan(final, '2026-04-02')).toEqual({ stage: 'final', version: 2, issuedOn: '2026-04-01', sections: [A] });
    const amended = { ...final, planVersions: [...(final.planVersions ?? []), version(3, 'amended', '2026-09-01', 'Sam loves trains and buses.')] };
    expect(familyPlan(amended, '2026-09-02')).toEqual({ stage: 'amended', version: 3, issuedOn: '2026-09-01', sections: [{ ...A, text: 'Sam loves trains and buses.' }] });
  });

  it('Given a final plan issued without contents, then the final plan with no sections', () => {
    expect(familyPlan(state({ status: 'plan-in-force', drafts: [draft], finalPlan: { planId: 'plan-1', issuedOn: '2026-04-01' } }), '2026-04-02'))
      .toEqual({ stage: 'final', issuedOn: '2026-04-01', sections: [] });
  });

  it('Given a plan naming a school, then section I names it from the organisation directory, else says what it is with its reference', () => {
    const directory = parseOrganisationDirectory(JSON.stringify({ 'urn:school:124356': { name: 'Oakfield Primary School', kind: 'school' } }));
    const I = (settingRef: string) => ({ section: 'I' as const, settingRef, settingType: 'special' as const });
    const final = (settingRef: string) => state({
      status: 'plan-in-force', drafts: [draft], finalPlan: { planId: 'plan-1', issuedOn: '2026-04-01' },
      planVersions: [{ ...version(2, 'final', '2026-04-01'), sections: [A, I(settingRef)] }],
    });
    expect(familyPlan(final('urn:school:124356'), '2026-04-02', directory)?.sections).toEqual([A, { ...I('urn:school:124356'), settingName: 'Oakfield Primary School' }]);
    expect(familyPlan(final('urn:school:100234'), '2026-04-02', directory)?.sections[1]).toEqual({ ...I('urn:school:100234'), settingName: 'a school (reference urn:school:100234)' });
    // without a directory (ORGANISATION_DIRECTORY unset) every school is described with its reference
    expect(familyPlan(final('urn:school:124356'), '2026-04-02')?.sections[1]?.settingName).toBe('a school (reference urn:school:124356)');
  });
});
