/**
 * The family's timeline in plain English: one short sentence per entry, from the facts the entry builder kept
 * (dates, choices, which agency), never an event type, an id or a code. Dates are written as dates; organisations
 * by name when the caller knows the name (`names`), else by what they are ("the school", "the health service").
 * Every entry type the family may see has a sentence here (the spec enumerates the registry); reading ease is
 * checked on every sentence (Flesch reading ease of at least 60).
 */
import type { DeadlineStep, Responsible } from '@tio/ehc-domain';

type D = Record<string, unknown>;
export type Names = Readonly<Record<string, string>>;

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const LONDON = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** A calendar day (YYYY-MM-DD) or an instant, as a date in England: "3 March 2026". */
export function plainDate(value: unknown): string {
  if (typeof value !== 'string' || !value) return 'a date not recorded';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return DATE.format(new Date(`${value}T00:00:00Z`));
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? 'a date not recorded' : LONDON.format(t);
}

/** Who an agency is, for a family. */
export const WHO: Record<string, string> = {
  'local-authority': 'the council',
  education: 'the school or education service',
  health: 'the health service',
  'social-care': 'social care',
  family: 'you',
  other: 'another adviser',
};
const who = (agency: unknown) => WHO[String(agency)] ?? 'another adviser';
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const on = (d: D, key: string) => plainDate(d[key]);
/** A school or service by its name when known, else what it is. */
const named = (names: Names, ref: unknown, fallback: string) => (typeof ref === 'string' && names[ref] ? names[ref] : fallback);

const ADVICE_WORDS: Record<string, string> = {
  'parent-views': 'your views', educational: 'school advice', medical: 'health advice', psychological: 'advice from a psychologist',
  'social-care': 'social care advice', 'preparing-for-adulthood': 'advice on preparing for adult life', 'vision-hearing': 'advice from a specialist teacher',
  'requested-by-family': 'the advice you asked for', other: 'other advice',
};
const MOVE_WORDS: Record<string, string> = { 'local-authority': 'to a new council', school: 'to a new school', 'nhs-body': 'to a new health body', 'adult-services': 'to adult social care' };
const adviceWords = (t: unknown) => ADVICE_WORDS[String(t)] ?? 'advice';

const REVIEW_DECISIONS: Record<string, string> = { maintain: 'keep the plan as it is', amend: 'change the plan', cease: 'stop the plan' };
const APPEAL_OUTCOMES: Record<string, string> = { allowed: 'The tribunal agreed with you.', dismissed: 'The tribunal did not agree with you.', withdrawn: 'The appeal was withdrawn.', conceded: 'The council agreed to what you asked for.' };

