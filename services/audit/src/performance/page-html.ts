import { esc } from '../export/report-html';
import { REFERENCE, type DeadlineMeasure, type PerformanceReport } from './measures';

export interface Bar {
  label: string;
  percent: number | null;
  /** n of d, for the label. */
  detail: string;
  kind: 'plans' | 'plans-excl' | 'advice' | 'decisions';
}

const fmt = (p: number | null): string => (p === null ? 'no data' : `${p.toFixed(1)}%`);
const frac = (n: number, d: number) => `${n} of ${d}`;
const dueOf = (m: DeadlineMeasure) => m.within + m.late + m.overdue + m.exceptedOpen;

/** The bars of the chart, in order (also the rows of the table, so both always show the same figures). */
export function barsOf(r: PerformanceReport): Bar[] {
  const p = r.finalPlansWithin20Weeks.overall;
  const bars: Bar[] = [
    { label: 'Final plans within 20 weeks (all cases)', percent: p.percentWithin, detail: frac(p.within, p.issued), kind: 'plans' },
    { label: 'Final plans within 20 weeks (excluding exceptions)', percent: p.percentWithinExcludingExceptions, detail: frac(p.withinExcludingExceptions, p.issuedExcludingExceptions), kind: 'plans-excl' },
  ];
  for (const agency of ['education', 'health', 'social-care']) {
    const m = r.adviceWithin6Weeks.byAgency[agency];
    bars.push({ label: `Advice within 6 weeks: ${agency}`, percent: m?.percentWithin ?? null, detail: m ? frac(m.within, dueOf(m)) : '0 of 0', kind: 'advice' });
  }
  const d = r.decisionsWithin6Weeks.overall;
  bars.push({ label: 'Decisions whether to assess within 6 weeks', percent: d.percentWithin, detail: frac(d.within, dueOf(d)), kind: 'decisions' });
  return bars;
}

const COLOURS: Record<Bar['kind'], string> = { plans: '#1d70b8', 'plans-excl': '#5694ca', advice: '#00703c', decisions: '#4c2c92' };

/** A generous estimate of a text's width in user units (wider than the common sans-serif fonts set it). */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) units += /[A-Z%mwMW@]/.test(ch) ? 0.95 : /[ilj.,:;'()\s|!]/.test(ch) ? 0.38 : 0.64;
  return units * fontSize;
}

/**
 * A horizontal bar chart as inline SVG with role="img", a <title> and a <desc> (text alternative). Each label sits on
 * its own line above its bar and the reference lines are named in a legend below, so no label is cut at an edge or
 * drawn over another; the viewBox is sized from the longest texts (estimated generously).
 */
