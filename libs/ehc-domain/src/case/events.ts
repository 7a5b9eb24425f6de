import type { IsoDate, PhaseTransferKind } from '../calendar';
import type { ErasureGround } from '@tio/kernel';
import type { AdviceType, Agency } from './advice-types';
import {
  ASSESSMENT_ADVICE_EVENT_TYPES, type AdviceNotAwaitedV1, type AdviceScopeRecordedV1, type FamilyAdviceRequestRecordedV1, type FamilyInvolvementRecordedV1,
} from './assessment-advice-events';
import { PLAN_AND_BUDGET_EVENT_TYPES, type PlanAndBudgetEventDataMap } from './plan-events';
import { FAMILY_EVENT_TYPES, type FamilyEventDataMap } from './family-events';

/**
 * The EHC case stream's events. Names are namespaced and versioned (`ehc.<fact>.v<n>`); once published, a version's
 * data may only gain optional fields. Events carry ids, never personal details: the child is an opaque `childRef`,
 * settings, people and organisations are references. All dates are calendar dates (`YYYY-MM-DD`) of the fact.
 */

export const REQUEST_SOURCES = ['parent', 'young-person', 'school', 'other'] as const;
/** Who asked for the assessment (reg 3; CoP 9.8-9.16); SEN2 reports requests by source. */
export type RequestSource = (typeof REQUEST_SOURCES)[number];

export const EXCEPTION_LIMITS = ['decision-to-assess', 'advice', 'decision-whether-to-issue', 'final-plan', 'tribunal'] as const;
/** Which statutory limit an exception lifts: reg 5(4), reg 8(2), reg 10(4), reg 13(3); `tribunal`: the limits of one tribunal order, reg 44(3) (and reg 45). */
export type ExceptionLimit = (typeof EXCEPTION_LIMITS)[number];

export const EXCEPTION_REASONS = ['school-closure', 'exceptional-personal-circumstances', 'absent-from-area', 'missed-appointment'] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const CLOSED_SETTINGS = ['school-or-post-16', 'early-years'] as const;
/** The setting whose closure a school-closure exception relies on: reg 5(4)(a), 10(4)(a)/13(3)(a) school or post-16; 10(4)(b)/13(3)(b) early years. */
export type ClosedSetting = (typeof CLOSED_SETTINGS)[number];

export const TRIBUNAL_ORDER_KINDS = ['assess', 'make-plan', 'amend-plan', 'amend-placement', 'continue-to-maintain', 'cease'] as const;
/**
 * What the First-tier Tribunal (SEND) ordered (reg 44; reg 45 where the LA did not oppose the appeal): assess, make a
 * plan, amend it (`amend-plan`), amend only the school or placement named (`amend-placement`: 2 weeks), continue to
 * maintain it (at once; restores a ceased plan) or, dismissing an appeal against a decision to cease, cease it (at once).
 */
export type TribunalOrderKind = (typeof TRIBUNAL_ORDER_KINDS)[number];

export const CEASE_REASONS = ['needs-met-without-plan', 'left-education-or-training', 'moved-outside-england', 'transferred-to-another-la', 'other'] as const;
export type CeaseReason = (typeof CEASE_REASONS)[number];

export const ASSESSMENT_TRANSFER_CLOCKS = ['from-transfer', 'from-original-request'] as const;
/**
 * How the time limits run after an assessment moves to another LA: `from-transfer` — the new LA is treated as having
 * received the request on the day of the transfer (the 16- and 20-week limits restart from it; the default);
 * `from-original-request` — the new LA keeps the dates counted from the original request.
 */
export type AssessmentTransferClock = (typeof ASSESSMENT_TRANSFER_CLOCKS)[number];

export const TRIBUNAL_ORDER_REGULATIONS = ['reg 44', 'reg 45'] as const;
/** reg 44: the Tribunal's order after an appeal; reg 45: the LA did not oppose the appeal (no order is made). */
export type TribunalOrderRegulation = (typeof TRIBUNAL_ORDER_REGULATIONS)[number];

export const AMENDMENT_TRIGGERS = ['annual-review', 'phase-transfer', 'tribunal-order', 'change-of-circumstances', 'reassessment'] as const;
/** Why the plan is being amended; `reassessment`: the amended plan that finishes a reassessment (reg 27). */
export type AmendmentTrigger = (typeof AMENDMENT_TRIGGERS)[number];