/** One sentence for an entry the family may see; undefined for a type the family never sees. */
export const FAMILY_TEXT: Record<string, (d: D, names: Names) => string> = {
  'ehc.request-received.v1': (d) => `The council got a request to assess your child's needs on ${on(d, 'receivedOn')}.`,
  'ehc.decision-to-assess.v1': (d) => d['decision'] === 'not-assess'
    ? `On ${on(d, 'decidedOn')} the council said it will not assess your child's needs. You can appeal.`
    : `On ${on(d, 'decidedOn')} the council said it will assess your child's needs.`,
  'ehc.advice-requested.v1': (d) => d['adviceType'] === 'parent-views'
    ? `The council asked for your views on ${on(d, 'requestedOn')}. Please send them by ${on(d, 'dueOn')}.`
    : `The council asked ${who(d['agency'])} for ${adviceWords(d['adviceType'])} on ${on(d, 'requestedOn')}. It is due by ${on(d, 'dueOn')}.`,
  'ehc.advice-received.v1': (d) => d['adviceType'] === 'parent-views'
    ? `The council got your views on ${on(d, 'receivedOn')}.`
    : `The council got ${adviceWords(d['adviceType'])} from ${who(d['agency'])} on ${on(d, 'receivedOn')}.`,
  'ehc.advice-reused.v1': (d) => `You and the council agreed to use ${adviceWords(d['adviceType'])} given before. This was on ${on(d, 'agreedOn')}.`,
  'ehc.advice-withdrawn.v1': (d) => `Some advice was taken back on ${on(d, 'withdrawnOn')}. The council has asked for it again.`,
  'ehc.decision-not-to-issue.v1': (d) => `On ${on(d, 'decidedOn')} the council said it will not make a plan. You can appeal.`,
  'ehc.draft-plan-issued.v1': (d) => `The council sent you a draft plan on ${on(d, 'issuedOn')}. Tell them what you think by ${on(d, 'commentsDueOn')}.`,
  'ehc.family-response-received.v1': (d) => `The council got your reply to the draft plan on ${on(d, 'receivedOn')}.`,
  'ehc.setting-consulted.v1': (d, n) => `The council asked ${named(n, d['settingRef'], 'a school')} if it can take your child, on ${on(d, 'consultedOn')}.`,
  'ehc.setting-responded.v1': (d) => d['canMeetNeeds']
    ? `On ${on(d, 'respondedOn')} the school said it can meet your child's needs.`
    : `On ${on(d, 'respondedOn')} the school said it cannot meet your child's needs.`,
  'ehc.final-plan-issued.v1': (d, n) => `The council sent the final plan on ${on(d, 'issuedOn')}.${d['namedSettingRef'] ? ` It names ${named(n, d['namedSettingRef'], 'a school')}.` : ''}`,
  'ehc.amendment-proposed.v1': (d) => `On ${on(d, 'proposedOn')} the council said it wants to change the plan. Tell them what you think by ${on(d, 'commentsDueOn')}.`,
  'ehc.plan-amended.v1': (d) => `The council sent the changed plan on ${on(d, 'amendedOn')}.`,
  'ehc.plan-contents-recorded.v1': (d) => `The council wrote up the ${d['stage'] === 'draft' ? 'draft plan' : d['stage'] === 'final' ? 'final plan' : 'changed plan'} on ${on(d, 'recordedOn')}.`,
  'ehc.personal-budget-requested.v1': (d) => `A personal budget was asked for on ${on(d, 'requestedOn')}.`,
  'ehc.personal-budget-decided.v1': (d) => d['decision'] === 'agreed'
    ? `The council agreed a personal budget on ${on(d, 'decidedOn')}.`
    : `The council said no to a personal budget on ${on(d, 'decidedOn')}. It has told you why.`,
  'ehc.personal-budget-reviewed.v1': (d) => `The personal budget was looked at again on ${on(d, 'reviewedOn')}.`,
  'ehc.decision-not-to-amend.v1': (d) => `On ${on(d, 'decidedOn')} the council said it will not change the plan after all. You can appeal.`,
  // also the meeting of an early review the council agreed to (a review like the yearly one)
  'ehc.review-meeting-scheduled.v1': (d) => `The review meeting is on ${on(d, 'meetingOn')}. Papers should be sent by ${on(d, 'papersDueOn')}.`,
  'ehc.review-papers-circulated.v1': (d) => `The papers for the yearly review were sent on ${on(d, 'circulatedOn')}.`,
  'ehc.review-meeting-held.v1': (d) => `The yearly review meeting took place on ${on(d, 'heldOn')}.`,
  'ehc.review-report-submitted.v1': (d) => `The report of the yearly review was sent to the council on ${on(d, 'submittedOn')}.`,
  'ehc.review-decision-made.v1': (d) => `After the yearly review, the council chose to ${REVIEW_DECISIONS[String(d['decision'])] ?? 'decide what happens next'}. This was on ${on(d, 'decidedOn')}.`,
  'ehc.phase-transfer-scheduled.v1': (d) => `Your child moves to a new school on ${on(d, 'transferOn')}. The plan must name it by ${on(d, 'amendDueOn')}.`,
  'ehc.plan-ceased.v1': (d) => `The plan stopped on ${on(d, 'ceasedOn')}.`,
  'ehc.cessation-proposed.v1': (d) => `On ${on(d, 'proposedOn')} the council said it may stop the plan. It will ask you first.`,
  'ehc.cessation-consulted.v1': (d) => d['consultee'] === 'institution'
    ? `The council asked the school about stopping the plan on ${on(d, 'consultedOn')}.`
    : `The council asked you about stopping the plan on ${on(d, 'consultedOn')}.`,
  'ehc.decision-to-cease.v1': (d) => `On ${on(d, 'decidedOn')} the council chose to stop the plan. The plan stays in place while you can appeal.`,
  'ehc.reassessment-requested.v1': (d) => `A new assessment was asked for on ${on(d, 'receivedOn')}. The council must decide by ${on(d, 'decisionDueOn')}.`,
  'ehc.reassessment-decided.v1': (d) => d['decision'] === 'reassess'
    ? `On ${on(d, 'decidedOn')} the council said it will assess your child's needs again.`
    : `On ${on(d, 'decidedOn')} the council said it will not assess your child's needs again. You can appeal.`,
  'ehc.appeal-rights-notified.v1': (d) => `The council told you on ${on(d, 'notifiedOn')} how to appeal. You can appeal until ${on(d, 'appealDueOn')}.`,
  'ehc.mediation-decided.v1': (d) => d['choice'] === 'mediate'
    ? `You chose to try mediation on ${on(d, 'decidedOn')}. It should take place by ${on(d, 'mediationDueOn')}.`
    : `You chose not to try mediation on ${on(d, 'decidedOn')}.`,
  'ehc.mediation-held.v1': (d) => `Mediation took place on ${on(d, 'heldOn')}.`,
  'ehc.mediation-certificate-issued.v1': (d) => `You were sent a mediation paper on ${on(d, 'issuedOn')}. You can appeal until ${on(d, 'appealDueOn')}.`,
  'ehc.appeal-registered.v1': (d) => `The tribunal got your appeal on ${on(d, 'registeredOn')}.${d['hearingOn'] ? ` The hearing is on ${on(d, 'hearingOn')}.` : ''}`,
  'ehc.appeal-decided.v1': (d) => `The tribunal made its choice on ${on(d, 'decidedOn')}. ${APPEAL_OUTCOMES[String(d['outcome'])] ?? ''}`.trim(),
  'ehc.exception-recorded.v1': (d) => `The council has more time for one step, from ${on(d, 'fromOn')}. The law allows this in some cases.`,
  'ehc.tribunal-order-received.v1': (d) => `The tribunal told the council what it must do, on ${on(d, 'orderOn')}.`,
  'ehc.transfer-notified.v1': (d) => `The council knows you are moving on ${on(d, 'moveOn')}. The plan must move by ${on(d, 'transferDueOn')}.`,
  'ehc.plan-transferred.v1': (d) => `The plan moved to your new council on ${on(d, 'transferredOn')}.`,
  'ehc.assessment-transferred.v1': (d) => `Your new council took over the assessment on ${on(d, 'transferredOn')}.`,
  'ehc.transfer-reassessment-decided.v1': (d) => d['willReassess']
    ? `Your new council said on ${on(d, 'decidedOn')} that it will assess your child's needs again.`
    : `Your new council said on ${on(d, 'decidedOn')} that it will not assess your child's needs again.`,
  'ehc.family-advice-request-recorded.v1': (d) => d['reasonable']
    ? `You asked for advice from someone you chose on ${on(d, 'requestedOn')}. The council agreed to ask them.`
    : `You asked for advice from someone you chose on ${on(d, 'requestedOn')}. The council said no and told you why.`,
  'ehc.advice-not-awaited.v1': (d) => `On ${on(d, 'decidedOn')} the council chose to go on without some advice that was late.`,
  'ehc.family-involvement-recorded.v1': (d) => d['kind'] === 'consulted' ? `The council asked for your views on ${on(d, 'on')}.` : `You were given help and support on ${on(d, 'on')}.`,
  'ehc.family-member-linked.v1': (d) => `A family member joined this record on ${on(d, 'linkedOn')}.`,
  'ehc.family-member-unlinked.v1': (d) => `A family member stopped using this record on ${on(d, 'unlinkedOn')}.`,
  'ehc.young-person-rights-recorded.v1': (d) => d['holdsRights']
    ? `The young person now makes their own choices about the plan. This was noted on ${on(d, 'recordedOn')}.`
    : `The young person's parents still make choices about the plan. This was noted on ${on(d, 'recordedOn')}.`,
  'ehc.family-advice-asked.v1': (d) => `You asked for advice from someone you chose on ${on(d, 'askedOn')}. The council will tell you what it decides.`,
  'ehc.early-review-requested.v1': (d) => `A review of the plan before the yearly one was asked for on ${on(d, 'requestedOn')}.`,
  'ehc.early-review-agreed.v1': (d) => `On ${on(d, 'agreedOn')} the council agreed to review the plan early. The meeting is on ${on(d, 'meetingOn')}.`,
  'ehc.early-review-declined.v1': (d) => `On ${on(d, 'declinedOn')} the council said no to an early review. It has told you why.`,
  'ehc.advice-shared-with-family.v1': (d) => d['scope'] === 'all-received'
    ? `On ${on(d, 'sharedOn')} the council shared with you all the advice it has so far.`
    : `On ${on(d, 'sharedOn')} the council shared some advice with you before the draft plan.`,
  'advice.submitted.v1': (d) => d['adviceType'] === 'parent-views'
    ? `Your views were added on ${on(d, 'submittedOn')}.`
    : `${cap(who(d['agency']))} gave ${adviceWords(d['adviceType'])} on ${on(d, 'submittedOn')}.`,
  'advice.corrected.v1': (d) => d['adviceType'] === 'parent-views'
    ? `Your views were changed on ${on(d, 'correctedOn')}.`
    : `${cap(who(d['agency']))} changed its ${adviceWords(d['adviceType'])} on ${on(d, 'correctedOn')}.`,
  'advice.withdrawn.v1': (d) => `${cap(who(d['agency']))} took back its ${adviceWords(d['adviceType'])} on ${on(d, 'withdrawnOn')}.`,
  // a move of responsibility to another council, school, health body or adult services (`transfer-<id>` streams)
  'transfer.requested.v1': (d) => `A move of the plan ${MOVE_WORDS[String(d['kind'])] ?? 'to a new team'} was asked for on ${on(d, 'requestedOn')}.`,
  'transfer.accepted.v1': (d) => `The new team said yes to taking over on ${on(d, 'acceptedOn')}.`,
  'transfer.declined.v1': (d) => `The new team said no to taking over on ${on(d, 'declinedOn')}. Nothing changes for now.`,
  'transfer.completed.v1': (d) => `The new team took over on ${on(d, 'completedOn')}.`,
  'transfer.acknowledged.v1': (d) => `The new team said it has all it needs, on ${on(d, 'acknowledgedOn')}.`,
  'transfer.cancelled.v1': (d) => `The move was called off on ${on(d, 'cancelledOn')}. Nothing changes.`,
  'transfer.reassessment-decided.v1': (d) => d['willReassess']
    ? `Your new council said on ${on(d, 'decidedOn')} that it will assess your child's needs again.`
    : `Your new council said on ${on(d, 'decidedOn')} that it will not assess your child's needs again.`,
};

