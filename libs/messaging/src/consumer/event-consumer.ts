import { EnvelopeError, fromKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { isConnectionError } from '@tio/event-store';
import { backoffDelay, sleep, type BackoffOptions } from '../backoff';
import { DeadLetterPublisher } from '../dead-letters/dead-letter-publisher';
import { validateInbound } from '../inbound/validate-inbound';
import type { BatchControls, ConsumedMessage, MessageBatch, MessageConsumer, MessageProducer, MessagingClient } from '../kafka/port';
import { PermanentHandlerError, type ConsumedEvent, type EventHandlers, type HandlerRegistration } from './handlers';
import { claimMessage, claimMessages, ensureProcessedMessagesTable } from './processed-messages';
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
  /**
   * Up to this many messages of one partition share ONE transaction: one claim statement, one commit. If that
   * transaction fails, its messages are retried one by one (per-message retries and dead-lettering as usual), so a
   * bad message never takes its neighbours down with it. Default 1 (a transaction per message).
   */
  transactionBatchSize?: number;
  /**
   * With transactionBatchSize > 1: applies all the claimed events of one transaction at once (e.g. multi-row
   * inserts), in delivery order. Without it, each event goes to its registration's handler in turn.
   */
  applyBatch?: (events: ConsumedEvent[], tx: TCtx) => Promise<void>;
  /** Partitions processed at the same time (each still in order). Default 1. Handlers must tolerate it (row locks). */
  partitionsConsumedConcurrently?: number;
}

export interface ConsumerStats {
  applied: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  retries: number;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered';

/** A decoded, validated message ready for its handler; or the outcome it already had (ignored, dead-lettered). */
type Prepared<TCtx> =
  | { message: ConsumedMessage; event: ConsumedEvent; registration: HandlerRegistration<TCtx> }
  | { message: ConsumedMessage; outcome: Outcome };

/** PostgreSQL refused the data itself (SQLSTATE class 22, e.g. \u0000 in jsonb): the same message fails every time. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}


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
    await this.consumer.run({ eachBatch: (batch, controls) => this.processBatch(batch, controls), partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async processBatch(batch: MessageBatch, controls: BatchControls): Promise<void> {
    const size = Math.max(1, this.options.transactionBatchSize ?? 1);
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!controls.isRunning() || controls.isStale()) return;
      const chunk = batch.messages.slice(i, i + size);
      if (chunk.length === 1) {
        const prepared = await this.prepare(chunk[0]);
        this.count('outcome' in prepared ? prepared.outcome : await this.applyOne(prepared, controls));
      } else {
        await this.processChunk(chunk, controls);
      }
      controls.resolveOffset(chunk[chunk.length - 1].offset);
      await controls.heartbeat();
    }
  }

  private count(outcome: Outcome): void {
    this.stats[outcome === 'applied' ? 'applied' : outcome === 'duplicate' ? 'duplicates' : outcome === 'ignored' ? 'ignored' : 'deadLettered']++;
  }

  /** Several messages in one transaction; if it fails, each is applied on its own (with its own retries). */
  private async processChunk(chunk: ConsumedMessage[], controls: BatchControls): Promise<void> {
    const ready: Extract<Prepared<TCtx>, { event: ConsumedEvent }>[] = [];
    for (const message of chunk) {
      const prepared = await this.prepare(message);
      if ('outcome' in prepared) this.count(prepared.outcome);
      else ready.push(prepared);
    }
    if (ready.length === 0) return;
    try {
      const applied = await this.options.unitOfWork.transaction(async (tx) => {
        const claimed = await claimMessages(tx, this.options.groupId, ready.map((p) => ({ eventId: p.event.id, eventType: p.event.type, topic: p.message.topic, partition: p.message.partition, offset: p.message.offset })));
        // the same event twice in one chunk (a redelivery) is applied once
        const seen = new Set<string>();
        const toApply = ready.filter((p) => claimed.has(p.event.id) && !seen.has(p.event.id) && seen.add(p.event.id));
        if (this.options.applyBatch) await this.options.applyBatch(toApply.map((p) => p.event), tx);
        else for (const p of toApply) await p.registration.handle(p.event, tx);
        return toApply.length;
      });
      this.stats.applied += applied;
      this.stats.duplicates += ready.length - applied;
    } catch (err) {
      this.options.log?.(`consumer ${this.options.groupId}: a transaction of ${ready.length} messages failed; applying them one by one`, err as Error);
      for (const p of ready) {
        if (!controls.isRunning() || controls.isStale()) throw new Error('consumer stopped or rebalanced while retrying; the uncommitted messages are redelivered');
        this.count(await this.applyOne(p, controls));
      }
    }
  }