export function renderChart(bars: Bar[]): string {
  const FONT = 14;
  const SMALL = 12;
  const left = 20;
  const valueText = (b: Bar) => `${fmt(b.percent)} (${b.detail})`;
  const valueW = Math.max(...bars.map((b) => textWidth(valueText(b), SMALL))) + 10;
  const refs = [REFERENCE.target, REFERENCE.national].map((r, i) => ({ ...r, colour: i === 0 ? '#d4351c' : '#505a5f', dash: i === 0 ? '6 4' : '2 3' }));
  const width = Math.ceil(Math.max(left + Math.max(...bars.map((b) => textWidth(b.label, FONT))), left + 420 + valueW, left + 40 + Math.max(...refs.map((r) => textWidth(`${r.label}: ${r.percent}%`, SMALL)))) + 12);
  const plotW = width - left - 12 - valueW;
  const rowH = 54;
  const top = 6;
  const plotBottom = top + bars.length * rowH;
  const axisY = plotBottom + 20;
  const legendTop = axisY + 14;
  const height = legendTop + refs.length * 22 + 6;
  const x = (p: number) => left + (plotW * Math.max(0, Math.min(100, p))) / 100;
  const band = (at: number, attrs: string) => bars.map((_, i) => `<line x1="${at.toFixed(1)}" y1="${top + i * rowH + 22}" x2="${at.toFixed(1)}" y2="${top + i * rowH + 48}" ${attrs}/>`).join('');
  const desc = bars.map((b) => `${b.label}: ${fmt(b.percent)} (${b.detail})`).join('; ')
    + `. Reference lines: ${REFERENCE.target.label} ${REFERENCE.target.percent}%, ${REFERENCE.national.label} ${REFERENCE.national.percent}%.`;
  const grid = [0, 20, 40, 60, 80, 100].map((g) => `${band(x(g), 'stroke="#e1e1e1"')}<text x="${x(g).toFixed(1)}" y="${axisY}" text-anchor="middle" font-size="${SMALL}" class="axis">${g}%</text>`).join('');
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const w = b.percent === null ? 0 : x(b.percent) - left;
    return `<g><text x="${left}" y="${y + 16}" font-size="${FONT}" class="label">${esc(b.label)}</text>`
      + `<rect x="${left}" y="${y + 24}" width="${w.toFixed(1)}" height="22" fill="${COLOURS[b.kind]}"/>`
      + `<text x="${(left + w + 6).toFixed(1)}" y="${y + 40}" font-size="${SMALL}" class="value">${esc(valueText(b))}</text></g>`;
  }).join('');
  const lines = refs.map((r) => band(x(r.percent), `stroke="${r.colour}" stroke-width="2.5" stroke-dasharray="${r.dash}"`)).join('');
  const legend = refs.map((r, i) => {
    const y = legendTop + i * 22;
    return `<line x1="${left}" y1="${y + 8}" x2="${left + 30}" y2="${y + 8}" stroke="${r.colour}" stroke-width="2.5" stroke-dasharray="${r.dash}"/><text x="${left + 40}" y="${y + 12}" font-size="${SMALL}" class="ref" fill="${r.colour}">${esc(`${r.label}: ${r.percent}%`)}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet">`
    + `<title id="chart-title">Statutory timeliness: percentage within the time limit</title><desc id="chart-desc">${esc(desc)}</desc>`
    + grid + rows + lines + legend
    + '</svg>';
}

const CSS = `
  :root { color-scheme: light; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #0b0c0c; margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 64rem; background: #fff; }
  h1 { font-size: 1.75rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
  .meta { color: #505a5f; margin: 0 0 1rem; }
  .headline { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
  .headline div { border-left: 5px solid #1d70b8; padding: .25rem .75rem; min-width: 12rem; }
  .headline strong { display: block; font-size: 2rem; line-height: 1.2; }
  figure { margin: 0; } figcaption { color: #505a5f; font-size: .9rem; }
  figure svg { max-width: 100%; height: auto; } svg text { font-family: inherit; } svg .label { fill: #0b0c0c; } svg .value { fill: #0b0c0c; }
  svg .axis { fill: #505a5f; } svg .ref { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  th, td { border-bottom: 1px solid #b1b4b6; padding: .4rem .5rem; text-align: left; vertical-align: top; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-size: .9rem; } input { font: inherit; padding: .2rem .4rem; }
  button { font: inherit; padding: .3rem 1rem; background: #00703c; color: #fff; border: 0; cursor: pointer; }
  a:focus, input:focus, button:focus { outline: 3px solid #fd0; }
  @media print {
    body { max-width: none; padding: 0; font-size: 10pt; } form, .no-print { display: none; }
    h2 { break-after: avoid; } table, figure { break-inside: avoid; } thead { display: table-header-group; }
    @page { size: A4 portrait; margin: 14mm; }
  }`;

const row = (cells: Array<string | number | null>, numericFrom = 1) =>
  `<tr>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td class="${i >= numericFrom ? 'n' : ''}">${esc(c ?? '')}</td>`)).join('')}</tr>`;

function deadlineTable(caption: string, groupHeader: string, groups: Array<[string, DeadlineMeasure]>, id: string): string {
  const body = groups.map(([g, m]) => row([g, m.items, m.within, m.late, m.overdue, m.pending, m.exceptions, fmt(m.percentWithin), fmt(m.percentWithinExcludingExceptions)])).join('')
    || `<tr><td colspan="9">No items in this period.</td></tr>`;
  return `<table id="${id}"><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(groupHeader)}</th><th scope="col" class="n">Items</th><th scope="col" class="n">Within</th><th scope="col" class="n">Late</th><th scope="col" class="n">Overdue</th><th scope="col" class="n">Not yet due</th><th scope="col" class="n">Exceptions</th><th scope="col" class="n">% within</th><th scope="col" class="n">% within excl. exceptions</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** The performance page: headline figures, the chart, and every figure in accessible tables. All values escaped. */
