import { DLQ_HEADERS, dlqTopic, headersToStrings } from '@tio/contracts';
import type { ConsumedMessage, MessageProducer } from '../kafka/port';

export interface DeadLetterReason {
  reason: string;
  groupId: string;
  attempts: number;
}

/** Sends a message, unchanged, to `<topic>.dlq` with headers saying why, from where and when. */
export class DeadLetterPublisher {
  constructor(private readonly producer: MessageProducer) {}

  async send(message: ConsumedMessage, why: DeadLetterReason): Promise<void> {
    const headers: Record<string, string> = {
      ...headersToStrings(message.headers),
      [DLQ_HEADERS.reason]: why.reason.slice(0, 4000),
      [DLQ_HEADERS.originalTopic]: message.topic,
      [DLQ_HEADERS.originalPartition]: String(message.partition),
      [DLQ_HEADERS.originalOffset]: message.offset,
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
      [DLQ_HEADERS.consumerGroup]: why.groupId,
      [DLQ_HEADERS.attempts]: String(why.attempts),
    };
    await this.producer.send([{ topic: dlqTopic(message.topic), messages: [{ key: message.key, value: message.value, headers }] }]);
  }
}