/** The sentence for an entry (a type without family text says only that something was recorded, and when). */
export function familySentence(type: string, details: D, occurredAt: string, names: Names = {}): string {
  const text = FAMILY_TEXT[type];
  return text ? text(details, names) : `Something was added to the record on ${plainDate(occurredAt)}.`;
}

/** Who must act, for a family. */
export const FAMILY_RESPONSIBLE: Record<Responsible, string> = {
  'local-authority': 'The council', education: 'The school or education service', health: 'The health service', 'social-care': 'Social care', other: 'Another adviser', family: 'You',
};

/** What a deadline is about, for a family (each step of the statutory clock). */
export const FAMILY_DEADLINES: Record<DeadlineStep, string> = {
  'decision-to-assess': 'decide whether to assess your child',
  advice: 'give their advice',
  'decision-whether-to-issue': 'decide whether to make a plan',
  'final-plan': 'send the final plan',
  'draft-comments': 'tell the council what you think of the draft plan',
  'setting-consultation': 'say if the school can take your child',
  'annual-review': 'hold the yearly review',
  'review-notice': 'tell you about the yearly review meeting',
  'review-papers': 'send the papers for the yearly review',
  'review-report': 'send the report of the yearly review',
  'review-decision': 'decide what happens after the yearly review',
  'amendment-comments': 'tell the council what you think of the changes',
  'amended-plan': 'send the changed plan',
  'phase-transfer': 'name the new school in the plan',
  tribunal: 'do what the tribunal said',
  transfer: 'move the plan to your new council',
  'transfer-reassessment': 'say if it will assess your child again',
  'commissioning-body-notice': 'tell the new health body about the plan',
  mediation: 'hold the mediation',
  'mediation-certificate': 'send you the mediation paper',
  'appeal-window': 'appeal, if you want to',
  'reassessment-decision': 'decide whether to assess your child again',
  'reassessment-final-plan': 'send the new plan',
};

