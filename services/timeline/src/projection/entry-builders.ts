/**
 * How each integration event becomes a timeline entry: ONE table keyed by CloudEvents type. Every `ehc.*` type of
 * `@tio/ehc-domain` (`EhcEventDataMap`) and the three `advice.*` types of `@tio/advice-domain` have a builder (the
 * spec checks that no domain type is missing); any other type still gets an entry from the generic fallback: the
 * timeline never drops an event.
 *
 * Builders are pure functions of the event: a rebuild must produce byte-identical entries. They keep ids, dates,
 * codes and section headings from the payload, never free text about the child: advice section text stays with its
 * agency. The one free text kept is the reason an agency gives for correcting or withdrawing its advice (what the
 * reader needs to know which version to trust), cut to 200 characters; it arrives encrypted (personal data, see
 * `@tio/personal-data`), so the entry says only that a reason was recorded and where to read it.
 */
import {
  ADVICE_TYPE_RULES, EHC_EVENT_TYPES, type AdviceType, type AppealableDecision, type EhcEventDataMap, type EhcEventType, type ExceptionLimit, type ExceptionReason,
  type ReassessmentRequester, type TribunalOrderKind,
} from '@tio/ehc-domain';
import { WITHHOLDING_REASON_LABELS, type AdviceCorrectedV1, type AdviceEventDataMap, type AdviceSubmittedV1, type AdviceWithdrawnV1, type WithheldFromFamily } from '@tio/advice-domain';
import { TRANSFER_EVENT_TYPES, type TransferEventDataMap, type TransferKind } from '@tio/transfer-domain';
import type { AdviceNotAwaitedReason, FamilyAdviceDeclineReason, InvolvementProvider } from '@tio/ehc-domain';
import type { ConsumedEvent } from '@tio/messaging';
import type { EntryKind } from '../read-model/entities';

export interface MemberDraft {
  organisationId: string;
  agency: string;
  reason: string;
}

export interface EntryDraft {
  kind: EntryKind;
  title: string;
  summary: string;
  /** The agency the entry is about. */
  agency: string;
  details: Record<string, unknown>;
  /** Organisations the event makes involved in the case, besides its actor. */
  members?: MemberDraft[];
}

type Data = Record<string, unknown>;
export type EntryBuilder = (event: ConsumedEvent<Data>) => EntryDraft;

export const AGENCY_LABELS: Record<string, string> = {
  'local-authority': 'Local authority SEND team',
  education: 'Education',
  health: 'Health',
  'social-care': 'Social care',
  family: 'Family',
  other: 'Other adviser',
  system: 'System',
};

const label = (agency: unknown) => AGENCY_LABELS[String(agency)] ?? String(agency ?? 'Unknown agency');
const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const pick = (data: object, keys: string[]): Data =>
  Object.fromEntries(keys.filter((k) => (data as Data)[k] !== undefined && (data as Data)[k] !== null).map((k) => [k, (data as Data)[k]]));
const headings = (sections: unknown): string[] =>
  Array.isArray(sections) ? sections.map((s) => str((s as Data)?.['heading'])).filter((h): h is string => !!h) : [];
