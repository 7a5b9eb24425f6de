import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { authoriseAgencyRecord } from '@tio/agency-kit';
import { AggregateCommand, AggregateCommandHandler, EVENT_STORE, type Aggregate, type Caller } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { graduatedResponseDecider, graduatedResponseStream, type EducationEvent, type GraduatedResponseState, type RecordStep } from './graduated-response';

/** Who may record a step: an education practitioner (or system) of the school itself, never another school. */
export function authoriseGraduatedResponseStep(command: RecordStep, _state: GraduatedResponseState, caller: Caller): void {
  authoriseAgencyRecord('education', caller);
  if (caller.organisationId !== command.schoolUrn) {
    throw new ForbiddenException(`only ${command.schoolUrn} keeps its own graduated response record; the token is for ${caller.organisationId}`);
  }
}

export const graduatedResponseAggregate: Aggregate<GraduatedResponseState, RecordStep, EducationEvent> = {
  decider: graduatedResponseDecider,
  streamOf: (command) => graduatedResponseStream(command.schoolUrn, command.childRef),
  authorise: authoriseGraduatedResponseStep,
};

/** A step of a pupil's graduated response, on that pupil's stream at that school. */
export class GraduatedResponseCommand extends AggregateCommand<RecordStep, GraduatedResponseState, EducationEvent> {}

@CommandHandler(GraduatedResponseCommand)
export class GraduatedResponseCommandHandler extends AggregateCommandHandler<GraduatedResponseState, RecordStep, EducationEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, graduatedResponseAggregate);
  }
}
