import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS, dlqTopic, headersToStrings, originalTopicOf } from '@tio/contracts';
import type { ConsumedMessage, MessagingClient } from '../kafka/port';

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  reason: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  failedAt: string;
  consumerGroup: string;
  attempts: number;
  headers: Record<string, string>;
}

export const REPLAYED_FROM_HEADER = 'dlq_replayed_from';

function toDeadLetter(m: ConsumedMessage): DeadLetter {
  const headers = headersToStrings(m.headers);
  return {
    partition: m.partition,
    offset: m.offset,
    key: m.key?.toString('utf8') ?? null,
    value: m.value?.toString('utf8') ?? null,
    reason: headers[DLQ_HEADERS.reason] ?? '',
    originalTopic: headers[DLQ_HEADERS.originalTopic] ?? originalTopicOf(m.topic),
    originalPartition: Number(headers[DLQ_HEADERS.originalPartition] ?? -1),
    originalOffset: headers[DLQ_HEADERS.originalOffset] ?? '',
    failedAt: headers[DLQ_HEADERS.failedAt] ?? '',
    consumerGroup: headers[DLQ_HEADERS.consumerGroup] ?? '',
    attempts: Number(headers[DLQ_HEADERS.attempts] ?? 0),
    headers,
  };
}

/** Reads a dead-letter topic from the beginning up to its current end (a throw-away consumer group). */
async function readAll(client: MessagingClient, topic: string): Promise<ConsumedMessage[]> {
  const admin = client.admin();
  await admin.connect();
  const groupId = `tio-dead-letters-cli-${randomUUID()}`;
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    const out: ConsumedMessage[] = [];
    if (pending.size === 0) return out;
    const consumer = client.consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.onCrash(reject);
        void consumer.run({
          eachBatch: async (batch, controls) => {
            for (const m of batch.messages) {
              if (BigInt(m.offset) < (ends.get(m.partition) ?? 0n)) out.push(m);
              controls.resolveOffset(m.offset);
              if (BigInt(m.offset) + 1n >= (ends.get(m.partition) ?? 0n)) pending.delete(m.partition);
            }
            if (pending.size === 0) resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Every dead letter of a topic (pass the topic or its `.dlq`). */
export async function listDeadLetters(client: MessagingClient, topic: string): Promise<DeadLetter[]> {
  return (await readAll(client, dlqTopic(topic))).map(toDeadLetter);
}

export interface ReplayOptions {
  /** Only these (`partition:offset` of the dead letter); all when omitted. */
  only?: { partition: number; offset: string }[];
}

/**
 * Publishes dead letters back to their original topic, unchanged except that the `dlq_*` headers are dropped and
 * `dlq_replayed_from` says where from. Consumers deduplicate on the event id, so replaying twice is harmless.
 */
export async function replayDeadLetters(client: MessagingClient, topic: string, options: ReplayOptions = {}): Promise<DeadLetter[]> {
  const dlq = dlqTopic(topic);
  const wanted = options.only ? new Set(options.only.map((o) => `${o.partition}:${o.offset}`)) : undefined;
  const messages = (await readAll(client, dlq)).filter((m) => !wanted || wanted.has(`${m.partition}:${m.offset}`));
  if (messages.length === 0) return [];
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  try {
    const letters = messages.map(toDeadLetter);
    const byTopic = new Map<string, { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }[]>();
    messages.forEach((m, i) => {
      const headers = Object.fromEntries(Object.entries(letters[i].headers).filter(([k]) => !k.startsWith('dlq_')));
      headers[REPLAYED_FROM_HEADER] = `${dlq}:${m.partition}:${m.offset}`;
      const list = byTopic.get(letters[i].originalTopic) ?? [];
      list.push({ key: m.key, value: m.value, headers });
      byTopic.set(letters[i].originalTopic, list);
    });
    await producer.send([...byTopic].map(([t, msgs]) => ({ topic: t, messages: msgs })));
    return letters;
  } finally {
    await producer.disconnect();
  }
}
