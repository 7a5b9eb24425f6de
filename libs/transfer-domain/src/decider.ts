import { isAfter, isBefore, isIsoDate, type IsoDate } from '@tio/ehc-domain';
import * as E from './errors';
import { HEALTH_REQUESTS, TRANSFER_KINDS, type HealthRequest, type TransferEvent, type TransferKind, type TransferredItems } from './events';
import { reg15TransferDue, reviewAfterTransferDue } from './clock';

/** Every command names the transfer, its case, the organisation recording the step (`by`) and the day of the fact (`at`). */
interface Base {
  caseId: string;
  transferId: string;
  by: string;
  at: IsoDate;
}
export interface RequestTransfer extends Base {
  type: 'RequestTransfer';
  kind: TransferKind;
  toOrganisation: string;
  /** Defaults to `at`. */
  learnedOn?: IsoDate;
  /** Defaults to `moveOn` (local-authority), `adulthoodOn` (adult-services) or `at`. */
  proposedOn?: IsoDate;
  moveOn?: IsoDate;
  lastReviewOn?: IsoDate;
  planMadeOn?: IsoDate;
  adulthoodOn?: IsoDate;
  moves?: Partial<TransferredItems>;
  reason?: string;
}
export interface AcceptTransfer extends Base {
  type: 'AcceptTransfer';
  transitionAssessedOn?: IsoDate;
  asksLocalAuthorityFor?: HealthRequest;
  note?: string;
}
export interface DeclineTransfer extends Base {
  type: 'DeclineTransfer';
  reason: string;
}
export interface CompleteTransfer extends Base {
  type: 'CompleteTransfer';
  /** What actually moved (defaults to what the request said would move). */
  moved?: Partial<TransferredItems>;
}
export interface AcknowledgeTransfer extends Base {
  type: 'AcknowledgeTransfer';
}
export interface CancelTransfer extends Base {
  type: 'CancelTransfer';
  reason: string;
}
export interface DecideReassessment extends Base {
  type: 'DecideReassessment';
  willReassess: boolean;
  reviewOn?: IsoDate;
}
export type TransferCommand = RequestTransfer | AcceptTransfer | DeclineTransfer | CompleteTransfer | AcknowledgeTransfer | CancelTransfer | DecideReassessment;

export type TransferStatus = 'none' | 'requested' | 'accepted' | 'declined' | 'cancelled' | 'completed';

export interface TransferState {
  status: TransferStatus;
  caseId?: string;
  transferId?: string;
  kind?: TransferKind;
  fromOrganisation?: string;
  toOrganisation?: string;
  requestedOn?: IsoDate;
  learnedOn?: IsoDate;
  proposedOn?: IsoDate;
  moveOn?: IsoDate;
  transferDueOn?: IsoDate;
  lastReviewOn?: IsoDate;
  planMadeOn?: IsoDate;
  adulthoodOn?: IsoDate;
  moves?: TransferredItems;
  acceptedOn?: IsoDate;
  transitionAssessedOn?: IsoDate;
  asksLocalAuthorityFor?: HealthRequest;
  declined?: { on: IsoDate; reason: string };
  cancelled?: { on: IsoDate; reason: string };
  completedOn?: IsoDate;
  moved?: TransferredItems;
  acknowledgedOn?: IsoDate;
  reassessment?: { willReassess: boolean; decidedOn: IsoDate; reviewOn?: IsoDate };
}

export const initialTransferState = (): TransferState => ({ status: 'none' });

export function evolveTransfer(state: TransferState, event: TransferEvent): TransferState {
  switch (event.type) {
    case 'transfer.requested.v1': {
      const d = event.data;
      return {
        status: 'requested', caseId: d.caseId, transferId: d.transferId, kind: d.kind, fromOrganisation: d.fromOrganisation, toOrganisation: d.toOrganisation,
        requestedOn: d.requestedOn, learnedOn: d.learnedOn, proposedOn: d.proposedOn, moveOn: d.moveOn, transferDueOn: d.transferDueOn,
        lastReviewOn: d.lastReviewOn, planMadeOn: d.planMadeOn, adulthoodOn: d.adulthoodOn, moves: d.moves,
      };
    }
    case 'transfer.accepted.v1':
      return { ...state, status: 'accepted', acceptedOn: event.data.acceptedOn, transitionAssessedOn: event.data.transitionAssessedOn, asksLocalAuthorityFor: event.data.asksLocalAuthorityFor };
    case 'transfer.declined.v1':
      return { ...state, status: 'declined', declined: { on: event.data.declinedOn, reason: event.data.reason } };
    case 'transfer.cancelled.v1':
      return { ...state, status: 'cancelled', cancelled: { on: event.data.cancelledOn, reason: event.data.reason } };
    case 'transfer.completed.v1':
      return { ...state, status: 'completed', completedOn: event.data.completedOn, moved: event.data.moved };
    case 'transfer.acknowledged.v1':
      return { ...state, acknowledgedOn: event.data.acknowledgedOn };
    case 'transfer.reassessment-decided.v1':
      return { ...state, reassessment: { willReassess: event.data.willReassess, decidedOn: event.data.decidedOn, ...(event.data.reviewOn ? { reviewOn: event.data.reviewOn } : {}) } };
    default:
      return state;
  }
}

