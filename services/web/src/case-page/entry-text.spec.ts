import { integrationEvents } from '@tio/contracts';
import { RAW_TYPE, readableEntries, readableText, type TimelineEntry } from './entry-text';

const entry = (over: Partial<TimelineEntry>): TimelineEntry => ({
  id: 'e1', kind: 'other', title: 'Something', summary: '', agency: 'local-authority', occurredAt: '2025-03-03T00:00:00.000Z', recordedAt: '2025-03-03T10:15:00.000Z', details: {}, ...over,
});

describe('how a timeline entry reads on the case page', () => {
  it('given every registered event type as the timeline’s generic fallback wrote it, when read, then no entry shows a type name', () => {
    const types = integrationEvents.all().map((t) => t.type);
    expect(types.length).toBeGreaterThan(60);
    const shown = readableEntries(types.map((type, i) => entry({
      id: `e${i}`, title: type.replace(/\.v\d+$/, '').split(/[.-]/).join(' '), summary: `Recorded by local authority send team (${type}).`, source: { type },
    })));
    const raw = shown.filter((e) => RAW_TYPE.test(`${e.title} ${e.summary} ${e.responsibility ?? ''}`)).map((e) => `${e.title}: ${e.summary}`);
    expect(raw).toEqual([]);
    expect(shown[0]?.summary).toBe('Recorded by local authority send team.');
  });

  it('given date-only facts, when read, then they are dates with no time of day', () => {
    expect(readableText('Received on 2025-01-06 from the school; due by 2025-02-17.')).toBe('Received on 6 January 2025 from the school; due by 17 February 2025.');
    const [e] = readableEntries([entry({ occurredAt: '2025-03-02T23:30:00.000Z' })]);
    // the instant is 23:30 UTC on 2 March, which is still 2 March in England (GMT); shown as the date only
    expect(e).toMatchObject({ on: '2 March 2025', onIso: '2025-03-02' });
    const [summer] = readableEntries([entry({ occurredAt: '2025-07-01T23:30:00.000Z' })]);
    expect(summer).toMatchObject({ on: '2 July 2025', onIso: '2025-07-02' }); // BST: already the next day in England
    expect(`${e?.on} ${summer?.on}`).not.toMatch(/\d{1,2}:\d{2}/);
  });

  it('given a transfer, when each step is read, then it says from, to, the move date and who is responsible when', () => {
    const steps = readableEntries([
      entry({ id: 'r', kind: 'transfer', title: 'Transfer to another local authority requested', summary: 'From E08000025 to E08000026 …', source: { type: 'transfer.requested.v1' },
        details: { transferId: 't1', fromOrganisation: 'E08000025', toOrganisation: 'E08000026', moveOn: '2025-04-14', proposedOn: '2025-04-14' } }),
      entry({ id: 'c', kind: 'transfer', title: 'Transfer completed: responsibility handed over', summary: 'E08000025 handed over on 2025-04-14 …', source: { type: 'transfer.completed.v1' },
        details: { transferId: 't1', organisation: 'E08000025', completedOn: '2025-04-14' } }),
      entry({ id: 'x', kind: 'transfer', title: 'Transfer cancelled', summary: '…', source: { type: 'transfer.cancelled.v1' }, details: { transferId: 't2', organisation: 'E08000025' } }),
      entry({ id: 'a', kind: 'transfer', title: 'Assessment transferred to another local authority', summary: '…', source: { type: 'ehc.assessment-transferred.v1' },
        details: { transferId: 't3', fromLocalAuthority: 'E10000028', toLocalAuthority: 'E09000033', transferredOn: '2025-03-03', clockStartsOn: '2025-03-03', finalPlanDueOn: '2025-07-21' } }),
    ]);
    expect(steps[0]?.responsibility).toBe('E08000025 is responsible until the transfer completes (proposed for 14 April 2025); then E08000026.');
    expect(steps[1]?.responsibility).toBe('E08000026 is responsible from 14 April 2025 (before that, E08000025).');
    expect(steps[1]?.summary).toContain('handed over on 14 April 2025');
    expect(steps[2]?.responsibility).toBe('E08000025 stays responsible.');
    expect(steps[3]?.responsibility).toBe('E09000033 is responsible from 3 March 2025 (before that, E10000028); its own 20-week clock runs from 3 March 2025, final plan due 21 July 2025.');
  });

  it('given an entry that is not a transfer, when read, then it has no responsibility line and its agency is named in words', () => {
    const [e] = readableEntries([entry({ agency: 'social-care', title: 'Social care advice requested' })]);
    expect(e?.responsibility).toBeUndefined();
    expect(e?.agency).toBe('Social care');
  });
});
