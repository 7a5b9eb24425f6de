import type { IsoDate, PhaseTransferKind } from '../calendar';
import type { AdviceType, Agency } from './advice-types';
import type { AssessmentAdviceCommand } from './assessment-advice-commands';
import type { FamilyCommand } from './family-commands';
import type { PersonalBudgetCommand, PlanContentsInput } from './plan-commands';
import type { AmendmentTrigger, AppealableDecision, AppealOutcome, CessationConsultee, MediationChoice, MediationOutcome, AssessmentTransferClock, CeaseReason, ClosedSetting, ChildDetails, ErasureGround, ExceptionLimit, ExceptionReason, RequestSource, ReassessmentDecision, ReassessmentRequester, ReviewDecision, TribunalOrderKind, TribunalOrderRegulation } from './events';

/** Every command names its case and the date the fact happened (`at`): the decider never reads the clock. */
interface Base {
  caseId: string;
  at: IsoDate;
}

export interface ReceiveRequest extends Base {
  type: 'ReceiveRequest';
  childRef: string;
  child?: ChildDetails;
  localAuthority: string;
  source: RequestSource;
  requestedBy: { role: string; personRef?: string; organisationRef?: string };
}
export interface DecideToAssess extends Base {
  type: 'DecideToAssess';
  assessmentId: string;
}
export interface DecideNotToAssess extends Base {
  type: 'DecideNotToAssess';
}
export interface RequestAdvice extends Base {
  type: 'RequestAdvice';
  adviceRequestId: string;
  adviceType: AdviceType;
  agency: Agency;
  adviserRef?: string;
}
export interface RecordAdviceReceived extends Base {
  type: 'RecordAdviceReceived';
  adviceRequestId: string;
  adviceId: string;
  version: number;
  agency: Agency;
  /** The agency keeps this version from the family (its advice's `withheldFromFamily`); the latest version decides. */
  withheldFromFamily?: boolean;
}
export interface ReuseAdvice extends Base {
  type: 'ReuseAdvice';
  reuseId: string;
  adviceType: AdviceType;
  agency: Agency;
  adviceId: string;
  version: number;
  adviceRequestId?: string;
  sourceCaseId?: string;
  /** reg 6(4): who is satisfied the existing advice is sufficient. */
  agreement: { adviser: boolean; localAuthority: boolean; parentOrYoungPerson: boolean };
}
export interface WithdrawAdvice extends Base {
  type: 'WithdrawAdvice';
  adviceRequestId: string;
  adviceId: string;
  reason: string;
}
export interface DecideNotToIssue extends Base {
  type: 'DecideNotToIssue';
}
export interface IssueDraftPlan extends Base {
  type: 'IssueDraftPlan';
  planId: string;
  /** reg 12: the draft's contents (sections A-K; may be partial). */
  contents?: PlanContentsInput;
}
export interface RecordFamilyResponse extends Base {
  type: 'RecordFamilyResponse';
  preferredSettingRef?: string;
  commentsRef?: string;
  /** reg 13(1): the family say they have nothing more to say (lets the final plan follow before their 15 days end). */
  nothingMoreToSay?: boolean;
  /** CoP 9.78: they ask to meet an officer of the LA about the draft. */
  meetingRequested?: boolean;
  /** Their comments in their own words (personal: encrypted). */
  comments?: string;
}
export interface ConsultSetting extends Base {
  type: 'ConsultSetting';
  consultationId: string;
  settingRef: string;
}
export interface RecordSettingResponse extends Base {
  type: 'RecordSettingResponse';
  consultationId: string;
  canMeetNeeds: boolean;
}
export interface IssueFinalPlan extends Base {
  type: 'IssueFinalPlan';
  planId: string;
  namedSettingRef?: string;
  /** reg 12: the final plan's contents (every section A-K); absent: the draft's, carried forward. */
  contents?: PlanContentsInput;
}
export interface ProposeAmendment extends Base {
  type: 'ProposeAmendment';
  amendmentId: string;
  trigger: AmendmentTrigger;
  reviewId?: string;
  phaseTransferId?: string;
  tribunalOrderId?: string;
  /** With trigger `reassessment`: the reassessment the amended plan finishes (reg 27). */
  reassessmentId?: string;
}
export interface AmendPlan extends Base {
  type: 'AmendPlan';
  amendmentId: string;
  namedSettingRef?: string;
  /** reg 12, 22: the sections this amendment changes (the others are carried forward). */
  contents?: PlanContentsInput;
}
/** reg 22(4) / 28: after proposing amendments the LA decides not to amend after all (within 8 weeks, appealable). */
export interface DecideNotToAmend extends Base {
  type: 'DecideNotToAmend';
  amendmentId: string;
}
export interface ScheduleReviewMeeting extends Base {
  type: 'ScheduleReviewMeeting';
  reviewId: string;
  meetingOn: IsoDate;
}
export interface CirculateReviewPapers extends Base {
  type: 'CirculateReviewPapers';
  reviewId: string;
}
export interface HoldReviewMeeting extends Base {
  type: 'HoldReviewMeeting';
  reviewId: string;
}
export interface SubmitReviewReport extends Base {
  type: 'SubmitReviewReport';
  reviewId: string;
}
export interface MakeReviewDecision extends Base {
  type: 'MakeReviewDecision';
  reviewId: string;
  decision: ReviewDecision;
}
export interface SchedulePhaseTransfer extends Base {
  type: 'SchedulePhaseTransfer';
  phaseTransferId: string;
  kind: PhaseTransferKind;
  transferOn: IsoDate;
}
/** CFA 2014 s.44(2); reg 24: a request for a reassessment received on `at`. */
export interface RequestReassessment extends Base {
  type: 'RequestReassessment';
  reassessmentId: string;
  requestedBy: ReassessmentRequester;
}
/** reg 25: the LA's decision whether to reassess; reassessing opens the assessment `assessmentId` (regs 26-27). */
export interface DecideOnReassessment extends Base {
  type: 'DecideOnReassessment';
  reassessmentId: string;
  decision: ReassessmentDecision;
  assessmentId?: string;
}
export interface CeasePlan extends Base {
  type: 'CeasePlan';
  /** Required under a Tribunal order to cease (no decided cessation); with a decided cessation, its reason when given. */
  reason?: CeaseReason;
}
/** Regs 5(3), 10(3), 14, 22(4), 31: the notice of an appealable decision, with what it told the family. */
export interface NotifyAppealRights extends Base {
  type: 'NotifyAppealRights';
  noticeId: string;
  decision: AppealableDecision;
  amendmentId?: string;
  cessationId?: string;
  reassessmentId?: string;
  includes: { rightOfAppeal: boolean; mediation: boolean; disagreementResolution: boolean; informationAdviceSupport: boolean };
}
/** CFA 2014 s.55; regs 32-35: after the mediation adviser's advice (`adviceGivenOn`) the family chose whether to mediate (`at`). */
export interface RecordMediationDecision extends Base {
  type: 'RecordMediationDecision';
  mediationId: string;
  noticeId: string;
  adviceGivenOn: IsoDate;
  choice: MediationChoice;
}
export interface RecordMediationHeld extends Base {
  type: 'RecordMediationHeld';
  mediationId: string;
  outcome: MediationOutcome;
}
export interface IssueMediationCertificate extends Base {
  type: 'IssueMediationCertificate';
  mediationId: string;
}
export interface RegisterAppeal extends Base {
  type: 'RegisterAppeal';
  appealId: string;
  noticeId: string;
  hearingOn?: IsoDate;
}
export interface DecideAppeal extends Base {
  type: 'DecideAppeal';
  appealId: string;
  outcome: AppealOutcome;
  hearingOn?: IsoDate;
}
export interface ProposeCessation extends Base {
  type: 'ProposeCessation';
  cessationId: string;
  reason: CeaseReason;
}
export interface RecordCessationConsultation extends Base {
  type: 'RecordCessationConsultation';
  cessationId: string;
  consultee: CessationConsultee;
  institutionRef?: string;
}
export interface DecideToCease extends Base {
  type: 'DecideToCease';
  cessationId: string;
}
export interface RecordException extends Base {
  type: 'RecordException';
  exceptionId: string;
  limit: ExceptionLimit;
  adviceRequestId?: string;
  /** A `tribunal` exception (reg 44(3)): the order it applies to. */
  tribunalOrderId?: string;
  reason: ExceptionReason;
  /** First day of the closure / absence / circumstances, or the day of the missed appointment. */
  fromOn: IsoDate;
  /** Last day (inclusive) of the closure / absence / circumstances; a missed appointment's rearranged day. */
  toOn?: IsoDate;
  /** School-closure limb only: which setting closed (default school or post-16). */
  closedSetting?: ClosedSetting;
  /** School-closure limb only: the day the LA asked that setting for advice. */
  adviceRequestedOn?: IsoDate;
}
export interface RecordTribunalOrder extends Base {
  type: 'RecordTribunalOrder';
  orderId: string;
  regulation: TribunalOrderRegulation;
  kind: TribunalOrderKind;
}
export interface NotifyTransfer extends Base {
  type: 'NotifyTransfer';
  transferId: string;
  toLocalAuthority: string;
  moveOn: IsoDate;
}
export interface TransferPlan extends Base {
  type: 'TransferPlan';
  transferId: string;
}
export interface DecideReassessmentAfterTransfer extends Base {
  type: 'DecideReassessmentAfterTransfer';
  transferId: string;
  willReassess: boolean;
  /** reg 15(4)(a): when the new LA will review the plan. */
  reviewOn?: IsoDate;
}
/**
 * The family moved to another LA while the EHC needs assessment was in progress (no plan in force, so reg 15 does not
 * apply): responsibility passes to `toLocalAuthority` on `at` (CFA 2014 s.24). `clock` says how the new LA's time
 * limits run: `from-transfer` (default: the new LA is treated as having received the request on the day of the
 * transfer, so the 16- and 20-week limits restart) or `from-original-request` (the new LA keeps the original dates).
 */
