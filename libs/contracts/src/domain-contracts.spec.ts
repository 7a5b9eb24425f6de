import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import {
  ADVICE_EVENT_TYPES, adviceDecider, type AdviceCommand, type AdviceEvent, type CorrectAdvice, type SubmitAdvice,
} from '@tio/advice-domain';
import {
  ADVICE_TYPES, AGENCIES, CEASE_REASONS, EHC_EVENT_TYPES, REQUEST_SOURCES, addDays, agencyMayGive, ehcCaseDecider, londonDateOf,
  type AdviceType, type Agency, type EhcCommand, type EhcEvent, type IsoDate,
} from '@tio/ehc-domain';
import { TRANSFER_EVENT_TYPES } from '@tio/transfer-domain';
import {
  ADVICE_TOPIC_BY_AGENCY, AMENDMENT_TRIGGERS, InboundAdviceCorrectedV1Dto, InboundAdviceSubmittedV1Dto, PHASE_TRANSFER_KINDS, REVIEW_DECISIONS, TOPICS,
  integrationEvents, type RegisteredEventType,
} from './index';

/*
 * Drift-proofing: the integration contracts of the case and agency services are the domain events as stored. These
 * tests fail when a domain event type is added or removed without its contract, and when the decider produces data
 * that its registered JSON Schema does not accept (a renamed, added or dropped field, a new enum value, a date in
 * another format). Field names and optionality are also checked by the compiler (`shapeOf<T>` in case-events.ts).
 */

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
function validatorFor(type: string): ValidateFunction {
  let v = validators.get(type);
  if (!v) {
    const t = integrationEvents.get(type);
    if (!t) throw new Error(`${type} is not registered: the forwarder would skip it`);
    v = ajv.compile(t.schema);
    validators.set(type, v);
  }
  return v;
}
/** Every event that fails its registered schema, with Ajv's reasons (empty when all are valid). */
function invalidEvents(events: ReadonlyArray<{ type: string; data: unknown }>): Array<{ type: string; errors: string[] }> {
  return events.flatMap((e) => {
    const validate = validatorFor(e.type);
    // as the forwarder publishes it (a family type leaves its personal fields behind)
    const toPayload = integrationEvents.get(e.type)?.toPayload;
    return validate(toPayload ? toPayload(e.data) : e.data) ? [] : [{ type: e.type, errors: (validate.errors ?? []).map((x) => `${x.instancePath || '$'} ${x.message} ${JSON.stringify(x.params)}`) }];
  });
}

const caseTypes = EHC_EVENT_TYPES.map((e) => e.type as string);
const adviceTypes = ADVICE_EVENT_TYPES.map((e) => e.type as string);
const transferTypes = TRANSFER_EVENT_TYPES.map((e) => e.type as string); // drift-tested in events/transfer-events.spec.ts
/** Published without their personal fields (family-contracts.ts). */
const PROJECTED_FAMILY_TYPES = ['ehc.family-member-invited.v1', 'ehc.young-person-rights-recorded.v1'];
const AGENCY_TOPICS = [TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents];

describe('every domain event type is registered, and nothing else is published on its topics', () => {
  it('registers every EHC_EVENT_TYPES entry on tio.case.events.v1 with its summary and regulation', () => {
    for (const info of EHC_EVENT_TYPES) {
      const t = integrationEvents.get(info.type);
      expect({ type: info.type, registered: !!t }).toEqual({ type: info.type, registered: true });
      expect({ type: info.type, topics: t!.topics, direction: t!.direction, summary: t!.summary, regulation: t!.regulation }).toEqual({
        type: info.type, topics: [TOPICS.caseEvents], direction: 'outbound', summary: info.summary, regulation: info.regulation,
      });
      // stored under its own type name, published as itself, unchanged (no mapping) except the family types that
      // leave their personal fields in the case service
      expect(integrationEvents.forStoredType(info.type)).toBe(t);
      expect({ type: info.type, mapped: !!t!.toPayload }).toEqual({ type: info.type, mapped: PROJECTED_FAMILY_TYPES.includes(info.type) });
    }
  });

  it('registers every advice domain event type, routed to the topic of the agency that gave it', () => {
    for (const info of ADVICE_EVENT_TYPES) {
      const t = integrationEvents.get(info.type)!;
      expect({ type: info.type, summary: t?.summary, regulation: t?.regulation }).toEqual({ type: info.type, summary: info.summary, regulation: info.regulation });
      expect(integrationEvents.forStoredType(info.type)).toBe(t);
      expect([...t.topics].sort()).toEqual([...AGENCY_TOPICS, TOPICS.caseEvents].sort());
      expect(t.toPayload).toBeUndefined();
    }
    const route = (agency: string) => integrationEvents.topicOf({ type: 'advice.submitted.v1', data: { agency } });
    expect(AGENCIES.map((a) => [a, route(a)])).toEqual([
      ['local-authority', TOPICS.caseEvents], ['education', TOPICS.educationEvents], ['health', TOPICS.healthEvents],
      ['social-care', TOPICS.socialCareEvents], ['other', TOPICS.caseEvents],
    ]);
    expect(() => route('police')).toThrow(/unknown agency "police"/);
    expect(() => integrationEvents.topicOf({ type: 'advice.withdrawn.v1', data: {} })).toThrow(/unknown agency/);
    expect(Object.keys(ADVICE_TOPIC_BY_AGENCY).sort()).toEqual([...AGENCIES].sort());
  });

  it('publishes nothing on the outbound topics that the domains do not define', () => {
    const outbound = integrationEvents.all().filter((t) => t.direction === 'outbound');
    const strays = outbound.map((t) => t.type).filter((type) => !caseTypes.includes(type) && !adviceTypes.includes(type) && !transferTypes.includes(type));
    expect(strays).toEqual([]);
    const onCaseTopic = outbound.filter((t) => t.topics.includes(TOPICS.caseEvents)).map((t) => t.type).sort();
    expect(onCaseTopic).toEqual([...caseTypes, ...adviceTypes, ...transferTypes].sort());
    for (const topic of AGENCY_TOPICS) expect(outbound.filter((t) => t.topics.includes(topic)).map((t) => t.type).sort()).toEqual([...adviceTypes].sort());
  });

  it('lists the enums of the unions the domain exports without a const array', () => {
    // the compiler checks completeness (allOf<T>); this pins the values the documents show
    expect([AMENDMENT_TRIGGERS, REVIEW_DECISIONS, PHASE_TRANSFER_KINDS].map((a) => a.length)).toEqual([5, 3, 3]);
  });
});

