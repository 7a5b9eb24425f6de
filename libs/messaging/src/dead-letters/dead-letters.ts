import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS, dlqTopic, headersToStrings, originalTopicOf } from '@tio/contracts';
import { DEAD_LETTER_VALUE_HEADERS } from './dead-letter-publisher';
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
  /** A sealed dead letter (personal data encrypted with its subject's key): opened with the key, or its key was destroyed. */
  sealed?: { subject: string; state: 'opened' | 'erased' };
}

export const REPLAYED_FROM_HEADER = 'dlq_replayed_from';
/** Present on a sealed dead letter: the data subject whose key encrypts it (a case id, or a dead-letter period key). */
export const SEALED_HEADER = 'dlq_sealed_subject';

/** A dead-letter record as read from the topic, or as restored by an unseal. */
export interface DeadLetterContent {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Opens a sealed dead letter (the inverse of a `DeadLetterSeal`): the original key, value and headers while the key
 * exists, `erased` once it was destroyed. Records that were never sealed come back as `clear`, unchanged.
 */
export type DeadLetterUnseal = (
  record: DeadLetterContent,
) => Promise<{ state: 'clear'; record: DeadLetterContent } | { state: 'opened' | 'erased'; subject: string; record: DeadLetterContent }>;

export interface DeadLetterReadOptions {
  unseal?: DeadLetterUnseal;
}

interface ReadLetter {
  message: ConsumedMessage;
  content: DeadLetterContent;
  letter: DeadLetter;
}

async function open(m: ConsumedMessage, unseal?: DeadLetterUnseal): Promise<ReadLetter> {
  const raw: DeadLetterContent = { key: m.key, value: m.value, headers: headersToStrings(m.headers) };
  const opened = unseal ? await unseal(raw) : { state: 'clear' as const, record: raw };
  const letter = toDeadLetter({ ...m, key: opened.record.key, value: opened.record.value, headers: opened.record.headers });
  if (opened.state !== 'clear') letter.sealed = { subject: opened.subject, state: opened.state };
  return { message: m, content: opened.record, letter };
}

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

/** Every dead letter of a topic (pass the topic or its `.dlq`); sealed ones opened where `unseal` can. */
export async function listDeadLetters(client: MessagingClient, topic: string, options: DeadLetterReadOptions = {}): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const m of await readAll(client, dlqTopic(topic))) letters.push((await open(m, options.unseal)).letter);
  return letters;
}

export interface ReplayOptions extends DeadLetterReadOptions {
  /** Only these (`partition:offset` of the dead letter); all when omitted. */
  only?: { partition: number; offset: string }[];
}

/**
 * Publishes dead letters back to their original topic, unchanged except that the `dlq_*` headers are dropped and
 * `dlq_replayed_from` says where from. Consumers deduplicate on the event id, so replaying twice is harmless. A sealed
 * letter is replayed as it was before sealing (needs `unseal`); one whose key was destroyed is never replayed. Returns
 * the selected letters: those with `sealed.state === 'erased'` were not replayed.
 */
export async function replayDeadLetters(client: MessagingClient, topic: string, options: ReplayOptions = {}): Promise<DeadLetter[]> {
  const dlq = dlqTopic(topic);
  const wanted = options.only ? new Set(options.only.map((o) => `${o.partition}:${o.offset}`)) : undefined;
  const selected = (await readAll(client, dlq)).filter((m) => !wanted || wanted.has(`${m.partition}:${m.offset}`));
  const read: ReadLetter[] = [];
  for (const m of selected) read.push(await open(m, options.unseal));
  const sealedShut = read.find((r) => !r.letter.sealed && r.content.headers[SEALED_HEADER] !== undefined);
  if (sealedShut) throw new Error(`dead letter ${sealedShut.message.partition}:${sealedShut.message.offset} is sealed: replay it where the key store is configured (KEYSTORE_DATABASE_URL, TIO_MASTER_KEY)`);
  const truncated = read.find((r) => r.content.headers[DEAD_LETTER_VALUE_HEADERS.truncated] === 'true');
  if (truncated) {
    const l = truncated.letter;
    throw new Error(`dead letter ${truncated.message.partition}:${truncated.message.offset} carries only a prefix of its value: replay the whole record from the consumer's database (dead-letters parked replay ${l.originalTopic} ${l.originalPartition}:${l.originalOffset} --database <url>)`);
  }
  const replayable = read.filter((r) => r.letter.sealed?.state !== 'erased');
  if (replayable.length === 0) return read.map((r) => r.letter);
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  try {
    const byTopic = new Map<string, DeadLetterContent[]>();
    for (const { message: m, content, letter } of replayable) {
      const headers = Object.fromEntries(Object.entries(content.headers).filter(([k]) => !k.startsWith('dlq_')));
      headers[REPLAYED_FROM_HEADER] = `${dlq}:${m.partition}:${m.offset}`;
      const list = byTopic.get(letter.originalTopic) ?? [];
      list.push({ key: content.key, value: content.value, headers });
      byTopic.set(letter.originalTopic, list);
    }
    await producer.send([...byTopic].map(([t, msgs]) => ({ topic: t, messages: msgs })));
    return read.map((r) => r.letter);
  } finally {
    await producer.disconnect();
  }
}
