import { APPEAL_OUTCOME_TEXTS, DECISION_TEXTS, EARLY_REVIEW_REQUEST_WORDS, MESSAGE_TEMPLATES, TRIBUNAL_ORDER_LEADS, TRIBUNAL_ORDER_TEXTS, MissingPersonalisationError, placeholdersOf, renderMessage, renderSms, TEMPLATE_IDS } from './message-texts';
import { caseSoFarLine, DEADLINE_WORDS, messageForEvent } from './notification-plan';

import { spawnSync } from 'node:child_process';

/**
 * Flesch reading ease of each text by `text-readability`, an ES module Jest's CommonJS runtime cannot load: it runs
 * in one plain Node process over all the texts at once.
 */
function fleschScores(texts: string[]): number[] {
  const script = `import('text-readability').then(({ default: r }) => {
    const texts = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(texts.map((t) => r.fleschReadingEase(t))));
  });`;
  const run = spawnSync(process.execPath, ['-e', script], { input: JSON.stringify(texts), encoding: 'utf8', cwd: __dirname });
  if (run.status !== 0) throw new Error(`text-readability failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as number[];
}

const SAMPLE: Record<string, string> = {
  first_name: 'Jo',
  code: 'K7PQ-2M9X',
  invitation_link: 'https://send.example.gov.uk/family/join?invitation=5b1c',
  expires_on: '28 March 2026',
  case_link: 'https://send.example.gov.uk/family/cases/5b1c',
  comments_due_on: '14 March 2026',
  issued_on: '4 April 2026',
  advice_from: 'the health service (NHS)',
  received_on: '2 March 2026',
  due_on: '1 March 2026',
  who: 'The council',
  what: 'send the final EHC plan',
  decision_text: DECISION_TEXTS['not-assess'].decision,
  rights_text: DECISION_TEXTS['not-assess'].rights,
  amended_plan_due_on: '27 April 2026',
  outcome_text: APPEAL_OUTCOME_TEXTS.allowed,
  order_text: `${TRIBUNAL_ORDER_LEADS['reg 44']} ${TRIBUNAL_ORDER_TEXTS.assess}`,
  shared_on: '4 February 2026',
  advice_list: 'health advice from the health service (NHS), advice from a psychologist from the school or education service and social care advice from social care',
  request_words: 'your request',
  meeting_on: '8 June 2026',
  case_so_far: [
    caseSoFarLine('ehc.decision-to-assess.v1', { decision: 'assess' }, '2026-02-02'),
    caseSoFarLine('ehc.advice-received.v1', { adviceType: 'health', agency: 'health', receivedOn: '2026-03-02' }, '2026-03-02'),
  ].join('\n'),
};

/** The words a reader reads: links and codes are not prose, so they are left out of the score. */
const prose = (text: string) => text.split('\n').filter((line) => !/^https?:\/\//.test(line.trim())).join('\n').replace(/Your code is: \S+/, 'Your code is here.');

/** Every text a family can receive: each template with the sample, each decision, each late deadline. */
const TEXTS: Array<[string, string]> = [
  ...TEMPLATE_IDS.map((t): [string, string] => {
    const { subject, body } = renderMessage(t, SAMPLE);
    return [`template ${t}`, prose(`${subject}.\n${body}`)];
  }),
  ...Object.entries(DECISION_TEXTS).map(([kind, text]): [string, string] => [`decision ${kind}`, prose(renderMessage('decision-made', { ...SAMPLE, decision_text: text.decision, rights_text: text.rights }).body)]),
  ...Object.entries(DEADLINE_WORDS).map(([step, words]): [string, string] => [`late ${step}`, prose(renderMessage('deadline-passed', { ...SAMPLE, what: words as string }).body)]),
  ...Object.entries(APPEAL_OUTCOME_TEXTS).map(([outcome, text]): [string, string] => [`appeal ${outcome}`, prose(renderMessage('appeal-decided', { ...SAMPLE, outcome_text: text }).body)]),
  ...Object.entries(TRIBUNAL_ORDER_TEXTS).flatMap(([kind, text]) => Object.entries(TRIBUNAL_ORDER_LEADS).map(([reg, lead]): [string, string] => [`tribunal order ${kind} (${reg})`, prose(renderMessage('tribunal-order', { ...SAMPLE, order_text: `${lead} ${text}` }).body)])),
  ...Object.values(EARLY_REVIEW_REQUEST_WORDS).flatMap((words): Array<[string, string]> => (['early-review-agreed', 'early-review-declined'] as const)
    .map((t) => [`${t} (${words})`, prose(renderMessage(t, { ...SAMPLE, request_words: words }).body)])),
  ...TEMPLATE_IDS.map((t): [string, string] => [`text message ${t}`, renderSms(t, SAMPLE).replace(/https?:\/\/\S+/g, 'the link').replace(/code is \S+\./, 'code is here.')]),
];

describe('the messages families are sent', () => {
  let scores: Map<string, number>;
  beforeAll(() => {
    const values = fleschScores(TEXTS.map(([, text]) => text));
    scores = new Map(TEXTS.map(([name], i) => [name, values[i] as number]));
  });

  it.each(TEXTS.map(([name]) => [name]))('%s reads easily (Flesch reading ease of at least 60)', (name: string) => {
    const score = scores.get(name) as number;
    expect({ name, score: Math.round(score), easy: score >= 60 }).toEqual({ name, score: expect.any(Number), easy: true });
  });

  it('uses no event-type names, internal codes or regulation numbers', () => {
    for (const id of TEMPLATE_IDS) {
      const { subject, body } = renderMessage(id, SAMPLE);
      expect(`${subject}\n${body}`).not.toMatch(/ehc\.[a-z-]+\.v\d|reg \d|\bregulation\b|s\.\d|\(\(|\)\)|undefined|null/i);
    }
  });

  it('names no child: the templates have no placeholder for one', () => {
    const all = TEMPLATE_IDS.flatMap((t) => [...placeholdersOf(t), ...placeholdersOf(t, 'sms')]);
    expect(all.filter((p) => /child|dob|birth|nhs|school|name/.test(p) && p !== 'first_name')).toEqual([]);
  });

  it('refuses to render a message with a placeholder missing (never a blank in the text)', () => {
    const { comments_due_on: _dropped, ...rest } = SAMPLE;
    expect(() => renderMessage('draft-plan-issued', rest)).toThrow(MissingPersonalisationError);
  });

  it('writes dates the GOV.UK way and the draft plan message carries the 15-day response date', () => {
    const message = messageForEvent('ehc.draft-plan-issued.v1', { caseId: 'c', planId: 'p', issuedOn: '2026-03-02', commentsDueOn: '2026-03-16' });
    expect(message).toEqual({ templateId: 'draft-plan-issued', personalisation: { comments_due_on: '16 March 2026' } });
    expect(renderMessage('draft-plan-issued', { ...SAMPLE, ...message?.personalisation }).body).toContain('tell the council what you think by 16 March 2026');
  });

  it('the amendment proposal carries the 15 days to comment and the 8 weeks for the changed plan (reg 22)', () => {
    const message = messageForEvent('ehc.amendment-proposed.v1', { caseId: 'c', amendmentId: 'a', trigger: 'change-of-circumstances', proposedOn: '2026-03-02', commentsDueOn: '2026-03-16', amendedPlanDueOn: '2026-04-27' });
    expect(message).toEqual({ templateId: 'amendment-proposed', personalisation: { comments_due_on: '16 March 2026', amended_plan_due_on: '27 April 2026' } });
    const { body } = renderMessage('amendment-proposed', { ...SAMPLE, ...message?.personalisation });
    expect(body).toContain('tell the council what you think by 16 March 2026');
    expect(body).toContain('send the changed plan by 27 April 2026');
  });

  it('tells each appeal outcome and each tribunal order in its own words, with who acts', () => {
    expect(messageForEvent('ehc.appeal-decided.v1', { caseId: 'c', appealId: 'a', decidedOn: '2026-10-12', outcome: 'dismissed' })).toEqual({ templateId: 'appeal-decided', personalisation: { outcome_text: APPEAL_OUTCOME_TEXTS.dismissed } });
    expect(messageForEvent('ehc.tribunal-order-received.v1', { caseId: 'c', orderId: 'o', regulation: 'reg 45', kind: 'make-plan', orderOn: '2026-10-12' })).toEqual({
      templateId: 'tribunal-order', personalisation: { order_text: 'The council has told the tribunal it will not fight the appeal. The council must now make an EHC plan.' },
    });
    expect(new Set(Object.values(APPEAL_OUTCOME_TEXTS)).size).toBe(4);
  });

  it('keeps each text message to two SMS fragments at most, asking only for what the email also has', () => {
    for (const t of TEMPLATE_IDS) {
      expect({ t, length: renderSms(t, SAMPLE).length <= 306 }).toEqual({ t, length: true });
      expect(placeholdersOf(t, 'sms').filter((p) => !placeholdersOf(t).includes(p))).toEqual([]);
    }
  });

  it('has a subject and body for every template', () => {
    expect(Object.keys(MESSAGE_TEMPLATES).sort()).toEqual([...TEMPLATE_IDS].sort());
  });
});
