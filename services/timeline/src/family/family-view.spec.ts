import { execFileSync } from 'node:child_process';
import { integrationEvents } from '@tio/contracts';
import type { DeadlineStep } from '@tio/ehc-domain';
import { workspaceRoot } from '@tio/local-infra';
import { ENTRY_BUILDERS, buildEntry } from '../projection/entry-builders';
import { ACTORS } from '../testing/fixtures';
import { earlyReviewsOf } from './early-reviews';
import { classOf, familyDecisions, INTERNAL_ENTRY_TYPES, type RuleEntry } from './family-rule';
import { deadlineSentence, FAMILY_DEADLINES, FAMILY_STAGES, FAMILY_TEXT, familySentence } from './family-text';

/** Flesch reading ease of each text, by `text-readability` (an ES module: run in its own Node process). */
function readingEase(texts: string[]): number[] {
  const script = `import rs from 'text-readability'; let s=''; process.stdin.on('data',(d)=>s+=d).on('end',()=>{ const texts=JSON.parse(s); console.log(JSON.stringify(texts.map((t)=>rs.fleschReadingEase(t)))); });`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: workspaceRoot(), input: JSON.stringify(texts) }).toString());
}

/** An entry as the projection stores it, built from a contract's example payload. */
function entryOf(type: string, data: Record<string, unknown>, id = type, at = '2025-03-03T10:00:00Z'): RuleEntry & { agency: string } {
  const draft = buildEntry({ id, source: '/tio/x', type, subject: 'c', time: at, data, correlationId: 'c', actor: ACTORS.la, topic: 't', partition: 0, offset: '0' });
  return { id, type, occurredAt: at, details: draft.details, agency: draft.agency };
}
const example = (type: string) => (integrationEvents.get(type)?.example ?? {}) as Record<string, unknown>;

