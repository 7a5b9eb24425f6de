import { Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { authoriseAgencyRecord, CaseReads } from '@tio/agency-kit';
import type { Principal } from '@tio/auth';
import { AggregateCommand, AggregateCommandHandler, EVENT_STORE, type Aggregate, type CommandContext, type CommandResult } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { assessmentsDecider, assessmentsStream, type AssessmentsState, type ReferenceAssessment, type SocialCareEvent } from './assessment-references';

/** Only social care practitioners (or systems) reference social care assessments on a case. */
export const assessmentsAggregate: Aggregate<AssessmentsState, ReferenceAssessment, SocialCareEvent> = {
  decider: assessmentsDecider,
  streamOf: (command) => assessmentsStream(command.caseId),
  authorise: (_command, _state, caller) => authoriseAgencyRecord('social-care', caller),
};

/** A reference to a social care assessment, sent by a token holder (the case's write grant is theirs). */
export class AssessmentsCommand extends AggregateCommand<ReferenceAssessment, AssessmentsState, SocialCareEvent> {
  declare readonly caller: Principal;
  constructor(command: ReferenceAssessment, caller: Principal, context: CommandContext) {
    super(command, caller, context);
  }
}

@CommandHandler(AssessmentsCommand)
export class AssessmentsCommandHandler extends AggregateCommandHandler<AssessmentsState, ReferenceAssessment, SocialCareEvent> {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CaseReads) private readonly access: CaseReads,
  ) {
    super(store, assessmentsAggregate);
  }

  /**
   * Social care's write grant on the case reads the involvement tables (so it cannot be in the aggregate's rule,
   * which runs on the loaded stream): checked here before the pipeline, after the agency rule, so that a caller of
   * another agency hears `wrong-agency` rather than the involvement refusal (which is logged).
   */
  override async execute(command: AssessmentsCommand): Promise<CommandResult<AssessmentsState, SocialCareEvent>> {
    authoriseAgencyRecord('social-care', command.caller);
    await this.access.authorise(command.caller, command.command.caseId, 'write', 'social-care-assessments-write');
    return super.execute(command);
  }
}
