import { EnvelopeError, fromKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { backoffDelay, sleep, type BackoffOptions } from '../backoff';
import { DeadLetterPublisher } from '../dead-letters/dead-letter-publisher';
import { validateInbound } from '../inbound/validate-inbound';
import type { BatchControls, ConsumedMessage, MessageBatch, MessageConsumer, MessageProducer, MessagingClient } from '../kafka/port';
import { PermanentHandlerError, type ConsumedEvent, type EventHandlers } from './handlers';
import { claimMessage, ensureProcessedMessagesTable } from './processed-messages';
import type { TransactionContext, UnitOfWork } from './unit-of-work';

export interface EventConsumerOptions<TCtx extends TransactionContext> {
  client: MessagingClient;
  groupId: string;
  topics: string[];
  unitOfWork: UnitOfWork<TCtx>;
  handlers: EventHandlers<TCtx>;
  /** Attempts per message before it is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Delay between attempts. Default 100 ms doubling to 2 s. */
  retryBackoff?: BackoffOptions;
  /** Types with no handler: skip them (integration topics) or dead-letter them (inbound topics). Default ignore. */
  unknownTypes?: 'ignore' | 'dead-letter';
  /** Where a new group starts. Default true (the whole topic). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  log?: (message: string, error?: Error) => void;
}

export interface ConsumerStats {
  applied: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  retries: number;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered';

/**
 * Applies integration events to a PostgreSQL read model exactly once in effect. For each message, in one
 * transaction: claim the CloudEvent id in `processed_messages` (a duplicate stops here) and run the handler with
 * the transaction. Offsets are resolved only after that commit, so a crash or rebalance redelivers at most the
 * uncommitted tail, which the claim absorbs. A message that fails validation, or fails `maxAttempts` times, goes
 * to `<topic>.dlq` before its offset is resolved: never dropped, and the partition moves on.
 */
export class EventConsumer<TCtx extends TransactionContext = TransactionContext> {
  readonly stats: ConsumerStats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0, retries: 0 };
  private consumer: MessageConsumer | undefined;
  private producer: MessageProducer | undefined;
  private deadLetters: DeadLetterPublisher | undefined;

  constructor(private readonly options: EventConsumerOptions<TCtx>) {}

  async start(): Promise<void> {
    await ensureProcessedMessagesTable(this.options.unitOfWork as unknown as UnitOfWork);
    this.producer = this.options.client.producer({ idempotent: true });
    await this.producer.connect();
    this.deadLetters = new DeadLetterPublisher(this.producer);
    this.consumer = this.options.client.consumer({ groupId: this.options.groupId, sessionTimeoutMs: this.options.sessionTimeoutMs });
    this.consumer.onCrash((error) => this.options.log?.(`consumer ${this.options.groupId} crashed; the client restarts it`, error));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({ eachBatch: (batch, controls) => this.processBatch(batch, controls) });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async processBatch(batch: MessageBatch, controls: BatchControls): Promise<void> {
    for (const message of batch.messages) {
      if (!controls.isRunning() || controls.isStale()) return;
      const outcome = await this.process(message, controls);
      this.stats[outcome === 'applied' ? 'applied' : outcome === 'duplicate' ? 'duplicates' : outcome === 'ignored' ? 'ignored' : 'deadLettered']++;
      controls.resolveOffset(message.offset);
      await controls.heartbeat();
    }
  }

  private async process(message: ConsumedMessage, controls: BatchControls): Promise<Outcome> {
    let envelope: IntegrationEvent;
    try {
      envelope = fromKafkaRecord(message);
    } catch (err) {
      if (!(err instanceof EnvelopeError)) throw err;
      return this.deadLetter(message, `invalid envelope: ${err.message}`, 1);
    }
    const registration = this.options.handlers.get(envelope.type);
    if (!registration) {
      if ((this.options.unknownTypes ?? 'ignore') === 'ignore') return 'ignored';
      return this.deadLetter(message, `unknown event type ${envelope.type} (accepted here: ${this.options.handlers.types().join(', ')})`, 1);
    }
    let data = envelope.data;
    if (registration.dto) {
      const result = await validateInbound(registration.dto, envelope.data);
      if (!result.valid) return this.deadLetter(message, result.reason, 1);
      data = result.value;
    }
    const event: ConsumedEvent = {
      id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject, time: envelope.time, data,
      correlationId: envelope.correlationId, causationId: envelope.causationId, traceparent: envelope.traceparent, actor: envelope.actor, recordedAt: envelope.recordedAt,
      topic: message.topic, partition: message.partition, offset: message.offset,
    };
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.options.unitOfWork.transaction(async (tx) => {
          const claimed = await claimMessage(tx, {
            groupId: this.options.groupId, eventId: event.id, eventType: event.type, topic: message.topic, partition: message.partition, offset: message.offset,
          });
          if (!claimed) return false;
          await registration.handle(event, tx);
          return true;
        });
        return applied ? 'applied' : 'duplicate';
      } catch (err) {
        const error = err as Error;
        this.options.log?.(`consumer ${this.options.groupId}: ${event.type} ${event.id} failed (attempt ${attempt}/${maxAttempts})`, error);
        if (err instanceof PermanentHandlerError || attempt >= maxAttempts) {
          return this.deadLetter(message, `handler failed after ${attempt} attempt(s): ${error.message}`, attempt);
        }
        this.stats.retries++;
        await sleep(backoffDelay(attempt, this.options.retryBackoff ?? { initialMs: 100, maxMs: 2000 })).promise;
        await controls.heartbeat();
      }
    }
  }

  /** Dead-letters and waits for Kafka's ack; if that fails the batch fails and the message is redelivered. */
  private async deadLetter(message: ConsumedMessage, reason: string, attempts: number): Promise<Outcome> {
    this.options.log?.(`consumer ${this.options.groupId}: dead-lettering ${message.topic}/${message.partition}@${message.offset}: ${reason}`);
    await this.deadLetters!.send(message, { reason, groupId: this.options.groupId, attempts });
    return 'dead-lettered';
  }
}
