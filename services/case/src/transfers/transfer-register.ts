import { ForbiddenException, Inject, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, EventsHandler } from '@nestjs/cqrs';
import {
  AggregateCommand, AggregateCommandHandler, EVENT_STORE, isReaction, Reaction, reactionCaller, StoredEvent,
  type Aggregate, type Caller,
} from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { DomainError } from '@tio/kernel';
import {
  closingOutcome, transferDecider, transferRegisterDecider, transferRegisterStream, transferStream,
  type RequestTransfer, type TransferEvent, type TransferOpenedV1, type TransferRegisterCommand, type TransferRegisterEvent,
  type TransferRegisterState, type TransferState,
} from '@tio/transfer-domain';

const onlyReactions = (what: string) => (_command: unknown, _state: unknown, caller: Caller) => {
  if (!isReaction(caller)) throw new ForbiddenException(`${what} is recorded by the case service itself`);
};

/**
 * The case's transfer register: a request is opened by the organisation asking (the transfer API has checked that it
 * is the one responsible now) and closed by a reaction to the transfer's completion, cancellation or decline.
 */
export const transferRegisterAggregate: Aggregate<TransferRegisterState, TransferRegisterCommand, TransferRegisterEvent> = {
  decider: transferRegisterDecider,
  streamOf: (command) => transferRegisterStream(command.caseId),
  authorise: (command, _state, caller) => {
    if (command.type === 'OpenTransfer' && caller.organisationId === command.request.by) return;
    onlyReactions('closing a transfer in the register')(command, _state, caller);
  },
};
export class TransferRegisterStep extends AggregateCommand<TransferRegisterCommand, TransferRegisterState, TransferRegisterEvent> {}
@CommandHandler(TransferRegisterStep)
export class TransferRegisterHandler extends AggregateCommandHandler<TransferRegisterState, TransferRegisterCommand, TransferRegisterEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, transferRegisterAggregate);
  }
}

/** A request the register opened, recorded on the transfer's own stream. */
export const transferRequestAggregate: Aggregate<TransferState, RequestTransfer, TransferEvent> = {
  decider: transferDecider as Aggregate<TransferState, RequestTransfer, TransferEvent>['decider'],
  streamOf: (command) => transferStream(command.transferId),
  authorise: onlyReactions('a transfer request on its own stream'),
};
export class RecordTransferRequest extends AggregateCommand<RequestTransfer, TransferState, TransferEvent> {}
@CommandHandler(RecordTransferRequest)
export class RecordTransferRequestHandler extends AggregateCommandHandler<TransferState, RequestTransfer, TransferEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, transferRequestAggregate);
  }
}

/**
 * The register's reactions: a request it opened is recorded on the transfer's own stream; a transfer completed,
 * cancelled or declined closes its kind in the register. Each keyed by the event it reacts to.
 */
@EventsHandler(StoredEvent)
export class TransferRegisterReactions extends Reaction {
  private readonly logger = new Logger('transfer-register');
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    super();
  }

  protected async react(event: RecordedEvent): Promise<void> {
    const { actor, caseId, correlationId, eventId, occurredAt } = event.metadata;
    const context = { caseId, actor, correlationId, causationId: eventId, occurredAt };
    try {
      if (event.type === 'transfer-register.opened.v1') {
        const { request } = event.data as TransferOpenedV1;
        await this.commands.execute(new RecordTransferRequest(request, reactionCaller(actor), { ...context, idempotencyKey: `register-opened:${eventId}` }));
        return;
      }
      const outcome = event.type.startsWith('transfer.') ? closingOutcome(event.type) : undefined;
      if (!outcome) return;
      const { transferId, kind } = await this.kindOf(event);
      if (!kind) return;
      await this.commands.execute(new TransferRegisterStep({ type: 'CloseTransfer', caseId, transferId, kind, outcome }, reactionCaller(actor), {
        ...context, idempotencyKey: `register-closed:${eventId}`,
      }));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.logger.warn({ msg: `the transfer register did not follow ${event.type}: ${err.code}`, caseId, eventId, err: err.message });
    }
  }

  private async kindOf(event: RecordedEvent): Promise<{ transferId: string; kind?: TransferOpenedV1['kind'] }> {
    const transferId = (event.data as { transferId: string }).transferId;
    const [requested] = await this.store.readStream(transferStream(transferId), { maxCount: 1 });
    return { transferId, kind: (requested?.data as { kind?: TransferOpenedV1['kind'] } | undefined)?.kind };
  }
}

export const TRANSFER_REGISTER_PROVIDERS = [TransferRegisterHandler, RecordTransferRequestHandler, TransferRegisterReactions];
