import type { IsoDate, PhaseTransferKind } from '../calendar';
import type { AdviceType, Agency } from './advice-types';
import type {
  AmendmentTrigger,
  AppealableDecision,
  AppealOutcome,
  AppealRightsNotifiedV1,
  AssessmentTransferredV1,
  CessationConsultee,
  MediationChoice,
  MediationOutcome,
  CeaseReason,
  ChildDetails,
  EhcEvent,
  ErasureGround,
  ExceptionRecordedV1,
  RequestSource,
  ReassessmentDecision,
  ReassessmentRequester,
  ReviewDecision,
  TribunalOrderKind,
  TribunalOrderRegulation,
} from './events';

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
  current?: { adviceId: string; version: number; receivedOn: IsoDate; reused: boolean };
  withdrawn: Array<{ adviceId: string; withdrawnOn: IsoDate; reason: string }>;
}

export interface ReusedAdviceState {
  reuseId: string;
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
  newAuthorityDecision?: { decision: 'assess' | 'not-assess'; decidedOn: IsoDate };
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
  assessmentDecisions: Array<{ decision: 'assess' | 'not-assess'; decidedOn: IsoDate; assessmentId?: string; tribunalOrderId?: string }>;
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
  /** Notices of appealable decisions with appeal rights (absent until the first one). */
  appealNotices?: Record<string, AppealNoticeState>;
  mediations?: Record<string, MediationState>;
  appeals?: Record<string, AppealState>;
  cessations?: Record<string, CessationState>;
  /** Requests for reassessment and their decisions (absent until the first one). */
  reassessments?: Record<string, ReassessmentState>;
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

const put = <T>(record: Record<string, T>, id: string, value: T): Record<string, T> => ({ ...record, [id]: value });

export function evolve(state: EhcCaseState, event: EhcEvent): EhcCaseState {
  switch (event.type) {
    case 'ehc.request-received.v1': {
      const d = event.data;
      return {
        ...state, status: 'requested', caseId: d.caseId, childRef: d.childRef, ...(d.child ? { child: { ...d.child } } : {}), localAuthority: d.localAuthority, source: d.source,
        requestReceivedOn: d.receivedOn,
      };
    }
    case 'ehc.decision-to-assess.v1': {
      const d = event.data;
      const moves = state.assessmentTransfers;
      // the first decision after a move of the assessment is the new LA's own (reg 5(1)(b)); a draft already issued stays
      const newAuthority = moves?.length && !moves[moves.length - 1].newAuthorityDecision && (state.status === 'assessing' || state.status === 'draft-issued');
      return {
        ...state,
        ...(newAuthority ? { assessmentTransfers: [...moves.slice(0, -1), { ...moves[moves.length - 1], newAuthorityDecision: { decision: d.decision, decidedOn: d.decidedOn } }] } : {}),
        status: d.decision === 'assess' ? (newAuthority && state.status === 'draft-issued' ? 'draft-issued' : 'assessing') : 'assessment-refused',
        assessmentId: d.assessmentId ?? state.assessmentId,
        assessmentDecisions: [...state.assessmentDecisions, { decision: d.decision, decidedOn: d.decidedOn, assessmentId: d.assessmentId, tribunalOrderId: d.tribunalOrderId }],
      };
    }
    case 'ehc.advice-requested.v1': {
      const d = event.data;
      return {
        ...state,
        adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
          adviceRequestId: d.adviceRequestId, assessmentId: d.assessmentId, adviceType: d.adviceType, agency: d.agency,
          requestedOn: d.requestedOn, dueOn: d.dueOn, withdrawn: [],
        }),
      };
    }
    case 'ehc.advice-received.v1': {
      const d = event.data;
      const r = state.adviceRequests[d.adviceRequestId];
      return {
        ...state,
        adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
          ...r,
          firstAnsweredOn: r.firstAnsweredOn ?? d.receivedOn,
          current: { adviceId: d.adviceId, version: d.version, receivedOn: d.receivedOn, reused: false },
        }),
      };
    }
    case 'ehc.advice-reused.v1': {
      const d = event.data;
      let adviceRequests = state.adviceRequests;
      if (d.adviceRequestId) {
        const r = adviceRequests[d.adviceRequestId];
        adviceRequests = put(adviceRequests, d.adviceRequestId, {
          ...r,
          firstAnsweredOn: r.firstAnsweredOn ?? d.agreedOn,
          current: { adviceId: d.adviceId, version: d.version, receivedOn: d.agreedOn, reused: true },
        });
      }
      return {
        ...state,
        adviceRequests,
        reusedAdvice: put(state.reusedAdvice, d.reuseId, {
          reuseId: d.reuseId, adviceType: d.adviceType, agency: d.agency, adviceId: d.adviceId, version: d.version,
          adviceRequestId: d.adviceRequestId, sourceCaseId: d.sourceCaseId, agreedOn: d.agreedOn,
        }),
      };
    }
    case 'ehc.advice-withdrawn.v1': {
      const d = event.data;
      const r = state.adviceRequests[d.adviceRequestId];
      return {
        ...state,
        adviceRequests: put(state.adviceRequests, d.adviceRequestId, {
          ...r,
          // withdrawn advice no longer answers the request: the reg 8 clock is measured by the next answer
          firstAnsweredOn: undefined,
          current: undefined,
          withdrawn: [...r.withdrawn, { adviceId: d.adviceId, withdrawnOn: d.withdrawnOn, reason: d.reason }],
        }),
      };
    }
    case 'ehc.decision-not-to-issue.v1':
      return { ...state, status: 'plan-refused', decisionNotToIssueOn: event.data.decidedOn };
    case 'ehc.draft-plan-issued.v1': {
      const d = event.data;
      return { ...state, status: 'draft-issued', drafts: [...state.drafts, { planId: d.planId, issuedOn: d.issuedOn, commentsDueOn: d.commentsDueOn, tribunalOrderId: d.tribunalOrderId }] };
    }
    case 'ehc.family-response-received.v1': {
      const d = event.data;
      const drafts = state.drafts.map((draft) =>
        draft.planId === d.planId && !draft.familyResponse ? { ...draft, familyResponse: { receivedOn: d.receivedOn, preferredSettingRef: d.preferredSettingRef, ...(d.nothingMoreToSay ? { nothingMoreToSay: true } : {}) } } : draft,
      );
      return { ...state, drafts };
    }
    case 'ehc.setting-consulted.v1': {
      const d = event.data;
      return { ...state, consultations: put(state.consultations, d.consultationId, { consultationId: d.consultationId, settingRef: d.settingRef, consultedOn: d.consultedOn, responseDueOn: d.responseDueOn }) };
    }
    case 'ehc.setting-responded.v1': {
      const d = event.data;
      const c = state.consultations[d.consultationId];
      return { ...state, consultations: put(state.consultations, d.consultationId, { ...c, response: { respondedOn: d.respondedOn, canMeetNeeds: d.canMeetNeeds } }) };
    }
    case 'ehc.final-plan-issued.v1': {
      const d = event.data;
      return {
        ...state,
        status: 'plan-in-force',
        finalPlan: { planId: d.planId, issuedOn: d.issuedOn, namedSettingRef: d.namedSettingRef, tribunalOrderId: d.tribunalOrderId },
        namedSettingRef: d.namedSettingRef ?? state.namedSettingRef,
      };
    }
    case 'ehc.amendment-proposed.v1': {
      const { caseId: _c, ...d } = event.data;
      const r = d.reassessmentId ? state.reassessments?.[d.reassessmentId] : undefined;
      const reassessments = r ? { reassessments: put(state.reassessments ?? {}, r.reassessmentId, { ...r, amendmentId: d.amendmentId }) } : {};
      return { ...state, ...reassessments, amendments: put(state.amendments, d.amendmentId, { ...d }) };
    }
    case 'ehc.reassessment-requested.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, reassessments: put(state.reassessments ?? {}, d.reassessmentId, d) };
    }
    case 'ehc.reassessment-decided.v1': {
      const { caseId: _c, ...d } = event.data;
      const r = (state.reassessments ?? {})[d.reassessmentId];
      // a reassessment runs the assessment steps (regs 6-10, reg 26) under its own assessment id
      return { ...state, ...(d.assessmentId ? { assessmentId: d.assessmentId } : {}), reassessments: put(state.reassessments ?? {}, d.reassessmentId, { ...r, ...d }) };
    }
    case 'ehc.plan-amended.v1': {
      const d = event.data;
      return {
        ...state,
        amendments: put(state.amendments, d.amendmentId, { ...state.amendments[d.amendmentId], amendedOn: d.amendedOn }),
        namedSettingRef: d.namedSettingRef ?? state.namedSettingRef,
      };
    }
    case 'ehc.decision-not-to-amend.v1': {
      const d = event.data;
      return { ...state, amendments: put(state.amendments, d.amendmentId, { ...state.amendments[d.amendmentId], notAmendedOn: d.decidedOn }) };
    }
    case 'ehc.review-meeting-scheduled.v1': {
      const d = event.data;
      return { ...state, reviews: put(state.reviews, d.reviewId, { reviewId: d.reviewId, scheduledOn: d.scheduledOn, meetingOn: d.meetingOn, papersDueOn: d.papersDueOn }) };
    }
    case 'ehc.review-papers-circulated.v1':
      return { ...state, reviews: put(state.reviews, event.data.reviewId, { ...state.reviews[event.data.reviewId], papersCirculatedOn: event.data.circulatedOn }) };
    case 'ehc.review-meeting-held.v1':
      return { ...state, reviews: put(state.reviews, event.data.reviewId, { ...state.reviews[event.data.reviewId], heldOn: event.data.heldOn }) };
    case 'ehc.review-report-submitted.v1':
      return { ...state, reviews: put(state.reviews, event.data.reviewId, { ...state.reviews[event.data.reviewId], reportSubmittedOn: event.data.submittedOn }) };
    case 'ehc.review-decision-made.v1':
      return {
        ...state,
        reviews: put(state.reviews, event.data.reviewId, { ...state.reviews[event.data.reviewId], decision: { decision: event.data.decision, decidedOn: event.data.decidedOn } }),
      };
    case 'ehc.phase-transfer-scheduled.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, phaseTransfers: put(state.phaseTransfers, d.phaseTransferId, d) };
    }
    case 'ehc.plan-ceased.v1': {
      const d = event.data;
      const c = d.cessationId ? state.cessations?.[d.cessationId] : undefined;
      return {
        ...state, status: 'ceased', ceased: { ceasedOn: d.ceasedOn, reason: d.reason },
        ...(c ? { cessations: put(state.cessations ?? {}, c.cessationId, { ...c, ceasedOn: d.ceasedOn }) } : {}),
      };
    }
    case 'ehc.appeal-rights-notified.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, appealNotices: put(state.appealNotices ?? {}, d.noticeId, d) };
    }
    case 'ehc.mediation-decided.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, mediations: put(state.mediations ?? {}, d.mediationId, d) };
    }
    case 'ehc.mediation-held.v1': {
      const d = event.data;
      const m = (state.mediations ?? {})[d.mediationId];
      return { ...state, mediations: put(state.mediations ?? {}, d.mediationId, { ...m, held: { heldOn: d.heldOn, outcome: d.outcome, certificateDueOn: d.certificateDueOn } }) };
    }
    case 'ehc.mediation-certificate-issued.v1': {
      const d = event.data;
      const m = (state.mediations ?? {})[d.mediationId];
      return { ...state, mediations: put(state.mediations ?? {}, d.mediationId, { ...m, certificate: { issuedOn: d.issuedOn, appealDueOn: d.appealDueOn } }) };
    }
    case 'ehc.appeal-registered.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, appeals: put(state.appeals ?? {}, d.appealId, d) };
    }
    case 'ehc.appeal-decided.v1': {
      const d = event.data;
      const a = (state.appeals ?? {})[d.appealId];
      const appeals = put(state.appeals ?? {}, d.appealId, { ...a, ...(d.hearingOn ? { hearingOn: d.hearingOn } : {}), outcome: { outcome: d.outcome, decidedOn: d.decidedOn } });
      // an appeal against a decision to cease that succeeds leaves the plan maintained: the cessation is overturned
      const notice = (state.appealNotices ?? {})[a.noticeId];
      const c = notice?.cessationId ? state.cessations?.[notice.cessationId] : undefined;
      const succeeded = d.outcome === 'allowed' || d.outcome === 'conceded';
      return { ...state, appeals, ...(c && succeeded && !c.ceasedOn ? { cessations: put(state.cessations ?? {}, c.cessationId, { ...c, overturnedOn: d.decidedOn }) } : {}) };
    }
    case 'ehc.cessation-proposed.v1': {
      const d = event.data;
      return { ...state, cessations: put(state.cessations ?? {}, d.cessationId, { cessationId: d.cessationId, proposedOn: d.proposedOn, reason: d.reason, consulted: {} }) };
    }
    case 'ehc.cessation-consulted.v1': {
      const d = event.data;
      const c = (state.cessations ?? {})[d.cessationId];
      return { ...state, cessations: put(state.cessations ?? {}, d.cessationId, { ...c, consulted: { ...c.consulted, [d.consultee]: c.consulted[d.consultee] ?? d.consultedOn } }) };
    }
    case 'ehc.decision-to-cease.v1': {
      const d = event.data;
      const c = (state.cessations ?? {})[d.cessationId];
      return { ...state, cessations: put(state.cessations ?? {}, d.cessationId, { ...c, decidedOn: d.decidedOn }) };
    }
    case 'ehc.exception-recorded.v1':
      return { ...state, exceptions: [...state.exceptions, event.data] };
    case 'ehc.tribunal-order-received.v1': {
      const { caseId: _c, ...d } = event.data;
      // reg 44(2): an order to continue to maintain takes effect at once; a ceased plan is in force again
      const restored = d.kind === 'continue-to-maintain' && state.status === 'ceased' ? { status: 'plan-in-force' as const, ceased: undefined } : {};
      // ... and any decision to cease still open (or the one carried out) no longer stands
      const open = d.kind === 'continue-to-maintain' ? Object.values(state.cessations ?? {}).filter((c) => c.decidedOn && !c.overturnedOn) : [];
      const cessations = open.length ? { cessations: { ...state.cessations, ...Object.fromEntries(open.map((c) => [c.cessationId, { ...c, overturnedOn: d.orderOn }])) } } : {};
      return { ...state, ...restored, ...cessations, tribunalOrders: put(state.tribunalOrders, d.orderId, d) };
    }
    case 'ehc.transfer-notified.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, transfers: put(state.transfers, d.transferId, d) };
    }
    case 'ehc.plan-transferred.v1': {
      const d = event.data;
      return { ...state, localAuthority: d.toLocalAuthority, transfers: put(state.transfers, d.transferId, { ...state.transfers[d.transferId], transferredOn: d.transferredOn }) };
    }
    case 'ehc.transfer-reassessment-decided.v1': {
      const d = event.data;
      return { ...state, transfers: put(state.transfers, d.transferId, { ...state.transfers[d.transferId], reassessment: { willReassess: d.willReassess, decidedOn: d.decidedOn, ...(d.reviewOn ? { reviewOn: d.reviewOn } : {}) } }) };
    }
    case 'ehc.assessment-transferred.v1': {
      const { caseId: _c, assessmentId: _a, ...d } = event.data;
      return { ...state, localAuthority: d.toLocalAuthority, assessmentTransfers: [...(state.assessmentTransfers ?? []), d] };
    }
    case 'ehc.commissioning-body-changed.v1': {
      const { caseId: _c, ...d } = event.data;
      return { ...state, commissioningChanges: put(state.commissioningChanges, d.changeId, d) };
    }
    case 'ehc.commissioning-body-notified.v1': {
      const d = event.data;
      return { ...state, commissioningChanges: put(state.commissioningChanges, d.changeId, { ...state.commissioningChanges[d.changeId], notifiedOn: d.notifiedOn }) };
    }
    case 'ehc.personal-data-erased.v1': {
      const d = event.data;
      return { ...state, personalDataErased: { erasureId: d.erasureId, erasedOn: d.erasedOn, ground: d.ground } };
    }
  }
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
