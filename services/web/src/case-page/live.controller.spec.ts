import { rewriteEvent } from './live.controller';

describe('the live timeline passed to the page', () => {
  it('given an entry event, then it is passed on as the entry reads on the page, with its id for resuming', () => {
    const entry = { id: 'e9', kind: 'advice', title: 'Education advice submitted (version 1)', summary: 'educational advice a1, version 1, given on 2026-03-02: 1 section(s).', agency: 'education', occurredAt: '2026-03-02T00:00:00.000Z', recordedAt: '2026-03-02T09:00:00.000Z' };
    const out = rewriteEvent(`id: 3-12\nevent: entry\ndata: ${JSON.stringify(entry)}`);
    expect(out.startsWith('id: 3-12\nevent: entry\ndata: ')).toBe(true);
    const shown = JSON.parse(out.split('data: ')[1] as string);
    expect(shown).toMatchObject({ id: 'e9', title: 'Education advice submitted (version 1)', agency: 'Education', on: '2 March 2026', summary: 'educational advice a1, version 1, given on 2 March 2026: 1 section(s).' });
  });

  it('given another event (retry, reset, expired), then it is passed on unchanged', () => {
    expect(rewriteEvent('retry: 2000')).toBe('retry: 2000\n\n');
    expect(rewriteEvent('event: expired\ndata: {"reason":"token expired"}')).toBe('event: expired\ndata: {"reason":"token expired"}\n\n');
  });
});