export const REVIEW_DECISIONS = ['maintain', 'amend', 'cease'] as const;
/** The LA's decision after an annual review (reg 20(10) / 21). */
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * The child's personal details, where the process needs them (retention runs from the date of birth; the NHS number
 * is the identifier health and care bodies share records by). Personal data: the services store these fields only
 * encrypted with the case's key (`@tio/personal-data`), and after erasure they read as "[erased]".
 */
export interface ChildDetails {
  dateOfBirth: IsoDate;
  name?: string;
  /** 10 digits, with its modulus 11 check digit. */
  nhsNumber?: string;
}

/** Why a case's personal data was erased: at the data subject's request, or because its retention period ended. */
export { ERASURE_GROUNDS, type ErasureGround } from '@tio/kernel';

export interface PersonalDataErasedV1 {
  caseId: string;
  erasureId: string;
  erasedOn: IsoDate;
  ground: ErasureGround;
}

export interface RequestReceivedV1 {
  caseId: string;
  childRef: string;
  /** The child's personal details (optional; stored encrypted). */
  child?: ChildDetails;
  /** GSS code of the responsible local authority. */
  localAuthority: string;
  source: RequestSource;
  /** Who made the request: their role (e.g. "SENCO", "paediatrician") and optional opaque references. */
  requestedBy: { role: string; personRef?: string; organisationRef?: string };
  receivedOn: IsoDate;
}
export const ASSESSMENT_DECISIONS = ['assess', 'not-assess'] as const;
/** reg 5(1): the LA's decision whether to carry out an EHC needs assessment. */
export type AssessmentDecision = (typeof ASSESSMENT_DECISIONS)[number];

