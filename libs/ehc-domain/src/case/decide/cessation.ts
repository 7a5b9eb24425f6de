import { isAfter, isBefore, type IsoDate } from '../../calendar';
import type { CeasePlan, DecideToCease, ProposeCessation, RecordCessationConsultation } from '../commands';
import * as E from '../errors';
import { CEASE_REASONS, CESSATION_CONSULTEES, type EhcEvent } from '../events';
import type { CessationState, EhcCaseState } from '../state';
import { appealWindowEnd } from './appeals';
import { assertPlanInForce, fail, notBefore, requireOneOf, requireText, unique } from './guards';

/** The decided cessation not yet carried out or overturned, if any. */
export function openCessation(state: EhcCaseState): CessationState | undefined {
  return Object.values(state.cessations ?? {}).find((c) => !c.ceasedOn && !c.overturnedOn);
}

/** The Tribunal's order to cease made since the plan was last maintained by order (reg 44(2)), if any. */
function ceaseOrder(state: EhcCaseState): { orderOn: IsoDate } | undefined {
  const orders = Object.values(state.tribunalOrders)
    .filter((o) => o.kind === 'cease' || o.kind === 'continue-to-maintain')
    .sort((a, b) => a.orderOn.localeCompare(b.orderOn));
  const last = orders.at(-1);
  return last?.kind === 'cease' ? last : undefined;
}

/**
 * reg 31 (and CoP 9.210): after a decision to cease the LA keeps maintaining the plan until the time for appealing has
 * passed without an appeal, or an appeal has been concluded (dismissed, withdrawn, or an order to cease). Returns why
 * the plan may not cease yet on `at`, or undefined.
 */
function maintainedPendingAppeal(state: EhcCaseState, c: CessationState, at: IsoDate): string | undefined {
  const notices = Object.values(state.appealNotices ?? {}).filter((n) => n.cessationId === c.cessationId);
  if (!notices.length) return `reg 31: the decision to cease (${c.decidedOn}) has not been notified with the right of appeal`;
  const ids = new Set(notices.map((n) => n.noticeId));
  const appeals = Object.values(state.appeals ?? {}).filter((a) => ids.has(a.noticeId));
  const ceaseOrdered = Object.values(state.tribunalOrders).some((o) => o.kind === 'cease' && !isBefore(o.orderOn, c.decidedOn as IsoDate));
  if (ceaseOrdered) return undefined;
  const pending = appeals.find((a) => !a.outcome);
  if (pending) return `reg 31: the plan is maintained while the appeal ${pending.appealId} (registered ${pending.registeredOn}) is pending`;
  if (appeals.some((a) => a.outcome?.outcome === 'dismissed' || a.outcome?.outcome === 'withdrawn')) return undefined;
  const mediating = Object.values(state.mediations ?? {}).find((m) => ids.has(m.noticeId) && !m.certificate);
  if (mediating) return `reg 31: the family are in mediation (${mediating.mediationId}); the time for appealing runs from its certificate`;
  const windowEnd = notices.map((n) => appealWindowEnd(state, n.noticeId)).sort().at(-1) as IsoDate;
  if (!isAfter(at, windowEnd)) return `reg 31: the plan is maintained until the time for appealing has passed (${windowEnd})`;
  return undefined;
}

export function proposeCessation(command: ProposeCessation, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Proposing to cease the plan');
  unique(state.cessations ?? {}, command.cessationId, 'cessationId');
  requireOneOf(command.reason, CEASE_REASONS, 'reason');
  const open = openCessation(state);
  if (open) {
    fail(E.AlreadyRecordedError, `Ceasing is already under way (${open.cessationId}, proposed ${open.proposedOn})`, {
      cessationId: open.cessationId,
    });
  }
  notBefore(at, state.finalPlan?.issuedOn, 'the final plan');
  return [{
    type: 'ehc.cessation-proposed.v1',
    data: { caseId, cessationId: command.cessationId, proposedOn: at, reason: command.reason },
  }];
}