const cut = (text: unknown, max = 200): string => {
  // an encrypted personal field: the timeline holds no key, so it never stores or shows the ciphertext
  if (typeof text === 'string' && text.startsWith('$enc:')) return "reason recorded in the agency's own record";
  const t = String(text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
const adviceTypeLabel = (t: unknown) => `${String(t ?? 'unknown').replace(/-/g, ' ')}`;
const adviceRegulation = (t: unknown) => ADVICE_TYPE_RULES[t as AdviceType]?.regulation;
const member = (organisationId: string | undefined, agency: string, reason: string): MemberDraft[] => (organisationId ? [{ organisationId, agency, reason }] : []);

const EXCEPTION_LIMIT_LABELS: Record<ExceptionLimit, string> = {
  'decision-to-assess': 'decision whether to assess (6 weeks)',
  advice: 'advice (6 weeks)',
  'decision-whether-to-issue': 'decision whether to issue a plan (16 weeks)',
  'final-plan': 'final plan (20 weeks)',
  tribunal: 'the time limits of a tribunal order',
};
const EXCEPTION_REASON_LABELS: Record<ExceptionReason, string> = {
  'school-closure': 'the school or setting was closed',
  'exceptional-personal-circumstances': 'exceptional personal circumstances of the child or family',
  'absent-from-area': 'the child or family was away from the area',
  'missed-appointment': 'an appointment was missed',
};
const TRIBUNAL_ORDER_LABELS: Record<TribunalOrderKind, string> = {
  assess: 'carry out an EHC needs assessment',
  'make-plan': 'make an EHC plan',
  'amend-plan': 'amend the EHC plan',
  'amend-placement': 'name the school or placement it ordered in the EHC plan',
  'continue-to-maintain': 'continue to maintain the EHC plan',
  cease: 'cease to maintain the EHC plan (appeal against cessation dismissed)',
};

/** The domain's own summary and regulation of each EHC event type. */
const EHC_INFO = new Map(EHC_EVENT_TYPES.map((i) => [i.type, i]));

type Spec = { kind: EntryKind; title: string; specifics?: string; agency: string; details: Data; members?: MemberDraft[] };

/** A builder for one domain event type: the domain's summary, then the specifics of this event; the regulation in details. */
function ehc<K extends EhcEventType>(type: K, spec: (d: EhcEventDataMap[K], e: ConsumedEvent<Data>) => Spec): [K, EntryBuilder] {
  const info = EHC_INFO.get(type);
  return [type, (e) => {
    const s = spec(e.data as unknown as EhcEventDataMap[K], e);
    return {
      kind: s.kind, title: s.title, summary: [s.specifics, info?.summary].filter(Boolean).join(' '), agency: s.agency,
      details: { ...s.details, ...(info?.regulation ? { regulation: info.regulation } : {}) }, members: s.members ?? [],
    };
  }];
}

function advice<K extends keyof AdviceEventDataMap>(type: K, build: (d: AdviceEventDataMap[K], e: ConsumedEvent<Data>) => EntryDraft): [K, EntryBuilder] {
  return [type, (e) => build(e.data as unknown as AdviceEventDataMap[K], e)];
}

const LA = 'local-authority';
const FAMILY_DECLINE_LABELS: Record<FamilyAdviceDeclineReason, string> = {
  'advice-already-available': 'the advice is already available', 'not-about-the-childs-needs': 'it is not about the child’s needs', 'person-cannot-advise': 'the person cannot give that advice',
};
const NOT_AWAITED_LABELS: Record<AdviceNotAwaitedReason, string> = {
  'adviser-did-not-respond': 'the adviser gave no advice within 6 weeks, reg 8(1)', 'appointment-not-kept': 'an appointment for an examination or test was not kept, reg 8(2)(c)',
  'family-declined-to-give-views': 'the family chose not to give their views, reg 6(1)(a)',
};
const PROVIDER_LABELS: Record<InvolvementProvider, string> = {
  'local-authority': 'the local authority', 'information-advice-support-service': 'the information, advice and support service', 'independent-supporter': 'an independent supporter', other: 'someone else',
};
const whoLabel = (who: readonly string[]) => {
  const names = who.map((w) => w.replace(/-/g, ' '));
  const text = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0] ?? 'family';
  return text.charAt(0).toUpperCase() + text.slice(1);
};
const APPEALABLE_DECISION_LABELS: Record<AppealableDecision, string> = {
  'not-to-assess': 'decision not to assess', 'not-to-issue': 'decision not to issue a plan', 'plan-contents': 'the plan’s contents',
  'not-to-amend': 'decision not to amend', cease: 'decision to cease the plan', 'not-to-reassess': 'decision not to reassess',
};
const REASSESSMENT_REQUESTER_LABELS: Record<ReassessmentRequester, string> = {
  'parent-or-young-person': 'the family', institution: 'the school or college', 'commissioning-body': 'the NHS commissioning body', 'local-authority': 'the local authority',
};
const PLAN_STAGE_LABELS: Record<string, string> = { draft: 'draft plan', final: 'final plan', amended: 'amended plan' };
const PB_OCCASION_LABELS: Record<string, string> = { 'plan-preparation': 'while the plan is prepared', review: 'at the annual review', reassessment: 'at a reassessment' };
const pounds = (pence: number | undefined) => `£${((pence ?? 0) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const namedSetting = (ref: string | undefined) => (ref ? `; names ${ref}` : '');
const byTribunal = (id: string | undefined) => (id ? ' (complying with a tribunal order)' : '');


const TRANSFER_INFO = new Map(TRANSFER_EVENT_TYPES.map((i) => [i.type, i]));
const TRANSFER_KIND_LABELS: Record<TransferKind, string> = {
  'local-authority': 'to another local authority', school: 'to another school or setting', 'nhs-body': 'to another NHS commissioning body', 'adult-services': "from children's to adult social care",
};
/** A transfer step (`@tio/transfer-domain`): who asks, who answers, from when; the receiving side is named on the request. */
function transfer<K extends keyof TransferEventDataMap>(type: K, build: (d: TransferEventDataMap[K]) => Omit<EntryDraft, 'kind' | 'details'> & { details: Data }): [K, EntryBuilder] {
  const info = TRANSFER_INFO.get(type);
  return [type, (e) => {
    const d = e.data as unknown as TransferEventDataMap[K];
    const b = build(d);
    return { ...b, kind: 'transfer', details: { ...b.details, transferId: d.transferId, ...(info?.regulation ? { regulation: info.regulation } : {}) } };
  }];
}
const transferAgency = (org: string | undefined, fallback: string) => (org && /^E\d{8}$/.test(org) ? LA : fallback);

export const ENTRY_BUILDERS: Record<string, EntryBuilder> = Object.fromEntries([
  ehc('ehc.request-received.v1', (d) => ({
    kind: 'request', title: 'Request for an EHC needs assessment received', agency: LA,
    specifics: `Received on ${d.receivedOn} from the ${String(d.source).replace(/-/g, ' ')}${d.requestedBy?.role ? ` (${d.requestedBy.role})` : ''}.`,
    details: { ...pick(d, ['receivedOn', 'source', 'localAuthority']), requesterRole: d.requestedBy?.role, ...(d.requestedBy?.organisationRef ? { requesterOrganisationRef: d.requestedBy.organisationRef } : {}) },
    members: [...member(d.localAuthority, LA, 'responsible local authority'), ...member(d.requestedBy?.organisationRef, 'other', 'made the request')],
  })),
  ehc('ehc.decision-to-assess.v1', (d) => ({
    kind: 'decision', agency: LA,
    title: d.decision === 'not-assess' ? 'Decided not to carry out an EHC needs assessment' : 'Decided to carry out an EHC needs assessment',
    specifics: `Decided on ${d.decidedOn}${byTribunal(d.tribunalOrderId)}.${d.decision === 'not-assess' ? ' The family can appeal.' : ' Advice will now be sought.'}`,
    details: pick(d, ['decision', 'decidedOn', 'assessmentId', 'tribunalOrderId']),
  })),
  ehc('ehc.advice-requested.v1', (d) => ({
    kind: 'advice-requested', agency: d.agency, title: `${label(d.agency)} advice requested`,
    specifics: `${adviceTypeLabel(d.adviceType)} advice (${adviceRegulation(d.adviceType) ?? 'reg 6(1)'}) asked of ${label(d.agency).toLowerCase()}${d.adviserRef ? ` (${d.adviserRef})` : ''} on ${d.requestedOn}, due by ${d.dueOn}.`,
    details: pick(d, ['adviceRequestId', 'assessmentId', 'adviceType', 'agency', 'adviserRef', 'requestedOn', 'dueOn']),
    members: member(d.adviserRef, d.agency, 'named adviser'),
  })),
  ehc('ehc.advice-received.v1', (d) => ({
    kind: adviceKind(d.adviceType), agency: d.agency, title: adviceTitle(d.agency, d.adviceType, 'received by the local authority'),
    specifics: `${adviceTypeLabel(d.adviceType)} advice ${d.adviceId} version ${d.version} received on ${d.receivedOn}${d.version > 1 ? ` (supersedes version ${d.version - 1})` : ''}.`,
    details: pick(d, ['adviceRequestId', 'assessmentId', 'adviceId', 'version', 'agency', 'adviceType', 'receivedOn']),
  })),
  ehc('ehc.advice-reused.v1', (d) => ({
    kind: 'advice', agency: d.agency, title: `Existing ${label(d.agency).toLowerCase()} advice re-used`,
    specifics: `${adviceTypeLabel(d.adviceType)} advice ${d.adviceId} version ${d.version}${d.sourceCaseId ? ' (given earlier)' : ''} re-used on ${d.agreedOn} with the agreement of the adviser, the local authority and the family.`,
    details: { ...pick(d, ['reuseId', 'adviceRequestId', 'assessmentId', 'adviceId', 'version', 'agency', 'adviceType', 'agreedOn']), fromEarlierCase: !!d.sourceCaseId },
  })),
  ehc('ehc.advice-withdrawn.v1', (d, e) => ({
    kind: 'advice', agency: e.actor.agency, title: `${label(e.actor.agency)} advice withdrawn`,
    specifics: `Advice ${d.adviceId} withdrawn on ${d.withdrawnOn}: ${cut(d.reason)}. The request is open again.`,
    details: { ...pick(d, ['adviceRequestId', 'adviceId', 'withdrawnOn']), reason: cut(d.reason) },
  })),
  ehc('ehc.decision-not-to-issue.v1', (d) => ({
    kind: 'decision', agency: LA, title: 'Decided not to issue an EHC plan', specifics: `Decided on ${d.decidedOn}. The family can appeal.`, details: pick(d, ['decidedOn']),
  })),
  ehc('ehc.draft-plan-issued.v1', (d) => ({
    kind: 'draft', agency: LA, title: 'Draft EHC plan issued',
    specifics: `Issued on ${d.issuedOn}${byTribunal(d.tribunalOrderId)}; the family has until ${d.commentsDueOn} to comment and ask for a school or setting.`,
    details: pick(d, ['planId', 'issuedOn', 'commentsDueOn', 'tribunalOrderId']),
  })),
  ehc('ehc.family-response-received.v1', (d) => ({
    kind: 'family-views', agency: 'family', title: "The family's response to the draft plan received",
    specifics: `Received on ${d.receivedOn}${d.preferredSettingRef ? `; asks for ${d.preferredSettingRef} to be named` : ''}.`,
    details: pick(d, ['planId', 'receivedOn', 'preferredSettingRef']),
  })),
  ehc('ehc.setting-consulted.v1', (d) => ({
    kind: 'setting', agency: 'education', title: 'School or setting consulted on being named',
    specifics: `${d.settingRef} consulted on ${d.consultedOn} (s.39(2)); response expected by ${d.responseDueOn} (Code of Practice, not a statutory limit).`,
    details: pick(d, ['consultationId', 'settingRef', 'consultedOn', 'responseDueOn']),
    members: member(d.settingRef, 'education', 'consulted on being named'),
  })),
  ehc('ehc.setting-responded.v1', (d) => ({
    kind: 'setting', agency: 'education', title: 'Consulted school or setting responded',
    specifics: `Responded on ${d.respondedOn}: ${d.canMeetNeeds ? 'it can meet the needs' : 'it says it cannot meet the needs'}.`,
    details: pick(d, ['consultationId', 'respondedOn', 'canMeetNeeds']),
  })),
  ehc('ehc.final-plan-issued.v1', (d) => ({
    kind: 'final', agency: LA, title: 'Final EHC plan issued',
    specifics: `Issued on ${d.issuedOn}${namedSetting(d.namedSettingRef)}${byTribunal(d.tribunalOrderId)}.`,
    details: pick(d, ['planId', 'issuedOn', 'namedSettingRef', 'tribunalOrderId']),
    members: member(d.namedSettingRef, 'education', 'named in the plan'),
  })),
  ehc('ehc.amendment-proposed.v1', (d) => ({
    kind: 'amendment', agency: LA, title: 'Amendments to the EHC plan proposed',
    specifics: `Proposed on ${d.proposedOn} (${d.trigger.replace(/-/g, ' ')}); comments by ${d.commentsDueOn}, amended plan due by ${d.amendedPlanDueOn}.`,
    details: pick(d, ['amendmentId', 'trigger', 'proposedOn', 'commentsDueOn', 'amendedPlanDueOn', 'reviewId', 'phaseTransferId', 'tribunalOrderId', 'reassessmentId']),
  })),
  ehc('ehc.plan-amended.v1', (d) => ({
    kind: 'amendment', agency: LA, title: 'Amended EHC plan issued', specifics: `Issued on ${d.amendedOn}${namedSetting(d.namedSettingRef)}.`,
    details: pick(d, ['amendmentId', 'amendedOn', 'namedSettingRef']),
    members: member(d.namedSettingRef, 'education', 'named in the plan'),
  })),
  // reg 12: the plan's contents: section letters and what changed, never the text (personal data, encrypted)
  ehc('ehc.plan-contents-recorded.v1', (d) => ({
    kind: d.stage === 'draft' ? 'draft' : d.stage === 'final' ? 'final' : 'amendment', agency: LA,
    title: `Plan contents, version ${d.version} (${PLAN_STAGE_LABELS[d.stage] ?? d.stage})`,
    specifics: `Recorded on ${d.recordedOn} with sections ${d.sections.map((s) => s.section).join(', ')}; ${d.version === 1 ? 'the first version' : d.changedSections.length ? `changed: ${d.changedSections.join(', ')}` : 'no section changed'}.`,
    details: { ...pick(d, ['version', 'stage', 'recordedOn', 'planId', 'amendmentId', 'changedSections']), sections: d.sections.map((s) => s.section) },
  })),
  ehc('ehc.personal-budget-requested.v1', (d) => ({
    kind: 'personal-budget', agency: 'family', title: `Personal budget asked for by the ${d.requestedBy.replace(/-/g, ' ')}${d.directPaymentRequested ? ', with direct payments' : ''}`,
    specifics: `Asked on ${d.requestedOn} (${PB_OCCASION_LABELS[d.occasion] ?? d.occasion}).`,
    details: pick(d, ['personalBudgetId', 'requestedBy', 'requestedOn', 'occasion', 'reviewId', 'reassessmentId', 'directPaymentRequested']),
  })),
  ehc('ehc.personal-budget-decided.v1', (d) => ({
    kind: 'personal-budget', agency: LA, title: d.decision === 'agreed' ? 'Personal budget agreed' : 'Personal budget refused',
    specifics: d.decision === 'agreed'
      ? `Agreed on ${d.decidedOn}: ${pounds(d.annualAmountPence)} a year (${(d.parts ?? []).map((p) => `${p.arrangement.replace(/-/g, ' ')} ${pounds(p.annualAmountPence)}`).join(', ')})${d.directPaymentRefusal ? `; the direct payment asked for was refused (${d.directPaymentRefusal.ground.replace(/-/g, ' ')}), reasons given` : ''}.`
      : `Refused on ${d.decidedOn}; the reasons were given to the family.`,
    details: {
      ...pick(d, ['personalBudgetId', 'decision', 'decidedOn', 'annualAmountPence']),
      arrangements: (d.parts ?? []).map((p) => pick(p, ['arrangement', 'annualAmountPence', 'provisionItemIds'])),
      ...(d.directPaymentRefusal ? { directPaymentRefusalGround: d.directPaymentRefusal.ground } : {}),
    },
  })),
  ehc('ehc.personal-budget-reviewed.v1', (d) => ({
    kind: 'personal-budget', agency: LA, title: `Personal budget reviewed: ${d.outcome}`,
    specifics: `Reviewed with the plan on ${d.reviewedOn}${d.outcome === 'changed' && d.annualAmountPence ? `; now ${pounds(d.annualAmountPence)} a year` : ''}${d.reasons ? '; reasons given' : ''}.`,
    details: pick(d, ['personalBudgetId', 'reviewId', 'reviewedOn', 'outcome', 'annualAmountPence']),
  })),
  ehc('ehc.decision-not-to-amend.v1', (d) => ({
    kind: 'amendment', agency: LA, title: 'Decided not to amend the EHC plan', specifics: `Decided on ${d.decidedOn} not to make the proposed amendments (reg 22(4)); the family may appeal.`,
    details: pick(d, ['amendmentId', 'decidedOn']),
  })),
  ehc('ehc.review-meeting-scheduled.v1', (d) => ({
    kind: 'review', agency: LA, title: 'Annual review meeting arranged',
    specifics: `Arranged on ${d.scheduledOn} for ${d.meetingOn}; advice and papers due by ${d.papersDueOn}.`,
    details: pick(d, ['reviewId', 'scheduledOn', 'meetingOn', 'papersDueOn']),
  })),
  ehc('ehc.review-papers-circulated.v1', (d) => ({
    kind: 'review', agency: 'education', title: 'Annual review papers circulated', specifics: `Sent on ${d.circulatedOn}.`, details: pick(d, ['reviewId', 'circulatedOn']),
  })),
  ehc('ehc.review-meeting-held.v1', (d) => ({
    kind: 'review', agency: LA, title: 'Annual review meeting held', specifics: `Held on ${d.heldOn}.`, details: pick(d, ['reviewId', 'heldOn']),
  })),
  ehc('ehc.review-report-submitted.v1', (d) => ({
    kind: 'review', agency: 'education', title: 'Annual review report sent', specifics: `Sent on ${d.submittedOn}.`, details: pick(d, ['reviewId', 'submittedOn']),
  })),
  ehc('ehc.review-decision-made.v1', (d) => ({
    kind: 'review', agency: LA, title: `Annual review decision: ${d.decision} the plan`, specifics: `Decided on ${d.decidedOn}.`, details: pick(d, ['reviewId', 'decision', 'decidedOn']),
  })),
  ehc('ehc.phase-transfer-scheduled.v1', (d) => ({
    kind: 'phase-transfer', agency: LA, title: 'Phase transfer due',
    specifics: `${d.kind.replace(/-/g, ' ')} transfer on ${d.transferOn}; the plan must name the new setting by ${d.amendDueOn}.`,
    details: pick(d, ['phaseTransferId', 'kind', 'scheduledOn', 'transferOn', 'amendDueOn']),
  })),
  ehc('ehc.plan-ceased.v1', (d) => ({
    kind: 'ceased', agency: LA, title: 'EHC plan ceased', specifics: `Ceased on ${d.ceasedOn} (${d.reason.replace(/-/g, ' ')}).`, details: pick(d, ['ceasedOn', 'reason']),
  })),
  ehc('ehc.cessation-proposed.v1', (d) => ({
    kind: 'ceased', agency: LA, title: 'Ceasing the EHC plan proposed', specifics: `Proposed on ${d.proposedOn} (${d.reason.replace(/-/g, ' ')}); the family and the institution are consulted first (reg 29).`,
    details: pick(d, ['cessationId', 'proposedOn', 'reason']),
  })),
  ehc('ehc.cessation-consulted.v1', (d) => ({
    kind: 'ceased', agency: LA, title: d.consultee === 'institution' ? 'Institution consulted on ceasing the plan' : 'Family consulted on ceasing the plan',
    specifics: `Consulted on ${d.consultedOn}${d.institutionRef ? ` (${d.institutionRef})` : ''}.`, details: pick(d, ['cessationId', 'consultee', 'consultedOn', 'institutionRef']),
  })),
  ehc('ehc.decision-to-cease.v1', (d) => ({
    kind: 'ceased', agency: LA, title: 'Decided to cease the EHC plan', specifics: `Decided on ${d.decidedOn} (${d.reason.replace(/-/g, ' ')}); the plan is maintained until the time for appealing has passed or an appeal is concluded (reg 31).`,
    details: pick(d, ['cessationId', 'decidedOn', 'reason']),
  })),
  ehc('ehc.reassessment-requested.v1', (d) => ({
    kind: 'decision', agency: d.requestedBy === 'parent-or-young-person' ? 'family' : d.requestedBy === 'institution' ? 'education' : d.requestedBy === 'local-authority' ? LA : 'health',
    title: `Reassessment requested by ${REASSESSMENT_REQUESTER_LABELS[d.requestedBy] ?? d.requestedBy}`,
    specifics: `Received on ${d.receivedOn}; the LA decides whether to reassess by ${d.decisionDueOn} (15 days, reg 25).`,
    details: pick(d, ['reassessmentId', 'requestedBy', 'receivedOn', 'decisionDueOn']),
  })),
  ehc('ehc.reassessment-decided.v1', (d) => ({
    kind: 'decision', agency: LA, title: d.decision === 'reassess' ? 'Decided to reassess' : 'Decided not to reassess',
    specifics: d.decision === 'reassess'
      ? `Decided on ${d.decidedOn}${d.inTime ? '' : ' (after the 15 days)'}; advice is sought again (regs 6-10) and the amended plan is due by ${d.finalPlanDueOn} (14 weeks, reg 27).`
      : `Decided on ${d.decidedOn}${d.inTime ? '' : ' (after the 15 days)'}; the family may appeal (CFA 2014 s.51(2)(d)).`,
    details: pick(d, ['reassessmentId', 'decision', 'decidedOn', 'inTime', 'assessmentId', 'finalPlanDueOn']),
  })),
  ehc('ehc.appeal-rights-notified.v1', (d) => ({
    kind: 'appeal', agency: LA, title: `Appeal rights notified: ${APPEALABLE_DECISION_LABELS[d.decision] ?? d.decision}`,
    specifics: `Notified on ${d.notifiedOn} of the decision of ${d.decidedOn}, with the right of appeal, mediation, disagreement resolution and the information, advice and support service; appeal by ${d.appealDueOn} (or 1 month from a mediation certificate, if later).`,
    details: pick(d, ['noticeId', 'decision', 'decidedOn', 'notifiedOn', 'amendmentId', 'cessationId', 'reassessmentId', 'appealDueOn']),
  })),
  ehc('ehc.mediation-decided.v1', (d) => ({
    kind: 'appeal', agency: 'family', title: d.choice === 'mediate' ? 'Family chose to mediate' : 'Family chose not to mediate',
    specifics: d.choice === 'mediate'
      ? `Advised on ${d.adviceGivenOn}; chose on ${d.decidedOn}; mediation due by ${d.mediationDueOn} (reg 37).`
      : `Advised on ${d.adviceGivenOn}; chose on ${d.decidedOn}; certificate due by ${d.certificateDueOn} (reg 33).`,
    details: pick(d, ['mediationId', 'noticeId', 'adviceGivenOn', 'choice', 'decidedOn', 'certificateDueOn', 'mediationDueOn']),
  })),
  ehc('ehc.mediation-held.v1', (d) => ({
    kind: 'appeal', agency: LA, title: 'Mediation held', specifics: `Held on ${d.heldOn}: ${d.outcome.replace(/-/g, ' ')}; certificate due by ${d.certificateDueOn} (reg 39).`,
    details: pick(d, ['mediationId', 'heldOn', 'outcome', 'certificateDueOn']),
  })),
  ehc('ehc.mediation-certificate-issued.v1', (d) => ({
    kind: 'appeal', agency: LA, title: 'Mediation certificate issued', specifics: `Issued on ${d.issuedOn}; the family may appeal by ${d.appealDueOn}.`,
    details: pick(d, ['mediationId', 'issuedOn', 'appealDueOn']),
  })),
  ehc('ehc.appeal-registered.v1', (d) => ({
    kind: 'appeal', agency: 'family', title: `Appeal registered: ${APPEALABLE_DECISION_LABELS[d.decision] ?? d.decision}`,
    specifics: `Registered by the Tribunal on ${d.registeredOn} (${d.inTime ? 'in time' : `out of time: the window ended ${d.appealDueOn}`})${d.hearingOn ? `; hearing on ${d.hearingOn}` : ''}.`,
    details: pick(d, ['appealId', 'noticeId', 'decision', 'registeredOn', 'appealDueOn', 'inTime', 'hearingOn']),
  })),
  ehc('ehc.appeal-decided.v1', (d) => ({
    kind: 'appeal', agency: LA, title: `Appeal ${d.outcome}`, specifics: `Decided on ${d.decidedOn}${d.hearingOn ? ` after the hearing on ${d.hearingOn}` : ''}.`,
    details: pick(d, ['appealId', 'decidedOn', 'outcome', 'hearingOn']),
  })),
  ehc('ehc.exception-recorded.v1', (d) => ({
    kind: 'exception', agency: LA, title: `Exception to the ${EXCEPTION_LIMIT_LABELS[d.limit]?.replace(/ \(.*\)$/, '') ?? d.limit} time limit`,
    specifics: `${d.regulation}: ${EXCEPTION_REASON_LABELS[d.reason] ?? d.reason}, from ${d.fromOn}${d.toOn ? ` to ${d.toOn}` : ''}${d.adviceRequestId ? ` (advice request ${d.adviceRequestId})` : ''}; recorded on ${d.recordedOn}. The ${EXCEPTION_LIMIT_LABELS[d.limit] ?? d.limit} limit does not apply while it lasts.`,
    details: { ...pick(d, ['exceptionId', 'limit', 'reason', 'adviceRequestId', 'fromOn', 'toOn', 'recordedOn']), exceptionRegulation: d.regulation },
  })),
  ehc('ehc.tribunal-order-received.v1', (d) => ({
    kind: 'tribunal', agency: LA, title: `Tribunal order: ${TRIBUNAL_ORDER_LABELS[d.kind] ?? d.kind}`,
    specifics: d.regulation === 'reg 45' ? `The LA told the Tribunal on ${d.orderOn} that it would not oppose the appeal (reg 45); the time limits run from that notice.` : `Ordered on ${d.orderOn} (${d.regulation}).`,
    details: { ...pick(d, ['orderId', 'kind', 'orderOn', 'tribunalNotifiedOn']), orderRegulation: d.regulation },
  })),
  ehc('ehc.transfer-notified.v1', (d) => ({
    kind: 'transfer', agency: LA, title: 'Move to another local authority notified',
    specifics: `From ${d.fromLocalAuthority} to ${d.toLocalAuthority}, moving on ${d.moveOn} (learned ${d.learnedOn}); the plan must be transferred by ${d.transferDueOn}.`,
    details: pick(d, ['transferId', 'fromLocalAuthority', 'toLocalAuthority', 'learnedOn', 'moveOn', 'transferDueOn']),
    members: [...member(d.fromLocalAuthority, LA, 'transferring local authority'), ...member(d.toLocalAuthority, LA, 'receiving local authority')],
  })),
  ehc('ehc.plan-transferred.v1', (d) => ({
    kind: 'transfer', agency: LA, title: 'EHC plan transferred', specifics: `Transferred to ${d.toLocalAuthority} on ${d.transferredOn}.`,
    details: pick(d, ['transferId', 'toLocalAuthority', 'transferredOn']),
    members: member(d.toLocalAuthority, LA, 'receiving local authority'),
  })),
  ehc('ehc.assessment-transferred.v1', (d) => ({
    kind: 'transfer', agency: LA, title: 'Assessment transferred to another local authority',
    specifics: `The family moved: ${d.toLocalAuthority} is responsible for the assessment from ${d.transferredOn} (was ${d.fromLocalAuthority}); its clock starts on ${d.clockStartsOn}, final plan due ${d.finalPlanDueOn}.`,
    details: pick(d, ['transferId', 'assessmentId', 'fromLocalAuthority', 'toLocalAuthority', 'transferredOn', 'clock', 'clockStartsOn', 'decisionWhetherToIssueDueOn', 'finalPlanDueOn']),
    members: member(d.toLocalAuthority, LA, 'receiving local authority'),
  })),
  ehc('ehc.transfer-reassessment-decided.v1', (d) => ({
    kind: 'transfer', agency: LA, title: d.willReassess ? 'The new local authority will reassess' : 'The new local authority will not reassess',
    specifics: `Decided on ${d.decidedOn}.`, details: pick(d, ['transferId', 'willReassess', 'decidedOn']),
  })),
  ehc('ehc.commissioning-body-changed.v1', (d) => ({
    kind: 'commissioning', agency: 'health', title: 'NHS commissioning body changed',
    specifics: `New body ${d.newCommissioningBodyRef} (learned ${d.learnedOn}); to be notified by ${d.notifyDueOn}.`,
    details: pick(d, ['changeId', 'newCommissioningBodyRef', 'learnedOn', 'notifyDueOn']),
    members: member(d.newCommissioningBodyRef, 'health', 'new NHS commissioning body'),
  })),
  ehc('ehc.commissioning-body-notified.v1', (d) => ({
    kind: 'commissioning', agency: 'health', title: 'New NHS commissioning body notified', specifics: `Notified on ${d.notifiedOn}.`, details: pick(d, ['changeId', 'notifiedOn']),
  })),
  ehc('ehc.personal-data-erased.v1', (d) => ({
    kind: 'other', agency: LA, title: "The case's personal data was erased",
    specifics: `Erased on ${d.erasedOn} (${d.ground === 'retention-period-ended' ? 'its retention period ended' : 'at the request of the data subject'}); the history stays, its personal fields read as "[erased]".`,
    details: pick(d, ['erasureId', 'erasedOn', 'ground']),
  })),
  // what the assessment needs before a draft (regs 6(1), 6(4), 7, 8(1), 9)
  ehc('ehc.advice-scope-recorded.v1', (d) => ({
    kind: 'decision', agency: LA, title: 'Advice needed for this assessment recorded',
    specifics: `Recorded on ${d.recordedOn}: ${d.inOrBeyondYear9 ? 'in or beyond year 9, so advice on preparing for adulthood is needed (reg 6(1)(g))' : 'not yet in year 9 (no preparing-for-adulthood advice needed)'}${d.yearGroupFrom === 'date-of-birth' ? ' (from the date of birth)' : ''}; ${d.visionOrHearingImpaired ? 'vision or hearing impaired, so a qualified teacher of the impairment advises (reg 6(2))' : 'no vision or hearing impairment recorded'}.`,
    details: pick(d, ['assessmentId', 'inOrBeyondYear9', 'yearGroupFrom', 'visionOrHearingImpaired', 'recordedOn']),
  })),
  ehc('ehc.family-advice-request-recorded.v1', (d) => ({
    kind: 'advice-requested', agency: 'family', title: d.reasonable ? 'Family asked for advice from someone they chose' : 'Family’s request for advice declined',
    specifics: d.reasonable
      ? `Asked on ${d.requestedOn} for advice from ${d.adviserRef}; the local authority found it reasonable and will seek it before the draft (reg 6(1)(h)).`
      : `Asked on ${d.requestedOn} for advice from ${d.adviserRef}; the local authority found it not reasonable: ${FAMILY_DECLINE_LABELS[d.declineReason as FamilyAdviceDeclineReason] ?? d.declineReason}.`,
    details: pick(d, ['familyRequestId', 'assessmentId', 'adviserRef', 'requestedOn', 'reasonable', 'declineReason']),
  })),
  ehc('ehc.advice-not-awaited.v1', (d) => ({
    kind: 'advice', agency: LA, title: `Going on without ${d.items.map((i) => adviceTypeLabel(i.adviceType)).join(', ')} advice`,
    specifics: `Decided on ${d.decidedOn} (${NOT_AWAITED_LABELS[d.reason] ?? d.reason}): ${d.items.map((i) => `${adviceTypeLabel(i.adviceType)} advice from ${label(i.agency).toLowerCase()}, due ${i.dueOn}`).join('; ')}. Advice that arrives later is still recorded.`,
    details: { ...pick(d, ['decidedOn', 'reason']), adviceRequestIds: d.items.map((i) => i.adviceRequestId) },
  })),
  ehc('ehc.family-involvement-recorded.v1', (d) => ({
    kind: 'family-views', agency: d.providedBy === 'local-authority' ? LA : 'other',
    title: d.kind === 'consulted' ? `${whoLabel(d.who)} consulted` : `Information, advice and support given to ${whoLabel(d.who).toLowerCase()}`,
    specifics: `On ${d.on}, by ${PROVIDER_LABELS[d.providedBy] ?? d.providedBy} (${String(d.method).replace(/-/g, ' ')}).`,
    details: pick(d, ['involvementId', 'kind', 'who', 'providedBy', 'method', 'on']),
  })),

  // the family on the case (issue #21): who is linked (an opaque subject, never a name or contact), the young person's rights
  ehc('ehc.family-advice-asked.v1', (d) => ({
    kind: 'advice-requested', agency: 'family', title: 'Family asked for advice from someone they chose',
    specifics: `Asked on ${d.askedOn}${str(d.adviser?.role) && !String(d.adviser.role).startsWith('$enc:') ? ` (${cut(d.adviser.role, 80)})` : ''}; the local authority decides whether it is reasonable to seek it (reg 6(1)(h)).`,
    details: pick(d, ['familyRequestId', 'assessmentId', 'askedOn']),
  })),
  ehc('ehc.family-member-invited.v1', (d) => ({
    kind: 'family-views', agency: LA, title: `${cap(d.relationship.replace(/-/g, ' '))} invited to the case`,
    specifics: `Invited on ${d.invitedOn}; the code can be used until ${d.expiresOn}.`,
    details: pick(d, ['invitationId', 'relationship', 'parentalResponsibility', 'invitedOn', 'expiresOn']),
  })),
  ehc('ehc.family-member-linked.v1', (d) => ({
    kind: 'family-views', agency: 'family', title: `${cap(d.relationship.replace(/-/g, ' '))} linked to the case`,
    specifics: `Linked on ${d.linkedOn} with their invitation.`, details: pick(d, ['invitationId', 'relationship', 'linkedOn']),
  })),
  ehc('ehc.family-member-unlinked.v1', (d) => ({
    kind: 'family-views', agency: LA, title: 'Family member unlinked from the case',
    specifics: `Unlinked on ${d.unlinkedOn} (${String(d.reason).replace(/-/g, ' ')}).`, details: pick(d, ['reason', 'unlinkedOn']),
  })),
  ehc('ehc.young-person-rights-recorded.v1', (d) => {
    const p = d as unknown as Data;
    return {
      kind: 'family-views', agency: LA, title: d.holdsRights ? 'The young person holds the rights' : 'The parent acts for the young person',
      specifics: `Recorded on ${d.recordedOn}${p['lacksCapacity'] ? ' (lacking capacity; the reason is in the case record)' : ''}; parents may ${d.parentAccess === 'see-and-act' ? 'see and act' : d.parentAccess === 'see-only' ? 'see only' : 'not see the case'}.`,
      details: pick(d, ['holdsRights', 'parentAccess', 'recordedOn', 'lacksCapacity']),
    };
  }),
  ehc('ehc.early-review-requested.v1', (d) => ({
    kind: 'review', agency: d.requestedBy === 'parent-or-young-person' ? 'family' : d.requestedBy === 'institution' ? 'education' : LA,
    title: `Early review asked for by ${REASSESSMENT_REQUESTER_LABELS[d.requestedBy as ReassessmentRequester] ?? d.requestedBy}`,
    specifics: `Asked on ${d.requestedOn}.`, details: pick(d, ['earlyReviewRequestId', 'requestedBy', 'requestedOn']),
  })),
  ehc('ehc.early-review-agreed.v1', (d) => ({
    kind: 'review', agency: LA, title: 'Early review agreed',
    specifics: `Agreed on ${d.agreedOn}; the review meeting is on ${d.meetingOn}.`, details: pick(d, ['earlyReviewRequestId', 'reviewId', 'meetingOn', 'agreedOn']),
  })),
  ehc('ehc.early-review-declined.v1', (d) => ({
    kind: 'review', agency: LA, title: 'Early review declined',
    // the reasons are personal (encrypted): the entry says only that they were given
    specifics: `Declined on ${d.declinedOn}; the reasons are in the case record.`, details: pick(d, ['earlyReviewRequestId', 'declinedOn']),
  })),
  ehc('ehc.advice-shared-with-family.v1', (d) => ({
    kind: 'family-views', agency: LA, title: d.scope === 'all-received' ? 'All advice received so far shared with the family' : 'Advice shared with the family',
    specifics: `Shared on ${d.sharedOn}, before the draft plan: ${d.adviceIds.join(', ')}. Advice marked not for sharing with the family stays withheld.`,
    details: pick(d, ['shareId', 'scope', 'adviceIds', 'sharedOn']),
  })),

  advice('advice.submitted.v1', (d: AdviceSubmittedV1) => {
    const h = headings(d.sections);
    return {
      kind: adviceKind(d.adviceType), agency: d.agency, title: adviceTitle(d.agency, d.adviceType, `submitted (version ${d.version})`),
      summary: `${adviceTypeLabel(d.adviceType)} advice ${d.adviceId}, version ${d.version}, given on ${d.submittedOn}: ${h.length} section(s)${h.length ? ` (${h.join(', ')})` : ''}${d.citations?.length ? `, citing ${d.citations.length} earlier advice` : ''}.${withheld(d.withheldFromFamily).note}`,
      details: {
        ...withheld(d.withheldFromFamily).details,
        ...pick(d, ['adviceRequestId', 'assessmentId', 'adviceId', 'version', 'agency', 'adviceType', 'submittedOn']),
        sectionHeadings: h, citedAdvice: (d.citations ?? []).map((c) => pick(c, ['adviceId', 'version', 'agency'])), regulation: adviceRegulation(d.adviceType),
      },
    };
  }),
  advice('advice.corrected.v1', (d: AdviceCorrectedV1) => {
    const h = headings(d.sections);
    return {
      kind: adviceKind(d.adviceType), agency: d.agency, title: adviceTitle(d.agency, d.adviceType, `corrected (version ${d.version} supersedes version ${d.supersedesVersion})`),
      summary: `${adviceTypeLabel(d.adviceType)} advice ${d.adviceId} corrected on ${d.correctedOn}: ${cut(d.reason)}. Version ${d.supersedesVersion} is superseded and stays in the agency's record. ${h.length} section(s)${h.length ? ` (${h.join(', ')})` : ''}.${withheld(d.withheldFromFamily).note}`,
      details: {
        ...withheld(d.withheldFromFamily).details,
        ...pick(d, ['adviceRequestId', 'assessmentId', 'adviceId', 'version', 'supersedesVersion', 'agency', 'adviceType', 'correctedOn']),
        reason: cut(d.reason), sectionHeadings: h, citedAdvice: (d.citations ?? []).map((c) => pick(c, ['adviceId', 'version', 'agency'])),
      },
    };
  }),
  advice('advice.withdrawn.v1', (d: AdviceWithdrawnV1) => ({
    kind: adviceKind(d.adviceType), agency: d.agency, title: adviceTitle(d.agency, d.adviceType, 'withdrawn'),
    summary: `${adviceTypeLabel(d.adviceType)} advice ${d.adviceId} (version ${d.version}) withdrawn on ${d.withdrawnOn}: ${cut(d.reason)}. The request is open again.`,
    details: { ...pick(d, ['adviceRequestId', 'assessmentId', 'adviceId', 'version', 'agency', 'adviceType', 'withdrawnOn']), reason: cut(d.reason) },
  })),
  // transfers of responsibility (`transfer-<id>` streams): at every step the entry says who is responsible
  transfer('transfer.requested.v1', (d) => ({
    agency: transferAgency(d.fromOrganisation, LA), title: `Transfer ${TRANSFER_KIND_LABELS[d.kind] ?? d.kind} requested`,
    summary: `From ${d.fromOrganisation} to ${d.toOrganisation}, asked on ${d.requestedOn} (learned ${d.learnedOn})${d.moveOn ? `; the family moves on ${d.moveOn}` : ''}; responsibility is proposed to pass on ${d.proposedOn}${d.transferDueOn ? `, the plan to be transferred by ${d.transferDueOn}` : ''}. ${d.fromOrganisation} stays responsible until the transfer completes.`,
    details: pick(d, ['kind', 'fromOrganisation', 'toOrganisation', 'requestedOn', 'learnedOn', 'proposedOn', 'moveOn', 'transferDueOn', 'adulthoodOn']),
    members: [...member(d.fromOrganisation, transferAgency(d.fromOrganisation, 'other'), 'transferring organisation'), ...member(d.toOrganisation, transferAgency(d.toOrganisation, 'other'), 'receiving organisation')],
  })),
  transfer('transfer.accepted.v1', (d) => ({
    agency: transferAgency(d.organisation, 'other'), title: 'Transfer accepted by the receiving organisation',
    summary: `${d.organisation} accepted on ${d.acceptedOn}${d.transitionAssessedOn ? ` after its transition assessment of ${d.transitionAssessedOn}` : ''}${d.asksLocalAuthorityFor ? `, and asks the local authority for ${d.asksLocalAuthorityFor === 'assessment' ? 'an EHC needs assessment' : 'a review of the plan'} (reg 16(4))` : ''}. The sending organisation stays responsible until it hands over.`,
    details: pick(d, ['organisation', 'acceptedOn', 'transitionAssessedOn', 'asksLocalAuthorityFor']),
  })),
  transfer('transfer.declined.v1', (d) => ({
    agency: transferAgency(d.organisation, 'other'), title: 'Transfer declined by the receiving organisation',
    summary: `${d.organisation} declined on ${d.declinedOn}: ${cut(d.reason)}. The sending organisation stays responsible.`,
    details: { ...pick(d, ['organisation', 'declinedOn']), reason: cut(d.reason) },
  })),
  transfer('transfer.completed.v1', (d) => ({
    agency: transferAgency(d.organisation, 'other'), title: 'Transfer completed: responsibility handed over',
    summary: `${d.organisation} handed over on ${d.completedOn}: from that day the receiving organisation is responsible, with ${d.moved.planId ? 'the plan, ' : ''}${d.moved.adviceIds.length} piece(s) of advice${d.moved.fundingRef ? ' and the funding' : ''}.`,
    details: { ...pick(d, ['organisation', 'completedOn']), ...(d.moved.planId ? { planId: d.moved.planId } : {}), adviceIds: d.moved.adviceIds, ...(d.moved.fundingRef ? { fundingRef: d.moved.fundingRef } : {}) },
  })),
  transfer('transfer.acknowledged.v1', (d) => ({
    agency: transferAgency(d.organisation, 'other'), title: 'Transfer acknowledged by the receiving organisation',
    summary: `${d.organisation} confirmed on ${d.acknowledgedOn} that it holds responsibility, the plan, the advice and the funding.`,
    details: pick(d, ['organisation', 'acknowledgedOn']),
  })),
  transfer('transfer.cancelled.v1', (d) => ({
    agency: transferAgency(d.organisation, 'other'), title: 'Transfer cancelled',
    summary: `${d.organisation} cancelled the transfer on ${d.cancelledOn}: ${cut(d.reason)}. ${d.organisation} stays responsible.`,
    details: { ...pick(d, ['organisation', 'cancelledOn']), reason: cut(d.reason) },
  })),
  transfer('transfer.reassessment-decided.v1', (d) => ({
    agency: LA, title: d.willReassess ? 'The new local authority will reassess' : 'The new local authority will not reassess',
    summary: `${d.organisation} decided on ${d.decidedOn}${d.reviewOn ? `; it will review the plan by ${d.reviewOn}` : ''} (reg 15(4)).`,
    details: pick(d, ['organisation', 'willReassess', 'decidedOn', 'reviewOn']),
  })),
]);

