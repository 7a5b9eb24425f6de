import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { CheckpointStore, EventStore, RecordedEvent, Subscription } from '@tio/event-store';
import { SERVICE_CONFIG, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { EVENT_STORE } from '../event-store.module';
import { StoredEvent } from './stored-event';

const REACTIONS_OPTIONS = Symbol('REACTIONS_OPTIONS');

export interface ReactionsOptions {
  /** Service name: the subscription's checkpoint is `reactions-<service>`. */
  service: string;
  /** Delays between attempts of a failed reaction. Default 200 ms doubling to 10 s. */
  retry?: { initialMs: number; maxMs: number };
}

/**
 * Feeds the EventBus from the service's own event store: a checkpointed subscription (one replica at a time, on a
 * lease) publishes each committed event as a `StoredEvent`, waits until every reaction to it has finished, then moves
 * on; a failed reaction is retried (with backoff) before the checkpoint passes it. Never "save then publish" in memory.
 */
@Injectable()
export class ReactionsRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reactions');
  private readonly lease: SingleActiveLease;
  private subscription: Subscription | undefined;
  private stopping = false;
  private readonly waiters = new Set<{ position: bigint; resolve: () => void }>();
  /** The last position whose reactions all finished here (may be ahead of the saved checkpoint). */
  private handled: bigint | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
    @Inject(REACTIONS_OPTIONS) private readonly options: ReactionsOptions,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.lease = singleActive(config, this.name, { start: () => this.start(), stop: () => this.stop() });
  }

  get name(): string {
    return `reactions-${this.options.service}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
  }

  /** The last position whose reactions have all finished (on this replica), if it runs them. */
  position(): bigint | undefined {
    return this.subscription?.position();
  }

  /**
   * Resolves true once every reaction up to `position` has run (read your writes: a command's caller waits for its
   * reactions, e.g. the projection of its own advice), false after `timeoutMs`. On the replica that runs them it is
   * told; on a standby it watches the subscription's checkpoint.
   */
  async reachedPosition(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.subscription) return this.toldWhenReached(position, deadline - Date.now());
      const checkpoint = await this.checkpoints.load(this.name);
      if (checkpoint !== undefined && checkpoint >= position) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  private toldWhenReached(position: bigint, timeoutMs: number): Promise<boolean> {
    const at = this.handled ?? this.subscription?.position();
    if (at !== undefined && at >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => resolve(true) };
      this.waiters.add(waiter);
      setTimeout(() => {
        if (this.waiters.delete(waiter)) resolve(false);
      }, timeoutMs).unref();
    });
  }

  private get checkpoints(): CheckpointStore {
    return this.store.checkpoints;
  }

  private start(): void {
    this.stopping = false;
    this.handled = undefined;
    this.subscription = this.store.subscribe({
      subscriptionId: this.name,
      handler: (event) => this.react(event),
      onError: (error) => this.logger.error({ msg: 'reactions subscription stopped', err: error.message }),
    });
    this.logger.log({ msg: 'running reactions to this service’s events' });
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private async react(event: RecordedEvent): Promise<void> {
    const retry = this.options.retry ?? { initialMs: 200, maxMs: 10_000 };
    for (let attempt = 1; ; attempt++) {
      const stored = new StoredEvent(event);
      this.eventBus.publish(stored);
      try {
        await stored.settled();
        this.release(event.globalPosition);
        return;
      } catch (err) {
        if (this.stopping) throw err; // redelivered from the checkpoint after a restart
        const delay = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1));
        this.logger.warn({ msg: `a reaction to ${event.type} failed (attempt ${attempt}); retrying`, eventId: event.metadata.eventId, err: (err as Error).message });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private release(handled: bigint): void {
    this.handled = handled;
    for (const w of this.waiters) {
      if (handled >= w.position) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }
}

/** Durable reactions for a service: its `Reaction`s (`@EventsHandler(StoredEvent)`) run from its own store. */
@Global()
@Module({})
export class ReactionsModule {
  static forService(options: ReactionsOptions): DynamicModule {
    return {
      module: ReactionsModule,
      providers: [{ provide: REACTIONS_OPTIONS, useValue: options }, ReactionsRunner],
      exports: [ReactionsRunner],
    };
  }
}