export interface FamilyDeadlineInput {
  step: DeadlineStep;
  /** For an advice deadline: the kind of advice (from its request), so two advisers of one agency read apart. */
  adviceType?: string;
  responsible: Responsible;
  dueOn: string;
  status: string;
  daysLate?: number;
  metOn?: string;
  kind?: string;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** A deadline as a sentence: who must do what by when, and who is late and by how long. */
export function deadlineSentence(d: FamilyDeadlineInput, asOf: string): string {
  const whoActs = FAMILY_RESPONSIBLE[d.responsible] ?? 'Someone';
  const what = d.step === 'advice' && d.adviceType && d.adviceType !== 'parent-views' ? `give their ${adviceWords(d.adviceType)}` : FAMILY_DEADLINES[d.step] ?? 'take the next step';
  if (d.status === 'overdue') return `${whoActs} should have done this by ${plainDate(d.dueOn)}: ${what}. ${d.responsible === 'family' ? 'You are' : 'They are'} ${days(d.daysLate ?? daysBetween(d.dueOn, asOf))} late.`;
  if (d.status === 'late') return `${whoActs} did this ${days(d.daysLate ?? 0)} late: ${what}.`;
  if (d.status === 'met') return `${whoActs} did this in time: ${what}.`;
  if (d.kind === 'expectation') return `${whoActs} should ${what} by ${plainDate(d.dueOn)}.`;
  return `${whoActs} must ${what} by ${plainDate(d.dueOn)}.`;
}

function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
}

/** Where the process is, for a family (the clock's case status). */
export const FAMILY_STAGES: Record<string, string> = {
  none: 'Nothing has started yet',
  requested: 'The council is deciding whether to assess your child',
  'assessment-refused': 'The council said it will not assess your child',
  assessing: 'The council is assessing your child',
  'plan-refused': 'The council said it will not make a plan',
  'draft-issued': 'You have a draft plan to look at',
  'plan-in-force': 'Your child has a plan',
  ceased: 'The plan has stopped',
};
