import type { RecordPersonalDataErasure } from '../commands';
import { ERASURE_GROUNDS, type EhcEvent } from '../events';
import type { EhcCaseState } from '../state';
import { notBefore, requireOneOf, requireText } from './guards';

/** Allowed whatever the status (erasure usually comes long after the plan ceased); recorded once. */
export function recordPersonalDataErasure(command: RecordPersonalDataErasure, state: EhcCaseState): EhcEvent[] {
  const { caseId, at } = command;
  requireText(command.erasureId, 'erasureId');
  requireOneOf(command.ground, ERASURE_GROUNDS, 'ground');
  if (state.personalDataErased) return [];
  notBefore(at, state.requestReceivedOn, 'the request');
  return [{ type: 'ehc.personal-data-erased.v1', data: { caseId, erasureId: command.erasureId, erasedOn: at, ground: command.ground } }];
}