describe('examples', () => {
  it.each(integrationEvents.all().map((t) => [t.type, t] as [string, RegisteredEventType]))('%s: its example is valid (Ajv strict, formats) and routable', (_type, t) => {
    expect(invalidEvents([{ type: t.type, data: t.example }])).toEqual([]);
    expect(t.topics).toContain(integrationEvents.topicOf({ type: t.type, data: t.example }));
  });

  it('every payload schema forbids unknown fields, at every level', () => {
    const open: string[] = [];
    const walk = (s: RegisteredEventType['schema'], path: string) => {
      if (s.type === 'object' && s.additionalProperties !== false) open.push(path);
      for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${path}.${k}`);
      if (s.items) walk(s.items, `${path}[]`);
    };
    for (const t of integrationEvents.all()) walk(t.schema, t.type);
    expect(open).toEqual([]);
  });
});

// ---- real events from the EHC case decider ------------------------------------------------------------------------

/** Runs commands through the real decider, as the case service does, and returns every event it produced. */
function runCase(commands: EhcCommand[]): EhcEvent[] {
  const events: EhcEvent[] = [];
  let state = ehcCaseDecider.initialState();
  for (const command of commands) {
    for (const e of ehcCaseDecider.decide(command, state)) {
      events.push(e);
      state = ehcCaseDecider.evolve(state, e);
    }
  }
  return events;
}

type Body<C> = C extends EhcCommand ? Omit<C, 'caseId' | 'at'> : never;

interface CaseVariation {
  ids: string[];
  /** Shifts every date of the lifecycle (whole days). */
  shift: number;
  source: (typeof REQUEST_SOURCES)[number];
  personRef?: string;
  organisationRef?: string;
  adviserRef?: string;
  extraAdvice: [Agency, AdviceType];
  adviceException: 'exceptional-personal-circumstances' | 'missed-appointment' | 'absent-from-area';
  preferredSettingRef?: string;
  commentsRef?: string;
  canMeetNeeds: boolean;
  namedSettingRef?: string;
  reviewDecision: (typeof REVIEW_DECISIONS)[number];
  phaseKind: (typeof PHASE_TRANSFER_KINDS)[number];
  willReassess: boolean;
  ceaseReason: (typeof CEASE_REASONS)[number];
  sourceCaseId?: string;
}

const BASE: CaseVariation = {
  ids: Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`),
  shift: 0, source: 'school', personRef: 'person-1', organisationRef: 'urn:100001', adviserRef: 'ep-7', extraAdvice: ['health', 'preparing-for-adulthood'],
  adviceException: 'exceptional-personal-circumstances', preferredSettingRef: 'urn:100001', commentsRef: 'doc-1', canMeetNeeds: true,
  namedSettingRef: 'urn:100001', reviewDecision: 'amend', phaseKind: 'school-phase', willReassess: false, ceaseReason: 'left-education-or-training',
  sourceCaseId: 'case-earlier',
};

/** Sections A-K of a draft (reg 12(1)): a need in B met by an outcome in E and provision in F; K lists the education advice. */
const planSections = (adviceId: string) => [
  { section: 'A' as const, text: 'Loves trains; wants to work on the railway.' },
  { section: 'B' as const, items: [{ itemId: 'need-1', text: 'Expressive language delay.' }] },
  { section: 'C' as const, text: 'No health needs relating to SEN.' },
  { section: 'D' as const, text: 'No social care needs identified.' },
  { section: 'E' as const, items: [{ itemId: 'out-1', text: 'Asks for help in short sentences by July.', needIds: ['need-1'] }] },
  { section: 'F' as const, items: [{ itemId: 'prov-1', text: 'Speech and language therapy, 1 hour a week.', needIds: ['need-1'] }] },
  { section: 'G' as const, text: 'None.' },
  { section: 'H1' as const, text: 'None.' },
  { section: 'H2' as const, text: 'None.' },
  { section: 'I' as const, text: 'To be named after the family’s comments.' },
  { section: 'J' as const, text: 'No personal budget asked for yet.' },
  { section: 'K' as const, adviceIds: [adviceId] },
];

/**
 * The full life of a plan: request, exception, decision to assess, advice requested from every agency (and re-used,
 * received, corrected, withdrawn and given again), commissioning body change, draft, family response, setting
 * consulted, final plan, annual review and amendment, phase transfer and amendment, transfer to another LA, cease.
 */
function mainLifecycle(v: CaseVariation): EhcCommand[] {
  const [caseId, asmt, reqEdu, reqMed, reqSc, reqLa, reqExtra, reuse, advEdu, advMed, advSc, advSc2, advLa, advExtra, advReused, exc1, exc2,
    change, plan, consult, review, amend1, phase, amend2, transfer, cessation, notice, mediation, appeal, rea1, asmt2, reqRe, amendRe, rea2, noticeRe] = v.ids;
  const d = (date: IsoDate) => addDays(date, v.shift);
  const at = (date: IsoDate, body: Body<EhcCommand>) => ({ caseId, at: d(date), ...body }) as EhcCommand;
  const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  const [xAgency, xType] = v.extraAdvice;
  return [
    at('2025-01-06', { type: 'ReceiveRequest', childRef: `child-${caseId}`, localAuthority: 'E08000025', source: v.source, requestedBy: { role: 'SENCO', ...opt('personRef', v.personRef), ...opt('organisationRef', v.organisationRef) } }),
    // reg 5(4)(a): advice asked of the school on 8 Jan, inside the window 6 Jan (a week before the closure) .. 8 Feb (a week before re-opening)
    at('2025-01-13', { type: 'RecordException', exceptionId: exc1, limit: 'decision-to-assess', reason: 'school-closure', fromOn: d('2025-01-13'), toOn: d('2025-02-14'), adviceRequestedOn: d('2025-01-08') }),
    at('2025-02-03', { type: 'DecideToAssess', assessmentId: asmt }),
    at('2025-02-04', { type: 'RequestAdvice', adviceRequestId: reqEdu, adviceType: 'educational', agency: 'education', ...opt('adviserRef', v.adviserRef) }),
    at('2025-02-04', { type: 'RequestAdvice', adviceRequestId: reqMed, adviceType: 'medical', agency: 'health' }),
    at('2025-02-04', { type: 'RequestAdvice', adviceRequestId: reqSc, adviceType: 'social-care', agency: 'social-care' }),
    at('2025-02-04', { type: 'RequestAdvice', adviceRequestId: reqLa, adviceType: 'parent-views', agency: 'local-authority' }),
    at('2025-02-05', { type: 'RequestAdvice', adviceRequestId: reqExtra, adviceType: xType, agency: xAgency }),
    // regs 6(1)(g), 6(1)(h), 7, 9: the scope of the advice, the family's request for advice, their consultation and support
    at('2025-02-04', { type: 'RecordAdviceScope', inOrBeyondYear9: false, visionOrHearingImpaired: false }),
    at('2025-02-06', { type: 'RecordFamilyAdviceRequest', familyRequestId: `${caseId}-fr`, adviserRef: 'slt:nhs:RXK:4471', reasonable: false, declineReason: 'advice-already-available' }),
    // issue #21: the family on the case: invited, linked (with the code's digest), one more invited and unlinked; the family ask for advice
    at('2025-01-07', { type: 'InviteFamilyMember', invitationId: `${caseId}-inv`, relationship: 'parent', parentalResponsibility: true, contact: { name: 'Jo Carter', email: 'jo@example.org' }, codeDigest: 'ab'.repeat(32), invitedBy: { userId: 'caseworker-1', organisationId: 'E08000025' } }),
    at('2025-01-08', { type: 'AcceptFamilyInvitation', invitationId: `${caseId}-inv`, codeDigest: 'ab'.repeat(32), subject: 'family-jo' }),
    at('2025-01-08', { type: 'InviteFamilyMember', invitationId: `${caseId}-inv2`, relationship: 'carer', contact: { name: 'Kim Carter', phone: '07700 900123' }, codeDigest: 'cd'.repeat(32), invitedBy: { userId: 'caseworker-1', organisationId: 'E08000025' } }),
    at('2025-01-09', { type: 'AcceptFamilyInvitation', invitationId: `${caseId}-inv2`, codeDigest: 'cd'.repeat(32), subject: 'family-kim' }),
    at('2025-01-10', { type: 'UnlinkFamilyMember', subject: 'family-kim', reason: 'linked-in-error' }),
    at('2025-02-06', { type: 'AskForAdvice', familyRequestId: `${caseId}-fa`, adviser: { name: 'Dr Ann Example', role: 'speech and language therapist' } }),
    at('2025-02-06', { type: 'RecordFamilyAdviceRequest', familyRequestId: `${caseId}-fa`, adviserRef: 'slt:nhs:RXK:4471', reasonable: false, declineReason: 'advice-already-available' }),
    at('2025-02-07', { type: 'RecordFamilyInvolvement', involvementId: `${caseId}-consulted`, kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit' }),
    at('2025-02-07', { type: 'RecordFamilyInvolvement', involvementId: `${caseId}-ias`, kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }),
    // reg 6(1)(f): other advice the LA asked for and, once its 6 weeks were over, went on without (reg 8(1))
    at('2025-02-05', { type: 'RequestAdvice', adviceRequestId: `${caseId}-yot`, adviceType: 'other', agency: 'other' }),
    at('2025-02-10', { type: 'ReuseAdvice', reuseId: reuse, adviceType: 'psychological', agency: 'education', adviceId: advReused, version: 2, ...opt('sourceCaseId', v.sourceCaseId), agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true } }),
    at('2025-02-25', {
      type: 'RecordException', exceptionId: exc2, limit: 'advice', adviceRequestId: reqMed, reason: v.adviceException, fromOn: d('2025-02-24'),
      ...(v.adviceException === 'absent-from-area' ? { toOn: d('2025-03-31') } : v.adviceException === 'missed-appointment' ? {} : { toOn: d('2025-03-07') }),
    }),
    at('2025-03-10', { type: 'RecordAdviceReceived', adviceRequestId: reqEdu, adviceId: advEdu, version: 1, agency: 'education' }),
    at('2025-03-10', { type: 'RecordAdviceReceived', adviceRequestId: reqMed, adviceId: advMed, version: 1, agency: 'health' }),
    at('2025-03-12', { type: 'RecordAdviceReceived', adviceRequestId: reqMed, adviceId: advMed, version: 2, agency: 'health' }),
    at('2025-03-12', { type: 'RecordAdviceReceived', adviceRequestId: reqSc, adviceId: advSc, version: 1, agency: 'social-care' }),
    at('2025-03-13', { type: 'WithdrawAdvice', adviceRequestId: reqSc, adviceId: advSc, reason: 'Written for another child' }),
    at('2025-03-17', { type: 'RecordAdviceReceived', adviceRequestId: reqSc, adviceId: advSc2, version: 1, agency: 'social-care' }),
    at('2025-03-17', { type: 'RecordAdviceReceived', adviceRequestId: reqLa, adviceId: advLa, version: 1, agency: 'local-authority' }),
    at('2025-03-18', { type: 'RecordAdviceReceived', adviceRequestId: reqExtra, adviceId: advExtra, version: 1, agency: xAgency }),
    at('2025-03-20', { type: 'ProceedWithoutAdvice', adviceRequestIds: [`${caseId}-yot`], reason: 'adviser-did-not-respond' }),
    // issue #21: the LA shares the educational advice with the family before the draft (reg 13 shares it all with the draft)
    at('2025-03-21', { type: 'ShareAdviceWithFamily', shareId: `${caseId}-share`, adviceIds: [advEdu], sharedBy: { userId: 'caseworker-1', organisationId: 'E08000025' } }),
    at('2025-03-24', { type: 'ShareAdviceWithFamily', shareId: `${caseId}-share-all`, sharedBy: { userId: 'caseworker-1', organisationId: 'E08000025' } }),
    at('2025-03-20', { type: 'RecordCommissioningBodyChange', changeId: change, newCommissioningBodyRef: 'QOP' }),
    at('2025-03-27', { type: 'NotifyCommissioningBody', changeId: change }),
    // reg 12: the draft's sections A-K (I says no school yet: CFA 2014 s.38(5)); the final plan carries them forward
    at('2025-04-14', { type: 'IssueDraftPlan', planId: plan, contents: { sections: planSections(advEdu) } }),
    at('2025-04-22', { type: 'RecordFamilyResponse', ...opt('preferredSettingRef', v.preferredSettingRef), ...opt('commentsRef', v.commentsRef), meetingRequested: true, comments: 'Please add speech therapy.' }),
    at('2025-04-23', { type: 'ConsultSetting', consultationId: consult, settingRef: v.preferredSettingRef ?? 'urn:100002' }),
    // s.39(2): the school the plan names is consulted before it is named
    ...(v.namedSettingRef !== undefined && v.namedSettingRef !== v.preferredSettingRef ? [at('2025-04-24', { type: 'ConsultSetting', consultationId: `${consult}-named`, settingRef: v.namedSettingRef })] : []),
    at('2025-05-02', { type: 'RecordSettingResponse', consultationId: consult, canMeetNeeds: v.canMeetNeeds }),
    at('2025-05-19', { type: 'IssueFinalPlan', planId: plan, ...opt('namedSettingRef', v.namedSettingRef) }),
    // issue #21: the family ask for an early review; the young person's rights recorded (no date of birth on this case: the LA's record stands)
    at('2025-09-01', { type: 'RequestEarlyReview', earlyReviewRequestId: `${caseId}-er`, requestedBy: 'parent-or-young-person' }),
    // the LA declines it with reasons; a second request is agreed, with its reg 20 review meeting
    at('2025-09-08', { type: 'AnswerEarlyReviewRequest', earlyReviewRequestId: `${caseId}-er`, answer: 'declined', reasons: 'Reviewed in May; nothing has changed.' }),
    at('2025-10-06', { type: 'RequestEarlyReview', earlyReviewRequestId: `${caseId}-er2`, requestedBy: 'institution' }),
    at('2025-10-13', { type: 'AnswerEarlyReviewRequest', earlyReviewRequestId: `${caseId}-er2`, answer: 'agreed', reviewId: `${caseId}-early-review`, meetingOn: d('2025-11-10') }),
    at('2025-09-02', { type: 'RecordYoungPersonRights', holdsRights: false, capacityException: 'Lacks capacity to make decisions about the plan', parentAccess: 'see-and-act' }),
    at('2026-02-02', { type: 'ScheduleReviewMeeting', reviewId: review, meetingOn: d('2026-04-13') }),
    // CFA 2014 s.49; Personal Budgets Regulations 2014: a budget asked for at the review, agreed as a direct payment, reviewed with the plan
    at('2026-02-09', { type: 'RequestPersonalBudget', personalBudgetId: `${caseId}-pb`, requestedBy: 'parent', reviewId: review, directPaymentRequested: true }),
    at('2026-03-02', { type: 'DecidePersonalBudget', personalBudgetId: `${caseId}-pb`, decision: 'agreed', parts: [{ arrangement: 'direct-payment', annualAmountPence: 120000, provisionItemIds: ['prov-1'] }] }),
    at('2026-03-27', { type: 'CirculateReviewPapers', reviewId: review }),
    at('2026-04-13', { type: 'HoldReviewMeeting', reviewId: review }),
    at('2026-04-13', { type: 'ReviewPersonalBudget', personalBudgetId: `${caseId}-pb`, reviewId: review, outcome: 'continued' }),
    at('2026-04-17', { type: 'SubmitReviewReport', reviewId: review }),
    at('2026-04-20', { type: 'MakeReviewDecision', reviewId: review, decision: v.reviewDecision }),
    at('2026-04-20', { type: 'ProposeAmendment', amendmentId: amend1, trigger: 'annual-review', reviewId: review }),
    at('2026-06-01', { type: 'AmendPlan', amendmentId: amend1, ...opt('namedSettingRef', v.namedSettingRef), contents: { sections: [{ section: 'J', text: 'A direct payment of £1,200 a year for speech and language therapy.' }] } }),
    // regs 24-27: a reassessment requested, decided within 15 days, advice under its own assessment, the amended plan within 14 weeks;
    // then a second request refused and notified with its appeal rights (s.51(2)(d))
    at('2026-06-08', { type: 'RequestReassessment', reassessmentId: rea1, requestedBy: 'institution' }),
    at('2026-06-15', { type: 'DecideOnReassessment', reassessmentId: rea1, decision: 'reassess', assessmentId: asmt2 }),
    at('2026-06-16', { type: 'RequestAdvice', adviceRequestId: reqRe, adviceType: 'educational', agency: 'education' }),
    at('2026-07-06', { type: 'ProposeAmendment', amendmentId: amendRe, trigger: 'reassessment', reassessmentId: rea1 }),
    at('2026-07-27', { type: 'AmendPlan', amendmentId: amendRe }),
    at('2026-08-03', { type: 'RequestReassessment', reassessmentId: rea2, requestedBy: 'parent-or-young-person' }),
    at('2026-08-14', { type: 'DecideOnReassessment', reassessmentId: rea2, decision: 'not-reassess' }),
    at('2026-08-14', { type: 'NotifyAppealRights', noticeId: noticeRe, decision: 'not-to-reassess', reassessmentId: rea2, includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    at('2026-09-07', { type: 'SchedulePhaseTransfer', phaseTransferId: phase, kind: v.phaseKind, transferOn: d('2027-09-01') }),
    at('2026-10-05', { type: 'ProposeAmendment', amendmentId: amend2, trigger: 'phase-transfer', phaseTransferId: phase }),
    at('2026-12-01', { type: 'AmendPlan', amendmentId: amend2 }),
    // reg 28 / 22(4): amendments proposed outside a review, then not made after all
    at('2027-01-11', { type: 'ProposeAmendment', amendmentId: `${amend2}-withdrawn`, trigger: 'change-of-circumstances' }),
    at('2027-02-01', { type: 'DecideNotToAmend', amendmentId: `${amend2}-withdrawn` }),
    at('2027-03-01', { type: 'NotifyTransfer', transferId: transfer, toLocalAuthority: 'E08000026', moveOn: d('2027-03-12') }),
    at('2027-03-12', { type: 'TransferPlan', transferId: transfer }),
    at('2027-04-09', { type: 'DecideReassessmentAfterTransfer', transferId: transfer, willReassess: v.willReassess }),
    // regs 29-31: proposal, consultation, decision with its notice; mediation (regs 33-39); the appeal dismissed, then the plan ceases
    at('2027-04-12', { type: 'ProposeCessation', cessationId: cessation, reason: v.ceaseReason }),
    at('2027-04-13', { type: 'RecordCessationConsultation', cessationId: cessation, consultee: 'parent-or-young-person' }),
    at('2027-04-14', { type: 'RecordCessationConsultation', cessationId: cessation, consultee: 'institution', ...opt('institutionRef', v.namedSettingRef) }),
    at('2027-04-26', { type: 'DecideToCease', cessationId: cessation }),
    at('2027-04-26', { type: 'NotifyAppealRights', noticeId: notice, decision: 'cease', cessationId: cessation, includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    at('2027-05-03', { type: 'RecordMediationDecision', mediationId: mediation, noticeId: notice, adviceGivenOn: d('2027-04-30'), choice: 'mediate' }),
    at('2027-05-20', { type: 'RecordMediationHeld', mediationId: mediation, outcome: 'no-agreement' }),
    at('2027-05-21', { type: 'IssueMediationCertificate', mediationId: mediation }),
    at('2027-06-01', { type: 'RegisterAppeal', appealId: appeal, noticeId: notice, hearingOn: d('2027-07-19') }),
    at('2027-07-26', { type: 'DecideAppeal', appealId: appeal, outcome: 'dismissed', hearingOn: d('2027-07-19') }),
    at('2027-07-30', { type: 'CeasePlan', reason: v.ceaseReason }),
  ];
}

/** Refused, appealed and ordered: not to assess -> tribunal -> assess -> move to another LA -> not to issue -> tribunal -> plan -> amend. */
function tribunalLifecycle(ids: string[]): EhcCommand[] {
  const [caseId, asmt, req, plan, o1, o2, o3, amend, exc, moved] = ids;
  const at = (date: IsoDate, body: Body<EhcCommand>) => ({ caseId, at: date, ...body }) as EhcCommand;
  return [
    at('2025-01-06', {
      type: 'ReceiveRequest', childRef: 'child-2', localAuthority: 'E09000033', source: 'young-person', requestedBy: { role: 'young person' },
      child: { dateOfBirth: '2008-05-17', name: 'Alex Example', nhsNumber: '9434765919' },
    }),
    at('2025-02-14', { type: 'DecideNotToAssess' }),
    at('2025-06-16', { type: 'RecordTribunalOrder', orderId: o1, regulation: 'reg 44', kind: 'assess' }),
    at('2025-06-30', { type: 'DecideToAssess', assessmentId: asmt }),
    at('2025-07-01', { type: 'RequestAdvice', adviceRequestId: req, adviceType: 'educational', agency: 'education' }),
    at('2025-07-14', { type: 'TransferAssessment', transferId: moved, toLocalAuthority: 'E09000022' }),
    at('2025-07-21', { type: 'RecordException', exceptionId: exc, limit: 'decision-whether-to-issue', reason: 'absent-from-area', fromOn: '2025-07-21', toOn: '2025-08-31' }),
    at('2025-09-29', { type: 'DecideNotToIssue' }),
    at('2026-01-12', { type: 'RecordTribunalOrder', orderId: o2, regulation: 'reg 45', kind: 'make-plan' }),
    at('2026-01-19', { type: 'IssueDraftPlan', planId: plan }),
    at('2026-02-09', { type: 'IssueFinalPlan', planId: plan }),
    at('2026-06-01', { type: 'RecordTribunalOrder', orderId: o3, regulation: 'reg 44', kind: 'amend-plan' }),
    at('2026-06-08', { type: 'ProposeAmendment', amendmentId: amend, trigger: 'tribunal-order', tribunalOrderId: o3 }),
    at('2026-07-13', { type: 'AmendPlan', amendmentId: amend }),
    // regs 29-31: proposed, consulted, decided and notified on 14 Jul 2026; ceased after the 2 months for appealing
    at('2026-07-14', { type: 'ProposeCessation', cessationId: `${caseId}-ces`, reason: 'moved-outside-england' }),
    at('2026-07-14', { type: 'RecordCessationConsultation', cessationId: `${caseId}-ces`, consultee: 'parent-or-young-person' }),
    at('2026-07-14', { type: 'RecordCessationConsultation', cessationId: `${caseId}-ces`, consultee: 'institution' }),
    at('2026-07-14', { type: 'DecideToCease', cessationId: `${caseId}-ces` }),
    at('2026-07-14', { type: 'NotifyAppealRights', noticeId: `${caseId}-ces-notice`, decision: 'cease', cessationId: `${caseId}-ces`, includes: { rightOfAppeal: true, mediation: true, disagreementResolution: true, informationAdviceSupport: true } }),
    at('2026-09-15', { type: 'CeasePlan' }),
    at('2057-01-07', { type: 'RecordPersonalDataErasure', erasureId: 'tribunal-erasure', ground: 'retention-period-ended' }),
  ];
}

describe('real events from the EHC case decider validate against their registered schemas', () => {
  const main = runCase(mainLifecycle(BASE));
  const tribunal = runCase(tribunalLifecycle(Array.from({ length: 10 }, (_, i) => `tribunal-${i}`)));

  it('the lifecycles produce every EHC case event type (extend them when the domain adds one)', () => {
    const produced = new Set([...main, ...tribunal].map((e) => e.type));
    expect(caseTypes.filter((t) => !produced.has(t as EhcEvent['type']))).toEqual([]);
    expect(main.length).toBeGreaterThan(35);
  });

  it('request -> assess -> advice -> draft -> family -> setting -> final plan -> review -> amend -> phase transfer -> LA transfer -> cease', () => {
    expect(invalidEvents(main)).toEqual([]);
  });

  it('refusal -> tribunal order -> assessment -> move to another LA mid-assessment -> decision not to issue -> tribunal order -> plan -> amendment', () => {
    expect(invalidEvents(tribunal)).toEqual([]);
  });

  it('every produced event goes to the case topic', () => {
    expect([...new Set([...main, ...tribunal].map((e) => integrationEvents.topicOf(e)))]).toEqual([TOPICS.caseEvents]);
  });

  it('property: the lifecycle with arbitrary ids, dates, optional fields and enum values still validates', () => {
    // Known ehc-domain bug (found by this test): the decider's duplicate-id check reads `state.<record>[id]` on plain
    // objects, so an id equal to an Object.prototype member ("constructor", "toString", ...) is reported as already
    // used. Not a contract matter; such ids are left out until the domain uses Object.hasOwn / Maps.
    const nonBlank = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !(s in Object.prototype));
    const ids = fc.uniqueArray(fc.oneof(fc.uuid(), nonBlank), { minLength: 35, maxLength: 35 });
    const allowedPairs = AGENCIES.flatMap((a) => ADVICE_TYPES.filter((t) => agencyMayGive(a, t)).map((t) => [a, t] as [Agency, AdviceType]))
      // one request per agency and type: these four are already asked for in the lifecycle
      .filter(([a, t]) => !['education/educational', 'health/medical', 'social-care/social-care', 'local-authority/parent-views'].includes(`${a}/${t}`))
      // reg 6(4): re-used psychological advice from education may not be asked for again
      .filter(([a, t]) => !(a === 'education' && t === 'psychological'));
    const variation: fc.Arbitrary<CaseVariation> = fc.record({
      ids,
      shift: fc.integer({ min: -365, max: 700 }),
      source: fc.constantFrom(...REQUEST_SOURCES),
      personRef: fc.option(fc.string(), { nil: undefined }),
      organisationRef: fc.option(fc.string(), { nil: undefined }),
      adviserRef: fc.option(nonBlank, { nil: undefined }),
      extraAdvice: fc.constantFrom(...allowedPairs),
      adviceException: fc.constantFrom('exceptional-personal-circumstances' as const, 'missed-appointment' as const, 'absent-from-area' as const),
      preferredSettingRef: fc.option(nonBlank, { nil: undefined }),
      commentsRef: fc.option(nonBlank, { nil: undefined }),
      canMeetNeeds: fc.boolean(),
      namedSettingRef: fc.option(nonBlank, { nil: undefined }),
      reviewDecision: fc.constantFrom(...REVIEW_DECISIONS),
      phaseKind: fc.constantFrom(...PHASE_TRANSFER_KINDS),
      willReassess: fc.boolean(),
      ceaseReason: fc.constantFrom(...CEASE_REASONS),
      sourceCaseId: fc.option(nonBlank, { nil: undefined }),
    });
    fc.assert(
      fc.property(variation, (v) => {
        const events = runCase(mainLifecycle(v));
        expect(events.length).toBeGreaterThan(35);
        expect(invalidEvents(events)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

// ---- real events from the advice decider --------------------------------------------------------------------------

function runAdvice(commands: AdviceCommand[]): AdviceEvent[] {
  const events: AdviceEvent[] = [];
  let state = adviceDecider.initialState();
  for (const command of commands) {
    for (const e of adviceDecider.decide(command, state)) {
      events.push(e);
      state = adviceDecider.evolve(state, e);
    }
  }
  return events;
}

describe('real events from the advice decider validate and are routed to their agency topic', () => {
  const lifecycle = (agency: Agency, adviceType: AdviceType, o: { sections: { heading: string; text: string }[]; citations?: { adviceId: string; version?: number; agency?: Agency }[]; organisationRef?: string; ids: string[] }): AdviceCommand[] => {
    const [caseId, assessmentId, adviceRequestId, adviceId, adviceId2] = o.ids;
    const key = { caseId, assessmentId, agency, adviceType };
    const by = { userRef: 'user-1', ...(o.organisationRef === undefined ? {} : { organisationRef: o.organisationRef }) };
    const request = { ...key, adviceRequestId };
    return [
      { type: 'SubmitAdvice', ...key, idempotencyKey: 'k1', at: '2025-03-01', by, adviceId, request, sections: o.sections, ...(o.citations ? { citations: o.citations } : {}) },
      { type: 'CorrectAdvice', ...key, idempotencyKey: 'k2', at: '2025-03-05', by: { userRef: 'user-2' }, correctsVersion: 1, reason: 'Wrong inhaler named', sections: [...o.sections, { heading: 'Correction', text: 'Blue reliever inhaler.' }] },
      { type: 'WithdrawAdvice', ...key, idempotencyKey: 'k3', at: '2025-03-07', by, reason: 'Given for the wrong child' },
      { type: 'SubmitAdvice', ...key, idempotencyKey: 'k4', at: '2025-03-10', by, adviceId: adviceId2, request, sections: o.sections },
    ];
  };

  it('submit -> correct -> withdraw -> submit again, for every agency and advice type it may give', () => {
    const all: AdviceEvent[] = [];
    for (const agency of AGENCIES) for (const adviceType of ADVICE_TYPES.filter((t) => agencyMayGive(agency, t))) {
      const events = runAdvice(lifecycle(agency, adviceType, { sections: [{ heading: 'Needs', text: 'Asthma.' }], citations: [{ adviceId: 'ep-7', version: 2, agency: 'education' }], organisationRef: 'org-1', ids: ['c', 'a', 'r', 'adv-1', 'adv-2'] }));
      expect(events.map((e) => e.type)).toEqual(['advice.submitted.v1', 'advice.corrected.v1', 'advice.withdrawn.v1', 'advice.submitted.v1']);
      expect(events.map((e) => integrationEvents.topicOf(e))).toEqual(Array(4).fill(ADVICE_TOPIC_BY_AGENCY[agency]));
      all.push(...events);
    }
    expect(invalidEvents(all)).toEqual([]);
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(adviceTypes));
  });

  it('property: arbitrary sections, citations, refs and ids still validate', () => {
    const nonBlank = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '');
    const section = fc.record({ heading: nonBlank, text: fc.string({ maxLength: 200 }) });
    const citation = fc.record({ adviceId: nonBlank, version: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), agency: fc.option(fc.constantFrom(...AGENCIES), { nil: undefined }) })
      .map((c) => Object.fromEntries(Object.entries(c).filter(([, x]) => x !== undefined)) as { adviceId: string; version?: number; agency?: Agency });
    const pair = fc.constantFrom(...AGENCIES.flatMap((a) => ADVICE_TYPES.filter((t) => agencyMayGive(a, t)).map((t) => [a, t] as [Agency, AdviceType])));
    fc.assert(
      fc.property(
        pair, fc.array(section, { minLength: 1, maxLength: 4 }), fc.uniqueArray(citation, { selector: (c) => c.adviceId, maxLength: 3 }),
        fc.option(fc.string(), { nil: undefined }), fc.uniqueArray(fc.oneof(fc.uuid(), nonBlank), { minLength: 5, maxLength: 5 }),
        ([agency, adviceType], sections, citations, organisationRef, ids) => {
          fc.pre(!citations.some((c) => c.adviceId === ids[3] || c.adviceId === ids[4]));
          const events = runAdvice(lifecycle(agency, adviceType, { sections, citations, organisationRef, ids }));
          expect(events).toHaveLength(4);
          expect(invalidEvents(events)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- inbound advice and the advice commands -----------------------------------------------------------------------

describe('inbound agency advice matches its DTO and maps onto the advice commands', () => {
  const dtoProperties = (dto: new () => object) =>
    [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();

  it.each(integrationEvents.all().filter((t) => t.direction === 'inbound').map((t) => [t.type, t] as [string, RegisteredEventType]))(
    '%s: the JSON Schema and the class-validator DTO name the same fields, and the example passes both',
    (_type, t) => {
      expect(t.dto).toBeDefined();
      expect(Object.keys(t.schema.properties ?? {}).sort()).toEqual(dtoProperties(t.dto!));
      const errors = validateSync(plainToInstance(t.dto!, t.example), { whitelist: true, forbidNonWhitelisted: true });
      expect(errors).toEqual([]);
    },
  );

  it('an inbound submission and correction, mapped as documented, are accepted by the advice decider', () => {
    const submitted = integrationEvents.get('health.advice-submitted.v1')!.example as InboundAdviceSubmittedV1Dto;
    const corrected = integrationEvents.get('health.advice-corrected.v1')!.example as InboundAdviceCorrectedV1Dto;
    const request = { caseId: submitted.caseId, assessmentId: 'asmt-1', adviceRequestId: submitted.adviceRequestId, agency: 'health' as Agency, adviceType: 'medical' as AdviceType };
    const key = { caseId: request.caseId, assessmentId: request.assessmentId, agency: request.agency, adviceType: request.adviceType };
    const submit: SubmitAdvice = {
      type: 'SubmitAdvice', ...key, idempotencyKey: submitted.externalReference, at: londonDateOf(submitted.submittedAt),
      by: { userRef: submitted.authorRef ?? 'ce_actoruserid' }, adviceId: 'adv-1', request, sections: submitted.sections, citations: submitted.citations ?? [],
    };
    const correct: CorrectAdvice = {
      type: 'CorrectAdvice', ...key, idempotencyKey: `${corrected.externalReference}/${corrected.correctionReference}`, at: londonDateOf(corrected.correctedAt),
      by: { userRef: corrected.authorRef }, correctsVersion: corrected.correctsVersion, reason: corrected.reason, sections: corrected.sections, citations: corrected.citations ?? [],
    };
    const events = runAdvice([submit, correct]);
    expect(events.map((e) => e.type)).toEqual(['advice.submitted.v1', 'advice.corrected.v1']);
    expect(invalidEvents(events)).toEqual([]);
  });
});
