import type { Principal } from '@tio/auth';
import {
  AggregateCommand, AggregateCommandHandler,
  type Aggregate, type CommandResult, type Decider, type DomainEvent,
} from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import type { CaseAction, CaseReads } from '../access/case-reads';
import { authoriseAgencyRecord } from './agency-record-policy';

/** An agency's own record on a case (one stream per case): its decider and stream, and the agency's write rule. */
export function agencyCaseRecord<State, Cmd extends { caseId: string }, Event extends DomainEvent>(
  agency: string,
  decider: Decider<State, Cmd, Event>,
  streamOf: (caseId: string) => string,
): Aggregate<State, Cmd, Event> {
  return { decider, streamOf: (command) => streamOf(command.caseId), authorise: (_command, _state, caller) => authoriseAgencyRecord(agency, caller) };
}

/** A command on an agency's case record, sent by a token holder (the case's write grant is theirs). */
export abstract class AgencyCaseRecordCommand<Cmd, State, Event extends DomainEvent> extends AggregateCommand<Cmd, State, Event> {
  declare readonly caller: Principal;
}

/**
 * The handler of an agency's case record. The agency's write grant on the case reads the involvement tables (so it
 * cannot be in the aggregate's rule, which runs on the loaded stream): checked before the pipeline, after the agency
 * rule, so that a caller of another agency hears `wrong-agency` rather than the involvement refusal (which is logged).
 */
export abstract class AgencyCaseRecordHandler<State, Cmd extends { caseId: string }, Event extends DomainEvent> extends AggregateCommandHandler<State, Cmd, Event> {
  protected constructor(
    store: EventStore,
    private readonly access: CaseReads,
    private readonly agency: string,
    private readonly action: CaseAction,
    aggregate: Aggregate<State, Cmd, Event>,
  ) {
    super(store, aggregate);
  }

  override async execute(command: AgencyCaseRecordCommand<Cmd, State, Event>): Promise<CommandResult<State, Event>> {
    authoriseAgencyRecord(this.agency, command.caller);
    await this.access.authorise(command.caller, command.command.caseId, 'write', this.action);
    return super.execute(command);
  }
}