export interface DecisionToAssessV1 {
  caseId: string;
  decision: AssessmentDecision;
  /** The EHC needs assessment (set when the decision is to assess). */
  assessmentId?: string;
  decidedOn: IsoDate;
  /** When the decision complies with a tribunal order (reg 44/45). */
  tribunalOrderId?: string;
}
export interface AdviceRequestedV1 {
  caseId: string;
  assessmentId: string;
  adviceRequestId: string;
  adviceType: AdviceType;
  agency: Agency;
  adviserRef?: string;
  requestedOn: IsoDate;
  /** reg 8(1): 6 weeks from the request for advice. */
  dueOn: IsoDate;
}
export interface AdviceReceivedV1 {
  caseId: string;
  assessmentId: string;
  adviceRequestId: string;
  adviceId: string;
  version: number;
  agency: Agency;
  adviceType: AdviceType;
  receivedOn: IsoDate;
  /**
   * Present (true) when the agency keeps this version from the family (never shown, named or counted to them); the
   * latest version decides, so a correction can withhold advice or release it. Absent: not withheld.
   */
  withheldFromFamily?: true;
}
export interface AdviceReusedV1 {
  caseId: string;
  assessmentId: string;
  reuseId: string;
  adviceType: AdviceType;
  agency: Agency;
  adviceId: string;
  version: number;
  /** The open request this re-use answers, if one had been made. */
  adviceRequestId?: string;
  /** The earlier case/assessment the advice was given for, if not this one. */
  sourceCaseId?: string;
  /** reg 6(4): the adviser, the LA and the parent/young person are all satisfied the advice is sufficient. */
  agreement: { adviser: true; localAuthority: true; parentOrYoungPerson: true };
  agreedOn: IsoDate;
}
export interface AdviceWithdrawnV1 {
  caseId: string;
  adviceRequestId: string;
  adviceId: string;
  withdrawnOn: IsoDate;
  reason: string;
}
export interface DecisionNotToIssueV1 {
  caseId: string;
  decidedOn: IsoDate;
}
export interface DraftPlanIssuedV1 {
  caseId: string;
  planId: string;
  issuedOn: IsoDate;
  /** reg 13(1): at least 15 days for the parent/young person to comment and ask for a school. */
  commentsDueOn: IsoDate;
  tribunalOrderId?: string;
}
export interface FamilyResponseReceivedV1 {
  caseId: string;
  planId: string;
  receivedOn: IsoDate;
  /** The school or setting the parent/young person asks to be named (reg 13; s.38 CFA 2014). */
  preferredSettingRef?: string;
  /** Reference to the comments document (held by the case service, not in the event). */
  commentsRef?: string;
  /** reg 13(1): the family said they have nothing more to say, so the final plan may follow before their 15 days end. */
  nothingMoreToSay?: boolean;
  /** The family asked to meet an officer of the LA to discuss the draft (CoP 9.78). */
  meetingRequested?: boolean;
  /** The family's comments on the draft in their own words (personal data: stored and published only encrypted). */
  comments?: string;
}
export interface SettingConsultedV1 {
  caseId: string;
  consultationId: string;
  settingRef: string;
  consultedOn: IsoDate;
  /**
   * The response is *expected by* this day (15 days beginning with the consultation, Code of Practice 9.79). An
   * expectation, not a statutory limit: s.39(4) is the "unsuitable / incompatible" test for naming the school.
   */
  responseDueOn: IsoDate;
}
export interface SettingRespondedV1 {
  caseId: string;
  consultationId: string;
  respondedOn: IsoDate;
  canMeetNeeds: boolean;
}
export interface FinalPlanIssuedV1 {
  caseId: string;
  planId: string;
  issuedOn: IsoDate;
  namedSettingRef?: string;
  tribunalOrderId?: string;
}
export interface AmendmentProposedV1 {
  caseId: string;
  amendmentId: string;
  trigger: AmendmentTrigger;
  proposedOn: IsoDate;
  /** reg 22(2): at least 15 days to comment. */
  commentsDueOn: IsoDate;
  /**
   * reg 22(3) / 28: the amended plan within 8 weeks of the proposals; after a review, no later than 12 weeks after the
   * meeting (R (L) v Devon CC [2022] EWHC 493 (Admin): the proposals go with the 4-week decision).
   */
  amendedPlanDueOn: IsoDate;
  reviewId?: string;
  phaseTransferId?: string;
  /** The reassessment this amendment finishes (reg 27): the amended plan is then due by the reassessment's 14 weeks. */
  reassessmentId?: string;
  tribunalOrderId?: string;
}
/** reg 22(4) / 28: after proposing amendments the LA decided not to amend the plan after all (appealable). */
export interface DecisionNotToAmendV1 {
  caseId: string;
  amendmentId: string;
  decidedOn: IsoDate;
}
export interface PlanAmendedV1 {
  caseId: string;
  amendmentId: string;
  amendedOn: IsoDate;
  namedSettingRef?: string;
}
export interface ReviewMeetingScheduledV1 {
  caseId: string;
  reviewId: string;
  scheduledOn: IsoDate;
  meetingOn: IsoDate;
  /** reg 20(4)/21: advice and papers to everyone invited at least 2 weeks before the meeting. */
  papersDueOn: IsoDate;
}
export interface ReviewPapersCirculatedV1 {
  caseId: string;
  reviewId: string;
  circulatedOn: IsoDate;
}
export interface ReviewMeetingHeldV1 {
  caseId: string;
  reviewId: string;
  heldOn: IsoDate;
}
export interface ReviewReportSubmittedV1 {
  caseId: string;
  reviewId: string;
  submittedOn: IsoDate;
}
export interface ReviewDecisionMadeV1 {
  caseId: string;
  reviewId: string;
  decision: ReviewDecision;
  decidedOn: IsoDate;
}
export interface PhaseTransferScheduledV1 {
  caseId: string;
  phaseTransferId: string;
  kind: PhaseTransferKind;
  scheduledOn: IsoDate;
  transferOn: IsoDate;
  /** reg 18(1): the last day to amend: before 15 February (14 Feb) / before 31 March (30 Mar) of the year of transfer, or 5 months before a post-16 move. */
  amendDueOn: IsoDate;
}
export interface PlanCeasedV1 {
  caseId: string;
  ceasedOn: IsoDate;
  reason: CeaseReason;
  /** The cessation (proposal, consultation, decision: regs 29-31) this carries out; absent on a direct cessation (e.g. a tribunal order to cease). */
  cessationId?: string;
}

export const APPEALABLE_DECISIONS = ['not-to-assess', 'not-to-issue', 'plan-contents', 'not-to-amend', 'cease', 'not-to-reassess'] as const;
/**
 * The decisions a parent or young person may appeal to the First-tier Tribunal (CFA 2014 s.51): not to assess (reg
 * 5(3)), not to issue a plan (reg 10(3)), the contents of a final (reg 14) or amended plan, not to amend (reg 22(4)),
 * to cease (reg 31), not to reassess (s.51(2)(d); reg 25).
 */
export type AppealableDecision = (typeof APPEALABLE_DECISIONS)[number];

export const MEDIATION_CHOICES = ['mediate', 'not-mediate'] as const;
export type MediationChoice = (typeof MEDIATION_CHOICES)[number];
export const MEDIATION_OUTCOMES = ['agreement', 'partial-agreement', 'no-agreement'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];
export const APPEAL_OUTCOMES = ['allowed', 'dismissed', 'withdrawn', 'conceded'] as const;
/** `allowed` / `conceded` (the LA did not oppose, reg 45): the family's appeal succeeds; `dismissed` / `withdrawn`: the decision stands. */
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
export const CESSATION_CONSULTEES = ['parent-or-young-person', 'institution'] as const;
export type CessationConsultee = (typeof CESSATION_CONSULTEES)[number];

