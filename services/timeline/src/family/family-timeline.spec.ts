import { weekOfProcessShown } from './family-timeline';

describe("the family's view of the 20-week process", () => {
  it.each(['requested', 'assessing', 'draft-issued'] as const)('given a case %s in week 7, when the family read it, then it is week 7 of the 20', (caseStatus) => {
    expect(weekOfProcessShown({ caseStatus, weekOfProcess: 7 })).toBe(7);
  });

  it.each(['plan-in-force', 'ceased', 'assessment-refused', 'plan-refused', 'none'] as const)('given a case %s in week 71, when the family read it, then no week of the 20 is shown', (caseStatus) => {
    expect(weekOfProcessShown({ caseStatus, weekOfProcess: 71 })).toBeNull();
  });
});
