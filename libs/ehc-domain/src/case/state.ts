import type { IsoDate, PhaseTransferKind } from '../calendar';
import type { AdviceType, Agency } from './advice-types';
import type {
  AmendmentTrigger,
  AppealableDecision,
  AssessmentDecision,
  AppealOutcome,
  AppealRightsNotifiedV1,
  AssessmentTransferredV1,
  CessationConsultee,
  MediationChoice,
  MediationOutcome,
  CeaseReason,
  ChildDetails,
  EhcEvent,
  EhcEventType,
  ErasureGround,
  ExceptionRecordedV1,
  RequestSource,
  ReassessmentDecision,
  ReassessmentRequester,
  ReviewDecision,
  TribunalOrderKind,
  TribunalOrderRegulation,
} from './events';

import { adviceReducers } from './evolve/advice';
import { appealReducers } from './evolve/appeals';
import { cessationReducers } from './evolve/cessation';
import { planReducers } from './evolve/plan';
import { planContentsReducers } from './evolve/plan-contents';
import type { PersonalBudgetState, PlanVersionState } from './plan-state';
import { reassessmentReducers } from './evolve/reassessment';
import { recordReducers } from './evolve/records';
import type { Reducer, Reducers } from './evolve/reducer';
import { requestReducers } from './evolve/request';
import { reviewAndAmendmentReducers } from './evolve/reviews-and-amendments';
import { transferReducers } from './evolve/transfers';
import { assessmentAdviceReducers } from './evolve/assessment-advice';
import { familyReducers } from './evolve/family';
import type { FamilyState } from './family-state';
import type { AdviceScopeRecordedV1, FamilyAdviceRequestRecordedV1, FamilyInvolvementRecordedV1, AdviceNotAwaitedReason } from './assessment-advice-events';

export type CaseStatus =
  | 'none'
  /** request received, decision to assess pending */
  | 'requested'
  /** decided not to assess (an appeal may bring a tribunal order to assess) */
  | 'assessment-refused'
  | 'assessing'
  /** decided, after assessment, not to issue a plan (an appeal may bring an order to make a plan) */
  | 'plan-refused'
  | 'draft-issued'
  | 'plan-in-force'
  | 'ceased';

export interface AdviceRequestState {
  adviceRequestId: string;
  assessmentId: string;
  adviceType: AdviceType;
  agency: Agency;
  requestedOn: IsoDate;
  dueOn: IsoDate;
  /** First date an answer (advice or agreed re-use) arrived: what the reg 8 deadline is measured by. */
  firstAnsweredOn?: IsoDate;
  /** The advice currently answering it (latest version), if any. */
  current?: {
    adviceId: string;
    version: number;
    receivedOn: IsoDate;
    reused: boolean;
    /** The agency keeps this advice from the family (its latest version says so): never named or counted to them. */
    withheldFromFamily?: boolean;
  };
  withdrawn: Array<{ adviceId: string; withdrawnOn: IsoDate; reason: string }>;
}

export interface ReusedAdviceState {
  reuseId: string;
  /** The assessment it was re-used for (absent in states folded before it was kept). */
  assessmentId?: string;
  adviceType: AdviceType;
  agency: Agency;
  adviceId: string;
  version: number;
  adviceRequestId?: string;
  sourceCaseId?: string;
  agreedOn: IsoDate;
}

export interface DraftState {
  planId: string;
  issuedOn: IsoDate;
  commentsDueOn: IsoDate;
  tribunalOrderId?: string;
  familyResponse?: { receivedOn: IsoDate; preferredSettingRef?: string; nothingMoreToSay?: boolean };
}

export interface ConsultationState {
  consultationId: string;
  settingRef: string;
  consultedOn: IsoDate;
  responseDueOn: IsoDate;
  response?: { respondedOn: IsoDate; canMeetNeeds: boolean };
}

export interface AmendmentState {
  amendmentId: string;
  trigger: AmendmentTrigger;
  proposedOn: IsoDate;
  commentsDueOn: IsoDate;
  amendedPlanDueOn: IsoDate;
  reviewId?: string;
  phaseTransferId?: string;
  tribunalOrderId?: string;
  reassessmentId?: string;
  amendedOn?: IsoDate;
  /** reg 22(4) / 28: the LA decided not to amend after all. */
  notAmendedOn?: IsoDate;
}

export interface ReviewState {
  reviewId: string;
  scheduledOn: IsoDate;
  meetingOn: IsoDate;
  papersDueOn: IsoDate;
  papersCirculatedOn?: IsoDate;
  heldOn?: IsoDate;
  reportSubmittedOn?: IsoDate;
  decision?: { decision: ReviewDecision; decidedOn: IsoDate };
}

