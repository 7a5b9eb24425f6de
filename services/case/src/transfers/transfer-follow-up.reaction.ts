import { Inject, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler } from '@nestjs/cqrs';
import { DomainError } from '@tio/kernel';
import { EVENT_STORE, loadState, Reaction, reactionCaller, StoredEvent } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { ehcCaseDecider } from '@tio/ehc-domain';
import { foldTransfer } from '@tio/transfer-domain';
import { CaseCommand, caseStream } from '../case-aggregate';
import { caseFollowUp } from './case-follow-up';
import { asTransferEvent } from './transfer-commands.service';

/**
 * When a transfer between local authorities takes a step, the case follows (reg 15: its responsible LA and its
 * statutory clock): a durable reaction, keyed by the step's event id, so a crash between the two records replays it
 * and nothing is recorded twice. A refusal by the case's rules is logged (the API checked it before the step).
 */
@EventsHandler(StoredEvent)
export class TransferFollowUp extends Reaction {
  private readonly logger = new Logger('transfer-follow-up');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
  ) {
    super();
  }

  protected async react(event: RecordedEvent): Promise<void> {
    if (!event.type.startsWith('transfer.')) return;
    const upToThisStep = await this.store.readStream(event.streamName, { maxCount: event.revision + 1 });
    const transfer = foldTransfer(upToThisStep.map(asTransferEvent));
    const { state: kase } = await loadState(this.store, caseStream(event.metadata.caseId), ehcCaseDecider);
    if (kase.status === 'none') return;
    const { command } = caseFollowUp(asTransferEvent(event), transfer, kase);
    if (!command) return;
    const { actor, caseId, correlationId, eventId } = event.metadata;
    try {
      await this.commands.execute(new CaseCommand(command, reactionCaller(actor), {
        caseId, actor, correlationId, causationId: eventId, idempotencyKey: `transfer-follow-up:${eventId}`,
      }));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.logger.warn({ msg: `the case did not follow ${event.type}: ${err.code}`, caseId, eventId, err: err.message });
    }
  }
}
