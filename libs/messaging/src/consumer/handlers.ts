import type { Actor } from '@tio/event-store';
import type { TransactionContext } from './unit-of-work';

/** An event as a handler sees it: the CloudEvent's attributes plus where it came from. */
export interface ConsumedEvent<TData = unknown> {
  id: string;
  type: string;
  source: string;
  /** The case id. */
  subject: string;
  time: string;
  data: TData;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  actor: Actor;
  /** When the producer's event store recorded it (absent for messages from outside systems). */
  recordedAt?: string;
  topic: string;
  partition: number;
  offset: string;
}

export type HandlerFunction<TData, TCtx> = (event: ConsumedEvent<TData>, tx: TCtx) => Promise<void>;

/** A class-based handler. */
export interface EventHandler<TData = unknown, TCtx extends TransactionContext = TransactionContext> {
  handle(event: ConsumedEvent<TData>, tx: TCtx): Promise<void>;
}

export interface HandlerRegistration<TCtx> {
  handle: HandlerFunction<unknown, TCtx>;
  /** class-validator DTO the data must satisfy (inbound messages); invalid ones are dead-lettered. */
  dto?: new () => object;
  /** The DTO names only the fields this handler reads; others may be present (another service's published event). */
  allowUnknownFields?: boolean;
}

/** Throw this from a handler for a message that can never succeed: it is dead-lettered without retries. */
export class PermanentHandlerError extends Error {
  override name = 'PermanentHandlerError';
}

/** What a service registers: one handler per CloudEvents type. */
export class EventHandlers<TCtx extends TransactionContext = TransactionContext> {
  private readonly handlers = new Map<string, HandlerRegistration<TCtx>>();

  on<TData>(type: string, handler: HandlerFunction<TData, TCtx> | EventHandler<TData, TCtx>, options: { dto?: new () => object; allowUnknownFields?: boolean } = {}): this {
    if (this.handlers.has(type)) throw new Error(`A handler for ${type} is already registered`);
    const handle = typeof handler === 'function' ? handler : handler.handle.bind(handler);
    this.handlers.set(type, { handle: handle as HandlerFunction<unknown, TCtx>, dto: options.dto, allowUnknownFields: options.allowUnknownFields });
    return this;
  }

  get(type: string): HandlerRegistration<TCtx> | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
