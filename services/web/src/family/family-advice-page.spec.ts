import type { Request, Response } from 'express';
import { Renderer } from '../render';
import { advicePage } from './family-advice-page';
import type { FamilyAdviceItem, FamilyAdviceSource } from './family-api';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';
const item = (over: Partial<FamilyAdviceItem>): FamilyAdviceItem => ({
  adviceId: 'a1', agency: 'health', adviceType: 'medical', organisationName: 'a health service', givenOn: '2026-02-20', version: 1, status: 'given',
  updatedOn: '2026-02-20', sections: [{ heading: 'Health needs', text: 'Asthma, well controlled.' }], shownBecause: 'advice-with-draft', ...over,
});
const medical = item({});
const school = item({ adviceId: 'e1', agency: 'education', adviceType: 'educational', organisationName: 'Oakfield Primary School', givenOn: '2026-02-10', version: 2, status: 'corrected', updatedOn: '2026-02-27',
  sections: [{ heading: 'Learning', text: 'Reads at age level.' }, { heading: 'Help needed', text: 'Small-group phonics.' }] });
const views = item({ adviceId: 'v1', agency: 'local-authority', adviceType: 'parent-views', organisationName: 'a council', givenOn: '2026-01-20', updatedOn: '2026-01-20', shownBecause: 'family-views',
  sections: [{ heading: 'What Sam enjoys', text: 'Trains.' }] });
const sources = (...s: FamilyAdviceSource[]) => s;

describe('the "Advice about your child" page (pure)', () => {
  it('Given advice from several services, then every piece oldest first, titled in plain English, with who gave it and when', () => {
    const page = advicePage(sources({ source: 'health', ok: true, advice: [medical] }, { source: 'education', ok: true, advice: [school] }, { source: 'local-authority', ok: true, advice: [views] }));
    expect(page.title).toBe('Advice about your child');
    expect(page.unavailable).toEqual([]);
    expect(page.pieces.map((p) => [p.title, p.who])).toEqual([
      ['Your family’s views', 'Recorded by the council'],
      ['Advice from school or nursery', 'From Oakfield Primary School'],
      ['Health advice', 'From a health service'],
    ]);
    expect(page.pieces[1]).toMatchObject({ id: 'advice-2', givenOn: '2026-02-10', changedOn: '2026-02-27', withdrawn: false, sections: school.sections });
    expect(page.pieces[2].changedOn).toBeUndefined();
    // views the family wrote themselves say so
    expect(advicePage(sources({ source: 'local-authority', ok: true, advice: [{ ...views, byFamily: true }] })).pieces[0].who).toBe('Given by your family');
  });

  it('Given advice shared before the draft, then a note says the council shared it early', () => {
    expect(advicePage(sources({ source: 'health', ok: true, advice: [item({ shownBecause: 'advice-shared-early' })] })).pieces[0].note).toBe('The council shared this with you before the draft plan.');
    expect(advicePage(sources({ source: 'health', ok: true, advice: [medical] })).pieces[0].note).toBeUndefined();
  });

  it('Given withdrawn advice, then it is marked withdrawn with its day and without its text', () => {
    const [piece] = advicePage(sources({ source: 'health', ok: true, advice: [item({ status: 'withdrawn', withdrawnOn: '2026-03-04', sections: [] })] })).pieces;
    expect(piece).toMatchObject({ withdrawn: true, withdrawnOn: '2026-03-04', sections: [] });
  });

  it('Given a service that could not answer, then it is named in words and the others are still shown', () => {
    const page = advicePage(sources({ source: 'health', ok: true, advice: [medical] }, { source: 'social-care', ok: false, status: 503 }));
    expect(page.unavailable).toEqual(['social care services']);
    expect(page.pieces).toHaveLength(1);
  });
});

describe('the "Advice about your child" template', () => {
  const render = (page: ReturnType<typeof advicePage>) => {
    let html = '';
    const res = { locals: {}, status: () => res, type: () => res, send: (h: string) => (html = h) } as unknown as Response;
    new Renderer().page({} as Request, res, 'family/advice.njk', { title: page.title, nav: 'family', caseId: CASE, page });
    return html;
  };

  it('Given advice, then its title, who, the days in words, the sections escaped, and no codes, event names or ISO dates', () => {
    const html = render(advicePage(sources(
      { source: 'education', ok: true, advice: [{ ...school, sections: [{ heading: 'Learning', text: '<script>x</script>' }] }] },
      { source: 'health', ok: true, advice: [item({ adviceId: 'a2', status: 'withdrawn', withdrawnOn: '2026-03-04', sections: [] })] },
    )));
    expect(html).toContain('Advice from school or nursery');
    expect(html).toContain('From Oakfield Primary School');
    expect(html).toContain('Given on 10 February 2026. Changed on 27 February 2026: this is the latest version.');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('This advice was withdrawn on 4 March 2026.');
    expect(html).toContain(`href="/family/cases/${CASE}"`);
    const text = html.replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/\.v1\b|advice-with-draft|educational|medical/);
  });

  it('Given no advice yet, then it says when they will get it; a service that could not answer is named', () => {
    const html = render(advicePage(sources({ source: 'health', ok: true, advice: [] }, { source: 'education', ok: false, status: 503 })));
    expect(html).toContain('There is no advice for you to read yet.');
    expect(html).toContain('We could not get the advice from education services just now.');
  });
});

describe('the family’s case page links to the advice', () => {
  it('Given the advice services are connected, then "Read the advice" under its heading and on each advice entry of the timeline, not on others', () => {
    let html = '';
    const res = { locals: {}, status: () => res, type: () => res, send: (h: string) => (html = h) } as unknown as Response;
    const view = {
      caseId: CASE, asOf: '2026-03-05', stage: { status: 'draft-issued', text: 'You have a draft plan to look at' }, weekOfProcess: 15, next: null, due: [], late: [], people: [],
      entries: [
        { id: 'e1', kind: 'advice', on: '2026-02-20', date: '20 February 2026', who: 'The health service', text: 'The health service gave their health advice on 20 February 2026.' },
        { id: 'e2', kind: 'draft', on: '2026-03-02', date: '2 March 2026', who: 'The council', text: 'The council sent you a draft plan on 2 March 2026.' },
      ],
    };
    new Renderer().page({} as Request, res, 'family/case.njk', { title: 'Your case', nav: 'family', caseId: CASE, view, entries: view.entries, actions: [], adviceLink: true });
    expect(html).toContain(`<a class="govuk-link" href="/family/cases/${CASE}/advice" id="advice-link">Read the advice</a>`);
    const links = html.match(new RegExp(`href="/family/cases/${CASE}/advice"`, 'g')) ?? [];
    expect(links).toHaveLength(2);
    expect(html).toMatch(/gave their health advice on 20 February 2026\. <a class="govuk-link" href="[^"]+\/advice">Read the advice<span class="govuk-visually-hidden"> \(20 February 2026\)<\/span><\/a>/);

    new Renderer().page({} as Request, res, 'family/case.njk', { title: 'Your case', nav: 'family', caseId: CASE, view, entries: view.entries, actions: [], adviceLink: false });
    expect(html).not.toContain('/advice"');
  });
});
