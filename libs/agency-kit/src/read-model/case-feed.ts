import { Injectable, Logger } from '@nestjs/common';
import { TOPICS } from '@tio/contracts';
import { EventHandlers, PermanentHandlerError, type ConsumedEvent, type PgTransaction } from '@tio/messaging';
import { adviceFactFrom } from './advice-facts';
import { readModel } from './read-model';
import { ReadModelFeed, type FeedSubscription } from './read-model-feed';

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The topics whose events feed the read model: the case's events and every agency's advice. */
export const FEED_TOPICS = [TOPICS.caseEvents, TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents];

/**
 * Keeps the kit's read model from Kafka, exactly once per event (EventConsumer): which cases exist
 * (`ehc.request-received.v1`), what the case asked each agency for (`ehc.advice-requested.v1`), and every version of
 * every agency's advice (`advice.*.v1`), so "advice that others already gave is visible before you write". The
 * family's facts (who is linked, the draft or plan, the advice the LA shared early) have a consumer group of their
 * own (FamilyFactsFeed), which reads the case topic from its beginning when it is new.
 */
@Injectable()
export class CaseFeed extends ReadModelFeed {
  protected readonly logger = new Logger('agency-feed');

  protected subscription(): FeedSubscription {
    const advice = async (event: ConsumedEvent<Data>, tx: PgTransaction) => {
      // this service's own advice reaches the read model from its own store (OwnAdviceProjection), not twice
      if (event.source === `/tio/${this.options.service}`) return;
      const fact = adviceFactFrom(event.type, event.data, event.id, { caseId: event.subject, time: event.time, actorUserId: event.actor.userId, actorOrganisationId: event.actor.organisationId });
      if (!fact) throw new PermanentHandlerError(`${event.type} ${event.id} names no adviceId`);
      await readModel.recordCase(tx, { caseId: fact.caseId });
      await readModel.recordAdviceVersion(tx, fact);
    };
    const handlers = new EventHandlers<PgTransaction>()
      .on<Data>('ehc.request-received.v1', async (event, tx) => {
        await readModel.recordCase(tx, {
          caseId: str(event.data['caseId']) ?? event.subject,
          localAuthority: str(event.data['localAuthority']),
          receivedOn: str(event.data['receivedOn']) ?? str(event.data['receivedAt'])?.slice(0, 10),
          eventId: event.id,
        });
      })
      .on<Data>('ehc.advice-requested.v1', async (event, tx) => {
        const d = event.data;
        const caseId = str(d['caseId']) ?? event.subject;
        const adviceRequestId = str(d['adviceRequestId']);
        const agency = str(d['agency']);
        const adviceType = str(d['adviceType']);
        if (!adviceRequestId || !agency || !adviceType) throw new PermanentHandlerError(`ehc.advice-requested.v1 ${event.id} lacks adviceRequestId, agency or adviceType`);
        await readModel.recordRequest(
          tx,
          {
            caseId, adviceRequestId, agency, adviceType,
            // the case's assessment; an older payload without it keys the advice by the case
            assessmentId: str(d['assessmentId']) ?? caseId,
            adviserRef: str(d['adviserRef']),
            requestedOn: str(d['requestedOn']) ?? event.time.slice(0, 10),
            dueOn: str(d['dueOn']) ?? str(d['dueBy']),
          },
          event.id,
        );
      })
      .on('advice.submitted.v1', advice)
      .on('advice.corrected.v1', advice)
      .on('advice.withdrawn.v1', advice);
    return { groupId: `tio-${this.options.service}-advice-view`, topics: FEED_TOPICS, handlers };
  }
}
