import { CompressionTypes, Partitioners, logLevel, type KafkaConfig, type ProducerBatch, type ProducerConfig } from 'kafkajs';
import type { ProducerOptions, TopicMessages } from './port';

export interface KafkaJsClientOptions {
  brokers: string[] | string;
  clientId?: string;
  /** KafkaJS log level; default NOTHING. */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Prepended to every topic name and consumer group id on the wire (topic names are stripped on the way back), so
   * code always sees the canonical names. Lets several deployments (or test runs) share one cluster without seeing
   * each other's messages or joining each other's groups.
   */
  topicPrefix?: string;
}

/** A topic's or group's name on the wire: the client's `topicPrefix` before it (one rule for both threads). */
export function wireName(options: KafkaJsClientOptions, name: string): string {
  return `${options.topicPrefix ?? ''}${name}`;
}

/** The KafkaJS client's settings (the client's own thread and a producer's thread make theirs from the same options). */
export function kafkaConfig(options: KafkaJsClientOptions): KafkaConfig {
  return {
    clientId: options.clientId ?? 'tio',
    brokers: typeof options.brokers === 'string' ? options.brokers.split(',') : options.brokers,
    logLevel: options.logLevel ?? logLevel.NOTHING,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
  };
}

export function producerConfig(options: ProducerOptions): ProducerConfig {
  const idempotent = options.idempotent ?? true;
  return {
    idempotent,
    // KafkaJS needs a single in-flight request for ordering guarantees of the idempotent producer
    maxInFlightRequests: idempotent ? 1 : undefined,
    // murmur2, the same partitioner as the Java client: a case id lands on the same partition from any producer
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
  };
}

/** `sendBatch`'s request for `batch`, topics named as on the wire. */
export function sendBatchRequest(batch: TopicMessages[], options: ProducerOptions, wire: (topic: string) => string): ProducerBatch {
  return {
    acks: -1,
    compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    topicMessages: batch.map((t) => ({
      topic: wire(t.topic),
      messages: t.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp })),
    })),
  };
}
