import type { RequestTransfer } from './decider';
import { TransferAlreadyRequestedError } from './errors';
import type { TransferKind } from './events';

/**
 * The case's transfer register: the one stream that owns "only one open transfer of a kind at a time", so two
 * concurrent requests of the same kind cannot both pass (the second is decided again on the first's event and
 * refused). A request is recorded here first, with the whole request; the transfer's own stream then records it (a
 * durable reaction of the case service). Internal: these events are not published.
 */
export const transferRegisterStream = (caseId: string) => `transfers-${caseId}`;

export type TransferOutcome = 'completed' | 'cancelled' | 'declined';

export interface TransferOpenedV1 {
  caseId: string;
  transferId: string;
  kind: TransferKind;
  /** The request as the API accepted it: the transfer's own stream records it from this. */
  request: RequestTransfer;
}
export interface TransferClosedV1 {
  caseId: string;
  transferId: string;
  kind: TransferKind;
  outcome: TransferOutcome;
}

export type TransferRegisterEvent =
  | { type: 'transfer-register.opened.v1'; data: TransferOpenedV1 }
  | { type: 'transfer-register.closed.v1'; data: TransferClosedV1 };

export type TransferRegisterCommand =
  | { type: 'OpenTransfer'; caseId: string; request: RequestTransfer }
  | { type: 'CloseTransfer'; caseId: string; transferId: string; kind: TransferKind; outcome: TransferOutcome };

export interface TransferRegisterState {
  /** The open transfer of each kind, if any. */
  open: Partial<Record<TransferKind, string>>;
}

export const transferRegisterDecider = {
  initialState: (): TransferRegisterState => ({ open: {} }),

  evolve(state: TransferRegisterState, event: TransferRegisterEvent): TransferRegisterState {
    const { kind, transferId } = event.data;
    if (event.type === 'transfer-register.opened.v1') return { open: { ...state.open, [kind]: transferId } };
    return state.open[kind] === transferId ? { open: { ...state.open, [kind]: undefined } } : state;
  },

  decide(command: TransferRegisterCommand, state: TransferRegisterState): TransferRegisterEvent[] {
    if (command.type === 'CloseTransfer') {
      if (state.open[command.kind] !== command.transferId) return [];
      const { caseId, transferId, kind, outcome } = command;
      return [{ type: 'transfer-register.closed.v1', data: { caseId, transferId, kind, outcome } }];
    }
    const { transferId, kind } = command.request;
    const open = state.open[kind];
    if (open === transferId) return [];
    if (open) throw new TransferAlreadyRequestedError(`Transfer ${open} (${kind}) is still open: complete, cancel or decline it first`, { transferId: open });
    return [{ type: 'transfer-register.opened.v1', data: { caseId: command.caseId, transferId, kind, request: command.request } }];
  },
};

/** The outcome a transfer event closes its transfer with, if it does. */
export function closingOutcome(eventType: string): TransferOutcome | undefined {
  if (eventType === 'transfer.completed.v1') return 'completed';
  if (eventType === 'transfer.cancelled.v1') return 'cancelled';
  if (eventType === 'transfer.declined.v1') return 'declined';
  return undefined;
}