/**
 * The notice of an appealable decision told the family of the right of appeal, the requirement to consider mediation
 * before appealing, the disagreement resolution arrangements and the information, advice and support service (regs
 * 5(3), 10(3), 14, 22(4), 31; CFA 2014 s.51-55).
 */
export interface AppealRightsNotifiedV1 {
  caseId: string;
  noticeId: string;
  decision: AppealableDecision;
  /** The day of the decision the notice is for. */
  decidedOn: IsoDate;
  notifiedOn: IsoDate;
  /** The amendment (plan-contents of an amended plan; not-to-amend), cessation (cease) or reassessment (not-to-reassess) the decision belongs to. */
  amendmentId?: string;
  cessationId?: string;
  reassessmentId?: string;
  includes: { rightOfAppeal: true; mediation: true; disagreementResolution: true; informationAdviceSupport: true };
  /** The appeal window's end without mediation: 2 months from the decision (Tribunal Procedure Rules r.20). */
  appealDueOn: IsoDate;
}
/** The family, advised by the mediation adviser, chose whether to mediate (CFA 2014 s.55; regs 32-35). */
export interface MediationDecidedV1 {
  caseId: string;
  mediationId: string;
  noticeId: string;
  /** The day the mediation adviser gave the family information and advice about mediation. */
  adviceGivenOn: IsoDate;
  choice: MediationChoice;
  /** The day the family told the mediation adviser (not-mediate) or the LA (mediate) what they chose. */
  decidedOn: IsoDate;
  /** not-mediate: the mediation adviser's certificate within 3 working days (reg 33). */
  certificateDueOn?: IsoDate;
  /** mediate: the mediation held within 30 days of the LA being told (reg 37). */
  mediationDueOn?: IsoDate;
}
export interface MediationHeldV1 {
  caseId: string;
  mediationId: string;
  heldOn: IsoDate;
  outcome: MediationOutcome;
  /** The mediator's certificate within 3 working days of the mediation (reg 39). */
  certificateDueOn: IsoDate;
}
export interface MediationCertificateIssuedV1 {
  caseId: string;
  mediationId: string;
  issuedOn: IsoDate;
  /** The appeal window's end: 2 months from the decision or 1 month from the certificate, whichever is later (Tribunal Procedure Rules r.20). */
  appealDueOn: IsoDate;
}
export interface AppealRegisteredV1 {
  caseId: string;
  appealId: string;
  noticeId: string;
  decision: AppealableDecision;
  registeredOn: IsoDate;
  /** The end of the appeal window that applied (r.20); a later registration is out of time (the Tribunal may still admit it). */
  appealDueOn: IsoDate;
  inTime: boolean;
  hearingOn?: IsoDate;
}
export interface AppealDecidedV1 {
  caseId: string;
  appealId: string;
  decidedOn: IsoDate;
  outcome: AppealOutcome;
  /** The day of the hearing (absent for a decision on the papers, a withdrawal or a concession). */
  hearingOn?: IsoDate;
}
/** reg 29(1)-(2): the LA is considering ceasing to maintain the plan and tells the family. */
export interface CessationProposedV1 {
  caseId: string;
  cessationId: string;
  proposedOn: IsoDate;
  reason: CeaseReason;
}
/** reg 29(2)-(3) / 30: the LA consulted the parent or young person, or the head or principal of the institution named. */
export interface CessationConsultedV1 {
  caseId: string;
  cessationId: string;
  consultee: CessationConsultee;
  consultedOn: IsoDate;
  institutionRef?: string;
}
/** reg 31: the LA decided to cease; notified with the right of appeal. The plan is maintained while an appeal is pending. */
export interface DecisionToCeaseV1 {
  caseId: string;
  cessationId: string;
  decidedOn: IsoDate;
  reason: CeaseReason;
}
export const REASSESSMENT_REQUESTERS = ['parent-or-young-person', 'institution', 'commissioning-body', 'local-authority'] as const;
/**
 * Who asked for a reassessment (CFA 2014 s.44(2)): the parent or young person, the institution attended, the NHS
 * commissioning body; `local-authority`: the LA thinks one necessary of its own motion (s.44(3)).
 */
