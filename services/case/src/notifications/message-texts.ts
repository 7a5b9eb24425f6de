/**
 * What families are told, in plain English (GOV.UK style: short sentences, "you", dates written out). Each template
 * is written in GOV.UK Notify's syntax, ((placeholder)), so the same text is pasted into Notify's templates and
 * rendered here for SMTP. A message names no child and carries nothing the recipient may not see: the recipient's
 * own first name, dates, who must act, and a link to sign in and see the case.
 */
export const TEMPLATE_IDS = [
  'invitation',
  'draft-plan-issued',
  'final-plan-issued',
  'decision-made',
  'advice-received',
  'deadline-passed',
  'amendment-proposed',
  'appeal-decided',
  'tribunal-order',
  'case-so-far',
  'advice-shared',
  'early-review-agreed',
  'early-review-declined',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface MessageTemplate {
  subject: string;
  body: string;
}

const SIGN_IN = 'Sign in to see the case and what happens next:\n((case_link))';
const HELP = 'If you have a question, contact the SEND team at your council. Do not reply to this email.';

/**
 * What a family can do when the council will not review the plan early: this is not a decision they can appeal to
 * the tribunal (DOMAIN.md: the appealable decisions), but they can ask again, use the council's disagreement
 * resolution (independent and free), and get free help from SENDIASS.
 */
export const EARLY_REVIEW_DECLINED_RIGHTS = [
  'You cannot appeal to a tribunal about this. But you can ask again at any time, for example if things change.',
  'If you do not agree, you can ask the council for disagreement resolution. This is a free meeting with someone who does not work for the council.',
  'Your local SEND information and support service (SENDIASS) can help you for free.',
].join('\n\n');

export const MESSAGE_TEMPLATES: Readonly<Record<TemplateId, MessageTemplate>> = {
  invitation: {
    subject: 'You have been invited to see an EHC needs assessment',
    body: [
      'Hello ((first_name)),',
      'The SEND team at your council has invited you to see an education, health and care (EHC) needs assessment online. You can read what has been said, see what is due and give your own views.',
      'Your code is: ((code))',
      'To join, go to this link and enter your code:\n((invitation_link))',
      'The code works once. It ends on ((expires_on)).',
      'If you did not expect this email, you can ignore it.',
      HELP,
    ].join('\n\n'),
  },
  'draft-plan-issued': {
    subject: 'A draft EHC plan is ready for you to read',
    body: [
      'Hello ((first_name)),',
      'The council has sent a draft education, health and care (EHC) plan.',
      'Please read it and tell the council what you think by ((comments_due_on)). You can ask for a meeting and name the school you want.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'final-plan-issued': {
    subject: 'The final EHC plan has been sent',
    body: [
      'Hello ((first_name)),',
      'The council sent the final education, health and care (EHC) plan on ((issued_on)).',
      'If you do not agree with it, you can ask for mediation or appeal. The plan says how and by when.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'decision-made': {
    subject: 'The council has made a decision',
    body: ['Hello ((first_name)),', '((decision_text))', '((rights_text))', SIGN_IN, HELP].join('\n\n'),
  },
  'advice-received': {
    subject: 'New advice has been added',
    body: [
      'Hello ((first_name)),',
      'Advice from ((advice_from)) was added on ((received_on)).',
      'The council will share the advice with you. You do not need to tell them the same things again.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'deadline-passed': {
    subject: 'A legal deadline has passed',
    body: [
      'Hello ((first_name)),',
      '((who)) had to ((what)) by ((due_on)). The law sets this date. It has not been done yet.',
      'You can ask the SEND team at your council why it is late and when it will be done.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'amendment-proposed': {
    subject: 'The council wants to change the EHC plan',
    body: [
      'Hello ((first_name)),',
      'The council has sent the changes it wants to make to the education, health and care (EHC) plan.',
      'Please read them and tell the council what you think by ((comments_due_on)). You can ask for a meeting and name the school you want.',
      'The council must send the changed plan by ((amended_plan_due_on)).',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'appeal-decided': {
    subject: 'There is news about the appeal',
    body: ['Hello ((first_name)),', '((outcome_text))', SIGN_IN, HELP].join('\n\n'),
  },
  'tribunal-order': {
    subject: 'The council must act on the tribunal’s order',
    body: [
      'Hello ((first_name)),',
      '((order_text))',
      'The law sets how long the council has to do this. We will tell you if it is late.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'case-so-far': {
    subject: 'Your case so far',
    body: [
      'Hello ((first_name)),',
      'You can now see the EHC needs assessment online. This is what has happened so far:',
      '((case_so_far))',
      'We will email you when something new happens.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'advice-shared': {
    subject: 'The council has shared advice with you',
    body: [
      'Hello ((first_name)),',
      'On ((shared_on)) the council shared this advice with you: ((advice_list)).',
      'You can read it now, before the draft plan. It is on your case page, under what has happened.',
      'Sign in to read it:\n((case_link))',
      HELP,
    ].join('\n\n'),
  },
  'early-review-agreed': {
    subject: 'The council has said yes to an early review',
    body: [
      'Hello ((first_name)),',
      'The council has said yes to ((request_words)) for an early review of the EHC plan.',
      'The review meeting is on ((meeting_on)). The council will send you the papers at least 2 weeks before it.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
  'early-review-declined': {
    subject: 'The council has said no to an early review',
    body: [
      'Hello ((first_name)),',
      'The council has said no to ((request_words)) for an early review of the EHC plan. It has told you why. You can read its reasons on your case page.',
      EARLY_REVIEW_DECLINED_RIGHTS,
      'The plan will still be reviewed at least once every 12 months.',
      SIGN_IN,
      HELP,
    ].join('\n\n'),
  },
};

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The text messages (GOV.UK Notify only; SMTP sends email): the same news in a line or two, one or two SMS fragments,
 * with the link to sign in. Their placeholders are a subset of the email's, so one personalisation serves both.
 */
export const SMS_TEMPLATES: Readonly<Record<TemplateId, string>> = {
  invitation: 'Your council has invited you to see an EHC needs assessment online. Your code is ((code)). It works once, until ((expires_on)). Join at ((invitation_link))',
  'draft-plan-issued': 'A draft EHC plan is ready. Tell the council what you think by ((comments_due_on)). See it at ((case_link))',
  'final-plan-issued': 'The council sent the final EHC plan on ((issued_on)). See it at ((case_link))',
  'decision-made': 'The council has made a decision about the EHC needs assessment. See it and what you can do at ((case_link))',
  'advice-received': 'Advice from ((advice_from)) was added on ((received_on)). See the case at ((case_link))',
  'deadline-passed': '((who)) had to ((what)) by ((due_on)). It has not been done yet. See the case at ((case_link))',
  'amendment-proposed': 'The council wants to change the EHC plan. Tell it what you think by ((comments_due_on)). See the changes at ((case_link))',
  'appeal-decided': 'There is news about the appeal. See it at ((case_link))',
  'tribunal-order': 'The council must act on the tribunal’s order. See what it must do at ((case_link))',
  'case-so-far': 'You can now see the EHC needs assessment online. See what has happened so far at ((case_link))',
  'advice-shared': 'The council shared advice with you on ((shared_on)). Read it before the draft plan at ((case_link))',
  'early-review-agreed': 'The council said yes to ((request_words)) for an early review of the EHC plan. The meeting is on ((meeting_on)). See the case at ((case_link))',
  'early-review-declined': 'The council said no to ((request_words)) for an early review of the EHC plan. Read why and what you can do at ((case_link))',
};

const placeholdersIn = (text: string) => [...new Set([...text.matchAll(/\(\(([a-z_]+)\)\)/g)].map((m) => m[1] as string))];

/** The placeholders each template uses: what the personalisation must supply (Notify refuses a message without them). */
export function placeholdersOf(templateId: TemplateId, channel: Channel = 'email'): string[] {
  if (channel === 'sms') return placeholdersIn(SMS_TEMPLATES[templateId]);
  const { subject, body } = MESSAGE_TEMPLATES[templateId];
  return placeholdersIn(`${subject}\n${body}`);
}

/** The text message as Notify would render it (for the tests: its length and reading ease). */
export function renderSms(templateId: TemplateId, personalisation: Readonly<Record<string, string>>): string {
  const missing = placeholdersOf(templateId, 'sms').filter((p) => personalisation[p] === undefined);
  if (missing.length) throw new MissingPersonalisationError(`${templateId} (text message) needs ${missing.join(', ')}`);
  return SMS_TEMPLATES[templateId].replace(/\(\(([a-z_]+)\)\)/g, (_m, name: string) => personalisation[name] as string);
}

export class MissingPersonalisationError extends Error {
  override readonly name = 'MissingPersonalisationError';
}

/** The message as Notify would render it: every ((placeholder)) replaced; a missing one is an error, never blank. */
export function renderMessage(templateId: TemplateId, personalisation: Readonly<Record<string, string>>): MessageTemplate {
  const missing = placeholdersOf(templateId).filter((p) => personalisation[p] === undefined);
  if (missing.length) throw new MissingPersonalisationError(`${templateId} needs ${missing.join(', ')}`);
  const fill = (text: string) => text.replace(/\(\(([a-z_]+)\)\)/g, (_m, name: string) => personalisation[name] as string);
  const { subject, body } = MESSAGE_TEMPLATES[templateId];
  return { subject: fill(subject), body: fill(body) };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** GOV.UK style: `2026-03-04` -> `4 March 2026`. */
export function govukDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** The recipient's first name, as the family gave it; "there" ("Hello there") when none was given or it was erased. */
export function firstNameOf(name: string | undefined): string {
  const first = name?.trim().split(/\s+/)[0];
  return first && first !== '[erased]' ? first : 'there';
}

/** Who must act, as a family reads it. */
export const WHO_MUST_ACT: Readonly<Record<string, string>> = {
  'local-authority': 'The council',
  education: 'The school or education service',
  health: 'The health service (NHS)',
  'social-care': 'Social care',
  other: 'The person asked for advice',
  family: 'You',
};

/** Whose advice it is, as a family reads it. */
export const ADVICE_FROM: Readonly<Record<string, string>> = {
  'local-authority': 'the council',
  education: 'the school or education service',
  health: 'the health service (NHS)',
  'social-care': 'social care',
  other: 'someone the council asked',
};

/** What kind of advice it is, as a family reads it (the advice the council shares with them, reg 6(1)). */
export const ADVICE_KINDS: Readonly<Record<string, string>> = {
  'parent-views': 'your views',
  educational: 'advice about learning',
  medical: 'health advice',
  psychological: 'advice from a psychologist',
  'social-care': 'social care advice',
  'vision-hearing': 'advice about sight or hearing',
  'preparing-for-adulthood': 'advice about preparing for adult life',
  other: 'other advice',
  'requested-by-family': 'the advice you asked for',
};

/** Whose request for an early review the council answered (`request_words`), by who asked. */
export const EARLY_REVIEW_REQUEST_WORDS: Readonly<Record<string, string>> = {
  'parent-or-young-person': 'your request',
  institution: 'the request from the school or college',
  'local-authority': 'its own request',
};

const APPEAL = 'You can appeal against this decision to a tribunal. First you must think about mediation. The letter from the council tells you how and by when.';
const NO_APPEAL = 'You do not need to do anything now.';

/** The decision texts of `decision-made` (its `decision_text` and `rights_text`), by kind of decision. */
export const DECISION_TEXTS = {
  assess: { decision: 'The council has decided to carry out an EHC needs assessment. It will ask for advice about your needs from the people who know you.', rights: NO_APPEAL },
  'not-assess': { decision: 'The council has decided not to carry out an EHC needs assessment.', rights: APPEAL },
  'not-to-issue': { decision: 'After the assessment, the council has decided not to make an EHC plan.', rights: APPEAL },
  reassess: { decision: 'The council has decided to carry out a new EHC needs assessment.', rights: NO_APPEAL },
  'not-reassess': { decision: 'The council has decided not to carry out a new EHC needs assessment.', rights: APPEAL },
  cease: { decision: 'The council has decided to stop the EHC plan.', rights: APPEAL },
  'review-maintain': { decision: 'After the annual review, the council has decided to keep the EHC plan as it is.', rights: 'If you do not agree, you can appeal to a tribunal. First you must think about mediation.' },
  'review-amend': { decision: 'After the annual review, the council has decided to change the EHC plan. It will send you the changes to comment on.', rights: NO_APPEAL },
  'review-cease': { decision: 'After the annual review, the council plans to stop the EHC plan. It will ask for your views first.', rights: NO_APPEAL },
} as const satisfies Record<string, { decision: string; rights: string }>;
export type DecisionKind = keyof typeof DECISION_TEXTS;

/** What the family is told when an appeal ends (`appeal-decided`'s `outcome_text`), by outcome. */
export const APPEAL_OUTCOME_TEXTS = {
  allowed: 'The tribunal has agreed with the appeal. The council must now do what the tribunal orders. We will tell you what that is.',
  conceded: 'The council has told the tribunal it will not fight the appeal. The council must now do what the appeal asked for. We will tell you what that is.',
  dismissed: 'The tribunal did not agree with the appeal. The council’s decision stays as it was.',
  withdrawn: 'The appeal has been withdrawn. The council’s decision stays as it was.',
} as const satisfies Record<string, string>;
export type AppealOutcomeKind = keyof typeof APPEAL_OUTCOME_TEXTS;

/** What the tribunal ordered, as a family reads it (`tribunal-order`'s `order_text` follows the lead), by kind of order. */
export const TRIBUNAL_ORDER_TEXTS = {
  assess: 'The council must now carry out an EHC needs assessment.',
  'make-plan': 'The council must now make an EHC plan.',
  'amend-plan': 'The council must now change the EHC plan.',
  'amend-placement': 'The council must now change the school or other place named in the EHC plan.',
  'continue-to-maintain': 'The council must keep the EHC plan.',
  cease: 'The tribunal has agreed that the council can stop the EHC plan.',
} as const satisfies Record<string, string>;
export type TribunalOrderText = keyof typeof TRIBUNAL_ORDER_TEXTS;

/** The lead of an order: the tribunal's order (reg 44), or the council not opposing the appeal (reg 45: no order is made). */
export const TRIBUNAL_ORDER_LEADS = {
  'reg 44': 'The tribunal has made an order about the appeal.',
  'reg 45': 'The council has told the tribunal it will not fight the appeal.',
} as const;
