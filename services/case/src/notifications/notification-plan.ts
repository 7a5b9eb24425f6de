import {
  familyAccessOf, statutoryStatus, type AdviceSharedWithFamilyV1, type AmendmentProposedV1, type AppealDecidedV1, type DecisionToAssessV1, type DeadlineStep, type DraftPlanIssuedV1,
  type EhcCaseState, type FinalPlanIssuedV1, type IsoDate, type ReassessmentDecidedV1, type ReviewDecisionMadeV1, type AdviceReceivedV1,
  type EarlyReviewAgreedV1, type EarlyReviewDeclinedV1, type TribunalOrderReceivedV1,
} from '@tio/ehc-domain';
import { ERASED } from '@tio/personal-data';
import {
  ADVICE_FROM, ADVICE_KINDS, APPEAL_OUTCOME_TEXTS, EARLY_REVIEW_REQUEST_WORDS, DECISION_TEXTS, govukDate, TRIBUNAL_ORDER_LEADS, TRIBUNAL_ORDER_TEXTS, WHO_MUST_ACT,
  type Channel, type DecisionKind, type TemplateId,
} from './message-texts';

/**
 * What to tell the family, decided purely from the case (no I/O): the notification ledger turns each intent into one
 * row per recipient. Personalisation here is never personal (dates, who must act, the kind of decision): the
 * recipient's first name, address and any one-time code are read at the moment of sending, so erasure stops them.
 */
export interface NotificationIntent {
  /** What it is about, unique per case: `event:<eventId>` or `deadline:<deadlineId>:<dueOn>`. */
  source: string;
  templateId: TemplateId;
  personalisation: Record<string, string>;
  /** Invitation ids: each family member is reached through the contact their invitation recorded. */
  recipients: string[];
}

const hasEmail = (email: string | undefined): email is string => !!email && email !== ERASED && email.includes('@');
const hasPhone = (phone: string | undefined): phone is string => !!phone && phone !== ERASED && /\d/.test(phone);

/** The address of one family member on one channel, as their invitation recorded it; undefined when none (or erased). */
export function addressOf(state: EhcCaseState, invitationId: string, channel: Channel): string | undefined {
  const contact = state.family?.invitations[invitationId]?.contact;
  if (!contact) return undefined;
  return channel === 'sms' ? (hasPhone(contact.phone) ? contact.phone : undefined) : hasEmail(contact.email) ? contact.email : undefined;
}

/** The channels, of those the provider offers, on which this family member can be reached. */
export const channelsFor = (state: EhcCaseState, invitationId: string, offered: readonly Channel[]): Channel[] =>
  offered.filter((c) => addressOf(state, invitationId, c) !== undefined);

/**
 * The family members to tell on `today`: every one linked now who may see the case (familyAccessOf: a parent the
 * young person chose to shut out is not told) and whose invitation gave an email address or a phone number.
 */
export function linkedRecipients(state: EhcCaseState, today: IsoDate): string[] {
  const family = state.family;
  if (!family) return [];
  return Object.entries(family.members)
    .filter(([subject, m]) => familyAccessOf(state, subject, today).see && channelsFor(state, m.invitationId, ['email', 'sms']).length > 0)
    .map(([, m]) => m.invitationId)
    .sort();
}

/** Whether the invitation can still be sent: it exists, is not used, and has an address (or number) that is not erased. */
export function invitationRecipient(state: EhcCaseState, invitationId: string): boolean {
  const invitation = state.family?.invitations[invitationId];
  return !!invitation && !invitation.linkedSubject && channelsFor(state, invitationId, ['email', 'sms']).length > 0;
}

function decisionOf(type: string, data: unknown): DecisionKind | undefined {
  switch (type) {
    case 'ehc.decision-to-assess.v1':
      return (data as DecisionToAssessV1).decision === 'assess' ? 'assess' : 'not-assess';
    case 'ehc.decision-not-to-issue.v1':
      return 'not-to-issue';
    case 'ehc.reassessment-decided.v1':
      return (data as ReassessmentDecidedV1).decision === 'reassess' ? 'reassess' : 'not-reassess';
    case 'ehc.decision-to-cease.v1':
      return 'cease';
    case 'ehc.review-decision-made.v1':
      return `review-${(data as ReviewDecisionMadeV1).decision}` as DecisionKind;
    default:
      return undefined;
  }
}