export type ReassessmentRequester = (typeof REASSESSMENT_REQUESTERS)[number];
export const REASSESSMENT_DECISIONS = ['reassess', 'not-reassess'] as const;
export type ReassessmentDecision = (typeof REASSESSMENT_DECISIONS)[number];
/** CFA 2014 s.44(2); reg 24: a request for a reassessment of a child or young person with a plan, received on `receivedOn`. */
export interface ReassessmentRequestedV1 {
  caseId: string;
  reassessmentId: string;
  requestedBy: ReassessmentRequester;
  receivedOn: IsoDate;
  /** reg 25(1): the decision whether to reassess is notified within 15 days of receiving the request. */
  decisionDueOn: IsoDate;
}
/**
 * reg 25: the LA's decision whether to reassess, notified to the family (a decision not to reassess with its appeal
 * rights, CFA 2014 s.51(2)(d)). A reassessment follows regs 6-10 (reg 26) under its own `assessmentId`, and the
 * finalised amended plan is due within 14 weeks of this notification (reg 27(2)).
 */
export interface ReassessmentDecidedV1 {
  caseId: string;
  reassessmentId: string;
  decision: ReassessmentDecision;
  decidedOn: IsoDate;
  /** Whether the decision came within the 15 days of reg 25(1). */
  inTime: boolean;
  /** The reassessment's own assessment (advice requests are keyed by it); only when reassessing. */
  assessmentId?: string;
  /** reg 27(2): the finalised plan within 14 weeks of the notification; only when reassessing. */
  finalPlanDueOn?: IsoDate;
}
export interface ExceptionRecordedV1 {
  caseId: string;
  exceptionId: string;
  limit: ExceptionLimit;
  /** The regulation that allows it: reg 5(4), 8(2), 10(4) or 13(3). */
  regulation: string;
  /** For an advice exception (reg 8(2)): the advice request it applies to. */
  adviceRequestId?: string;
  /** For a `tribunal` exception (reg 44(3)): the order whose limits it applies to. */
  tribunalOrderId?: string;
  reason: ExceptionReason;
  /** The first day of the closure, absence or circumstances (a missed appointment: its day). */
  fromOn: IsoDate;
  /** The last day of the closure, absence or circumstances, inclusive (a missed appointment: the rearranged one). */
  toOn?: IsoDate;
  recordedOn: IsoDate;
  /** The limb relied on, e.g. "reg 13(3)(c)". */
  limb?: string;
  /** School-closure limb: which setting closed. */
  closedSetting?: ClosedSetting;
  /** School-closure limb: the day the LA asked that setting for advice (must fall in the closure window). */
  adviceRequestedOn?: IsoDate;
}
export interface TribunalOrderReceivedV1 {
  caseId: string;
  orderId: string;
  regulation: TribunalOrderRegulation;
  kind: TribunalOrderKind;
  /** reg 44: the day of the order. reg 45: the day the LA notified the Tribunal it would not oppose (no order is made). The clocks run from it. */
  orderOn: IsoDate;
  /** reg 45: the day of the LA's notice to the Tribunal (the same day as `orderOn`). */
  tribunalNotifiedOn?: IsoDate;
}
export interface TransferNotifiedV1 {
  caseId: string;
  transferId: string;
  fromLocalAuthority: string;
  toLocalAuthority: string;
  learnedOn: IsoDate;
  moveOn: IsoDate;
  /** reg 15: the day of the move, or 15 working days from learning of it when there was less notice. */
  transferDueOn: IsoDate;
}
export interface PlanTransferredV1 {
  caseId: string;
  transferId: string;
  toLocalAuthority: string;
  transferredOn: IsoDate;
}
export interface TransferReassessmentDecidedV1 {
  caseId: string;
  transferId: string;
  willReassess: boolean;
  decidedOn: IsoDate;
  /** reg 15(4)(a): when the new LA will review the plan (within the reg 15(5) limit). */
  reviewOn?: IsoDate;
}
export interface AssessmentTransferredV1 {
  caseId: string;
  transferId: string;
  /** The EHC needs assessment that continues with the new LA. */
  assessmentId: string;
  fromLocalAuthority: string;
  toLocalAuthority: string;
  /** The day the new LA became responsible (the old LA's time limits lapse on it). */
  transferredOn: IsoDate;
  clock: AssessmentTransferClock;
  /** The day the new LA's limits are counted from (the transfer day, or the original request with `from-original-request`). */
  clockStartsOn: IsoDate;
  /** reg 10(1) for the new LA: notify a decision not to issue a plan by this day. */
  decisionWhetherToIssueDueOn: IsoDate;
  /** reg 13(2) for the new LA: issue the final plan by this day. */
  finalPlanDueOn: IsoDate;
  /** reg 5(1)(b): the new LA's own decision whether to assess, 6 weeks from becoming responsible (absent on events recorded before it was derived). */
  decisionToAssessDueOn?: IsoDate;
}
export interface CommissioningBodyChangedV1 {
  caseId: string;
  changeId: string;
  newCommissioningBodyRef: string;
  learnedOn: IsoDate;
  /** reg 16: notify the new body within 15 working days of learning of the change. */
  notifyDueOn: IsoDate;
}
export interface CommissioningBodyNotifiedV1 {
  caseId: string;
  changeId: string;
  notifiedOn: IsoDate;
}

