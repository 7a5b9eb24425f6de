import type { RecordTribunalOrder } from '../commands';
import * as E from '../errors';
import { TRIBUNAL_ORDER_KINDS, TRIBUNAL_ORDER_REGULATIONS, type EhcEvent, type TribunalOrderKind } from '../events';
import type { EhcCaseState } from '../state';
import { fail, requireOneOf, unique } from './guards';

/**
 * The case status each kind of tribunal order answers (reg 43(2), 44(2)): an order to cease follows an appeal against a
 * decision to cease, the plan being maintained meanwhile.
 */
const TRIBUNAL_ORDER_APPLIES_TO: Readonly<Record<TribunalOrderKind, readonly EhcCaseState['status'][]>> = {
  assess: ['assessment-refused'],
  'make-plan': ['plan-refused'],
  'amend-plan': ['plan-in-force'],
  'amend-placement': ['plan-in-force'],
  'continue-to-maintain': ['plan-in-force', 'ceased'],
  cease: ['plan-in-force'],
};

/** The tribunal order of `kind` not yet complied with, if any. */
export function pendingTribunalOrder(state: EhcCaseState, kind: 'assess' | 'make-plan' | 'amend-plan'): string | undefined {
  const complied = new Set<string | undefined>([
    ...state.assessmentDecisions.map((d) => d.tribunalOrderId),
    ...state.drafts.map((d) => d.tribunalOrderId),
    ...Object.values(state.amendments).map((a) => a.tribunalOrderId),
  ]);
  return Object.values(state.tribunalOrders).find((o) => o.kind === kind && !complied.has(o.orderId))?.orderId;
}

export function recordTribunalOrder(command: RecordTribunalOrder, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  unique(state.tribunalOrders, command.orderId, 'orderId');
  requireOneOf(command.kind, TRIBUNAL_ORDER_KINDS, 'kind');
  requireOneOf(command.regulation, TRIBUNAL_ORDER_REGULATIONS, 'regulation');
  const applicable = TRIBUNAL_ORDER_APPLIES_TO[command.kind];
  if (!applicable.includes(state.status)) {
    const message = `An order to ${command.kind} needs the case to be ${applicable.join(' or ')} (it is ${state.status})`;
    fail(E.TribunalOrderNotApplicableError, message);
  }
  // reg 45: the LA did not oppose the appeal, so no order is made: `at` is its notice to the Tribunal, which starts the clocks
  return [{
    type: 'ehc.tribunal-order-received.v1',
    data: {
      caseId, orderId: command.orderId, regulation: command.regulation, kind: command.kind, orderOn: at,
      ...(command.regulation === 'reg 45' ? { tribunalNotifiedOn: at } : {}),
    },
  }];
}