/** A proposal to cease on which the LA has not yet decided. */
function undecidedCessation(state: EhcCaseState, cessationId: string): CessationState {
  const c = state.cessations?.[cessationId];
  if (!c) return fail(E.CessationNotFoundError, `No proposal to cease ${cessationId}`);
  if (c.decidedOn) fail(E.AlreadyRecordedError, `The LA already decided to cease on ${c.decidedOn}`);
  return c;
}

export function recordCessationConsultation(command: RecordCessationConsultation, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, consultee } = command;
  assertPlanInForce(state, 'Consulting on ceasing the plan');
  const c = undecidedCessation(state, command.cessationId);
  requireOneOf(consultee, CESSATION_CONSULTEES, 'consultee');
  if (c.consulted[consultee]) fail(E.AlreadyRecordedError, `The ${consultee} was consulted on ${c.consulted[consultee]}`);
  if (command.institutionRef !== undefined) requireText(command.institutionRef, 'institutionRef');
  notBefore(at, c.proposedOn, 'the proposal to cease');
  return [{
    type: 'ehc.cessation-consulted.v1',
    data: {
      caseId, cessationId: c.cessationId, consultee, consultedOn: at,
      ...(command.institutionRef ? { institutionRef: command.institutionRef } : {}),
    },
  }];
}

export function decideToCease(command: DecideToCease, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Deciding to cease the plan');
  const c = undecidedCessation(state, command.cessationId);
  // reg 29: the parent or young person and the institution are consulted before the decision
  const missing = CESSATION_CONSULTEES.filter((who) => !c.consulted[who]);
  if (missing.length) {
    fail(E.CessationNotConsultedError, `reg 29: consult the ${missing.join(' and the ')} before deciding to cease`, { missing });
  }
  for (const on of Object.values(c.consulted)) notBefore(at, on, 'the consultation');
  return [{ type: 'ehc.decision-to-cease.v1', data: { caseId, cessationId: c.cessationId, decidedOn: at, reason: c.reason } }];
}

/** Carry out a decided cessation once the time for appealing has passed or the appeal is over (reg 31). */
function ceaseAsDecided(command: CeasePlan, state: EhcCaseState, open: CessationState): EhcEvent[] {
  const { caseId, at } = command;
  if (command.reason !== undefined && command.reason !== open.reason) {
    fail(E.InvalidCommandError, `The decision to cease gave the reason ${open.reason}`, { field: 'reason' });
  }
  notBefore(at, open.decidedOn, 'the decision to cease');
  const why = maintainedPendingAppeal(state, open, at);
  if (why) fail(E.PlanMaintainedPendingAppealError, why, { cessationId: open.cessationId });
  return [{ type: 'ehc.plan-ceased.v1', data: { caseId, ceasedOn: at, reason: open.reason, cessationId: open.cessationId } }];
}

export function ceasePlan(command: CeasePlan, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  assertPlanInForce(state, 'Ceasing the plan');
  const open = openCessation(state);
  if (open && !open.decidedOn) {
    const message = `Ceasing was proposed on ${open.proposedOn} (${open.cessationId}): consult and decide to cease first (reg 29-31)`;
    return fail(E.CessationNotFoundError, message, { cessationId: open.cessationId });
  }
  if (open) return ceaseAsDecided(command, state, open);
  // regs 29-31: a plan ceases only after a decision to cease, or when the Tribunal ordered it (reg 44(2)).
  // Older histories hold plan-ceased events without either; evolve still accepts them.
  const order = ceaseOrder(state);
  if (!order) {
    const message = 'regs 29-31: propose ceasing, consult the family and the institution and decide to cease first '
      + '(or record the Tribunal\'s order to cease)';
    return fail(E.CessationNotDecidedError, message);
  }
  requireOneOf(command.reason, CEASE_REASONS, 'reason');
  notBefore(at, order.orderOn, 'the order to cease');
  return [{ type: 'ehc.plan-ceased.v1', data: { caseId, ceasedOn: at, reason: command.reason as NonNullable<typeof command.reason> } }];
}