/** Every EHC case event type and its data: the single list the contracts library generates documents from. */
export interface EhcEventDataMap extends PlanAndBudgetEventDataMap, FamilyEventDataMap {
  'ehc.request-received.v1': RequestReceivedV1;
  'ehc.decision-to-assess.v1': DecisionToAssessV1;
  'ehc.advice-requested.v1': AdviceRequestedV1;
  'ehc.advice-received.v1': AdviceReceivedV1;
  'ehc.advice-reused.v1': AdviceReusedV1;
  'ehc.advice-withdrawn.v1': AdviceWithdrawnV1;
  'ehc.decision-not-to-issue.v1': DecisionNotToIssueV1;
  'ehc.draft-plan-issued.v1': DraftPlanIssuedV1;
  'ehc.family-response-received.v1': FamilyResponseReceivedV1;
  'ehc.setting-consulted.v1': SettingConsultedV1;
  'ehc.setting-responded.v1': SettingRespondedV1;
  'ehc.final-plan-issued.v1': FinalPlanIssuedV1;
  'ehc.amendment-proposed.v1': AmendmentProposedV1;
  'ehc.plan-amended.v1': PlanAmendedV1;
  'ehc.decision-not-to-amend.v1': DecisionNotToAmendV1;
  'ehc.review-meeting-scheduled.v1': ReviewMeetingScheduledV1;
  'ehc.review-papers-circulated.v1': ReviewPapersCirculatedV1;
  'ehc.review-meeting-held.v1': ReviewMeetingHeldV1;
  'ehc.review-report-submitted.v1': ReviewReportSubmittedV1;
  'ehc.review-decision-made.v1': ReviewDecisionMadeV1;
  'ehc.phase-transfer-scheduled.v1': PhaseTransferScheduledV1;
  'ehc.plan-ceased.v1': PlanCeasedV1;
  'ehc.exception-recorded.v1': ExceptionRecordedV1;
  'ehc.tribunal-order-received.v1': TribunalOrderReceivedV1;
  'ehc.transfer-notified.v1': TransferNotifiedV1;
  'ehc.plan-transferred.v1': PlanTransferredV1;
  'ehc.transfer-reassessment-decided.v1': TransferReassessmentDecidedV1;
  'ehc.assessment-transferred.v1': AssessmentTransferredV1;
  'ehc.commissioning-body-changed.v1': CommissioningBodyChangedV1;
  'ehc.commissioning-body-notified.v1': CommissioningBodyNotifiedV1;
  'ehc.personal-data-erased.v1': PersonalDataErasedV1;
  'ehc.appeal-rights-notified.v1': AppealRightsNotifiedV1;
  'ehc.mediation-decided.v1': MediationDecidedV1;
  'ehc.mediation-held.v1': MediationHeldV1;
  'ehc.mediation-certificate-issued.v1': MediationCertificateIssuedV1;
  'ehc.appeal-registered.v1': AppealRegisteredV1;
  'ehc.appeal-decided.v1': AppealDecidedV1;
  'ehc.cessation-proposed.v1': CessationProposedV1;
  'ehc.cessation-consulted.v1': CessationConsultedV1;
  'ehc.decision-to-cease.v1': DecisionToCeaseV1;
  'ehc.reassessment-requested.v1': ReassessmentRequestedV1;
  'ehc.reassessment-decided.v1': ReassessmentDecidedV1;
  // what an assessment needs before a draft (regs 6, 7, 9): assessment-advice-events.ts
  'ehc.advice-scope-recorded.v1': AdviceScopeRecordedV1;
  'ehc.family-advice-request-recorded.v1': FamilyAdviceRequestRecordedV1;
  'ehc.advice-not-awaited.v1': AdviceNotAwaitedV1;
  'ehc.family-involvement-recorded.v1': FamilyInvolvementRecordedV1;
}

export type EhcEventType = keyof EhcEventDataMap;
export type EhcEvent = { [K in EhcEventType]: { type: K; data: EhcEventDataMap[K] } }[EhcEventType];
export type EhcEventOf<K extends EhcEventType> = Extract<EhcEvent, { type: K }>;

