import { EventHandlers, type ConsumedEvent, type HandlerRegistration, type TransactionContext } from '@tio/messaging';

/**
 * EventHandlers that answer for EVERY type: the timeline keeps an entry for any case event, known or not (unknown
 * types get the generic entry), so the consumer never skips one as "unknown".
 */
export class CatchAllHandlers<TCtx extends TransactionContext> extends EventHandlers<TCtx> {
  constructor(private readonly handle: (event: ConsumedEvent, tx: TCtx) => Promise<void>) {
    super();
  }

  override get(_type: string): HandlerRegistration<TCtx> {
    return { handle: this.handle as HandlerRegistration<TCtx>['handle'] };
  }

  override types(): string[] {
    return ['*'];
  }
}
