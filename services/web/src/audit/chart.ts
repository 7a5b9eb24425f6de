/**
 * The statutory performance chart: horizontal bars, each measure's label on its own line ABOVE its bar (so no label is
 * ever cut at the left edge however long it is), the value to the right of the bar inside space kept for the longest
 * value, and the reference lines named in a legend under the plot (not at the top of their lines, where two close
 * lines' labels collided and the outer one was cut). The viewBox is sized from the text, estimated generously; the
 * browser test checks every text's box lies inside it. The same figures are in the table beside it (`rows`).
 */

/** The fields of the audit service's `GET /performance` answer this page reads. */
export interface DeadlineMeasure {
  items: number;
  within: number;
  late: number;
  overdue: number;
  pending: number;
  exceptions: number;
  exceptedOpen: number;
  percentWithin: number | null;
  percentWithinExcludingExceptions: number | null;
}

export interface PlanTimeliness {
  issued: number;
  within: number;
  percentWithin: number | null;
  exceptionCases: number;
  issuedExcludingExceptions: number;
  withinExcludingExceptions: number;
  percentWithinExcludingExceptions: number | null;
  tribunalOrdered: number;
}

export interface PerformanceReport {
  period: { from: string; to: string };
  asOf: string;
  localAuthority?: string;
  casesReplayed: number;
  finalPlansWithin20Weeks: { overall: PlanTimeliness; byLocalAuthority: Record<string, PlanTimeliness> };
  adviceWithin6Weeks: { overall: DeadlineMeasure; byAgency: Record<string, DeadlineMeasure> };
  decisionsWithin6Weeks: { overall: DeadlineMeasure; byLocalAuthority: Record<string, DeadlineMeasure> };
  counts: Record<string, unknown> & { requests: number; refusalsToAssess: number; plansIssued: number; plansCeased: number; transfersIn: number; transfersOut: number; draftsIssued: number };
  replayErrors: unknown[];
}

export interface Bar {
  id: string;
  label: string;
  percent: number | null;
  within: number;
  total: number;
  colour: string;
}

/** The lines the bars are read against (as the audit service's own page draws them). */
export const REFERENCE_LINES = [
  { percent: 80, label: 'Staffordshire target (2020)', colour: '#d4351c', dash: '8 5' },
  { percent: 46.4, label: 'England 2024 (calendar year, excluding exceptions)', colour: '#505a5f', dash: '3 3' },
] as const;

const AGENCY_NAMES: Record<string, string> = { education: 'education', health: 'health', 'social-care': 'social care' };
const dueOf = (m: DeadlineMeasure) => m.within + m.late + m.overdue + m.exceptedOpen;

/** The bars, in order: they are also the rows of the data table, so both always show the same figures. */
export function barsOf(r: PerformanceReport): Bar[] {
  const p = r.finalPlansWithin20Weeks.overall;
  const bars: Bar[] = [
    { id: 'plans', label: 'Final plans issued within 20 weeks (all cases)', percent: p.percentWithin, within: p.within, total: p.issued, colour: '#1d70b8' },
    { id: 'plans-excl', label: 'Final plans issued within 20 weeks (excluding exception cases)', percent: p.percentWithinExcludingExceptions, within: p.withinExcludingExceptions, total: p.issuedExcludingExceptions, colour: '#003078' },
  ];
  for (const agency of ['education', 'health', 'social-care']) {
    const m = r.adviceWithin6Weeks.byAgency[agency];
    bars.push({ id: `advice-${agency}`, label: `Advice given within 6 weeks: ${AGENCY_NAMES[agency]}`, percent: m?.percentWithin ?? null, within: m?.within ?? 0, total: m ? dueOf(m) : 0, colour: '#00703c' });
  }
  const d = r.decisionsWithin6Weeks.overall;
  bars.push({ id: 'decisions', label: 'Decisions whether to assess within 6 weeks', percent: d.percentWithin, within: d.within, total: dueOf(d), colour: '#4c2c92' });
  return bars;
}