const fail = (Err: new (message: string, details?: Record<string, unknown>) => E.TransferError, message: string, details?: Record<string, unknown>): never => {
  throw new Err(message, details);
};
function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(E.InvalidTransferCommandError, `${field} is required`, { field });
  return value as string;
}
function date(value: unknown, field: string): IsoDate {
  if (!isIsoDate(value)) fail(E.InvalidTransferCommandError, `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`, { field });
  return value as IsoDate;
}
function optDate(value: unknown, field: string): IsoDate | undefined {
  return value === undefined ? undefined : date(value, field);
}
function notBefore(at: IsoDate, earlier: IsoDate | undefined, what: string): void {
  if (earlier && isBefore(at, earlier)) fail(E.TransferChronologyError, `${at} is before ${what} (${earlier})`, { at, earlier });
}
function items(value: Partial<TransferredItems> | undefined, fallback?: TransferredItems): TransferredItems {
  const v = value ?? fallback ?? { adviceIds: [] };
  const adviceIds = v.adviceIds ?? fallback?.adviceIds ?? [];
  if (!Array.isArray(adviceIds) || adviceIds.some((a) => typeof a !== 'string' || a === '')) fail(E.InvalidTransferCommandError, 'adviceIds must be non-empty strings', { field: 'adviceIds' });
  const planId = v.planId ?? fallback?.planId;
  const fundingRef = v.fundingRef ?? fallback?.fundingRef;
  return { ...(planId ? { planId } : {}), adviceIds: [...adviceIds], ...(fundingRef ? { fundingRef } : {}) };
}
/** The step belongs to one side: `from` (sending) or `to` (receiving). */
function belongsTo(state: TransferState, side: 'from' | 'to', by: string, step: string): void {
  const owner = side === 'from' ? state.fromOrganisation : state.toOrganisation;
  if (by !== owner) {
    fail(E.WrongOrganisationError, `${step} belongs to the ${side === 'from' ? 'sending' : 'receiving'} organisation ${owner}; ${by} may not record it`, { owner, by, step });
  }
}
function existing(state: TransferState, command: Base): void {
  if (state.status === 'none') fail(E.TransferNotRequestedError, `No transfer ${command.transferId} has been requested`, { transferId: command.transferId });
  if (state.caseId !== command.caseId) fail(E.TransferWrongCaseError, `Transfer ${command.transferId} belongs to case ${state.caseId}, not ${command.caseId}`);
}
function open(state: TransferState, step: string): void {
  if (state.status === 'declined') fail(E.TransferClosedError, `${step}: the transfer was declined on ${state.declined?.on}`);
  if (state.status === 'cancelled') fail(E.TransferClosedError, `${step}: the transfer was cancelled on ${state.cancelled?.on}`);
  if (state.status === 'completed') fail(E.TransferAlreadyCompletedError, `${step}: the transfer was completed on ${state.completedOn}`);
}

