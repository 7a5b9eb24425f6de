import type { IEvent, IEventHandler } from '@nestjs/cqrs';
import type { RecordedEvent } from '@tio/event-store';

/**
 * An event of the service's own store, as its checkpointed reactions subscription reads it, on @nestjs/cqrs's
 * EventBus. The bus delivers without waiting; every `Reaction` registers its work here, so the subscription can wait
 * for all of them before it moves its checkpoint.
 */
export class StoredEvent implements IEvent {
  private readonly work: Promise<unknown>[] = [];
  constructor(readonly event: RecordedEvent) {}

  track(work: Promise<unknown>): void {
    this.work.push(work);
  }

  /** Resolves when every reaction to this event has finished; rejects with the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.work);
  }
}

/**
 * A durable reaction (an `@EventsHandler(StoredEvent)`): it runs once the event is committed, from the service's own
 * checkpointed subscription, so a crash replays it. Its command must be keyed by the event's id (e.g.
 * `idempotencyKey: \`<reaction>:${event.metadata.eventId}\``) so a replay records nothing twice. A refusal by a
 * domain rule is the reaction's to handle (log it); any other failure is retried until it succeeds.
 */
export abstract class Reaction implements IEventHandler<StoredEvent> {
  handle(stored: StoredEvent): Promise<void> {
    const work = this.react(stored.event);
    stored.track(work);
    return work;
  }

  protected abstract react(event: RecordedEvent): Promise<void>;
}
