import { Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { authoriseAgencyRecord, CaseReads } from '@tio/agency-kit';
import type { Principal } from '@tio/auth';
import { AggregateCommand, AggregateCommandHandler, EVENT_STORE, type Aggregate, type CommandContext, type CommandResult } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { commissioningDecider, commissioningStream, type CommissioningState, type HealthEvent, type RecordCommissioningBody } from './commissioning-body';

/** Only health practitioners (or systems) record health's own record on a case. */
export const commissioningAggregate: Aggregate<CommissioningState, RecordCommissioningBody, HealthEvent> = {
  decider: commissioningDecider,
  streamOf: (command) => commissioningStream(command.caseId),
  authorise: (_command, _state, caller) => authoriseAgencyRecord('health', caller),
};

/** A change of the responsible commissioning body, sent by a token holder (the case's write grant is theirs). */
export class CommissioningCommand extends AggregateCommand<RecordCommissioningBody, CommissioningState, HealthEvent> {
  declare readonly caller: Principal;
  constructor(command: RecordCommissioningBody, caller: Principal, context: CommandContext) {
    super(command, caller, context);
  }
}

@CommandHandler(CommissioningCommand)
export class CommissioningCommandHandler extends AggregateCommandHandler<CommissioningState, RecordCommissioningBody, HealthEvent> {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CaseReads) private readonly access: CaseReads,
  ) {
    super(store, commissioningAggregate);
  }

  /**
   * Health's write grant on the case reads the involvement tables (so it cannot be in the aggregate's rule, which
   * runs on the loaded stream): checked here before the pipeline, after the agency rule, so that a caller of another
   * agency hears `wrong-agency` rather than the involvement refusal (which is logged).
   */
  override async execute(command: CommissioningCommand): Promise<CommandResult<CommissioningState, HealthEvent>> {
    authoriseAgencyRecord('health', command.caller);
    await this.access.authorise(command.caller, command.command.caseId, 'write', 'commissioning-body-write');
    return super.execute(command);
  }
}
