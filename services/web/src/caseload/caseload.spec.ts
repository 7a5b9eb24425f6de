import { caseload, caseloadCsv, caseloadRow, type ApiCase, type ApiDeadline } from './caseload';

const deadline = (what: string, dueOn: string, responsible: string, daysLate?: number): ApiDeadline => ({ what, dueOn, responsible, regulation: 'reg 8(1)', ...(daysLate ? { daysLate } : {}) });
const kase = (caseId: string, o: Partial<ApiCase> = {}): ApiCase => ({
  caseId, caseStatus: 'assessing', weekOfProcess: 10, next: null, overdueCount: 0, overdueByResponsible: {}, lastActivityAt: '2026-11-01T00:00:00.000Z', ...o,
});

const TODAY = '2026-11-30';
const overdue = kase('c-overdue', {
  weekOfProcess: 19, overdueCount: 2, next: deadline('Final plan', '2026-12-07', 'local-authority'),
  overdueByResponsible: { health: [deadline('Give medical advice', '2026-10-05', 'health', 56)], 'local-authority': [deadline('Decide whether to issue', '2026-11-09', 'local-authority', 21)] },
});
const soon = kase('c-soon', { caseStatus: 'requested', weekOfProcess: 6, next: deadline('Decide whether to assess', '2026-12-05', 'local-authority') });
const later = kase('c-later', { caseStatus: 'requested', weekOfProcess: 1, next: deadline('Decide whether to assess', '2027-01-04', 'local-authority') });
const done = kase('c-done', { caseStatus: 'plan-in-force', weekOfProcess: null });

describe('the caseload rows', () => {
  it('shows the most overdue deadline of a case that has any, and who must act (overdue agencies, then the next deadline\'s)', () => {
    expect(caseloadRow(overdue)).toMatchObject({
      stage: 'Assessing', week: 19, overdueCount: 2, daysOverdue: 56,
      deadline: { what: 'Give medical advice', dueOn: '2026-10-05', responsible: 'Health' },
      mustAct: ['Health', 'Local authority'],
    });
  });

  it('shows the next open deadline of a case with nothing overdue, and no deadline for a case with none open', () => {
    expect(caseloadRow(soon)).toMatchObject({ stage: 'Request received', daysOverdue: 0, deadline: { what: 'Decide whether to assess', dueOn: '2026-12-05' }, mustAct: ['Local authority'] });
    expect(caseloadRow(done)).toMatchObject({ stage: 'Plan in force', deadline: null, mustAct: [] });
  });
});

describe('the caseload order and filters', () => {
  const all = [later, done, soon, overdue];
  const ids = (rows: ReturnType<typeof caseload>) => rows.map((r) => r.caseId);

  it('puts overdue cases first, then by next due date, cases with nothing due last', () => {
    expect(ids(caseload(all, {}, TODAY))).toEqual(['c-overdue', 'c-soon', 'c-later', 'c-done']);
  });

  it('shows the stage’s own clock: week N of 20 while assessing, no week of 20 once a plan is in force (it read "week 71 of 20")', () => {
    expect(caseloadRow(kase('c-assessing', { weekOfProcess: 19 }))).toMatchObject({ week: 19, clock: 'Week 19 of 20' });
    expect(caseloadRow(kase('c-in-force', { caseStatus: 'plan-in-force', weekOfProcess: 71 }))).toMatchObject({ week: null, clock: expect.stringMatching(/^Plan in force/) });
  });

  it('sorts by due date, by week of the process (latest first) or by case reference', () => {
    expect(ids(caseload(all, { sort: 'due' }, TODAY))).toEqual(['c-overdue', 'c-soon', 'c-later', 'c-done']);
    expect(ids(caseload(all, { sort: 'week' }, TODAY))).toEqual(['c-overdue', 'c-soon', 'c-later', 'c-done']);
    expect(ids(caseload(all, { sort: 'case' }, TODAY))).toEqual(['c-done', 'c-later', 'c-overdue', 'c-soon']);
  });

  it('keeps the overdue cases, the cases due in the next 2 weeks (not overdue), or one stage', () => {
    expect(ids(caseload(all, { due: 'overdue' }, TODAY))).toEqual(['c-overdue']);
    expect(ids(caseload(all, { due: 'next-2-weeks' }, TODAY))).toEqual(['c-soon']);
    expect(ids(caseload(all, { stage: 'requested' }, TODAY))).toEqual(['c-soon', 'c-later']);
    expect(ids(caseload(all, { stage: 'requested', due: 'next-2-weeks' }, TODAY))).toEqual(['c-soon']);
  });

  it('keeps the cases waiting on one agency: an overdue deadline of theirs or the next one', () => {
    expect(ids(caseload(all, { awaiting: 'health' }, TODAY))).toEqual(['c-overdue']);
    expect(ids(caseload(all, { awaiting: 'local-authority' }, TODAY))).toEqual(['c-overdue', 'c-soon', 'c-later']);
    expect(ids(caseload(all, { awaiting: 'family' }, TODAY))).toEqual([]);
  });
});

describe('the caseload CSV', () => {
  it('has a header and one row per case, quoting commas and refusing to start a cell with a formula character', () => {
    const csv = caseloadCsv(caseload([overdue, kase('c-odd', { next: deadline('=HYPERLINK("x"), then more', '2026-12-01', 'family') })], {}, TODAY));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('case_id,stage,week_of_process,deadline,due_on,regulation,responsible,overdue_count,days_overdue,must_act,last_activity_at');
    expect(lines[1]).toBe('c-overdue,Assessing,19,Give medical advice,2026-10-05,reg 8(1),Health,2,56,Health; Local authority,2026-11-01T00:00:00.000Z');
    expect(lines[2]).toContain(`"'=HYPERLINK(""x""), then more"`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