export const percentText = (p: number | null): string => (p === null ? 'no items due' : `${p.toFixed(1)}%`);
export const valueText = (b: Bar): string => `${percentText(b.percent)} (${b.within} of ${b.total})`;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A generous estimate of a text's width in user units (wider than Arial, Liberation Sans or DejaVu Sans set it). */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) units += /[A-Z%mwMW@]/.test(ch) ? 0.95 : /[ilj.,:;'()\s|!]/.test(ch) ? 0.38 : 0.64;
  return units * fontSize;
}

const FONT = 16;
const SMALL = 14;
const LEFT = 24;
const RIGHT = 12;

export interface ChartLayout {
  width: number;
  height: number;
  svg: string;
}

/** The chart as an inline SVG (role img, title and description), sized so every label fits inside its viewBox. */
export function renderChart(bars: Bar[], id = 'performance-chart'): ChartLayout {
  const labelWidth = Math.max(...bars.map((b) => textWidth(b.label, FONT)));
  const valueWidth = Math.max(...bars.map((b) => textWidth(valueText(b), SMALL))) + 10;
  const legendWidth = Math.max(...REFERENCE_LINES.map((l) => 40 + textWidth(`${l.label}: ${l.percent}%`, SMALL)));
  const plot = 400;
  const width = Math.ceil(Math.max(LEFT + labelWidth, LEFT + plot + valueWidth, LEFT + legendWidth) + RIGHT);
  const plotWidth = width - LEFT - RIGHT - valueWidth;
  const x = (p: number) => LEFT + (plotWidth * Math.max(0, Math.min(100, p))) / 100;
  const rowHeight = 62;
  const top = 8;
  const plotBottom = top + bars.length * rowHeight;
  const axisY = plotBottom + 22;
  const legendTop = axisY + 20;
  const height = legendTop + REFERENCE_LINES.length * 24 + 6;

  const parts: string[] = [];
  // grid and reference lines run through the bars' bands only, never through a label
  const bands = (xAt: number, attrs: string) => bars.map((_, i) => `<line x1="${xAt.toFixed(1)}" y1="${top + i * rowHeight + 26}" x2="${xAt.toFixed(1)}" y2="${top + i * rowHeight + 54}" ${attrs}/>`).join('');
  for (const g of [0, 20, 40, 60, 80, 100]) {
    parts.push(bands(x(g), 'stroke="#b1b4b6" stroke-width="1"'));
    parts.push(`<text x="${x(g).toFixed(1)}" y="${axisY}" text-anchor="middle" font-size="${SMALL}" fill="#505a5f">${g}%</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowHeight;
    const w = b.percent === null ? 0 : x(b.percent) - LEFT;
    parts.push(`<g data-measure="${esc(b.id)}"><text x="${LEFT}" y="${y + 20}" font-size="${FONT}" fill="#0b0c0c">${esc(b.label)}</text>`
      + `<rect x="${LEFT}" y="${y + 28}" width="${w.toFixed(1)}" height="24" fill="${b.colour}"/>`
      + `<text x="${(LEFT + w + 8).toFixed(1)}" y="${y + 45}" font-size="${SMALL}" fill="#0b0c0c">${esc(valueText(b))}</text></g>`);
  });
  for (const l of REFERENCE_LINES) parts.push(bands(x(l.percent), `stroke="${l.colour}" stroke-width="3" stroke-dasharray="${l.dash}"`));
  REFERENCE_LINES.forEach((l, i) => {
    const y = legendTop + i * 24;
    parts.push(`<line x1="${LEFT}" y1="${y + 10}" x2="${LEFT + 30}" y2="${y + 10}" stroke="${l.colour}" stroke-width="3" stroke-dasharray="${l.dash}"/>`
      + `<text x="${LEFT + 40}" y="${y + 15}" font-size="${SMALL}" fill="#0b0c0c">${esc(`${l.label}: ${l.percent}%`)}</text>`);
  });
  const desc = `${bars.map((b) => `${b.label}: ${valueText(b)}`).join('; ')}. Reference lines: ${REFERENCE_LINES.map((l) => `${l.label} ${l.percent}%`).join(', ')}. The same figures are in the table that follows.`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="tio-chart" id="${esc(id)}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet" font-family="arial, sans-serif">`
    + `<title id="${esc(id)}-title">Statutory timeliness: the percentage of each step done within its time limit</title><desc id="${esc(id)}-desc">${esc(desc)}</desc>`
    + parts.join('') + '</svg>';
  return { width, height, svg };
}
