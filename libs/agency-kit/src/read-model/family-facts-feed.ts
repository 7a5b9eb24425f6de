import { Injectable, Logger } from '@nestjs/common';
import { TOPICS } from '@tio/contracts';
import { EventHandlers, type ConsumedEvent, type PgTransaction } from '@tio/messaging';
import { FAMILY_CASE_EVENT_TYPES } from '../family/family-advice-rule';
import { readModel } from './read-model';
import { ReadModelFeed, type FeedSubscription } from './read-model-feed';

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The consumer group that keeps the family's facts: a group of its own, so it reads the case topic from its start. */
export const familyFactsGroup = (service: string) => `tio-${service}-family-facts`;

/**
 * Keeps `agency_kit.case_family_events` (what the family's advice route needs: who is linked, the young person's
 * rights, the draft or a final or amended plan, the advice the LA shared early) from the case topic, exactly once per
 * event (EventConsumer's claim in `processed_messages`), reported to readiness and /metrics like the other consumers.
 *
 * It is NOT part of the read model's feed (`tio-<service>-advice-view`) on purpose: that group has long committed
 * offsets past a case's family events wherever the service ran before this table existed, so a family linked then
 * would be refused until someone replayed it by hand. A group of its own has no offsets on its first start, so it
 * reads the case topic from the beginning (EventConsumer's default `fromBeginning`) and fills the table from the
 * topic's whole history, on a new deployment and on one that already runs alike; from then on it resumes where it
 * stopped. This relies on the case topic keeping its events (the brokers' `log.retention.hours=-1`, as in
 * docker-compose.yml): a topic that expires events loses the family facts older than its retention.
 */
@Injectable()
export class FamilyFactsFeed extends ReadModelFeed {
  protected readonly logger = new Logger('agency-family-facts');

  protected subscription(): FeedSubscription {
    const familyCaseEvent = async (event: ConsumedEvent<Data>, tx: PgTransaction) => {
      const caseId = str(event.data['caseId']) ?? event.subject;
      await readModel.recordCase(tx, { caseId });
      await readModel.recordFamilyCaseEvent(tx, { eventId: event.id, caseId, type: event.type, data: event.data, occurredAt: event.time });
    };
    const handlers = new EventHandlers<PgTransaction>();
    for (const type of FAMILY_CASE_EVENT_TYPES) handlers.on(type, familyCaseEvent);
    // a new group (first start, here or on a deployment that ran before the family route) reads the whole topic
    return { groupId: familyFactsGroup(this.options.service), topics: [TOPICS.caseEvents], handlers };
  }
}