  private async prepare(message: ConsumedMessage): Promise<Prepared<TCtx>> {
    let envelope: IntegrationEvent;
    try {
      envelope = fromKafkaRecord(message);
    } catch (err) {
      // anything the decoder cannot read is the message's fault: dead-lettered, never a crash loop on the partition
      const reason = err instanceof EnvelopeError ? `invalid envelope: ${err.message}` : `undecodable message: ${(err as Error).message}`;
      return { message, outcome: await this.deadLetter(message, reason, 1) };
    }
    const registration = this.options.handlers.get(envelope.type);
    if (!registration) {
      if ((this.options.unknownTypes ?? 'ignore') === 'ignore') return { message, outcome: 'ignored' };
      return { message, outcome: await this.deadLetter(message, `unknown event type ${envelope.type} (accepted here: ${this.options.handlers.types().join(', ')})`, 1) };
    }
    let data = envelope.data;
    if (registration.dto) {
      const result = await validateInbound(registration.dto, envelope.data, { allowUnknownFields: registration.allowUnknownFields });
      if (!result.valid) return { message, outcome: await this.deadLetter(message, result.reason, 1) };
      data = result.value;
    }
    const event: ConsumedEvent = {
      id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject, time: envelope.time, data,
      correlationId: envelope.correlationId, causationId: envelope.causationId, traceparent: envelope.traceparent, actor: envelope.actor, recordedAt: envelope.recordedAt,
      topic: message.topic, partition: message.partition, offset: message.offset,
    };
    return { message, event, registration };
  }

  /**
   * One message in its own transaction. A handler failure is retried `maxAttempts` times, then dead-lettered; a lost
   * database connection is retried for as long as it takes (the message is not at fault), heartbeating meanwhile.
   */
  private async applyOne({ message, event, registration }: Extract<Prepared<TCtx>, { event: ConsumedEvent }>, controls: BatchControls): Promise<Outcome> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1, outage = 0; ; ) {
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
        if (isConnectionError(err) && !(err instanceof PermanentHandlerError)) {
          outage++;
          this.options.log?.(`consumer ${this.options.groupId}: database unreachable while applying ${event.type} ${event.id} (try ${outage}); waiting for it`, error);
          if (!controls.isRunning() || controls.isStale()) throw error;
          this.stats.retries++;
          await sleep(backoffDelay(Math.min(outage, 6), { initialMs: 200, maxMs: 5000 })).promise;
          await controls.heartbeat().catch(() => undefined);
          continue;
        }
        this.options.log?.(`consumer ${this.options.groupId}: ${event.type} ${event.id} failed (attempt ${attempt}/${maxAttempts})`, error);
        if (err instanceof PermanentHandlerError || isDataError(err) || attempt >= maxAttempts) {
          return this.deadLetter(message, `handler failed after ${attempt} attempt(s): ${error.message}`, attempt);
        }
        attempt++;
        this.stats.retries++;
        await sleep(backoffDelay(attempt - 1, this.options.retryBackoff ?? { initialMs: 100, maxMs: 2000 })).promise;
        await controls.heartbeat();
      }
    }
  }

  /**
   * Dead-letters and waits for Kafka's ack; if that fails the batch fails and the message is redelivered. Once acked,
   * the message's position is recorded in processed_messages, so a redelivery of the same position (a rebalance
   * before the offset commit) is not dead-lettered twice; a replay from the dead-letter topic is a new position.
   */
  private async deadLetter(message: ConsumedMessage, reason: string, attempts: number): Promise<Outcome> {
    const position = { groupId: this.options.groupId, eventId: `dead-letter:${message.topic}:${message.partition}:${message.offset}`, eventType: 'dead-letter', topic: message.topic, partition: message.partition, offset: message.offset };
    const already = await this.options.unitOfWork.transaction((tx) => tx.query(`SELECT 1 FROM processed_messages WHERE consumer_group = $1 AND event_id = $2`, [position.groupId, position.eventId]));
    if (already.length) return 'duplicate';
    this.options.log?.(`consumer ${this.options.groupId}: dead-lettering ${message.topic}/${message.partition}@${message.offset}: ${reason}`);
    await this.deadLetters!.send(message, { reason, groupId: this.options.groupId, attempts });
    await this.options.unitOfWork.transaction((tx) => claimMessage(tx, position));
    return 'dead-lettered';
  }
}
