import { Inject, Logger } from '@nestjs/common';
import { EventsHandler } from '@nestjs/cqrs';
import { Reaction, StoredEvent } from '@tio/event-sourcing';
import type { RecordedEvent } from '@tio/event-store';
import { PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { adviceFactFrom } from './advice-facts';
import { poolSql, readModel } from './read-model';

/**
 * The read model learns of this service's own advice from its own event store, as a durable reaction (the stored
 * form: personal fields stay envelopes, as Kafka carries them); other services' advice comes from their topics
 * (`CaseFeed`, which leaves this service's own events to this reaction). Each version is projected once.
 */
@EventsHandler(StoredEvent)
export class OwnAdviceProjection extends Reaction {
  private readonly logger = new Logger('own-advice-projection');
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    super();
  }

  protected async react(event: RecordedEvent): Promise<void> {
    if (!event.type.startsWith('advice.')) return;
    const fact = adviceFactFrom(event.type, event.data as Record<string, unknown>, event.metadata.eventId, {
      caseId: event.metadata.caseId, time: event.metadata.occurredAt, actorUserId: event.metadata.actor.userId, actorOrganisationId: event.metadata.actor.organisationId,
    });
    if (!fact) {
      this.logger.warn({ msg: `${event.type} names no adviceId: not projected`, eventId: event.metadata.eventId });
      return;
    }
    const sql = poolSql(this.pool);
    await readModel.recordCase(sql, { caseId: fact.caseId });
    await readModel.recordAdviceVersion(sql, fact);
  }
}
