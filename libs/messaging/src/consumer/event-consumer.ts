import { createHash } from 'node:crypto';
import { CE_HEADERS, DLQ_HEADERS, EnvelopeError, fromKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { isConnectionError } from '@tio/event-store';
import { backoffDelay, sleep, type BackoffOptions } from '../backoff';
import { DeadLetterPublisher, type DeadLetterSeal } from '../dead-letters/dead-letter-publisher';
import { countParked, keepMessage } from '../dead-letters/parked-messages';
import { validateInbound } from '../inbound/validate-inbound';
import type { BatchControls, ConsumedMessage, MessageBatch, MessageConsumer, MessageProducer, MessagingClient } from '../kafka/port';
import { PermanentHandlerError, type ConsumedEvent, type EventHandlers, type HandlerRegistration } from './handlers';
import { migrateMessagingTables } from './messaging-migrations';
import { claimMessage, claimMessages } from './processed-messages';
import type { TransactionContext, UnitOfWork } from './unit-of-work';
import { endSpan, setConsumeSpan, startConsumeSpan, withSpan } from '../tracing';
import type { Span } from '@opentelemetry/api';

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
  /**
   * How the broker batches fetches (ConsumerOptions.minBytes, maxWaitTimeMs). Default: answered at once. A group
   * that may lag a little (up to maxWaitTimeMs) for fewer fetches and commits sets both.
   */
  fetch?: { minBytes: number; maxWaitTimeMs: number };
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
  /**
   * Runs on every dead letter before it is sent: encrypts what could be personal (topics that carry clear personal
   * data, e.g. agencies' inbound topics), or drops the record when its data subject was erased (`@tio/personal-data`).
   */
  seal?: DeadLetterSeal;
  /** Attempts to publish a dead letter before the record is parked in `parked_messages` instead. Default 5. */
  deadLetterAttempts?: number;
  /** Delay between those attempts. Default 200 ms doubling to 3 s. */
  deadLetterBackoff?: BackoffOptions;
  /** Batches failing at the same position this many times in a row make the consumer `stalled`. Default 3. */
  stallAfterFailures?: number;
}

/** What a consumer reports about itself (readiness, /metrics). */
export interface ConsumerHealth {
  name: string;
  topics: string[];
  /** `stalled`: a partition keeps failing at the same record; `crashed`: the client gave up and will not restart. */
  state: 'starting' | 'running' | 'stalled' | 'crashed' | 'stopped';
  /** Running and not stalled: the consumer can do its job (a broker outage alone does not change this). */
  ok: boolean;
  /** Messages behind the partitions' high watermarks, as of the last batch fetched from each (absent before one). */
  lag?: number;
  lastError?: { message: string; at: string; where?: string };
  /** Records in `parked_messages` waiting for an operator (absent while the database cannot be asked). */
  parked?: number;
  stats: ConsumerStats;
}

export interface ConsumerStats {
  applied: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  /** Records the seal refused to dead-letter (their data subject was erased): dropped, their ids logged. */
  dropped: number;
  /** Records that could be neither applied nor dead-lettered: kept in `parked_messages`, the partition moved on. */
  parked: number;
  retries: number;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered' | 'dropped' | 'parked';

/** A decoded, validated message ready for its handler; or the outcome it already had (ignored, dead-lettered). */
type Prepared<TCtx> =
  | { message: ConsumedMessage; event: ConsumedEvent; registration: HandlerRegistration<TCtx>; span: Span }
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
/** How long a partition's last failure or lag counts for health (see `failing`). */
const STALE_AFTER_MS = 5 * 60_000;

export class EventConsumer<TCtx extends TransactionContext = TransactionContext> {
  readonly stats: ConsumerStats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0, dropped: 0, parked: 0, retries: 0 };
  private state: ConsumerHealth['state'] = 'starting';
  private lastError: ConsumerHealth['lastError'];
  /**
   * Per partition: the position its batches keep failing at, how often in a row, and when last. A partition that a
   * rebalance gave to another replica stops reporting here, so entries older than STALE_AFTER_MS are not counted
   * (a partition really stuck here fails again within a minute: KafkaJS retries and restarts the batch).
   */
  private readonly failing = new Map<string, { offset: string; count: number; at: number }>();
  private readonly lags = new Map<string, { lag: number; at: number }>();
  private consumer: MessageConsumer | undefined;
  private producer: MessageProducer | undefined;
  private deadLetters: DeadLetterPublisher | undefined;

