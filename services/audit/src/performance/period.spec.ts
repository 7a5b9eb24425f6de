import { resolvePeriod } from './period';
import { calendarYearOf, financialYearOf } from './performance.service';

/** SEN2 counts the calendar year before its January collection; the national 46.4% is the 2024 calendar year. */
describe('the statutory performance period', () => {
  it('defaults to the calendar year containing the date given (or today)', () => {
    expect(calendarYearOf('2024-06-30')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(resolvePeriod({ from: '2024-01-01', asOf: '2025-01-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31', asOf: '2025-01-31' });
    expect(resolvePeriod({ to: '2024-12-31', asOf: '2025-01-31' })).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    const today = resolvePeriod({});
    expect(today.from).toMatch(/^\d{4}-01-01$/);
    expect(today.to).toBe(`${today.from.slice(0, 4)}-12-31`);
  });

  it('offers the financial year (1 April - 31 March) as an option', () => {
    expect(financialYearOf('2025-03-31')).toEqual({ from: '2024-04-01', to: '2025-03-31' });
    expect(resolvePeriod({ from: '2024-04-01', year: 'financial', asOf: '2025-04-30' })).toMatchObject({ from: '2024-04-01', to: '2025-03-31' });
    expect(resolvePeriod({ to: '2025-03-31', year: 'financial', asOf: '2025-04-30' })).toMatchObject({ from: '2024-04-01', to: '2025-03-31' });
  });

  it('explicit dates win; from after to is refused', () => {
    expect(resolvePeriod({ from: '2024-04-01', to: '2024-09-30', asOf: '2024-10-01' })).toMatchObject({ from: '2024-04-01', to: '2024-09-30' });
    expect(() => resolvePeriod({ from: '2024-12-01', to: '2024-11-30' })).toThrow(/must be on or before/);
  });
});
