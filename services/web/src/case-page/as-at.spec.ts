import { asAtFrom, endOfLondonDay, readingMeaning } from './as-at';

describe('the "as at" picker', () => {
  it('given no date, then the case is shown as it is now', () => {
    expect(asAtFrom({}, '2026-01-10', true)).toEqual({ reading: 'business', typed: { day: '', month: '', year: '' } });
  });

  it('given a real past date, then that day; the recorded reading only for those who may read it (auditors)', () => {
    const q = { 'asAt-day': '7', 'asAt-month': '11', 'asAt-year': '2025', reading: 'recorded' };
    expect(asAtFrom(q, '2026-01-10', true)).toMatchObject({ date: '2025-11-07', reading: 'recorded' });
    expect(asAtFrom(q, '2026-01-10', false)).toMatchObject({ date: '2025-11-07', reading: 'business' });
  });

  it('given a date that is not one, incomplete or in the future, then the error names the box and why', () => {
    expect(asAtFrom({ 'asAt-day': '31', 'asAt-month': '2', 'asAt-year': '2025' }, '2026-01-10', false).error).toEqual({ field: 'asAt-day', text: 'The date must be a real date, for example 7 11 2025' });
    expect(asAtFrom({ 'asAt-day': '7', 'asAt-year': '2025' }, '2026-01-10', false).error).toEqual({ field: 'asAt-month', text: 'The date must include a month' });
    expect(asAtFrom({ 'asAt-day': '11', 'asAt-month': '1', 'asAt-year': '2026' }, '2026-01-10', false).error).toEqual({ field: 'asAt-day', text: 'The date must be today or in the past' });
  });

  it('given a day, then the recorded reading ends at midnight in England (GMT in winter, BST in summer)', () => {
    expect(endOfLondonDay('2025-11-07')).toBe('2025-11-08T00:00:00.000Z');
    expect(endOfLondonDay('2025-07-01')).toBe('2025-07-01T23:00:00.000Z');
  });

  it('labels each reading for what it means', () => {
    expect(readingMeaning('business', '7 November 2025')).toMatch(/^As it stood on 7 November 2025: .*as far as is known now/);
    expect(readingMeaning('recorded', '7 November 2025')).toMatch(/^As recorded by the end of 7 November 2025: .*For auditors\.$/);
  });
});
