/**
 * Our own small Kafka port. Everything in this library talks to Kafka through these interfaces; the KafkaJS adapter
 * (kafkajs-adapter.ts, its settings in kafkajs-config.ts, its producer thread in producer-thread/) is the only code
 * that imports KafkaJS, so the client can be replaced later.
 */

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  /** Milliseconds since the epoch, as a string. */
  timestamp?: string;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface ProducerOptions {
  /** Exactly-once per partition within a producer session (acks=all, max 1 in-flight request). Default true. */
  idempotent?: boolean;
  /** Retries inside the client before `send` rejects. Default 5. */
  retries?: number;
  /** Compresses every batch it sends (e.g. to re-publish a record whose value is larger than the broker's limit). */
  compression?: 'none' | 'gzip';
  /**
   * Encodes and sends on a thread of its own, so that the caller's thread does not spend the client's CPU per record
   * (the forwarder's, for a backlog's batches). Same contract otherwise. Default false.
   */
  ownThread?: boolean;
}

export interface MessageProducer {
  connect(): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas (acks = all). */
  send(batch: TopicMessages[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, HeaderValue>;
  timestamp: string;
}

export interface MessageBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** The partition's high watermark when the batch was fetched (offset of the next message written), if known. */
  highWatermark?: string;
}

export interface BatchControls {
  /** Marks an offset processed; it is committed after the batch (or earlier by the client's auto-commit). */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True after a rebalance took this partition away: stop processing the batch. */
  isStale(): boolean;
}

export interface ConsumerOptions {
  groupId: string;
  /** Default 10 000 ms (the broker's minimum is 6 000). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytesPerPartition?: number;
  /**
   * How long the broker holds a fetch that finds nothing new (default 500 ms). Stopping waits for the fetch in flight,
   * so this bounds how long an idle consumer takes to stop; a record that arrives meanwhile is answered at once.
   */
  maxWaitTimeMs?: number;
  /**
   * The broker answers a fetch once this many bytes are waiting, or after maxWaitTimeMs (default 1: at once, a fetch
   * and an offset commit per record or two at a steady rate). Larger trades up to maxWaitTimeMs of delay per record
   * for fewer, fuller fetches: a group that reads a busy topic for a few of its types pays per fetch, not per record.
   */
  minBytes?: number;
}

export interface MessageConsumer {
  connect(): Promise<void>;
  subscribe(options: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  /** Starts fetching; eachBatch is called per partition batch, in offset order. */
  run(options: { eachBatch: (batch: MessageBatch, controls: BatchControls) => Promise<void>; partitionsConsumedConcurrently?: number }): Promise<void>;
  /** Called when the client gives up on a run with the error; `restarting` says whether it starts again by itself. */
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  /** Topic-level settings given at creation (e.g. `retention.ms`); a topic that exists already keeps its own. */
  config?: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  /** First available offset. */
  low: string;
  /** Offset of the next message to be written. */
  high: string;
}

export interface MessageAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing ones are left alone. */
  createTopics(topics: TopicSpec[]): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  deleteGroups(groupIds: string[]): Promise<void>;
  /** The offsets a consumer group has committed on a topic (the next offset it will read; -1 when none). */
  fetchCommittedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /**
   * Deletes every record below `offset` in each partition (Kafka DeleteRecords: the log start offset moves up, the
   * records can no longer be fetched, and their segments are removed from disk by the broker's retention).
   */
  deleteRecordsBefore(topic: string, partitions: Array<{ partition: number; offset: string }>): Promise<void>;
  /** Sets a topic's dynamic configuration (e.g. `retention.ms`, `segment.ms`); entries not given return to defaults. */
  configureTopic(topic: string, config: Record<string, string>): Promise<void>;
  disconnect(): Promise<void>;
}

export interface MessagingClient {
  producer(options?: ProducerOptions): MessageProducer;
  consumer(options: ConsumerOptions): MessageConsumer;
  admin(): MessageAdmin;
}
