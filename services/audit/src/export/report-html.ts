import type { AsOfSummary } from '../as-of/case-replay';
import type { HistoryEntry } from '../history/entry';
import type { IntegrityReport } from '../integrity/integrity';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c] as string);

const CSS = `
  body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111; margin: 2rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 2px solid #1d70b8; }
  .meta { color: #444; } .ok { color: #00703c; font-weight: 600; } .bad { color: #d4351c; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; } th, td { border: 1px solid #b1b4b6; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #f3f2f1; } tr:nth-child(even) td { background: #fafafa; } code { font-size: 8pt; word-break: break-all; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; }
  @media print {
    body { margin: 0; font-size: 9pt; } h2 { break-after: avoid; } tr, li { break-inside: avoid; }
    thead { display: table-header-group; } .no-print { display: none; } a { color: inherit; text-decoration: none; }
    @page { size: A4 landscape; margin: 12mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); } }
  }`;

/** A printable case-file report: as-of summary, integrity result, full history table. Every value is escaped. */
export function renderReport(input: { caseId: string; generatedAt: string; generatedBy: string; history: HistoryEntry[]; integrity: IntegrityReport; asOf: AsOfSummary }): string {
  const { caseId, history, integrity, asOf } = input;
  const row = (e: HistoryEntry) => `<tr><td>${e.position}</td><td>${esc(e.recordedAt)}</td><td>${esc(e.occurredAt)}</td><td>${esc(e.source)}</td>
    <td>${esc(e.type)}</td><td>${esc(e.actor?.userId)}<br>${esc(e.actor?.organisationId)} (${esc(e.actor?.agency)}, ${esc(e.actor?.role)})</td>
    <td><code>${esc(e.streamName)}@${e.revision}</code></td><td><code>${esc(e.eventId)}</code></td><td><code>${esc(e.causationId ?? '')}</code></td></tr>`;
  const breaks = integrity.breaks.map((b) => `<li><strong>${esc(b.store)}</strong> ${esc(b.stream)} at revision ${b.revision} (event ${esc(b.eventId ?? 'n/a')}): ${esc(b.reason)}: ${esc(b.explanation)}</li>`).join('');
  const s = asOf.statutory;
  const deadlines = (s?.deadlines ?? []).map((d) => `<tr><td>${esc(d.what)}</td><td>${esc(d.regulation)}</td><td>${esc(d.responsible)}</td><td>${esc(d.dueOn)}</td><td>${esc(d.status)}</td><td>${esc(d.metOn ?? '')}</td></tr>`).join('');
  const advice = asOf.adviceHeld.map((a) => `<li>${esc(a.adviceType)} from ${esc(a.agency)}: received ${esc(a.answeredOn)}${a.reused ? ' (re-used)' : ''}</li>`).join('') || '<li>none</li>';
  const outstanding = asOf.adviceOutstanding.map((a) => `<li>${esc(a.adviceType)} from ${esc(a.agency)}: due ${esc(a.dueOn)}</li>`).join('') || '<li>none</li>';
  const transfers = asOf.transfers.map((t) => `<li>${esc(t.transferId)}: ${esc(t.from ?? '?')} → ${esc(t.to ?? '?')}, ${t.completed ? 'completed' : 'in progress'}${t.findings.length ? `: ${esc(t.findings.join('; '))}` : ''}</li>`).join('') || '<li>none</li>';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Case file report: ${esc(caseId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<header><h1>Case file report</h1>
<p class="meta">Case <code>${esc(caseId)}</code> · generated ${esc(input.generatedAt)} by ${esc(input.generatedBy)} · ${history.length} events from ${esc(Object.keys(asOf.bySource).join(', ') || 'no store')}</p>
<p class="no-print meta">Use your browser's Print (Ctrl+P) for a paper or PDF copy.</p></header>
<section><h2>The case as at ${esc(asOf.at)}</h2><dl>
<dt>Status</dt><dd>${esc(asOf.case.status)}</dd>
<dt>Responsible local authority</dt><dd>${esc(asOf.case.responsibleLocalAuthority ?? 'unknown')}</dd>
<dt>Request received</dt><dd>${esc(asOf.case.requestReceivedOn ?? '')}${s?.weekOfProcess !== undefined ? ` (week ${s.weekOfProcess})` : ''}</dd>
<dt>Next action</dt><dd>${asOf.responsible.next ? `${esc(asOf.responsible.next.what)}: ${esc(asOf.responsible.next.responsible)}, due ${esc(asOf.responsible.next.dueOn)}` : 'none'}</dd>
<dt>Overdue</dt><dd>${asOf.responsible.overdue.length ? esc(asOf.responsible.overdue.map((o) => `${o.what} (${o.responsible}, due ${o.dueOn})`).join('; ')) : 'nothing'}</dd>
</dl>
<h3>Advice held</h3><ul>${advice}</ul><h3>Advice outstanding</h3><ul>${outstanding}</ul><h3>Transfers</h3><ul>${transfers}</ul>
${deadlines ? `<h3>Statutory deadlines</h3><table><thead><tr><th>What</th><th>Regulation</th><th>Who</th><th>Due</th><th>Status</th><th>Met on</th></tr></thead><tbody>${deadlines}</tbody></table>` : ''}
</section>
<section><h2>Integrity</h2>
<p class="${integrity.valid ? 'ok' : 'bad'}">${integrity.valid ? 'Every hash chain of the case verifies: the stored history has not been altered.' : 'The stored history does NOT verify.'}</p>
<p class="meta">${integrity.stores.map((st) => `${esc(st.store)}: ${st.streamsChecked} stream(s), ${st.eventsChecked} event(s)`).join(' · ')} · checked ${esc(integrity.checkedAt)}</p>
${breaks ? `<ul>${breaks}</ul>` : ''}</section>
<section><h2>History (${history.length} events, recorded order)</h2>
<table><thead><tr><th>#</th><th>Recorded</th><th>Occurred</th><th>Service</th><th>Event</th><th>Who</th><th>Stream</th><th>Event id</th><th>Caused by</th></tr></thead>
<tbody>${history.map(row).join('')}</tbody></table></section>
</body></html>`;
}
