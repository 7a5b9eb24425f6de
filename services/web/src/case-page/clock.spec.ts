import { responsibleClock, stageClock, type ClockDeadline, type ClockStatus } from './clock';

const deadline = (over: Partial<ClockDeadline>): ClockDeadline => ({ id: 'x', what: 'Something', regulation: 'reg 1', responsible: 'local-authority', dueOn: '2025-05-26', status: 'open', ...over });

describe('which clock the case shows', () => {
  it('given an assessment stage, then the 20-week clock: "Week 7 of 20", and past the 20 weeks it says so', () => {
    expect(stageClock('assessing', 7)).toEqual({ text: 'Week 7 of 20', week: 7 });
    expect(stageClock('draft-issued', 23).text).toBe('Week 23 (past the 20 weeks)');
  });

  it('given a plan in force (or refused, or ceased), then no week of 20: the stage’s own words (the "week 71 of 20" bug)', () => {
    const inForce = stageClock('plan-in-force', 71);
    expect(inForce.week).toBeNull();
    expect(inForce.text).not.toMatch(/of 20/);
    expect(inForce.text).toMatch(/^Plan in force/);
    for (const s of ['plan-refused', 'assessment-refused', 'ceased']) expect(stageClock(s, 40).text).not.toMatch(/week \d+/i);
  });

  it('given a move mid-assessment, then the week counts from the day the new local authority became responsible', () => {
    expect(stageClock('assessing', 12, '2025-03-24', { clockStartsOn: '2025-03-03' })).toEqual({ text: 'Week 3 of 20', week: 3, from: '2025-03-03' });
  });

  it("given the old authority's final-plan limit lapsed with a move, then the clock is the new authority's, and the lapsed one is kept apart, not overdue", () => {
    const old = deadline({ id: 'final-plan', startsOn: '2025-01-06', dueOn: '2025-05-26', status: 'lapsed' });
    const mine = deadline({ id: 'final-plan:transfer:t3', startsOn: '2025-03-03', dueOn: '2025-07-21', status: 'open' });
    const status: ClockStatus = { asOf: '2025-06-02', caseStatus: 'assessing', localAuthority: 'E09000033', deadlines: [old, mine], finalPlan: old };
    const clock = responsibleClock(status);
    expect(clock.finalPlan?.dueOn).toBe('2025-07-21');
    expect(clock.lapsed.map((d) => d.id)).toEqual(['final-plan']);
    expect(clock.running.map((d) => d.id)).toEqual(['final-plan:transfer:t3']);
    expect(clock.localAuthority).toBe('E09000033');
  });

  it('given a status that still shows only the old limit, then the dates the move recorded are the clock', () => {
    const old = deadline({ id: 'final-plan', startsOn: '2025-01-06', dueOn: '2025-05-26', status: 'open' });
    const clock = responsibleClock({ asOf: '2025-04-01', caseStatus: 'assessing', localAuthority: 'E09000033', deadlines: [old], finalPlan: old }, [
      { fromLocalAuthority: 'E10000028', toLocalAuthority: 'E09000033', transferredOn: '2025-03-03', clockStartsOn: '2025-03-03', finalPlanDueOn: '2025-07-21', decisionWhetherToIssueDueOn: '2025-06-23' },
    ]);
    expect(clock.finalPlan).toMatchObject({ dueOn: '2025-07-21', startsOn: '2025-03-03' });
    expect(clock.decisionWhetherToIssue).toMatchObject({ dueOn: '2025-06-23' });
    expect(clock.move?.toLocalAuthority).toBe('E09000033');
  });

  it('given a move recorded after the as-at date, then it is not the clock on that date', () => {
    const old = deadline({ id: 'final-plan', startsOn: '2025-01-06', dueOn: '2025-05-26' });
    const clock = responsibleClock({ asOf: '2025-02-01', caseStatus: 'assessing', localAuthority: 'E10000028', deadlines: [old], finalPlan: old }, [{ toLocalAuthority: 'E09000033', transferredOn: '2025-03-03', clockStartsOn: '2025-03-03', finalPlanDueOn: '2025-07-21' }]);
    expect(clock.finalPlan?.dueOn).toBe('2025-05-26');
    expect(clock.move).toBeUndefined();
  });
});