describe("the family's view: every entry type has plain English or a reason it is never shown", () => {
  const types = Object.keys(ENTRY_BUILDERS);

  it('gives every entry type of the registry family text, unless it is internal (a new type without either fails here)', () => {
    expect(types.length).toBeGreaterThan(50);
    const missing = types.filter((type) => classOf(type) !== 'internal' && !FAMILY_TEXT[type]);
    expect(missing).toEqual([]);
    // and every internal type says why it is never shown
    for (const [type, why] of Object.entries(INTERNAL_ENTRY_TYPES)) expect({ type, why: why.length > 10 }).toEqual({ type, why: true });
  });

  // each type's contract example, and the same with each choice the sentences branch on turned the other way
  const VARIANTS: Array<Record<string, unknown>> = [
    {}, { adviceType: 'parent-views' }, { canMeetNeeds: false }, { canMeetNeeds: true }, { decision: 'not-assess' }, { decision: 'agreed' }, { decision: 'reassess' },
    { reasonable: false }, { reasonable: true }, { holdsRights: true }, { holdsRights: false }, { willReassess: true }, { willReassess: false },
    { choice: 'mediate' }, { choice: 'not-mediate' }, { kind: 'consulted' }, { consultee: 'institution' }, { stage: 'final' }, { outcome: 'allowed' },
  ];
  const sentences = [...new Map(types.filter((type) => FAMILY_TEXT[type]).flatMap((type) => VARIANTS.map((v) => {
    const e = entryOf(type, { ...example(type), ...v });
    const text = familySentence(type, e.details, e.occurredAt);
    return [`${type} ${text}`, { type, text }] as const;
  }))).values()];

  it('writes each sentence without event-type names, ids, codes or ISO dates: dates as dates', () => {
    const bad = sentences.filter(({ text }) =>
      /\b[a-z]+(?:-[a-z]+)*\.[a-z-]+\.v\d+\b/.test(text) || /\d{4}-\d{2}-\d{2}/.test(text) || /[0-9a-f]{8}-[0-9a-f]{4}/i.test(text) || /\b(reg|urn|E\d{8})\b/i.test(text)
      || /undefined|null|NaN|\[object/.test(text) || /a date not recorded/.test(text));
    expect(bad).toEqual([]);
    expect(sentences.find((s) => s.type === 'ehc.draft-plan-issued.v1')?.text).toMatch(/^The council sent you a draft plan on \d{1,2} [A-Z][a-z]+ \d{4}\. Tell them what you think by \d{1,2} [A-Z][a-z]+ \d{4}\.$/);
    // the family's own views, received by the council, are theirs: not "from the council"
    expect(sentences.filter((s) => s.type === 'ehc.advice-received.v1' && /your views/.test(s.text)).map((s) => s.text)).toEqual([expect.stringMatching(/^The council got your views on \d{1,2} [A-Z][a-z]+ \d{4}\.$/)]);
  });

  it('is easy to read: Flesch reading ease of at least 60 for every sentence, deadline and stage (text-readability)', () => {
    const deadlines = (Object.keys(FAMILY_DEADLINES) as DeadlineStep[]).flatMap((step) => [
      deadlineSentence({ step, responsible: 'local-authority', dueOn: '2026-03-02', status: 'overdue', daysLate: 12 }, '2026-03-14'),
      deadlineSentence({ step, responsible: 'health', dueOn: '2026-03-02', status: 'open' }, '2026-02-14'),
    ]);
    for (const adviceType of ['educational', 'medical', 'psychological', 'social-care', 'vision-hearing', 'preparing-for-adulthood', 'requested-by-family', 'other']) {
      deadlines.push(deadlineSentence({ step: 'advice', adviceType, responsible: 'education', dueOn: '2026-03-02', status: 'overdue', daysLate: 12 }, '2026-03-14'));
    }
    // an early review waiting for the council's answer, agreed, declined
    const early = earlyReviewsOf(['waiting', 'agreed', 'declined'].flatMap((answer, i) => [
      { source: { type: 'ehc.early-review-requested.v1' }, details: { earlyReviewRequestId: `er-${i}`, requestedBy: 'parent-or-young-person', requestedOn: '2026-01-12' } },
      ...(answer === 'waiting' ? [] : [{ source: { type: `ehc.early-review-${answer}.v1` }, details: { earlyReviewRequestId: `er-${i}`, meetingOn: '2026-02-16' } }]),
    ])).map((r) => r.text);
    expect(early).toHaveLength(3);
    const texts = [...sentences.map((s) => s.text), ...deadlines, ...Object.values(FAMILY_STAGES), ...early];
    const scores = readingEase(texts);
    const hard = texts.map((text, i) => ({ text, score: scores[i] })).filter((x) => !(x.score >= 60));
    expect(hard).toEqual([]);
  });

  it('says who is late and by how long, and who must act by when', () => {
    expect(deadlineSentence({ step: 'advice', responsible: 'health', dueOn: '2026-03-02', status: 'overdue', daysLate: 12 }, '2026-03-14'))
      .toBe('The health service should have done this by 2 March 2026: give their advice. They are 12 days late.');
    expect(deadlineSentence({ step: 'advice', adviceType: 'psychological', responsible: 'education', dueOn: '2026-03-02', status: 'overdue', daysLate: 3 }, '2026-03-05'))
      .toBe('The school or education service should have done this by 2 March 2026: give their advice from a psychologist. They are 3 days late.');
    expect(deadlineSentence({ step: 'draft-comments', responsible: 'family', dueOn: '2026-03-02', status: 'open' }, '2026-02-20'))
      .toBe('You must tell the council what you think of the draft plan by 2 March 2026.');
    expect(deadlineSentence({ step: 'final-plan', responsible: 'local-authority', dueOn: '2026-03-02', status: 'late', daysLate: 1, metOn: '2026-03-03' }, '2026-03-20'))
      .toBe('The council did this 1 day late: send the final plan.');
  });
});

describe('the withholding rule (pure): what the family may see of the advice', () => {
  const t = (d: string) => `${d}T10:00:00Z`;
  const submitted = (id: string, adviceId: string, version: number, extra: Record<string, unknown> = {}, on = '2025-03-01') =>
    entryOf(version === 1 ? 'advice.submitted.v1' : 'advice.corrected.v1', { ...example(version === 1 ? 'advice.submitted.v1' : 'advice.corrected.v1'), adviceId, version, ...extra }, id, t(on));
  const received = (id: string, adviceId: string) => entryOf('ehc.advice-received.v1', { ...example('ehc.advice-received.v1'), adviceId }, id, t('2025-03-02'));
  const draft = entryOf('ehc.draft-plan-issued.v1', example('ehc.draft-plan-issued.v1'), 'draft', t('2025-04-14'));
  const request = entryOf('ehc.request-received.v1', example('ehc.request-received.v1'), 'request', t('2025-01-06'));
  const erased = entryOf('ehc.personal-data-erased.v1', example('ehc.personal-data-erased.v1'), 'erased', t('2058-01-01'));
  const withheld = { withheldFromFamily: { reason: 'serious-harm' } };

  it('Given advice and no draft yet, when the family reads, then the process shows and the advice waits for the draft (reg 13)', () => {
    const d = familyDecisions([request, submitted('a1', 'adv-1', 1), received('r1', 'adv-1')]);
    expect(d.get('request')).toEqual({ show: true, basis: 'process' });
    expect(d.get('a1')).toEqual({ show: false, why: 'before-draft' });
    expect(d.get('r1')).toEqual({ show: false, why: 'before-draft' });
  });

  it('Given the draft is issued, when the family reads, then the advice obtained before it shows too', () => {
    const d = familyDecisions([request, submitted('a1', 'adv-1', 1), received('r1', 'adv-1'), draft]);
    expect(d.get('a1')).toEqual({ show: true, basis: 'advice-with-draft' });
    expect(d.get('r1')).toEqual({ show: true, basis: 'advice-with-draft' });
    expect(d.get('draft')).toEqual({ show: true, basis: 'process' });
  });

  it('Given social care advice marked not for sharing, when the family reads after the draft, then it and its receipt are withheld, with the reason kept', () => {
    const d = familyDecisions([submitted('a1', 'adv-sc', 1, { agency: 'social-care', adviceType: 'social-care', ...withheld }), received('r1', 'adv-sc'), submitted('a2', 'adv-edu', 1), draft]);
    expect(d.get('a1')).toEqual({ show: false, why: 'withheld', reason: 'serious-harm' });
    expect(d.get('r1')).toEqual({ show: false, why: 'withheld', reason: 'serious-harm' });
    expect(d.get('a2')).toEqual({ show: true, basis: 'advice-with-draft' });
  });

  it('Given a correction that lifts the marker, then every version shows; given one that adds it, then none does', () => {
    const lifted = familyDecisions([submitted('a1', 'adv-1', 1, withheld), submitted('a2', 'adv-1', 2, {}, '2025-03-05'), draft]);
    expect([lifted.get('a1'), lifted.get('a2')]).toEqual([{ show: true, basis: 'advice-with-draft' }, { show: true, basis: 'advice-with-draft' }]);
    const added = familyDecisions([submitted('a1', 'adv-1', 1), submitted('a2', 'adv-1', 2, withheld, '2025-03-05'), draft]);
    expect([added.get('a1'), added.get('a2')]).toEqual([{ show: false, why: 'withheld', reason: 'serious-harm' }, { show: false, why: 'withheld', reason: 'serious-harm' }]);
  });

  it("Given the family's own views, then they show from the start, before any draft", () => {
    const d = familyDecisions([submitted('v1', 'adv-views', 1, { adviceType: 'parent-views', agency: 'local-authority' })]);
    expect(d.get('v1')).toEqual({ show: true, basis: 'family-views' });
  });

  const shared = (adviceIds: string[], on = '2025-03-03') => entryOf('ehc.advice-shared-with-family.v1', { ...example('ehc.advice-shared-with-family.v1'), adviceIds, sharedOn: on }, `share-${adviceIds.join('+')}`, t(on));

  it('Given the council shares one piece of advice before the draft, when the family reads, then that advice and its receipt show and other advice still waits (reg 13)', () => {
    const d = familyDecisions([request, submitted('a1', 'adv-1', 1), received('r1', 'adv-1'), submitted('a2', 'adv-2', 1), received('r2', 'adv-2'), shared(['adv-1'])]);
    expect([d.get('a1'), d.get('r1')]).toEqual([{ show: true, basis: 'advice-shared-early' }, { show: true, basis: 'advice-shared-early' }]);
    expect([d.get('a2'), d.get('r2')]).toEqual([{ show: false, why: 'before-draft' }, { show: false, why: 'before-draft' }]);
    expect(d.get('share-adv-1')).toEqual({ show: true, basis: 'process' });
  });

  it('Given advice marked not for sharing, when the council shares it (or everything) before the draft, then it is still withheld, with its reason', () => {
    const d = familyDecisions([submitted('a1', 'adv-sc', 1, { agency: 'social-care', adviceType: 'social-care', ...withheld }), received('r1', 'adv-sc'), submitted('a2', 'adv-edu', 1), shared(['adv-sc', 'adv-edu'])]);
    expect([d.get('a1'), d.get('r1')]).toEqual([{ show: false, why: 'withheld', reason: 'serious-harm' }, { show: false, why: 'withheld', reason: 'serious-harm' }]);
    expect(d.get('a2')).toEqual({ show: true, basis: 'advice-shared-early' });
  });

  it('Given shared advice whose agency later marks a correction not for sharing, then no version shows', () => {
    const d = familyDecisions([submitted('a1', 'adv-1', 1), shared(['adv-1']), submitted('a2', 'adv-1', 2, withheld, '2025-03-05')]);
    expect([d.get('a1'), d.get('a2')]).toEqual([{ show: false, why: 'withheld', reason: 'serious-harm' }, { show: false, why: 'withheld', reason: 'serious-harm' }]);
  });

  it('Given internal or technical entries, then they are never shown, draft or not', () => {
    const d = familyDecisions([request, erased, draft]);
    expect(d.get('erased')).toEqual({ show: false, why: 'internal', reason: INTERNAL_ENTRY_TYPES['ehc.personal-data-erased.v1'] });
  });
});
