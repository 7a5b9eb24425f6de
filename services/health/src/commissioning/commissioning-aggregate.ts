import { Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { agencyCaseRecord, AgencyCaseRecordCommand, AgencyCaseRecordHandler, CaseReads } from '@tio/agency-kit';
import { EVENT_STORE } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { commissioningDecider, commissioningStream, type CommissioningState, type HealthEvent, type RecordCommissioningBody } from './commissioning-body';

/** Only health practitioners (or systems) record health's own record on a case. */
export const commissioningAggregate = agencyCaseRecord('health', commissioningDecider, commissioningStream);

/** A change of the responsible commissioning body. */
export class CommissioningCommand extends AgencyCaseRecordCommand<RecordCommissioningBody, CommissioningState, HealthEvent> {}

@CommandHandler(CommissioningCommand)
export class CommissioningCommandHandler extends AgencyCaseRecordHandler<CommissioningState, RecordCommissioningBody, HealthEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CaseReads) access: CaseReads) {
    super(store, access, 'health', 'commissioning-body-write', commissioningAggregate);
  }
}