  constructor(private readonly options: EventConsumerOptions<TCtx>) {}

  async start(): Promise<void> {
    this.state = 'starting';
    await migrateMessagingTables(this.options.unitOfWork as unknown as UnitOfWork);
    this.producer = this.options.client.producer({ idempotent: true });
    await this.producer.connect();
    this.deadLetters = new DeadLetterPublisher(this.producer, { seal: this.options.seal });
    this.consumer = this.options.client.consumer({ groupId: this.options.groupId, sessionTimeoutMs: this.options.sessionTimeoutMs, ...this.options.fetch });
    this.consumer.onCrash((error, restarting) => {
      this.noteError(error, 'client');
      if (!restarting) this.state = 'crashed';
      this.options.log?.(`consumer ${this.options.groupId} crashed; ${restarting ? 'the client restarts it' : 'it will not restart'}`, error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({ eachBatch: (batch, controls) => this.watchBatch(batch, controls), partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently });
    this.state = 'running';
  }

  /** State, lag, last error and parked records, for readiness and metrics. */
  async health(): Promise<ConsumerHealth> {
    const stallAfter = this.options.stallAfterFailures ?? 3;
    const fresh = <T extends { at: number }>(entries: Map<string, T>) => [...entries.values()].filter((e) => Date.now() - e.at < STALE_AFTER_MS);
    const stalled = fresh(this.failing).some((f) => f.count >= stallAfter);
    const state = this.state === 'running' && stalled ? 'stalled' : this.state;
    const parked = await this.options.unitOfWork.transaction((tx) => countParked(tx, this.options.groupId)).catch(() => undefined);
    const lags = fresh(this.lags);
    const lag = lags.length ? lags.reduce((sum, l) => sum + l.lag, 0) : undefined;
    return { name: this.options.groupId, topics: this.options.topics, state, ok: state === 'running' || state === 'starting', lag, lastError: this.lastError, parked, stats: { ...this.stats } };
  }

  private noteError(error: Error, where?: string): void {
    this.lastError = { message: error.message.slice(0, 1000), at: new Date().toISOString(), where };
  }

  /**
   * Counts batches that fail at the same position: a broker error (KafkaJS's own) is the broker's outage and does not
   * count; anything else that repeats at one record means this consumer cannot get past it.
   */
  private async watchBatch(batch: MessageBatch, controls: BatchControls): Promise<void> {
    const key = `${batch.topic}/${batch.partition}`;
    try {
      await this.processBatch(batch, controls);
      this.failing.delete(key);
      const last = batch.messages[batch.messages.length - 1];
      if (batch.highWatermark !== undefined && last) this.lags.set(key, { lag: Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n)), at: Date.now() });
    } catch (err) {
      const error = err as Error;
      const where = `${key}@${batch.messages[0]?.offset ?? '?'}`;
      this.noteError(error, where);
      // readiness says "see the service log": this is the line it means (the batch is redelivered from `where`)
      this.options.log?.(`consumer ${this.options.groupId}: the batch at ${where} failed and is redelivered`, error);
      if (!String(error.name).startsWith('KafkaJS')) {
        const offset = batch.messages[0]?.offset ?? '';
        const previous = this.failing.get(key);
        this.failing.set(key, { offset, count: previous?.offset === offset ? previous.count + 1 : 1, at: Date.now() });
      }
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async processBatch(batch: MessageBatch, controls: BatchControls): Promise<void> {
    const size = Math.max(1, this.options.transactionBatchSize ?? 1);
    for (let i = 0; i < batch.messages.length; ) {
      if (!controls.isRunning() || controls.isStale()) return;
      // a run of types this consumer ignores (most of a busy topic, for a feed of a few types) moves the offset past
      // the whole run at once: one resolve and one heartbeat per run rather than per record, nothing claimed
      let end = i;
      while (end < batch.messages.length && this.ignoredByHeader(batch.messages[end])) end++;
      if (end > i) {
        this.stats.ignored += end - i;
        controls.resolveOffset(batch.messages[end - 1].offset);
        await controls.heartbeat();
        i = end;
        continue;
      }
      const chunk = batch.messages.slice(i, i + size);
      i += chunk.length;
      if (chunk.length === 1) {
        const prepared = await this.prepare(chunk[0], controls);
        this.count('outcome' in prepared ? prepared.outcome : await this.applyOne(prepared, controls));
      } else {
        await this.processChunk(chunk, controls);
      }
      controls.resolveOffset(chunk[chunk.length - 1].offset);
      await controls.heartbeat();
    }
  }

  private count(outcome: Outcome): void {
    this.stats[outcome === 'applied' ? 'applied' : outcome === 'duplicate' ? 'duplicates' : outcome === 'ignored' ? 'ignored' : outcome === 'dropped' ? 'dropped' : outcome === 'parked' ? 'parked' : 'deadLettered']++;
  }

  /** Several messages in one transaction; if it fails, each is applied on its own (with its own retries). */
  private async processChunk(chunk: ConsumedMessage[], controls: BatchControls): Promise<void> {
    const ready: Extract<Prepared<TCtx>, { event: ConsumedEvent }>[] = [];
    for (const message of chunk) {
      const prepared = await this.prepare(message, controls);
      if ('outcome' in prepared) this.count(prepared.outcome);
      else ready.push(prepared);
    }
    if (ready.length === 0) return;
    let claimedIds: Set<string> | undefined;
    try {
      // the shared transaction runs in the first message's span; each message keeps its own span (and trace)
      const applied = await withSpan(ready[0].span, () => this.options.unitOfWork.transaction(async (tx) => {
        const claimed = await claimMessages(tx, this.options.groupId, ready.map((p) => ({ eventId: p.event.id, eventType: p.event.type, topic: p.message.topic, partition: p.message.partition, offset: p.message.offset })));
        // the same event twice in one chunk (a redelivery) is applied once
        const seen = new Set<string>();
        const toApply = ready.filter((p) => claimed.has(p.event.id) && !seen.has(p.event.id) && seen.add(p.event.id));
        if (this.options.applyBatch) await this.options.applyBatch(toApply.map((p) => p.event), tx);
        else for (const p of toApply) await withSpan(p.span, () => p.registration.handle(p.event, tx));
        claimedIds = new Set(toApply.map((p) => p.event.id));
        return toApply.length;
      }));
      for (const p of ready) endSpan(p.span, claimedIds?.has(p.event.id) ? 'applied' : 'duplicate');
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

  /**
   * A type this consumer ignores is known from its ce_type header, before anything is decoded: a topic carries every
   * type of its producer (all the case's events) while a consumer may handle two of them. Without the header the
   * message is decoded in full (and dead-lettered if it is not a CloudEvent).
   */
  private ignoredByHeader(message: ConsumedMessage): boolean {
    if ((this.options.unknownTypes ?? 'ignore') !== 'ignore') return false;
    const type = headerText(message.headers[CE_HEADERS.type]);
    return type !== undefined && !this.options.handlers.get(type);
  }

  private async prepare(message: ConsumedMessage, controls: BatchControls): Promise<Prepared<TCtx>> {
    if (this.ignoredByHeader(message)) return { message, outcome: 'ignored' };
    let envelope: IntegrationEvent;
    try {
      envelope = fromKafkaRecord(message);
    } catch (err) {
      // anything the decoder cannot read is the message's fault: dead-lettered, never a crash loop on the partition
      const reason = err instanceof EnvelopeError ? `invalid envelope: ${err.message}` : `undecodable message: ${(err as Error).message}`;
      return { message, outcome: await this.deadLetter(message, reason, 1, controls) };
    }
    const registration = this.options.handlers.get(envelope.type);
    if (!registration) {
      if ((this.options.unknownTypes ?? 'ignore') === 'ignore') return { message, outcome: 'ignored' };
      return { message, outcome: await this.deadLetter(message, `unknown event type ${envelope.type} (accepted here: ${this.options.handlers.types().join(', ')})`, 1, controls) };
    }
    let data = envelope.data;
    if (registration.dto) {
      const result = await validateInbound(registration.dto, envelope.data, { allowUnknownFields: registration.allowUnknownFields });
      if (!result.valid) return { message, outcome: await this.deadLetter(message, result.reason, 1, controls) };
      data = result.value;
    }
    const event: ConsumedEvent = {
      id: envelope.id, type: envelope.type, source: envelope.source, subject: envelope.subject, time: envelope.time, data,
      correlationId: envelope.correlationId, causationId: envelope.causationId, traceparent: envelope.traceparent, actor: envelope.actor, recordedAt: envelope.recordedAt,
      topic: message.topic, partition: message.partition, offset: message.offset,
    };
    const span = startConsumeSpan(this.options.groupId, message, envelope);
    setConsumeSpan(event, span);
    return { message, event, registration, span };
  }

  /**
   * One message in its own transaction. A handler failure is retried `maxAttempts` times, then dead-lettered; a lost
   * database connection is retried for as long as it takes (the message is not at fault), heartbeating meanwhile.
   */
  private async applyOne(prepared: Extract<Prepared<TCtx>, { event: ConsumedEvent }>, controls: BatchControls): Promise<Outcome> {
    try {
      const outcome = await withSpan(prepared.span, () => this.applyInSpan(prepared, controls));
      endSpan(prepared.span, outcome);
      return outcome;
    } catch (err) {
      endSpan(prepared.span, 'failed', err);
      throw err;
    }
  }

  private async applyInSpan({ message, event, registration }: Extract<Prepared<TCtx>, { event: ConsumedEvent }>, controls: BatchControls): Promise<Outcome> {
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
        this.noteError(error, `${message.topic}/${message.partition}@${message.offset}`);
        if (err instanceof PermanentHandlerError || isDataError(err) || attempt >= maxAttempts) {
          return this.deadLetter(message, `handler failed after ${attempt} attempt(s): ${error.message}`, attempt, controls);
        }
        attempt++;
        this.stats.retries++;
        await sleep(backoffDelay(attempt - 1, this.options.retryBackoff ?? { initialMs: 100, maxMs: 2000 })).promise;
        await controls.heartbeat();
      }
    }
  }

  /**
   * Dead-letters and waits for Kafka's ack. The dead letter is sealed (when a seal is given) and bounded so the topic
   * accepts it; a value too large to copy whole is kept whole in `parked_messages`. If the dead-letter topic still
   * refuses it after `deadLetterAttempts`, the record is parked there instead: either way the partition moves on.
   * The position is recorded in processed_messages in the same transaction, so a redelivery of the same position (a
   * rebalance before the offset commit) is not dead-lettered twice; a replay from the dead-letter topic is a new one.
   */
  private async deadLetter(message: ConsumedMessage, reason: string, attempts: number, controls: BatchControls): Promise<Outcome> {
    const position = { groupId: this.options.groupId, eventId: `dead-letter:${message.topic}:${message.partition}:${message.offset}`, eventType: 'dead-letter', topic: message.topic, partition: message.partition, offset: message.offset };
    const already = await this.options.unitOfWork.transaction((tx) => tx.query(`SELECT 1 FROM processed_messages WHERE consumer_group = $1 AND event_id = $2`, [position.groupId, position.eventId]));
    if (already.length) return 'duplicate';
    const prepared = await this.deadLetters!.prepare(message, { reason, groupId: this.options.groupId, attempts });
    const where = `${message.topic}/${message.partition}@${message.offset}`;
    if ('dropped' in prepared) {
      await this.options.unitOfWork.transaction((tx) => claimMessage(tx, position));
      this.options.log?.(`consumer ${this.options.groupId}: dropped ${where} instead of dead-lettering it: ${prepared.dropped}`);
      return 'dropped';
    }
    // the reason as sent: a seal replaces one that could echo personal values, and logs must not keep them either
    const sentReason = prepared.whole.headers[DLQ_HEADERS.reason] ?? reason;
    const refused = await this.publishDeadLetter(prepared.letter, where, controls);
    const whole = prepared.whole;
    const kept = {
      consumerGroup: this.options.groupId, topic: message.topic, partition: message.partition, offset: message.offset, attempts,
      key: whole.key, value: whole.value, headers: whole.headers, valueBytes: whole.value?.length ?? 0,
      valueSha256: createHash('sha256').update(whole.value ?? Buffer.alloc(0)).digest('hex'),
    };
    await this.options.unitOfWork.transaction(async (tx) => {
      if (refused) await keepMessage(tx, { ...kept, status: 'parked', reason: `${sentReason}; the dead-letter topic refused it: ${refused.message}` });
      else if (prepared.truncated) await keepMessage(tx, { ...kept, status: 'dead-lettered', reason: sentReason });
      await claimMessage(tx, position);
    });
    if (refused) {
      this.options.log?.(`consumer ${this.options.groupId}: PARKED ${where} in parked_messages (list, skip or replay it with the dead-letters CLI): ${sentReason}`, refused);
      return 'parked';
    }
    this.options.log?.(`consumer ${this.options.groupId}: dead-lettered ${where}${prepared.truncated ? ` (value of ${kept.valueBytes} bytes kept whole in parked_messages)` : ''}: ${sentReason}`);
    return 'dead-lettered';
  }

  /** Publishes with retries and backoff; the last error if the topic never accepted it. */
  private async publishDeadLetter(letter: Parameters<DeadLetterPublisher['publish']>[0], where: string, controls: BatchControls): Promise<Error | undefined> {
    const attempts = this.options.deadLetterAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deadLetters!.publish(letter);
        return undefined;
      } catch (err) {
        const error = err as Error;
        this.noteError(error, `dead letter of ${where}`);
        this.options.log?.(`consumer ${this.options.groupId}: the dead letter of ${where} was refused (attempt ${attempt}/${attempts})`, error);
        // the topic refuses this record: park it and move on; anything else (the broker unreachable, a timeout)
        // fails the batch, which is redelivered once the broker is back, so a broker outage parks nothing
        if (attempt >= attempts) {
          if (isRefusal(error)) return error;
          throw error;
        }
        // stopping or rebalanced: the record is redelivered to whoever owns the partition now
        if (!controls.isRunning() || controls.isStale()) throw error;
        this.stats.retries++;
        await sleep(backoffDelay(attempt, this.options.deadLetterBackoff ?? { initialMs: 200, maxMs: 3000 })).promise;
        await controls.heartbeat().catch(() => undefined);
      }
    }
  }
}

/** Kafka error codes by which a topic refuses a record as it is; retrying the same record cannot succeed. */
const REFUSALS = new Set([
  'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'POLICY_VIOLATION',
  'TOPIC_AUTHORIZATION_FAILED', 'INVALID_TOPIC_EXCEPTION', 'UNSUPPORTED_COMPRESSION_TYPE', 'INVALID_TIMESTAMP',
]);

/** Whether an error (or an error it wraps) says the topic refuses the record itself. */
export function isRefusal(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown[] } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string' && REFUSALS.has(e.type)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isRefusal(inner))) return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

/** A header's text as the decoder reads it (the last value when it repeats); undefined when absent or empty. */
function headerText(value: ConsumedMessage['headers'][string] | undefined): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === null) return undefined;
  const text = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  return text || undefined;
}
