import type { Request, Response } from 'express';
import { Renderer } from '../render';
import type { FamilyPlanAnswer } from './family-api';
import { planPage, SECTION_HEADINGS } from './family-plan-page';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';
const SECTIONS = [
  { section: 'A', text: 'Sam loves trains.' },
  { section: 'B', items: [{ itemId: 'need-1', text: 'Expressive language below age expectations.' }] },
  { section: 'C', items: [{ itemId: 'need-2', text: 'Asthma that affects PE.' }] },
  { section: 'E', items: [{ itemId: 'out-1', text: 'Asks for help in short sentences.', needIds: ['need-1'] }] },
  { section: 'F', items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 1 hour a week.', needIds: ['need-1', 'need-2'] }] },
  { section: 'K', adviceIds: ['a1', 'a2'] },
];
const DRAFT_PLAN: NonNullable<FamilyPlanAnswer['plan']> = {
  stage: 'draft', version: 1, issuedOn: '2026-03-02', sections: SECTIONS, draft: { commentsDueOn: '2026-03-16', openForComments: true, responded: false },
};
const draft: FamilyPlanAnswer = { caseId: CASE, plan: DRAFT_PLAN };

describe('the "Your plan" page (pure): the case service’s answer in plain English', () => {
  it('Given a draft, then every section A-K in order under its plain-English heading, the needs numbered and referred to by number', () => {
    const page = planPage(draft);
    expect(page).toMatchObject({ title: 'Your draft plan', stage: 'draft', issuedOn: '2026-03-02', draft: { commentsDueOn: '2026-03-16', openForComments: true } });
    expect(page.sections.map((s) => s.section)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K']);
    const by = Object.fromEntries(page.sections.map((s) => [s.section, s]));
    expect(by['A']).toMatchObject({ heading: 'Views, interests and hopes', text: 'Sam loves trains.', empty: false });
    expect(by['B']?.items).toEqual([{ label: 'Need 1', text: 'Expressive language below age expectations.' }]);
    expect(by['C']?.items).toEqual([{ label: 'Need 2', text: 'Asthma that affects PE.' }]);
    expect(by['F']).toMatchObject({ heading: 'Help with learning', items: [{ label: '1.', text: 'Speech and language therapy, 1 hour a week.', forNeeds: 'For need 1, need 2' }] });
    expect(by['D']).toMatchObject({ empty: true, items: [], lines: [] });
    // CFA 2014 s.38(5): a draft names no school; the family is told where to ask for one
    expect(by['I']?.lines).toEqual(['A draft plan does not name a school or college. Tell the council which one you want in your reply.']);
    expect(by['K']?.lines).toEqual(['2 pieces of advice are listed.']);
  });

  it('Given the final plan naming a school, then its name and type in words, and no comment window', () => {
    const named = { section: 'I', settingRef: 'urn:school:124356', settingName: 'Oakfield Primary School', settingType: 'special' };
    const page = planPage({ caseId: CASE, plan: { stage: 'final', version: 2, issuedOn: '2026-04-01', sections: [...SECTIONS, named] } });
    expect(page).toMatchObject({ title: 'Your plan', stage: 'final' });
    expect(page.draft).toBeUndefined();
    expect(page.sections.find((s) => s.section === 'I')?.lines).toEqual(['School or college: Oakfield Primary School', 'Type: Special school']);
  });

  it('Given a school the directory does not know, then what it is with its reference, as the case service words it (and never a bare code)', () => {
    const lines = (i: { section: string; settingRef: string; settingName?: string }) =>
      planPage({ caseId: CASE, plan: { stage: 'final', issuedOn: '2026-04-01', sections: [i] } }).sections.find((s) => s.section === 'I')?.lines;
    expect(lines({ section: 'I', settingRef: 'urn:school:100234', settingName: 'a school (reference urn:school:100234)' })).toEqual(['School or college: A school (reference urn:school:100234)']);
    expect(lines({ section: 'I', settingRef: 'urn:school:100234' })).toEqual(['School or college: A school or college (reference urn:school:100234)']);
  });

  it('Given no plan yet, then a page that says so and no sections', () => {
    expect(planPage({ caseId: CASE })).toEqual({ title: 'Your plan', stage: 'none', sections: [] });
  });

  it('has a heading for every section the regulations list', () => {
    expect(SECTION_HEADINGS.map((h) => h.section)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H1', 'H2', 'I', 'J', 'K']);
  });
});

describe('the "Your plan" template', () => {
  const render = (page: ReturnType<typeof planPage>) => {
    let html = '';
    const res = { locals: {}, status: () => res, type: () => res, send: (h: string) => (html = h) } as unknown as Response;
    new Renderer().page({} as Request, res, 'family/plan.njk', { title: page.title, nav: 'family', caseId: CASE, page });
    return html;
  };

  it('Given a draft open for comments, then "This is a draft", the last day and the link to the reply form; the sections escaped', () => {
    const html = render(planPage({ ...draft, plan: { ...DRAFT_PLAN, sections: [{ section: 'A', text: '<script>x</script>' }] } }));
    expect(html).toContain('You have until 16 March 2026 to comment.');
    expect(html).toContain(`href="/family/cases/${CASE}/draft-response"`);
    expect(html).toContain('Section H1');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x</script>');
  });

  it('Given the final plan, then no reply link', () => {
    const html = render(planPage({ caseId: CASE, plan: { stage: 'final', version: 2, issuedOn: '2026-04-01', sections: SECTIONS } }));
    expect(html).toContain('Issued on 1 April 2026.');
    expect(html).not.toContain('draft-response');
  });
});
