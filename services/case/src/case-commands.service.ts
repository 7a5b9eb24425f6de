import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, FORWARDER, handleCommand, loadState, type CommandContext } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { ehcCaseDecider, statutoryStatus, type EhcCaseState, type EhcCommand } from '@tio/ehc-domain';
import type { Forwarder } from '@tio/messaging';

export const caseStream = (caseId: string) => `case-${caseId}`;

export interface CaseCommandResult {
  caseId: string;
  revision: number;
  /** Types of the events this command recorded (empty for a replayed retry). */
  recorded: { eventId: string; type: string }[];
  replayed: boolean;
  status: ReturnType<typeof statutoryStatus>;
}

/**
 * Runs lifecycle commands against a case's stream (the decider decides, the store keeps) and checks who may:
 * only a case officer of the local authority responsible for the case (after a reg 15 transfer, the new one).
 */
@Injectable()
export class CaseCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FORWARDER) private readonly forwarder: Forwarder,
  ) {}

  async load(caseId: string): Promise<{ state: EhcCaseState; revision: number }> {
    const { state, revision } = await loadState(this.store, caseStream(caseId), ehcCaseDecider);
    return { state, revision };
  }

  async execute(command: EhcCommand, principal: Principal, context: CommandContext, asOf: string): Promise<CaseCommandResult> {
    const { state } = await this.load(command.caseId);
    this.authorise(command, state, principal);
    const occurredAt = context.occurredAt ?? `${command.at}T12:00:00.000Z`;
    const result = await handleCommand(this.store, caseStream(command.caseId), ehcCaseDecider, command, { ...context, occurredAt });
    if (result.recorded.length && !result.replayed) this.forwarder.wake();
    return {
      caseId: command.caseId,
      revision: result.revision,
      recorded: result.recorded.map((e) => ({ eventId: e.metadata.eventId, type: e.type })),
      replayed: result.replayed,
      status: statutoryStatus(result.state, asOf),
    };
  }

  private authorise(command: EhcCommand, state: EhcCaseState, principal: Principal): void {
    if (command.type === 'ReceiveRequest') {
      if (principal.organisationId !== command.localAuthority) {
        throw new ForbiddenException(`only ${command.localAuthority}'s SEND team may record a request to it; the token is for ${principal.organisationId}`);
      }
      return;
    }
    if (state.localAuthority === undefined || principal.organisationId === state.localAuthority) return; // unknown case: the decider says 404
    if (command.type === 'DecideReassessmentAfterTransfer' && state.transfers[command.transferId]?.toLocalAuthority === principal.organisationId) return;
    throw new ForbiddenException(`case ${command.caseId} is the responsibility of ${state.localAuthority}; the token is for ${principal.organisationId}`);
  }
}
