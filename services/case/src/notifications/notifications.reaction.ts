import { Logger } from '@nestjs/common';
import { EventsHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { EVENT_STORE, Reaction, StoredEvent } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { ehcCaseDecider, londonDateOf, type EhcCaseState, type EhcEvent } from '@tio/ehc-domain';
import { FamilyNotifications } from './family-notifications';
import { intentForEvent, messageForEvent } from './notification-plan';

/**
 * Tells the family when something happens on their case: a durable reaction to the case service's own store (its
 * checkpointed subscription, not Kafka). It only writes the ledger (one row per event, recipient and channel,
 * ignored when already there), so a replay or a restart adds nothing, and a slow or failing mail provider never
 * holds the other reactions up: the sender works through the ledger on its own.
 */
@EventsHandler(StoredEvent)
export class FamilyNotificationsReaction extends Reaction {
  private readonly logger = new Logger('notifications');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly notifications: FamilyNotifications,
  ) {
    super();
  }

  protected async react(event: RecordedEvent): Promise<void> {
    if (!this.notifications.enabled || !event.streamName.startsWith('case-')) return;
    const { caseId, eventId } = event.metadata;
    if (event.type === 'ehc.family-member-invited.v1') {
      await this.notifications.ledger.addFamilyCase(caseId);
      return;
    }
    if (event.type === 'ehc.family-member-linked.v1') {
      await this.notifications.ledger.addFamilyCase(caseId);
      const added = await this.notifications.tellCaseSoFar(event);
      if (added) this.logger.log({ msg: 'queued the case so far for a newly linked member', caseId, eventId });
      return;
    }
    if (!messageForEvent(event.type, event.data)) return;
    // who is told is decided as the case stood when the event was recorded (a replay tells nobody linked later)
    const upToEvent = await this.store.readStream(event.streamName, { maxCount: event.revision + 1 });
    const state = upToEvent.reduce<EhcCaseState>((s, e) => ehcCaseDecider.evolve(s, { type: e.type, data: e.data } as EhcEvent), ehcCaseDecider.initialState());
    const intent = intentForEvent({ type: event.type, data: event.data, eventId }, state, londonDateOf(event.metadata.occurredAt));
    if (!intent) return;
    const added = await this.notifications.enqueue(caseId, intent, state);
    if (added) this.logger.log({ msg: `queued ${added} notification(s)`, caseId, eventId, template: intent.templateId });
  }
}