/** The advice the case knows by id (asked for and received, or re-used), with whether its agency withholds it from the family. */
function knownAdvice(state?: EhcCaseState): Map<string, { adviceType: string; agency: string; withheld: boolean }> {
  const known = new Map<string, { adviceType: string; agency: string; withheld: boolean }>();
  for (const r of Object.values(state?.adviceRequests ?? {})) {
    if (r.current) known.set(r.current.adviceId, { adviceType: r.adviceType, agency: r.agency, withheld: r.current.withheldFromFamily === true });
  }
  for (const r of Object.values(state?.reusedAdvice ?? {})) if (!known.has(r.adviceId)) known.set(r.adviceId, { adviceType: r.adviceType, agency: r.agency, withheld: false });
  return known;
}

/**
 * Whether the case knows this advice is withheld from the family: its latest version, as `state` records it (a
 * correction can withhold advice or release it). Advice the case does not know is not known to be withheld.
 */
export function withheldFromFamily(adviceId: string, state?: EhcCaseState): boolean {
  return knownAdvice(state).get(adviceId)?.withheld === true;
}

/**
 * The advice a share names, in words ("health advice from the health service (NHS)"): its kind and the kind of
 * organisation that gave it, as the case knows them (the advice asked for or re-used with that id), never who wrote
 * it or what it says. Advice its agency withholds from the family (latest version) is left out as if never named:
 * neither named, counted nor hinted at; undefined (no message at all) when that leaves nothing the family did not
 * already have. The family's own views are theirs already and not listed; advice the case does not know (or a case
 * not given) reads "some advice".
 */