export interface EventTypeInfo {
  type: EhcEventType;
  /** One sentence for the AsyncAPI document. */
  summary: string;
  /** The statutory basis. */
  regulation?: string;
}

/** Every EHC case event type, with a summary and its legal basis (the data interfaces are in `EhcEventDataMap`). */
export const EHC_EVENT_TYPES: readonly EventTypeInfo[] = [
  { type: 'ehc.request-received.v1', summary: 'A request for an EHC needs assessment was received; the statutory clock starts (day 0).', regulation: 'reg 3; CFA 2014 s.36' },
  { type: 'ehc.decision-to-assess.v1', summary: 'The LA decided whether to carry out an EHC needs assessment (within 6 weeks).', regulation: 'reg 5(1)' },
  { type: 'ehc.advice-requested.v1', summary: 'The LA asked an adviser for advice and information (due within 6 weeks of the request).', regulation: 'reg 6(1), reg 8(1)' },
  { type: 'ehc.advice-received.v1', summary: 'Advice asked for was received (a later version supersedes an earlier one).', regulation: 'reg 8' },
  { type: 'ehc.advice-reused.v1', summary: 'Existing advice was re-used by reference with everyone’s agreement instead of being asked for again.', regulation: 'reg 6(4)' },
  { type: 'ehc.advice-withdrawn.v1', summary: 'Advice received was withdrawn by the agency that gave it; the request is open again.', regulation: 'reg 8' },
  { type: 'ehc.decision-not-to-issue.v1', summary: 'After assessment the LA decided not to issue a plan (within 16 weeks).', regulation: 'reg 10(1)' },
  { type: 'ehc.draft-plan-issued.v1', summary: 'A draft EHC plan was issued; the parent/young person has at least 15 days to comment.', regulation: 'reg 11-13' },
  { type: 'ehc.family-response-received.v1', summary: 'The parent/young person commented on the draft and may have named a preferred setting.', regulation: 'reg 13(1); CFA 2014 s.38' },
  { type: 'ehc.setting-consulted.v1', summary: 'The LA consulted a school or setting it proposes to name (a response is expected within 15 days; an expectation, not a statutory limit).', regulation: 'CFA 2014 s.39(2); CoP 9.79' },
  { type: 'ehc.setting-responded.v1', summary: 'The consulted school or setting responded.', regulation: 'CFA 2014 s.39' },
  { type: 'ehc.final-plan-issued.v1', summary: 'The final EHC plan was issued (within 20 weeks of the request).', regulation: 'reg 13(2)' },
  { type: 'ehc.amendment-proposed.v1', summary: 'Amendments to the plan were proposed (15 days to comment; amended plan within 8 weeks).', regulation: 'reg 22' },
  { type: 'ehc.plan-amended.v1', summary: 'The amended plan was issued.', regulation: 'reg 22' },
  { type: 'ehc.decision-not-to-amend.v1', summary: 'After proposing amendments the LA decided not to amend the plan (notified within 8 weeks of the proposals, with the right of appeal).', regulation: 'reg 22(4); reg 28' },
  { type: 'ehc.review-meeting-scheduled.v1', summary: 'An annual review meeting was arranged (papers due 2 weeks before).', regulation: 'reg 20-21' },
  { type: 'ehc.review-papers-circulated.v1', summary: 'Advice and papers for the review meeting were sent to everyone invited.', regulation: 'reg 20-21' },
  { type: 'ehc.review-meeting-held.v1', summary: 'The annual review meeting was held.', regulation: 'reg 20-21; CFA 2014 s.44' },
  { type: 'ehc.review-report-submitted.v1', summary: 'The review report was sent (within 2 weeks of the meeting).', regulation: 'reg 20-21' },
  { type: 'ehc.review-decision-made.v1', summary: 'The LA decided to maintain, amend or cease the plan (within 4 weeks of the meeting).', regulation: 'reg 20-21' },
  { type: 'ehc.phase-transfer-scheduled.v1', summary: 'A transfer between phases or institutions is due; the plan must name the new setting by the reg 18 date.', regulation: 'reg 18' },
  { type: 'ehc.plan-ceased.v1', summary: 'The LA ceased to maintain the plan.', regulation: 'CFA 2014 s.45; reg 29-31' },
  { type: 'ehc.exception-recorded.v1', summary: 'An exception to a statutory time limit was recorded with its reason and dates.', regulation: 'reg 5(4), 8(2), 10(4), 13(3)' },
  { type: 'ehc.tribunal-order-received.v1', summary: 'The First-tier Tribunal (SEND) ordered the LA to act; new time limits start from the order.', regulation: 'reg 44-45' },
  { type: 'ehc.transfer-notified.v1', summary: 'The LA learned the family is moving to another LA; the plan must be transferred.', regulation: 'reg 15' },
  { type: 'ehc.plan-transferred.v1', summary: 'The plan was transferred; the new LA is responsible from this day.', regulation: 'reg 15' },
  { type: 'ehc.transfer-reassessment-decided.v1', summary: 'The new LA told the family whether it will reassess (within 6 weeks of the transfer).', regulation: 'reg 15' },
  { type: 'ehc.assessment-transferred.v1', summary: 'The family moved to another LA during the EHC needs assessment; the new LA is responsible from this day and continues the assessment, with its own time limits.', regulation: 'CFA 2014 s.24, s.36; reg 5, 10, 13 (reg 15 applies only to a plan)' },
  { type: 'ehc.commissioning-body-changed.v1', summary: 'The child’s NHS commissioning body changed; the previous body must notify the new one within 15 working days; the new body makes the health provision or asks the LA for an assessment or review.', regulation: 'reg 16' },
  { type: 'ehc.commissioning-body-notified.v1', summary: 'The previous NHS commissioning body notified the new one.', regulation: 'reg 16(2)' },
  {
    type: 'ehc.personal-data-erased.v1',
    summary: 'The case’s personal data was erased by destroying its encryption key (crypto-shredding): the history stays and replays, its personal fields read as "[erased]". Carries no personal data.',
    regulation: 'UK GDPR art. 5(1)(e), art. 17',
  },
  { type: 'ehc.appeal-rights-notified.v1', summary: 'An appealable decision was notified with the right of appeal, the mediation requirement, disagreement resolution and the information, advice and support service.', regulation: 'reg 5(3), 10(3), 14, 22(4), 31; CFA 2014 s.51-55' },
  { type: 'ehc.mediation-decided.v1', summary: 'Advised by the mediation adviser, the family chose whether to mediate (certificate within 3 working days of choosing not to; mediation within 30 days).', regulation: 'CFA 2014 s.55; reg 32-37' },
  { type: 'ehc.mediation-held.v1', summary: 'The mediation was held, with its outcome (certificate within 3 working days).', regulation: 'reg 37-39' },
  { type: 'ehc.mediation-certificate-issued.v1', summary: 'A mediation certificate was issued; the family may appeal within 2 months of the decision or 1 month of the certificate, whichever is later.', regulation: 'CFA 2014 s.55(3)-(5); reg 33, 39; Tribunal Procedure Rules r.20' },
  { type: 'ehc.appeal-registered.v1', summary: 'The First-tier Tribunal (SEND) registered the family’s appeal against a decision.', regulation: 'CFA 2014 s.51; Tribunal Procedure Rules r.20' },
  { type: 'ehc.appeal-decided.v1', summary: 'The appeal was decided, withdrawn or conceded; orders follow as tribunal orders.', regulation: 'CFA 2014 s.51; reg 43-45' },
  { type: 'ehc.cessation-proposed.v1', summary: 'The LA is considering ceasing to maintain the plan and told the family.', regulation: 'CFA 2014 s.45; reg 29' },
  { type: 'ehc.cessation-consulted.v1', summary: 'The LA consulted the parent or young person, or the institution, about ceasing the plan.', regulation: 'reg 29-30' },
  { type: 'ehc.decision-to-cease.v1', summary: 'The LA decided to cease the plan; it stays maintained until the time for appealing has passed or an appeal has been concluded.', regulation: 'CFA 2014 s.45; reg 31' },
  { type: 'ehc.reassessment-requested.v1', summary: 'The family, the institution or the NHS commissioning body asked for a reassessment of a child or young person with a plan; the LA decides within 15 days.', regulation: 'CFA 2014 s.44(2); reg 24-25' },
  ...PLAN_AND_BUDGET_EVENT_TYPES,
  { type: 'ehc.reassessment-decided.v1', summary: 'The LA decided whether to reassess (a decision not to is appealable); a reassessment runs the assessment steps under its own assessment id and the amended plan is due within 14 weeks.', regulation: 'CFA 2014 s.44, s.51(2)(d); reg 25-27' },
  ...ASSESSMENT_ADVICE_EVENT_TYPES,
  // the family on the case: invitations, links, the young person's rights, early review requests (family-events.ts)
  ...FAMILY_EVENT_TYPES,
];
