import type { NotifyCommissioningBody, RecordCommissioningBodyChange } from '../commands';
import * as E from '../errors';
import type { EhcEvent } from '../events';
import type { EhcCaseState } from '../state';
import * as T from '../time-limits';
import { fail, requireText, unique } from './guards';

/** reg 16: the child's NHS commissioning body changed; the previous body notifies the new one. */
export function recordCommissioningBodyChange(command: RecordCommissioningBodyChange, state: EhcCaseState): EhcEvent[] {
  const { caseId, at, changeId, newCommissioningBodyRef } = command;
  unique(state.commissioningChanges, changeId, 'changeId');
  requireText(newCommissioningBodyRef, 'newCommissioningBodyRef');
  return [{
    type: 'ehc.commissioning-body-changed.v1',
    data: { caseId, changeId, newCommissioningBodyRef, learnedOn: at, notifyDueOn: T.commissioningNotifyDue(at) },
  }];
}

export function notifyCommissioningBody(command: NotifyCommissioningBody, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  const c = state.commissioningChanges[command.changeId];
  if (!c) return fail(E.CommissioningChangeNotFoundError, `No commissioning body change ${command.changeId}`);
  if (c.notifiedOn) fail(E.AlreadyRecordedError, `Already notified on ${c.notifiedOn}`);
  return [{ type: 'ehc.commissioning-body-notified.v1', data: { caseId, changeId: c.changeId, notifiedOn: at } }];
}
