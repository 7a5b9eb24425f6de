import { Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { agencyCaseRecord, AgencyCaseRecordCommand, AgencyCaseRecordHandler, CaseReads } from '@tio/agency-kit';
import { EVENT_STORE } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { assessmentsDecider, assessmentsStream, type AssessmentsState, type ReferenceAssessment, type SocialCareEvent } from './assessment-references';

/** Only social care practitioners (or systems) reference social care assessments on a case. */
export const assessmentsAggregate = agencyCaseRecord('social-care', assessmentsDecider, assessmentsStream);

/** A reference to a social care assessment. */
export class AssessmentsCommand extends AgencyCaseRecordCommand<ReferenceAssessment, AssessmentsState, SocialCareEvent> {}

@CommandHandler(AssessmentsCommand)
export class AssessmentsCommandHandler extends AgencyCaseRecordHandler<AssessmentsState, ReferenceAssessment, SocialCareEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CaseReads) access: CaseReads) {
    super(store, access, 'social-care', 'social-care-assessments-write', assessmentsAggregate);
  }
}
