import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import {
  AggregateCommand, AggregateCommandHandler, EVENT_STORE, isReaction,
  type Aggregate, type Caller, type CommandResult,
} from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { ehcCaseDecider, statutoryStatus, type EhcCaseState, type EhcCommand, type EhcEvent } from '@tio/ehc-domain';
import { authoriseFamilyCommand, authorisePublicRequest, PUBLIC_REQUEST_ROLE } from './family/family-authorisation';

export const caseStream = (caseId: string) => `case-${caseId}`;

/**
 * Who may move a case: a case officer of the local authority responsible for it (after a reg 15 transfer, the new
 * one; the receiving LA decides on reassessment), the LA a request is made to, the retention job erasing personal
 * data at the end of its period, and the service's own reactions to facts recorded elsewhere. Auditors never write.
 */
export function authoriseCaseCommand(command: EhcCommand, state: EhcCaseState, caller: Caller): void {
  if (isReaction(caller)) return;
  // issue #21: family members act on their own case (family/family-authorisation.ts); the public request on their behalf
  if (caller.roles.includes('family')) return authoriseFamilyCommand(command, state, caller);
  if (caller.roles.includes(PUBLIC_REQUEST_ROLE)) return authorisePublicRequest(command);
  if (command.type === 'RecordPersonalDataErasure' && command.ground === 'retention-period-ended' && caller.roles.includes('service')) return;
  if (!caller.roles.includes('case-officer')) {
    throw new ForbiddenException(command.type === 'RecordPersonalDataErasure'
      ? 'only a case officer of the responsible local authority (or the retention job) erases personal data; auditors never write'
      : 'only case officers move the case lifecycle');
  }
  if (command.type === 'ReceiveRequest') {
    if (caller.organisationId !== command.localAuthority) {
      throw new ForbiddenException(`only ${command.localAuthority}'s SEND team may record a request to it; the token is for ${caller.organisationId}`);
    }
    return;
  }
  if (state.localAuthority === undefined || caller.organisationId === state.localAuthority) return; // unknown case: the decider says 404
  if (command.type === 'DecideReassessmentAfterTransfer' && state.transfers[command.transferId]?.toLocalAuthority === caller.organisationId) return;
  throw new ForbiddenException(`case ${command.caseId} is the responsibility of ${state.localAuthority}; the token is for ${caller.organisationId}`);
}

export const caseAggregate: Aggregate<EhcCaseState, EhcCommand, EhcEvent> = {
  decider: ehcCaseDecider,
  streamOf: (command) => caseStream(command.caseId),
  authorise: authoriseCaseCommand,
  // a step is dated, not timed: the event says noon of that day unless the caller gives the time
  occurredAt: (command) => `${command.at}T12:00:00.000Z`,
};

/** A lifecycle command on a case's stream (the EHC decider's command union). */
export class CaseCommand extends AggregateCommand<EhcCommand, EhcCaseState, EhcEvent> {}

@CommandHandler(CaseCommand)
export class CaseCommandHandler extends AggregateCommandHandler<EhcCaseState, EhcCommand, EhcEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, caseAggregate);
  }
}

/**
 * What the case API answers to a command: the case, its revision, what was recorded, and its statutory status then
 * (`asOf`), or no status when the client asked for a minimal answer (`asOf` undefined: see runCaseCommand).
 */
export function caseCommandResult(caseId: string, result: CommandResult<EhcCaseState, EhcEvent>, asOf: string | undefined) {
  return {
    caseId,
    revision: result.revision,
    /** Types of the events this command recorded (a replayed retry: those the first attempt recorded). */
    recorded: result.recorded.map((e) => ({ eventId: e.eventId, type: e.type })),
    replayed: result.replayed,
    ...(asOf === undefined ? {} : { status: statutoryStatus(result.state, asOf) }),
  };
}
export type CaseCommandResult = ReturnType<typeof caseCommandResult>;