/** Advice its agency keeps from the family: the marker stays in the entry (the family rule reads it), the reason is said to practitioners. */
function withheld(w: WithheldFromFamily | undefined): { note: string; details: Data } {
  if (!w) return { note: '', details: {} };
  return { note: ` Not shared with the family: ${WITHHOLDING_REASON_LABELS[w.reason] ?? w.reason}.`, details: { withheldFromFamily: { reason: w.reason } } };
}

/** The views of the child and family (Section A, reg 6(1)(a)) are the family's contribution, not an agency's advice. */
function adviceKind(adviceType: string): EntryKind {
  return adviceType === 'parent-views' ? 'family-views' : 'advice';
}
function adviceTitle(agency: string, adviceType: string, what: string): string {
  return adviceType === 'parent-views' ? `Views of the child and family ${what}` : `${label(agency)} advice ${what}`;
}

const KIND_HINTS: [RegExp, EntryKind][] = [
  [/advice.*request/, 'advice-requested'], [/advice/, 'advice'], [/request/, 'request'], [/decision|decided/, 'decision'], [/draft/, 'draft'], [/final/, 'final'],
  [/amend/, 'amendment'], [/phase/, 'phase-transfer'], [/transfer/, 'transfer'], [/famil.*(view|response)|views/, 'family-views'], [/setting/, 'setting'],
  [/exception/, 'exception'], [/tribunal|appeal/, 'tribunal'], [/review/, 'review'], [/commissioning/, 'commissioning'], [/cease/, 'ceased'],
];

