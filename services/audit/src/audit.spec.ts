import type { SourcedEvent } from './stores/store-reader';
import { compareEvents, mergeOrdered } from './history/merge';
import { csvCell } from './export/csv';
import { compareWithTimeline, type TimelineRow } from './drift/drift';
import { parseEventStores } from './config';
import { foldTransfers, TransferFolder } from './as-of/transfers';
import { englishDate } from './as-of/case-replay';
import { esc } from './export/report-html';

function ev(source: string, position: number, recordedAt: string, extra: Partial<SourcedEvent['metadata']> = {}, type = 't.v1', data: unknown = {}): SourcedEvent {
  return {
    source, streamName: `s-${source}`, revision: position, globalPosition: BigInt(position), type, data, schemaVersion: 1, hash: 'h', previousHash: null,
    metadata: { eventId: `00000000-0000-4000-8000-${String(position).padStart(6, '0')}${source.length.toString().padStart(6, '0')}`, caseId: 'c', occurredAt: recordedAt, recordedAt, actor: { userId: 'u', organisationId: 'o', agency: 'education', role: 'r' }, correlationId: 'x', ...extra },
  };
}
async function* batches(events: SourcedEvent[], size = 2): AsyncGenerator<SourcedEvent[]> {
  for (let i = 0; i < events.length; i += size) yield events.slice(i, i + size);
}

describe('deterministic merge', () => {
  it('orders by recordedAt, then store name, then global position, whatever order the stores answer in', async () => {
    const t1 = '2025-01-01T10:00:00.000Z';
    const t2 = '2025-01-01T10:00:00.001Z';
    const caseStore = [ev('case', 1, t1), ev('case', 2, t2), ev('case', 5, t2)];
    const health = [ev('health', 1, t1), ev('health', 3, t2)];
    const education = [ev('education', 9, t1)];
    const merged: string[] = [];
    for await (const b of mergeOrdered([batches(health), batches(caseStore), batches(education)], 2)) merged.push(...b.map((e) => `${e.source}:${e.globalPosition}`));
    expect(merged).toEqual(['case:1', 'education:9', 'health:1', 'case:2', 'case:5', 'health:3']);
    expect(compareEvents(ev('a', 1, t1), ev('a', 1, t1))).toBe(0);
  });

  it('refuses a store that answers out of order', async () => {
    const bad = [ev('case', 2, '2025-01-01T10:00:00.002Z'), ev('case', 1, '2025-01-01T10:00:00.001Z')];
    await expect((async () => {
      for await (const _ of mergeOrdered([batches(bad, 1)])) void _;
    })()).rejects.toThrow(/out of order/);
  });
});

describe('drift comparison', () => {
  const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
  const events = [1, 2, 3, 4, 5].map((i) => ev('case', i, t(i)));
  const row = (e: SourcedEvent, seq: number): TimelineRow => ({ eventId: e.metadata.eventId, seq, occurredAt: e.metadata.occurredAt, recordedAt: e.metadata.recordedAt, type: e.type });
  const now = Date.parse(t(1000));

  it('is in sync when the timeline has every event in the same order', () => {
    expect(compareWithTimeline('c', events, events.map((e, i) => row(e, i + 1)), now).inSync).toBe(true);
  });

  it('names the fewest entries that moved, plus missing, extra and changed ones', () => {
    const [a, b, c, d, e] = events as [SourcedEvent, SourcedEvent, SourcedEvent, SourcedEvent, SourcedEvent];
    const rows = [row(a, 1), row(c, 2), row(d, 3), row(b, 4), { ...row(e, 5), occurredAt: t(99) }, { eventId: 'ghost', seq: 6, occurredAt: t(6), recordedAt: t(6), type: 'x' }];
    const r = compareWithTimeline('c', events, rows, now);
    expect(r.reordered.map((x) => x.eventId)).toEqual([b.metadata.eventId]);
    expect(r.extra).toEqual([{ eventId: 'ghost', seq: 6, type: 'x' }]);
    expect(r.mismatched).toEqual([{ eventId: e.metadata.eventId, field: 'occurredAt', store: t(5), timeline: t(99) }]);
    const missing = compareWithTimeline('c', events, rows.slice(0, 3), now);
    expect(missing.missing.map((m) => m.eventId)).toEqual([b.metadata.eventId, e.metadata.eventId]);
    expect(missing.missing[0]?.recent).toBe(false);
  });

  it('orders events of the same day by when the stores recorded them, then by event id in byte order like the timeline', () => {
    const day = t(0);
    const at = (id: string, recordedAt: string) => ev('case', 1, recordedAt, { eventId: id, occurredAt: day });
    // ids chosen against the grain: the later id recorded first; and two ids whose UTF-16 order differs from their UTF-8 byte order
    const first = at('ffff', t(10));
    const second = at('0000', t(20));
    const fullwidth = at('\uff21', t(30));
    const emoji = at('\u{1f600}', t(30));
    const events = [second, emoji, first, fullwidth];
    const inOrder = [first, second, fullwidth, emoji];
    expect(compareWithTimeline('c', events, inOrder.map((e, i) => row(e, i + 1)), now)).toMatchObject({ inSync: true, reordered: [] });
    const byId = [second, emoji, fullwidth, first];
    expect(compareWithTimeline('c', events, byId.map((e, i) => row(e, i + 1)), now).reordered.map((r) => r.eventId)).toEqual(['\u{1f600}', 'ffff']);
  });
});