export function sharedAdviceWords(adviceIds: readonly string[], state?: EhcCaseState): string | undefined {
  const known = knownAdvice(state);
  const visible = adviceIds.filter((id) => known.get(id)?.withheld !== true);
  const named = visible.map((id) => known.get(id)).filter((a) => a === undefined || a.adviceType !== 'parent-views');
  // everything named was withheld (or withheld and the family's own views): a message would only hint at it
  if (!named.length && visible.length < adviceIds.length) return undefined;
  const words = [...new Set(named.filter((a) => a !== undefined)
    .map((a) => `${ADVICE_KINDS[a?.adviceType as string] ?? 'advice'} from ${ADVICE_FROM[a?.agency as string] ?? 'someone the council asked'}`))];
  if (!words.length) return 'some advice';
  return words.length === 1 ? words[0] as string : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * Whether advice received is withheld from the family: as `state` (the case at the event, or later for the case so
 * far) records the latest version of that advice, else as the event itself says.
 */
function receivedWithheld(advice: AdviceReceivedV1, state?: EhcCaseState): boolean {
  const current = state?.adviceRequests[advice.adviceRequestId]?.current;
  if (current && !current.reused && current.adviceId === advice.adviceId) return current.withheldFromFamily === true;
  return advice.withheldFromFamily === true;
}

/** Whose request for an early review it was, in words (the case's record of the request; "the request" when unknown). */
const requestWords = (earlyReviewRequestId: string, state?: EhcCaseState): string =>
  EARLY_REVIEW_REQUEST_WORDS[state?.family?.earlyReviewRequests[earlyReviewRequestId]?.requestedBy ?? ''] ?? 'the request';

/**
 * The message a case event gives the family, if any (template and non-personal personalisation). `state`, the case
 * as it stood at the event, names the advice shared and who asked for an early review; without it they read
 * "some advice" and "the request" (enough to know whether the event tells the family anything).
 */
export function messageForEvent(type: string, data: unknown, state?: EhcCaseState): { templateId: TemplateId; personalisation: Record<string, string> } | undefined {
  if (type === 'ehc.advice-shared-with-family.v1') {
    const shared = data as AdviceSharedWithFamilyV1;
    const adviceList = sharedAdviceWords(shared.adviceIds, state);
    return adviceList === undefined ? undefined : { templateId: 'advice-shared', personalisation: { shared_on: govukDate(shared.sharedOn), advice_list: adviceList } };
  }
  if (type === 'ehc.early-review-agreed.v1') {
    const agreed = data as EarlyReviewAgreedV1;
    return { templateId: 'early-review-agreed', personalisation: { request_words: requestWords(agreed.earlyReviewRequestId, state), meeting_on: govukDate(agreed.meetingOn) } };
  }
  // the reasons are personal (stored encrypted): the message says where to read them, never what they are
  if (type === 'ehc.early-review-declined.v1') return { templateId: 'early-review-declined', personalisation: { request_words: requestWords((data as EarlyReviewDeclinedV1).earlyReviewRequestId, state) } };
  if (type === 'ehc.draft-plan-issued.v1') return { templateId: 'draft-plan-issued', personalisation: { comments_due_on: govukDate((data as DraftPlanIssuedV1).commentsDueOn) } };
  if (type === 'ehc.final-plan-issued.v1') return { templateId: 'final-plan-issued', personalisation: { issued_on: govukDate((data as FinalPlanIssuedV1).issuedOn) } };
  if (type === 'ehc.advice-received.v1') {
    const advice = data as AdviceReceivedV1;
    // the family's own views come back to them as "advice": nothing to tell them; advice withheld from them is never
    // mentioned (its latest version decides)
    if (advice.adviceType === 'parent-views' || receivedWithheld(advice, state)) return undefined;
    return { templateId: 'advice-received', personalisation: { advice_from: ADVICE_FROM[advice.agency] ?? 'someone the council asked', received_on: govukDate(advice.receivedOn) } };
  }
  if (type === 'ehc.amendment-proposed.v1') {
    const proposed = data as AmendmentProposedV1;
    return { templateId: 'amendment-proposed', personalisation: { comments_due_on: govukDate(proposed.commentsDueOn), amended_plan_due_on: govukDate(proposed.amendedPlanDueOn) } };
  }
  if (type === 'ehc.appeal-decided.v1') return { templateId: 'appeal-decided', personalisation: { outcome_text: APPEAL_OUTCOME_TEXTS[(data as AppealDecidedV1).outcome] } };
  if (type === 'ehc.tribunal-order-received.v1') {
    const order = data as TribunalOrderReceivedV1;
    return { templateId: 'tribunal-order', personalisation: { order_text: `${TRIBUNAL_ORDER_LEADS[order.regulation]} ${TRIBUNAL_ORDER_TEXTS[order.kind]}` } };
  }
  const decision = decisionOf(type, data);
  if (!decision) return undefined;
  return { templateId: 'decision-made', personalisation: { decision_text: DECISION_TEXTS[decision].decision, rights_text: DECISION_TEXTS[decision].rights } };
}

/** One case event: the intent to tell every linked family member, as the case stood when the event was recorded. */
export function intentForEvent(event: { type: string; data: unknown; eventId: string }, stateAtEvent: EhcCaseState, today: IsoDate): NotificationIntent | undefined {
  const message = messageForEvent(event.type, event.data, stateAtEvent);
  if (!message) return undefined;
  const recipients = linkedRecipients(stateAtEvent, today);
  return recipients.length ? { source: `event:${event.eventId}`, ...message, recipients } : undefined;
}

/** One line of "your case so far": what an event told (or would have told) the family, in a sentence, dated. */
export function caseSoFarLine(type: string, data: unknown, on: IsoDate, state?: EhcCaseState): string | undefined {
  const message = messageForEvent(type, data, state);
  if (!message) return undefined;
  const p = message.personalisation;
  const what: Record<TemplateId, () => string | undefined> = {
    'draft-plan-issued': () => `The council sent a draft EHC plan. Comments were asked for by ${p['comments_due_on']}.`,
    'final-plan-issued': () => 'The council sent the final EHC plan.',
    'advice-received': () => `Advice from ${p['advice_from']} was added.`,
    'decision-made': () => p['decision_text'],
    'amendment-proposed': () => `The council sent changes it wants to make to the EHC plan. Comments were asked for by ${p['comments_due_on']}.`,
    'appeal-decided': () => p['outcome_text'],
    'tribunal-order': () => p['order_text'],
    'advice-shared': () => `The council shared this advice with you: ${p['advice_list']}.`,
    'early-review-agreed': () => `The council said yes to ${p['request_words']} for an early review. The meeting is on ${p['meeting_on']}.`,
    'early-review-declined': () => `The council said no to ${p['request_words']} for an early review. You can read why on your case page.`,
    invitation: () => undefined,
    'deadline-passed': () => undefined,
    'case-so-far': () => undefined,
  };
  const sentence = what[message.templateId]();
  return sentence && `* ${govukDate(on)}: ${sentence}`;
}

/**
 * A member just linked (or linked while notifications were off) is owed what the others were told: one message, the
 * case so far (a line per event that told the family something, up to the link), never one message per event. Keyed
 * by the linking event, so the reaction and the catch-up at start make it once between them. Nothing when nothing
 * has happened yet that the family is told about, or when the member may not see the case or cannot be reached.
 */
export function caseSoFarIntent(
  linked: { eventId: string; invitationId: string; subject: string },
  before: ReadonlyArray<{ type: string; data: unknown; on: IsoDate }>,
  state: EhcCaseState,
  today: IsoDate,
): NotificationIntent | undefined {
  if (!familyAccessOf(state, linked.subject, today).see || !channelsFor(state, linked.invitationId, ['email', 'sms']).length) return undefined;
  const lines = before.map((e) => caseSoFarLine(e.type, e.data, e.on, state)).filter((l): l is string => !!l);
  if (!lines.length) return undefined;
  return { source: `event:${linked.eventId}`, templateId: 'case-so-far', personalisation: { case_so_far: lines.join('\n') }, recipients: [linked.invitationId] };
}

/** The steps a family is told about when their time limit passes, in the family's words ("<who> had to <what>"). */
export const DEADLINE_WORDS: Partial<Record<DeadlineStep, string>> = {
  'decision-to-assess': 'decide whether to carry out an EHC needs assessment',
  advice: 'give their advice for the EHC needs assessment',
  'decision-whether-to-issue': 'decide whether to make an EHC plan',
  'final-plan': 'send the final EHC plan',
  'annual-review': 'hold the yearly review of the EHC plan',
  'review-notice': 'tell everyone about the review meeting at least 2 weeks before it',
  'review-papers': 'send the papers for the review meeting',
  'review-report': 'send the report of the review meeting',
  'review-decision': 'decide what happens to the EHC plan after the review',
  'amended-plan': 'send the changed EHC plan',
  'phase-transfer': 'review the EHC plan before the move to a new school',
  tribunal: 'do what the tribunal ordered',
  transfer: 'move the EHC plan to the new council',
  'transfer-reassessment': 'tell you whether the new council will assess again',
  'reassessment-decision': 'decide whether to carry out a new EHC needs assessment',
  'reassessment-final-plan': 'send the EHC plan after the new assessment',
};

/**
 * Time limits that passed undone by `today` (the statutory clock's `overdue`: after any lawful exception's delay),
 * other than the family's own: one intent each, keyed by the limit and its due date, so a rerun (or a second replica)
 * adds nothing and a limit moved to a new date is told again.
 */
export function intentsForDeadlines(state: EhcCaseState, today: IsoDate): NotificationIntent[] {
  if (state.status === 'none' || state.status === 'ceased') return [];
  const recipients = linkedRecipients(state, today);
  if (!recipients.length) return [];
  return statutoryStatus(state, today)
    .overdue.filter((d) => d.kind === 'time-limit' && d.responsible !== 'family' && DEADLINE_WORDS[d.step])
    .map((d) => {
      const who = WHO_MUST_ACT[d.responsible] ?? 'The council';
      return {
        source: `deadline:${d.id}:${d.dueOn}`,
        templateId: 'deadline-passed' as const,
        personalisation: { due_on: govukDate(d.dueOn), what: DEADLINE_WORDS[d.step] as string, who },
        recipients,
      };
    });
}
