import { Logger } from '@nestjs/common';
import { CommandBus, EventsHandler } from '@nestjs/cqrs';
import type { AdviceSubmittedV1 } from '@tio/advice-domain';
import { Reaction, reactionCaller, StoredEvent } from '@tio/event-sourcing';
import type { RecordedEvent } from '@tio/event-store';
import { DomainError } from '@tio/kernel';
import { adviceOnCaseCommand } from '../advice-intake';
import { CaseCommand } from '../case-aggregate';

/**
 * Advice this service holds itself (the family's views, `local-authority`, recorded through the hosted agency kit)
 * becomes "advice received" on the case as a durable reaction to its own store, keyed by the advice event's id (the
 * same key the Kafka intake uses for other agencies' advice): no round trip through its own topic.
 */
@EventsHandler(StoredEvent)
export class AdviceHeldHere extends Reaction {
  private readonly logger = new Logger('advice-held-here');
  constructor(private readonly commands: CommandBus) {
    super();
  }

  protected async react(event: RecordedEvent): Promise<void> {
    const command = event.type.startsWith('advice.') ? adviceOnCaseCommand(event.type, event.data as AdviceSubmittedV1) : undefined;
    if (!command) return;
    const { actor, correlationId, eventId } = event.metadata;
    try {
      await this.commands.execute(new CaseCommand(command, reactionCaller(actor), {
        caseId: command.caseId, actor, correlationId, causationId: eventId, occurredAt: event.metadata.occurredAt, idempotencyKey: `ce:${eventId}`,
      }));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.logger.warn({ msg: `the case did not record ${event.type}: ${err.code}`, caseId: command.caseId, eventId, err: err.message });
    }
  }
}
