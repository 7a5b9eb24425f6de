import { barsOf, renderChart, textWidth, valueText, type DeadlineMeasure, type PerformanceReport } from './chart';
import { dateFromParts, londonInstant, timeField } from './dates';

const measure = (within: number, late: number, overdue = 0): DeadlineMeasure => ({
  items: within + late + overdue, within, late, overdue, pending: 0, exceptions: 0, exceptedOpen: 0,
  percentWithin: within + late + overdue ? Math.round((within / (within + late + overdue)) * 1000) / 10 : null, percentWithinExcludingExceptions: null,
});
const report = (o: Partial<PerformanceReport> = {}): PerformanceReport => ({
  period: { from: '2025-01-01', to: '2025-12-31' }, asOf: '2025-12-31', casesReplayed: 3,
  finalPlansWithin20Weeks: { overall: { issued: 12, within: 12, percentWithin: 100, exceptionCases: 0, issuedExcludingExceptions: 12, withinExcludingExceptions: 12, percentWithinExcludingExceptions: 100, tribunalOrdered: 0 }, byLocalAuthority: {} },
  adviceWithin6Weeks: { overall: measure(3, 1), byAgency: { education: measure(1, 0), health: measure(1, 1) } },
  decisionsWithin6Weeks: { overall: measure(1234, 1), byLocalAuthority: {} },
  counts: { requests: 3, refusalsToAssess: 0, plansIssued: 12, plansCeased: 0, transfersIn: 0, transfersOut: 0, draftsIssued: 1 },
  replayErrors: [],
  ...o,
});

/** Every <text> of the SVG with its x, y, anchor and content (the chart's own markup, parsed back). */
function texts(svg: string) {
  return [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"(?: text-anchor="(\w+)")? font-size="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]), y: Number(m[2]), anchor: m[3] ?? 'start', size: Number(m[4]), text: (m[5] as string).replace(/&amp;/g, '&').replace(/&#39;/g, "'"),
  }));
}

describe('the statutory performance chart', () => {
  it('given a report, draws one bar per measure in the order of the data table, an agency with no advice due as "no items due"', () => {
    const bars = barsOf(report());
    expect(bars.map((b) => b.id)).toEqual(['plans', 'plans-excl', 'advice-education', 'advice-health', 'advice-social-care', 'decisions']);
    expect(valueText(bars[4] as (typeof bars)[number])).toBe('no items due (0 of 0)');
    expect(valueText(bars[5] as (typeof bars)[number])).toBe('99.9% (1234 of 1235)');
  });

  it('given the longest labels and values, keeps every text inside the viewBox by its own generous width estimate', () => {
    const long = barsOf(report()).map((b, i) => (i === 1 ? { ...b, label: `${b.label} and a much longer qualification that an analyst might add later on` } : b));
    const { svg, width, height } = renderChart(long);
    expect(svg).toContain(`viewBox="0 0 ${width} ${height}"`);
    const all = texts(svg);
    expect(all.length).toBeGreaterThanOrEqual(long.length * 2 + 6 + 2);
    for (const t of all) {
      const w = textWidth(t.text, t.size);
      const left = t.anchor === 'middle' ? t.x - w / 2 : t.x;
      expect({ text: t.text, left: left >= 0, right: left + w <= width, top: t.y - t.size >= 0, bottom: t.y <= height }).toEqual({ text: t.text, left: true, right: true, top: true, bottom: true });
    }
  });

  it('names the chart for assistive technology and describes every figure in its description', () => {
    const { svg } = renderChart(barsOf(report()));
    expect(svg).toMatch(/role="img" aria-labelledby="performance-chart-title performance-chart-desc"/);
    expect(svg).toMatch(/<desc id="performance-chart-desc">[^<]*Final plans issued within 20 weeks \(all cases\): 100\.0% \(12 of 12\)[^<]*Staffordshire target \(2020\) 80%/);
  });
});

describe('the GOV.UK date input and the "as recorded by" instant', () => {
  it('given day, month and year, reads a real date; given an impossible or partial one, says what is wrong', () => {
    expect(dateFromParts({ 'd-day': '7', 'd-month': '11', 'd-year': '2025' }, 'd', 'the date')).toMatchObject({ value: '2025-11-07' });
    expect(dateFromParts({ 'd-day': '30', 'd-month': '2', 'd-year': '2025' }, 'd', 'the date')).toMatchObject({ error: 'The date must be a real date, for example 7 11 2025' });
    expect(dateFromParts({ 'd-day': '7', 'd-year': '2025' }, 'd', 'the date')).toMatchObject({ error: 'The date must include a month' });
    expect(dateFromParts({}, 'd', 'the date')).toMatchObject({ error: 'Enter the date' });
  });

  it('given a date and time in England, gives the instant in winter (UTC) and in summer (UTC+1); no time means the end of the day', () => {
    expect(londonInstant('2025-11-07', '17:30')).toBe('2025-11-07T17:30:00.000Z');
    expect(londonInstant('2025-07-01', '09:00')).toBe('2025-07-01T08:00:00.000Z');
    expect(londonInstant('2025-07-01')).toBe('2025-07-01T22:59:59.000Z');
    expect(timeField('9.05')).toMatchObject({ value: '09:05' });
    expect(timeField('25:00')).toMatchObject({ error: expect.stringMatching(/24-hour clock/) });
  });
});