export interface PhaseTransferState {
  phaseTransferId: string;
  kind: PhaseTransferKind;
  scheduledOn: IsoDate;
  transferOn: IsoDate;
  amendDueOn: IsoDate;
}

export interface TribunalOrderState {
  orderId: string;
  regulation: TribunalOrderRegulation;
  kind: TribunalOrderKind;
  orderOn: IsoDate;
  tribunalNotifiedOn?: IsoDate;
}

export interface TransferState {
  transferId: string;
  fromLocalAuthority: string;
  toLocalAuthority: string;
  learnedOn: IsoDate;
  moveOn: IsoDate;
  transferDueOn: IsoDate;
  transferredOn?: IsoDate;
  reassessment?: { willReassess: boolean; decidedOn: IsoDate; reviewOn?: IsoDate };
}

/** A move to another LA during the assessment (no plan in force): the event's facts, without the case's own ids. */
export type AssessmentTransferState = Omit<AssessmentTransferredV1, 'caseId' | 'assessmentId'> & {
  /** reg 5(1)(b): the new LA's own decision whether to assess, once made. */
  newAuthorityDecision?: { decision: AssessmentDecision; decidedOn: IsoDate };
};

export interface CommissioningChangeState {
  changeId: string;
  newCommissioningBodyRef: string;
  learnedOn: IsoDate;
  notifyDueOn: IsoDate;
  notifiedOn?: IsoDate;
}

export type AppealNoticeState = Omit<AppealRightsNotifiedV1, 'caseId'>;

export interface MediationState {
  mediationId: string;
  noticeId: string;
  adviceGivenOn: IsoDate;
  choice: MediationChoice;
  decidedOn: IsoDate;
  certificateDueOn?: IsoDate;
  mediationDueOn?: IsoDate;
  held?: { heldOn: IsoDate; outcome: MediationOutcome; certificateDueOn: IsoDate };
  certificate?: { issuedOn: IsoDate; appealDueOn: IsoDate };
}

export interface AppealState {
  appealId: string;
  noticeId: string;
  decision: AppealableDecision;
  registeredOn: IsoDate;
  appealDueOn: IsoDate;
  inTime: boolean;
  hearingOn?: IsoDate;
  outcome?: { outcome: AppealOutcome; decidedOn: IsoDate };
}

export interface CessationState {
  cessationId: string;
  proposedOn: IsoDate;
  reason: CeaseReason;
  consulted: Partial<Record<CessationConsultee, IsoDate>>;
  decidedOn?: IsoDate;
  /** A successful appeal (allowed or conceded) or an order to continue to maintain: the plan is not ceased. */
  overturnedOn?: IsoDate;
  ceasedOn?: IsoDate;
}

/** A request for a reassessment (reg 24), the decision on it (reg 25) and, when reassessing, its amended plan (reg 27). */
export interface ReassessmentState {
  reassessmentId: string;
  requestedBy: ReassessmentRequester;
  receivedOn: IsoDate;
  decisionDueOn: IsoDate;
  decision?: ReassessmentDecision;
  decidedOn?: IsoDate;
  inTime?: boolean;
  assessmentId?: string;
  finalPlanDueOn?: IsoDate;
  /** The amendment that finishes it (trigger `reassessment`). */
  amendmentId?: string;
}