/** decide(command, state) -> events. Pure: every date and organisation comes in on the command. */
export function decideTransfer(command: TransferCommand, state: TransferState): TransferEvent[] {
  const at = date(command.at, 'at');
  const by = text(command.by, 'by');
  const { caseId, transferId } = command;
  text(caseId, 'caseId');
  text(transferId, 'transferId');
  switch (command.type) {
    case 'RequestTransfer': {
      if (state.status !== 'none') return fail(E.TransferAlreadyRequestedError, `Transfer ${transferId} was already requested on ${state.requestedOn}`);
      if (!TRANSFER_KINDS.includes(command.kind)) fail(E.InvalidTransferCommandError, `kind must be one of ${TRANSFER_KINDS.join(', ')}`, { field: 'kind' });
      const to = text(command.toOrganisation, 'toOrganisation');
      if (to === by) fail(E.InvalidTransferCommandError, 'The receiving organisation is the one responsible now', { field: 'toOrganisation' });
      const learnedOn = optDate(command.learnedOn, 'learnedOn') ?? at;
      if (isBefore(at, learnedOn)) fail(E.TransferChronologyError, `The request (${at}) is before learning of the change (${learnedOn})`);
      const moveOn = optDate(command.moveOn, 'moveOn');
      const lastReviewOn = optDate(command.lastReviewOn, 'lastReviewOn');
      const planMadeOn = optDate(command.planMadeOn, 'planMadeOn');
      const adulthoodOn = optDate(command.adulthoodOn, 'adulthoodOn');
      const moves = items(command.moves);
      if (command.kind === 'local-authority' && !moveOn) fail(E.TransferKindRuleError, 'A transfer between local authorities needs the day of the move (reg 15)', { field: 'moveOn' });
      if (command.kind === 'adult-services' && !adulthoodOn) fail(E.TransferKindRuleError, 'A transfer to adult services needs the day the young person turns 18', { field: 'adulthoodOn' });
      if (command.kind !== 'local-authority' && (moveOn || lastReviewOn || planMadeOn)) fail(E.TransferKindRuleError, 'moveOn, lastReviewOn and planMadeOn apply to transfers between local authorities only');
      if (command.kind !== 'adult-services' && adulthoodOn) fail(E.TransferKindRuleError, 'adulthoodOn applies to transfers to adult services only');
      const proposedOn = optDate(command.proposedOn, 'proposedOn') ?? moveOn ?? adulthoodOn ?? at;
      notBefore(proposedOn, learnedOn, 'learning of the change');
      const transferDueOn = command.kind === 'local-authority' ? reg15TransferDue(learnedOn, moveOn as IsoDate) : undefined;
      return [{
        type: 'transfer.requested.v1',
        data: {
          caseId, transferId, kind: command.kind, fromOrganisation: by, toOrganisation: to, requestedOn: at, learnedOn, proposedOn,
          ...(moveOn ? { moveOn } : {}), ...(transferDueOn ? { transferDueOn } : {}), ...(lastReviewOn ? { lastReviewOn } : {}), ...(planMadeOn ? { planMadeOn } : {}),
          ...(adulthoodOn ? { adulthoodOn } : {}), moves, ...(command.reason ? { reason: command.reason } : {}),
        },
      }];
    }
    case 'AcceptTransfer': {
      existing(state, command);
      belongsTo(state, 'to', by, 'Accepting a transfer');
      open(state, 'Accepting');
      if (state.status === 'accepted') fail(E.TransferAlreadyAnsweredError, `The transfer was already accepted on ${state.acceptedOn}`);
      notBefore(at, state.requestedOn, 'the request');
      const transitionAssessedOn = optDate(command.transitionAssessedOn, 'transitionAssessedOn');
      if (state.kind === 'adult-services') {
        if (!transitionAssessedOn) fail(E.TransferKindRuleError, 'Adult services accept after a transition assessment: give transitionAssessedOn (Care Act 2014 s.58-59)', { field: 'transitionAssessedOn' });
        if (isBefore(at, transitionAssessedOn as IsoDate)) fail(E.TransferChronologyError, `The acceptance (${at}) is before the transition assessment (${transitionAssessedOn})`);
      } else if (transitionAssessedOn) fail(E.TransferKindRuleError, 'transitionAssessedOn applies to transfers to adult services only');
      const asks = command.asksLocalAuthorityFor;
      if (asks !== undefined) {
        if (state.kind !== 'nhs-body') fail(E.TransferKindRuleError, 'asksLocalAuthorityFor applies to a new NHS commissioning body only (reg 16)');
        if (!HEALTH_REQUESTS.includes(asks)) fail(E.InvalidTransferCommandError, `asksLocalAuthorityFor must be one of ${HEALTH_REQUESTS.join(', ')}`, { field: 'asksLocalAuthorityFor' });
      }
      return [{
        type: 'transfer.accepted.v1',
        data: { caseId, transferId, organisation: by, acceptedOn: at, ...(transitionAssessedOn ? { transitionAssessedOn } : {}), ...(asks ? { asksLocalAuthorityFor: asks } : {}), ...(command.note ? { note: command.note } : {}) },
      }];
    }
    case 'DeclineTransfer': {
      existing(state, command);
      belongsTo(state, 'to', by, 'Declining a transfer');
      open(state, 'Declining');
      if (state.kind === 'nhs-body') {
        fail(E.TransferKindRuleError, 'reg 16: a new NHS commissioning body cannot decline: it makes the health provision in the plan or asks the LA for an assessment or review (accept with asksLocalAuthorityFor)');
      }
      if (state.status === 'accepted') fail(E.TransferAlreadyAnsweredError, `The transfer was already accepted on ${state.acceptedOn}`);
      const reason = text(command.reason, 'reason');
      notBefore(at, state.requestedOn, 'the request');
      return [{ type: 'transfer.declined.v1', data: { caseId, transferId, organisation: by, declinedOn: at, reason } }];
    }
    case 'CancelTransfer': {
      existing(state, command);
      belongsTo(state, 'from', by, 'Cancelling a transfer');
      open(state, 'Cancelling');
      const reason = text(command.reason, 'reason');
      notBefore(at, state.requestedOn, 'the request');
      return [{ type: 'transfer.cancelled.v1', data: { caseId, transferId, organisation: by, cancelledOn: at, reason } }];
    }
    case 'CompleteTransfer': {
      existing(state, command);
      belongsTo(state, 'from', by, 'Completing a transfer');
      open(state, 'Completing');
      if (state.status !== 'accepted') fail(E.TransferNotAcceptedError, `The receiving organisation ${state.toOrganisation} has not accepted the transfer: responsibility cannot pass`);
      notBefore(at, state.acceptedOn, 'the acceptance');
      if (state.kind === 'adult-services' && isBefore(at, state.adulthoodOn as IsoDate)) {
        fail(E.TransferKindRuleError, `Children's services stay responsible until the young person turns 18 (${state.adulthoodOn})`);
      }
      return [{ type: 'transfer.completed.v1', data: { caseId, transferId, organisation: by, completedOn: at, moved: items(command.moved, state.moves) } }];
    }
    case 'AcknowledgeTransfer': {
      existing(state, command);
      belongsTo(state, 'to', by, 'Acknowledging a transfer');
      if (state.status !== 'completed') fail(state.status === 'declined' || state.status === 'cancelled' ? E.TransferClosedError : E.TransferNotCompletedError, `The transfer is ${state.status}: there is no completion to acknowledge`);
      if (state.acknowledgedOn) fail(E.TransferAlreadyRecordedError, `The completion was already acknowledged on ${state.acknowledgedOn}`);
      notBefore(at, state.completedOn, 'the completion');
      return [{ type: 'transfer.acknowledged.v1', data: { caseId, transferId, organisation: by, acknowledgedOn: at } }];
    }
    case 'DecideReassessment': {
      existing(state, command);
      if (state.kind !== 'local-authority') fail(E.TransferKindRuleError, 'Only the new local authority after a reg 15 transfer decides whether to reassess');
      belongsTo(state, 'to', by, 'Deciding whether to reassess');
      if (state.status !== 'completed') fail(E.TransferNotCompletedError, `The transfer is ${state.status}: the new local authority is not responsible yet`);
      if (state.reassessment) fail(E.TransferAlreadyRecordedError, `The new local authority already decided on ${state.reassessment.decidedOn}`);
      notBefore(at, state.completedOn, 'the transfer');
      if (typeof command.willReassess !== 'boolean') fail(E.InvalidTransferCommandError, 'willReassess must be true or false', { field: 'willReassess' });
      // reg 15(4)(a): the new LA also says when it will review the plan, within the reg 15(5) limit
      const reviewOn = optDate(command.reviewOn, 'reviewOn');
      if (reviewOn) {
        notBefore(reviewOn, state.completedOn, 'the transfer');
        const limit = reviewAfterTransferDue(state);
        if (isAfter(reviewOn, limit)) fail(E.TransferChronologyError, `reg 15(5): the new LA must review by ${limit}; ${reviewOn} is later`, { reviewOn, limit });
      }
      return [{ type: 'transfer.reassessment-decided.v1', data: { caseId, transferId, organisation: by, willReassess: command.willReassess, decidedOn: at, ...(reviewOn ? { reviewOn } : {}) } }];
    }
    default:
      return fail(E.InvalidTransferCommandError, `Unknown command ${(command as { type: string }).type}`);
  }
}

export const transferDecider = {
  decide: decideTransfer,
  evolve: evolveTransfer,
  initialState: initialTransferState,
};

export const transferStream = (transferId: string) => `transfer-${transferId}`;