export function renderPerformancePage(r: PerformanceReport, o: { nonce: string; generatedAt: string; generatedBy: string }): string {
  const bars = barsOf(r);
  const p = r.finalPlansWithin20Weeks.overall;
  const c = r.counts;
  const summary = `<table id="summary"><caption>Timeliness (the figures in the chart)</caption><thead><tr><th scope="col">Measure</th><th scope="col" class="n">Within / total</th><th scope="col" class="n">Percentage</th></tr></thead><tbody>`
    + bars.map((b) => `<tr data-measure="${esc(b.kind)}"><th scope="row">${esc(b.label)}</th><td class="n">${esc(b.detail)}</td><td class="n" data-percent="${b.percent ?? ''}">${esc(fmt(b.percent))}</td></tr>`).join('')
    + `</tbody></table>`;
  const plansByLa = Object.entries(r.finalPlansWithin20Weeks.byLocalAuthority).map(([la, m]) => row([la, m.issued, m.within, fmt(m.percentWithin), m.exceptionCases, m.withinExcludingExceptions, fmt(m.percentWithinExcludingExceptions), m.tribunalOrdered])).join('')
    || '<tr><td colspan="8">No plans issued in this period.</td></tr>';
  const counts = [
    ['Requests for assessment', c.requests], ...Object.entries(c.requestsBySource).map(([s, n]) => [`  of which from ${s}`, n]),
    ['Refusals to assess', c.refusalsToAssess], ['Draft plans issued', c.draftsIssued], ['  of which with all reg 6(1) advice received or re-used', c.draftsWithAllAdvice],
    ['  of which going on without late advice (reg 8(1))', c.draftsWithAdviceNotAwaited], ['Final plans issued', c.plansIssued], ['Plans ceased', c.plansCeased],
    ...Object.entries(c.plansCeasedByReason).map(([s, n]) => [`  of which ${s}`, n]), ['Transfers in', c.transfersIn], ['Transfers out', c.transfersOut],
    ['Appeals registered', c.appealsRegistered], ...Object.entries(c.appealsRegisteredByDecision).map(([s, n]) => [`  of which against ${s}`, n]),
    ['Mediations held', c.mediationsHeld], ...Object.entries(c.mediationsHeldByOutcome).map(([s, n]) => [`  of which ${s}`, n]),
    ['Reassessments requested', c.reassessmentsRequested], ...Object.entries(c.reassessmentsRequestedBy).map(([s, n]) => [`  of which by ${s}`, n]),
    ['Reassessments refused', c.reassessmentsRefused],
    ['Personal budgets agreed', c.personalBudgetsAgreed], ...Object.entries(c.personalBudgetsAgreedByArrangement).map(([s, n]) => [`  of which with ${s}`, n]),
    ['Personal budgets refused', c.personalBudgetsRefused], ...Object.entries(c.directPaymentsRefusedByGround).map(([s, n]) => [`  direct payments refused: ${s}`, n]),
  ] as Array<[string, number]>;
  const scope = r.localAuthority ? `local authority ${r.localAuthority}` : 'all local authorities';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Statutory performance ${esc(r.period.from)} to ${esc(r.period.to)}</title>
<style nonce="${esc(o.nonce)}">${CSS}</style></head>
<body><main>
<h1>Statutory performance</h1>
<p class="meta">${esc(r.period.from)} to ${esc(r.period.to)}, ${esc(scope)}. Clock evaluated on ${esc(r.asOf)}; ${r.casesReplayed} cases replayed from the event stores. Generated ${esc(o.generatedAt)} for ${esc(o.generatedBy)}.</p>
<form method="get" action="performance.html" class="no-print"><label>From <input type="date" name="from" value="${esc(r.period.from)}" required></label><label>To <input type="date" name="to" value="${esc(r.period.to)}" required></label>${r.localAuthority ? `<input type="hidden" name="localAuthority" value="${esc(r.localAuthority)}">` : ''}<button type="submit">Show</button></form>
<div class="headline">
  <div><strong>${esc(fmt(p.percentWithin))}</strong>of ${p.issued} final plans issued within 20 weeks</div>
  <div><strong>${esc(fmt(p.percentWithinExcludingExceptions))}</strong>excluding ${p.exceptionCases} exception cases</div>
  <div><strong>${esc(fmt(r.decisionsWithin6Weeks.overall.percentWithin))}</strong>decisions whether to assess within 6 weeks</div>
</div>
<h2>Within the time limit</h2>
<figure>${renderChart(bars)}<figcaption>Bars: percentage within the statutory time limit. Dashed red line: ${esc(REFERENCE.target.label)} (${REFERENCE.target.percent}%). Dotted grey line: ${esc(REFERENCE.national.label)} (${REFERENCE.national.percent}% of new plans within 20 weeks). The same figures are in the table below.</figcaption></figure>
${summary}
<h2>Final plans within 20 weeks, by local authority</h2>
<table id="plans"><caption>Plans issued in the period (SEN2: 20 weeks = 140 days from the request)</caption><thead><tr><th scope="col">Local authority</th><th scope="col" class="n">Issued</th><th scope="col" class="n">Within 20 weeks</th><th scope="col" class="n">%</th><th scope="col" class="n">Exception cases</th><th scope="col" class="n">Within, excl. exceptions</th><th scope="col" class="n">% excl. exceptions</th><th scope="col" class="n">Under a tribunal order (apart)</th></tr></thead><tbody>${plansByLa}</tbody></table>
<h2>Advice within 6 weeks</h2>
${deadlineTable('By duty: statutory for the bodies asked under s.31 (health, other LAs, youth offending teams); the expected standard for schools, the EP service and the LA’s own social care', 'Duty', Object.entries(r.adviceWithin6Weeks.byDuty), 'advice-duty')}
${deadlineTable('By agency', 'Agency', Object.entries(r.adviceWithin6Weeks.byAgency), 'advice-agency')}
${deadlineTable('By organisation giving the advice', 'Organisation', Object.entries(r.adviceWithin6Weeks.byOrganisation), 'advice-organisation')}
<h2>Decisions whether to assess within 6 weeks</h2>
${deadlineTable('By local authority', 'Local authority', Object.entries(r.decisionsWithin6Weeks.byLocalAuthority), 'decisions')}
<h2>Reassessments</h2>
${deadlineTable('Decisions whether to reassess within 15 days of the request (reg 25(1)); amended plans within 14 weeks of the decision to reassess (reg 27(2))', 'Step', [['Decision within 15 days', r.reassessments.decisionsWithin15Days], ['Amended plan within 14 weeks', r.reassessments.amendedPlansWithin14Weeks]], 'reassessments')}
<h2>Counts</h2>
<table id="counts"><caption>In the period</caption><thead><tr><th scope="col">What</th><th scope="col" class="n">Number</th></tr></thead><tbody>${counts.map(([k, n]) => row([k, n])).join('')}</tbody></table>
${r.replayErrors.length ? `<p><strong>${r.replayErrors.length} events could not be folded</strong> (see the JSON for details).</p>` : ''}
<p class="meta">Definitions: see the audit service README ("Statutory performance"). Figures are computed from the event stores on each request, never stored.</p>
</main></body></html>`;
}
