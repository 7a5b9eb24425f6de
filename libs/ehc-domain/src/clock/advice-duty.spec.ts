import { adviceDuty } from '../case/advice-types';
import { cmd, history, steps } from '../case/test-fixtures';
import { statutoryStatus } from './statutory-clock';

/**
 * reg 8(1): advice within 6 weeks of the request. The duty binds the bodies asked under CFA 2014 s.31 (health bodies,
 * other LAs, youth offending teams); for schools, the EP service and the LA's own social care it is the expected
 * standard; it does not apply to the family's own views. Advice asked Tuesday 4 Feb 2025: due 18 Mar (4 Feb + 42 days).
 */
describe('advice: who reg 8(1) binds', () => {
  it.each([
    ['health', 'medical', 'statutory'], ['other', 'other', 'statutory'], ['education', 'educational', 'expected-standard'],
    ['education', 'psychological', 'expected-standard'], ['social-care', 'social-care', 'expected-standard'], ['local-authority', 'parent-views', 'not-applicable'],
  ] as const)('%s giving %s advice: %s', (agency, type, duty) => {
    expect(adviceDuty(agency, type)).toBe(duty);
  });

  it('each advice deadline names its duty; the family’s views are an expectation, never overdue', () => {
    const events = history(steps.request(), steps.assess(), steps.askAdvice('req-med', 'medical', 'health'), steps.askAdvice('req-sc', 'social-care', 'social-care'),
      cmd('2025-02-04', { type: 'RequestAdvice', adviceRequestId: 'req-fam', adviceType: 'parent-views', agency: 'local-authority' }));
    const s = statutoryStatus(events, '2025-03-19');
    const byId = (id: string) => s.deadlines.find((d) => d.id === id);
    expect(byId('advice:req-med')).toMatchObject({ dueOn: '2025-03-18', status: 'overdue', daysLate: 1, kind: 'time-limit', refs: { duty: 'statutory' } });
    expect(byId('advice:req-sc')).toMatchObject({ dueOn: '2025-03-18', status: 'overdue', kind: 'time-limit', refs: { duty: 'expected-standard' } });
    expect(byId('advice:req-fam')).toMatchObject({ dueOn: '2025-03-18', status: 'open', pastExpected: true, kind: 'expectation', refs: { duty: 'not-applicable' } });
    expect(s.overdue.map((d) => d.id).sort()).toEqual(['advice:req-med', 'advice:req-sc']);
  });
});