/** For any type without a builder: a neutral entry that still says what happened, who did it and when. */
export const fallbackEntry: EntryBuilder = (e) => {
  const name = e.type.replace(/\.v\d+$/, '');
  const words = name.split(/[.-]/).filter(Boolean).join(' ');
  const ids = Object.fromEntries(
    Object.entries(e.data ?? {}).filter(([k, v]) => /(Id|At|On|By|Date|agency|decision|status)$/.test(k) && ['string', 'number', 'boolean'].includes(typeof v)),
  );
  return {
    kind: KIND_HINTS.find(([re]) => re.test(name))?.[1] ?? 'other',
    title: words.charAt(0).toUpperCase() + words.slice(1),
    // the type's name stays in the entry's source fields, never in what a reader sees
    summary: `Recorded by ${label(e.actor.agency).toLowerCase()}.`,
    agency: str((e.data ?? {})['agency']) ?? e.actor.agency,
    details: ids,
  };
};

/** The entry an event becomes: its builder's, or the fallback's. */
export function buildEntry(event: ConsumedEvent<Data>): EntryDraft {
  const e = { ...event, data: (event.data ?? {}) as Data };
  const builder = ENTRY_BUILDERS[event.type];
  try {
    return builder ? builder(e) : fallbackEntry(e);
  } catch {
    // a payload that does not match its type's contract still gets an entry (never dropped, never dead-lettered here)
    return fallbackEntry(e);
  }
}