export interface TransferAssessment extends Base {
  type: 'TransferAssessment';
  transferId: string;
  toLocalAuthority: string;
  clock?: AssessmentTransferClock;
}
export interface RecordCommissioningBodyChange extends Base {
  type: 'RecordCommissioningBodyChange';
  changeId: string;
  newCommissioningBodyRef: string;
}
export interface NotifyCommissioningBody extends Base {
  type: 'NotifyCommissioningBody';
  changeId: string;
}
/** Record that the case's personal data was erased (its key is destroyed by the service, not by the decider). */
export interface RecordPersonalDataErasure extends Base {
  type: 'RecordPersonalDataErasure';
  erasureId: string;
  ground: ErasureGround;
}

export type EhcCommand =
  | ReceiveRequest
  | DecideToAssess
  | DecideNotToAssess
  | RequestAdvice
  | RecordAdviceReceived
  | ReuseAdvice
  | WithdrawAdvice
  | DecideNotToIssue
  | IssueDraftPlan
  | RecordFamilyResponse
  | ConsultSetting
  | RecordSettingResponse
  | IssueFinalPlan
  | ProposeAmendment
  | AmendPlan
  | DecideNotToAmend
  | ScheduleReviewMeeting
  | CirculateReviewPapers
  | HoldReviewMeeting
  | SubmitReviewReport
  | MakeReviewDecision
  | SchedulePhaseTransfer
  | CeasePlan
  | RequestReassessment
  | DecideOnReassessment
  | RecordException
  | RecordTribunalOrder
  | NotifyTransfer
  | TransferPlan
  | DecideReassessmentAfterTransfer
  | TransferAssessment
  | RecordCommissioningBodyChange
  | NotifyCommissioningBody
  | RecordPersonalDataErasure
  | NotifyAppealRights
  | RecordMediationDecision
  | RecordMediationHeld
  | IssueMediationCertificate
  | RegisterAppeal
  | DecideAppeal
  | ProposeCessation
  | RecordCessationConsultation
  | DecideToCease
  | PersonalBudgetCommand
  | AssessmentAdviceCommand
  | FamilyCommand;

export type EhcCommandType = EhcCommand['type'];