/** The EHC case as its events describe it; everything the decider checks and the statutory clock derives from. */
export interface EhcCaseState {
  status: CaseStatus;
  caseId?: string;
  childRef?: string;
  /** The child's personal details as loaded: clear text for the service, "[erased]" once the case's key is destroyed. */
  child?: ChildDetails;
  /** Set once the case's personal data has been erased (crypto-shredded). */
  personalDataErased?: { erasureId: string; erasedOn: IsoDate; ground: ErasureGround };
  /** The LA responsible now (changes on a reg 15 plan transfer or a transfer of the assessment). */
  localAuthority?: string;
  source?: RequestSource;
  requestReceivedOn?: IsoDate;
  /** Every decision whether to assess, in order (a tribunal order can follow a refusal). */
  assessmentDecisions: Array<{ decision: AssessmentDecision; decidedOn: IsoDate; assessmentId?: string; tribunalOrderId?: string }>;
  assessmentId?: string;
  adviceRequests: Record<string, AdviceRequestState>;
  reusedAdvice: Record<string, ReusedAdviceState>;
  decisionNotToIssueOn?: IsoDate;
  drafts: DraftState[];
  consultations: Record<string, ConsultationState>;
  finalPlan?: { planId: string; issuedOn: IsoDate; namedSettingRef?: string; tribunalOrderId?: string };
  namedSettingRef?: string;
  amendments: Record<string, AmendmentState>;
  reviews: Record<string, ReviewState>;
  phaseTransfers: Record<string, PhaseTransferState>;
  ceased?: { ceasedOn: IsoDate; reason: CeaseReason };
  exceptions: ExceptionRecordedV1[];
  tribunalOrders: Record<string, TribunalOrderState>;
  transfers: Record<string, TransferState>;
  /** Moves to another LA during the assessment, in order (absent until the first one). */
  assessmentTransfers?: AssessmentTransferState[];
  commissioningChanges: Record<string, CommissioningChangeState>;
  /** reg 6(1)(b), (g), 6(2): what each assessment's advice must cover, by assessment id (absent until the first). */
  adviceScopes?: Record<string, AdviceScopeRecordedV1>;
  /** reg 6(1)(h): the family's requests that the LA seek advice from a person (absent until the first). */
  familyAdviceRequests?: Record<string, FamilyAdviceRequestRecordedV1>;
  /** Advice requests the LA decided not to wait for, by advice request id (reg 8(1); absent until the first). */
  adviceNotAwaited?: Record<string, { decidedOn: IsoDate; reason: AdviceNotAwaitedReason }>;
  /** regs 7, 9: the family consulted, and given information, advice and support (absent until the first). */
  familyInvolvement?: FamilyInvolvementRecordedV1[];
  /** Notices of appealable decisions with appeal rights (absent until the first one). */
  appealNotices?: Record<string, AppealNoticeState>;
  mediations?: Record<string, MediationState>;
  appeals?: Record<string, AppealState>;
  cessations?: Record<string, CessationState>;
  /** Requests for reassessment and their decisions (absent until the first one). */
  reassessments?: Record<string, ReassessmentState>;
  /** The plan's contents, version by version (reg 12; absent until the first). */
  planVersions?: PlanVersionState[];
  /** Personal budgets asked for (CFA 2014 s.49; absent until the first). */
  personalBudgets?: Record<string, PersonalBudgetState>;
  /** The family on the case: invitations, linked members, the young person's rights (absent until the first invitation). */
  family?: FamilyState;
}

export function initialState(): EhcCaseState {
  return {
    status: 'none',
    assessmentDecisions: [],
    adviceRequests: {},
    reusedAdvice: {},
    drafts: [],
    consultations: {},
    amendments: {},
    reviews: {},
    phaseTransfers: {},
    exceptions: [],
    tribunalOrders: {},
    transfers: {},
    commissioningChanges: {},
  };
}

/** Every event type's reducer, grouped by lifecycle area (each in its own module under `evolve/`). */
const REDUCERS: Reducers<EhcEventType> = {
  ...requestReducers,
  ...adviceReducers,
  ...planReducers,
  ...planContentsReducers,
  ...reviewAndAmendmentReducers,
  ...transferReducers,
  ...reassessmentReducers,
  ...cessationReducers,
  ...appealReducers,
  ...recordReducers,
  ...assessmentAdviceReducers,
  ...familyReducers,
};

/** evolve(state, event) -> state. An event type this version does not know leaves the state as it was. */
export function evolve(state: EhcCaseState, event: EhcEvent): EhcCaseState {
  if (!Object.hasOwn(REDUCERS, event.type)) return state;
  return (REDUCERS[event.type] as Reducer<EhcEventType>)(state, event.data as never);
}

/** Folds events into state. */
export function replay(events: readonly EhcEvent[], from: EhcCaseState = initialState()): EhcCaseState {
  return events.reduce(evolve, from);
}

/**
 * The LA responsible on `day`: the current one, unless a plan or assessment transfer dated after `day` moved the case
 * away from the LA responsible then (responsibility passes at the start of the transfer day).
 */
export function localAuthorityOn(state: EhcCaseState, day: IsoDate): string | undefined {
  const moves = [
    ...Object.values(state.transfers).flatMap((t) => (t.transferredOn ? [{ on: t.transferredOn, from: t.fromLocalAuthority }] : [])),
    ...(state.assessmentTransfers ?? []).map((t) => ({ on: t.transferredOn, from: t.fromLocalAuthority })),
  ].sort((a, b) => a.on.localeCompare(b.on));
  return moves.find((m) => m.on > day)?.from ?? state.localAuthority;
}

/** The draft currently before the family (the latest one). */
export function currentDraft(state: EhcCaseState): DraftState | undefined {
  return state.drafts[state.drafts.length - 1];
}
