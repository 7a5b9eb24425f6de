import type { KafkaJsClientOptions } from '../kafkajs-config';
import type { ProducerOptions } from '../port';
import type { PackedBatch } from './packed-batch';

/** The producers' thread's settings: its KafkaJS client's. */
export interface ProducerThreadData {
  client: KafkaJsClientOptions;
}

/** Requests to the thread; `producer` names one of the producers it holds. */
export type ProducerThreadOperation =
  | { op: 'connect'; producer: number; options: Omit<ProducerOptions, 'ownThread'> }
  | { op: 'send'; producer: number; batch: PackedBatch }
  | { op: 'disconnect'; producer: number }
  /** No producer is left: the thread ends. */
  | { op: 'close' };

export type ProducerThreadRequest = ProducerThreadOperation & { id: number };

/** An error as it crosses the thread boundary: KafkaJS's name, message, `retriable` and `type` kept. */
export interface ThreadError {
  name: string;
  message: string;
  retriable?: boolean;
  type?: string;
}

export interface ProducerThreadReply {
  id: number;
  error?: ThreadError;
}

export function toThreadError(err: unknown): ThreadError {
  const e: Error & { retriable?: unknown; type?: unknown } = err instanceof Error ? err : new Error(String(err));
  return {
    name: e.name,
    message: e.message,
    ...(typeof e.retriable === 'boolean' ? { retriable: e.retriable } : {}),
    ...(typeof e.type === 'string' ? { type: e.type } : {}),
  };
}

export function fromThreadError(error: ThreadError): Error {
  return Object.assign(new Error(error.message), error);
}