describe('exports', () => {
  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(undefined)).toBe('');
  });
  it('escapes HTML', () => {
    expect(esc(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });
});

describe('configuration', () => {
  it('parses AUDIT_EVENT_STORES', () => {
    expect(parseEventStores('case=postgres://u:p@h:5432/tio_case, social-care=postgresql://h/tio_social_care')).toEqual([
      { name: 'case', url: 'postgres://u:p@h:5432/tio_case' }, { name: 'social-care', url: 'postgresql://h/tio_social_care' },
    ]);
    expect(() => parseEventStores(undefined)).toThrow(/AUDIT_EVENT_STORES is not set/);
    expect(() => parseEventStores('case=mysql://x')).toThrow(/postgres:\/\//);
    expect(() => parseEventStores('case=postgres://a,case=postgres://b')).toThrow(/twice/);
    expect(() => parseEventStores('Case=postgres://a')).toThrow(/not a valid store name/);
  });
  it("evaluates the clock on England's calendar date", () => {
    expect(englishDate('2025-06-30T23:30:00Z')).toBe('2025-07-01'); // BST
    expect(englishDate('2025-01-31T23:30:00Z')).toBe('2025-01-31'); // GMT
  });
});

describe('transfer audit', () => {
  it('folds reg 15 transfers: deadlines, responsibility and delays', () => {
    const f = new TransferFolder();
    f.apply(ev('case', 1, '2025-06-01T10:00:00.000Z', {}, 'ehc.transfer-notified.v1', { transferId: 'tr-1', fromLocalAuthority: 'E08000025', toLocalAuthority: 'E08000026', learnedOn: '2025-05-01', moveOn: '2025-06-02', transferDueOn: '2025-06-02' }));
    f.apply(ev('case', 2, '2025-06-10T10:00:00.000Z', {}, 'ehc.plan-transferred.v1', { transferId: 'tr-1', toLocalAuthority: 'E08000026', transferredOn: '2025-06-09' }));
    const [t] = foldTransfers(f, '2025-08-01T00:00:00.000Z');
    expect(t).toMatchObject({ transferId: 'tr-1', from: 'E08000025', to: 'E08000026', completed: true });
    expect(t?.responsibility).toEqual([{ organisation: 'E08000025', until: '2025-06-09' }, { organisation: 'E08000026', from: '2025-06-09' }]);
    expect(t?.deadlines).toEqual([
      { what: 'Transfer the plan to the new local authority (reg 15)', dueOn: '2025-06-02', metOn: '2025-06-09', status: 'late', daysLate: 7 },
      { what: 'New local authority decides whether to reassess (reg 15)', dueOn: '2025-07-21', status: 'overdue', daysLate: 11 },
    ]);
    expect(t?.findings).toEqual(expect.arrayContaining(['the plan was transferred 7 day(s) after the move on 2025-06-02']));
  });
  it('folds generic transfer.* events recorded by both sides and finds a responsibility gap', () => {
    const f = new TransferFolder();
    f.apply(ev('case', 1, '2025-06-01T10:00:00.000Z', {}, 'transfer.requested.v1', { transferId: 'tr-2', fromOrganisation: 'school-a', toOrganisation: 'school-b', requestedOn: '2025-06-01', completeDueOn: '2025-06-20' }));
    f.apply(ev('education', 2, '2025-06-05T10:00:00.000Z', {}, 'transfer.completed.v1', { transferId: 'tr-2', completedOn: '2025-06-05' }));
    f.apply(ev('education', 3, '2025-06-08T10:00:00.000Z', {}, 'transfer.accepted.v1', { transferId: 'tr-2', acceptedOn: '2025-06-08' }));
    const [t] = foldTransfers(f, '2025-07-01T00:00:00.000Z');
    expect(t?.steps.map((s) => s.step)).toEqual(['requested', 'completed', 'accepted']);
    expect(t?.deadlines[0]).toMatchObject({ dueOn: '2025-06-20', status: 'met' });
    expect(t?.findings).toEqual(['gap: responsibility was handed over on 2025-06-05 but the receiving organisation accepted only on 2025-06-08']);
  });
});
