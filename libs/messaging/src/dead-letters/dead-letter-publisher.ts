import { createHash } from 'node:crypto';
import { DLQ_HEADERS, dlqTopic, headersToStrings } from '@tio/contracts';
import type { ConsumedMessage, MessageProducer } from '../kafka/port';

export interface DeadLetterReason {
  reason: string;
  groupId: string;
  attempts: number;
}

/** What a dead letter carries: the original key, value and headers plus the `dlq_*` headers. */
export interface DeadLetterRecord {
  /** The dead-letter topic it goes to. */
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A seal either gives the record to send instead (e.g. encrypted) or says why it must not be sent at all. */
export type SealOutcome = { sealed: DeadLetterRecord } | { drop: string };

/**
 * Runs on every dead letter before it is sent (and before anything else looks at its value): where a record may hold
 * personal data, it encrypts the value and any header that could echo it with the data subject's key, so destroying
 * the key shreds the dead letter too; for a subject already erased it says to drop the record (`@tio/personal-data`).
 */
export type DeadLetterSeal = (letter: DeadLetterRecord, source: ConsumedMessage) => Promise<SealOutcome>;

export type DeadLetterSendResult = { sent: DeadLetterRecord } | { dropped: string };

/**
 * What a dead letter may carry at most, far below the broker's default 1 MB `max.message.bytes` (a compressed record
 * can decompress to more than that, and the dead letter is sent uncompressed).
 */
export const DEAD_LETTER_LIMITS = {
  /** A value up to this size is copied whole. */
  maxValueBytes: 256 * 1024,
  /** A larger value is replaced by its first bytes (with its size and SHA-256 in headers). */
  prefixBytes: 16 * 1024,
  /** Each copied header value at most. */
  maxHeaderValueBytes: 4 * 1024,
  /** All copied headers together at most; the `dlq_*` headers always fit. */
  maxHeaderBytes: 32 * 1024,
  maxKeyBytes: 1024,
};

/** Headers a dead letter adds about its value, so a bounded copy can be matched with the original. */
export const DEAD_LETTER_VALUE_HEADERS = {
  bytes: 'dlq_value_bytes',
  sha256: 'dlq_value_sha256',
  /** `true` when the value is only a prefix; the whole value is kept in the consumer's database (parked_messages). */
  truncated: 'dlq_value_truncated',
  headersTruncated: 'dlq_headers_truncated',
} as const;

/** A dead letter ready to publish (bounded) and the whole record it stands for (sealed, when a seal is given). */
export type PreparedDeadLetter = { letter: DeadLetterRecord; whole: DeadLetterRecord; truncated: boolean } | { dropped: string };

const sha256 = (b: Buffer | null) => createHash('sha256').update(b ?? Buffer.alloc(0)).digest('hex');
const utf8Prefix = (s: string, bytes: number) => Buffer.from(s, 'utf8').subarray(0, bytes).toString('utf8').replace(/\uFFFD$/, '');

/** Caps a dead letter so the topic accepts it: the value by a prefix, the key and headers by size. */
export function boundDeadLetter(whole: DeadLetterRecord, originalHeaderNames: ReadonlySet<string> = new Set(), limits = DEAD_LETTER_LIMITS): { letter: DeadLetterRecord; truncated: boolean } {
  const size = whole.value?.length ?? 0;
  const truncated = size > limits.maxValueBytes;
  const headers: Record<string, string> = {};
  let budget = limits.maxHeaderBytes;
  let headersTruncated = false;
  // the dead letter's own headers (ours, or a seal's) always travel; what came with the record is capped
  const own = new Set<string>(Object.values(DLQ_HEADERS));
  const ours = (name: string) => own.has(name) || (name.startsWith('dlq_') && !originalHeaderNames.has(name));
  for (const [name, value] of Object.entries(whole.headers)) {
    if (ours(name)) continue;
    const kept = utf8Prefix(value, limits.maxHeaderValueBytes);
    const cost = Buffer.byteLength(name) + Buffer.byteLength(kept);
    if (kept !== value) headersTruncated = true;
    if (cost > budget || Buffer.byteLength(name) > 256) {
      headersTruncated = true;
      continue;
    }
    budget -= cost;
    headers[name] = kept;
  }
  for (const [name, value] of Object.entries(whole.headers)) if (ours(name)) headers[name] = utf8Prefix(value, limits.maxHeaderValueBytes);
  headers[DEAD_LETTER_VALUE_HEADERS.bytes] = String(size);
  headers[DEAD_LETTER_VALUE_HEADERS.sha256] = sha256(whole.value);
  if (truncated) headers[DEAD_LETTER_VALUE_HEADERS.truncated] = 'true';
  if (headersTruncated) headers[DEAD_LETTER_VALUE_HEADERS.headersTruncated] = 'true';
  const key = whole.key && whole.key.length > limits.maxKeyBytes ? whole.key.subarray(0, limits.maxKeyBytes) : whole.key;
  const value = truncated ? whole.value!.subarray(0, limits.prefixBytes) : whole.value;
  return { letter: { topic: whole.topic, key, value, headers }, truncated };
}

/** Sends a message to `<topic>.dlq` with headers saying why, from where and when; sealed first when a seal is given. */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: MessageProducer,
    private readonly options: { seal?: DeadLetterSeal } = {},
  ) {}

  async send(message: ConsumedMessage, why: DeadLetterReason): Promise<DeadLetterSendResult> {
    const prepared = await this.prepare(message, why);
    if ('dropped' in prepared) return prepared;
    await this.publish(prepared.letter);
    return { sent: prepared.letter };
  }

  /** Sends a prepared (bounded) dead letter. */
  async publish(letter: DeadLetterRecord): Promise<void> {
    await this.producer.send([{ topic: letter.topic, messages: [{ key: letter.key, value: letter.value, headers: letter.headers }] }]);
  }

  /** Seals the record (when a seal is given), then bounds it: what is stored whole is the sealed record. */
  async prepare(message: ConsumedMessage, why: DeadLetterReason): Promise<PreparedDeadLetter> {
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
    let letter: DeadLetterRecord = { topic: dlqTopic(message.topic), key: message.key, value: message.value, headers };
    if (this.options.seal) {
      const outcome = await this.options.seal(letter, message);
      if ('drop' in outcome) return { dropped: outcome.drop };
      letter = outcome.sealed;
    }
    return { whole: letter, ...boundDeadLetter(letter, new Set(Object.keys(headersToStrings(message.headers)))) };
  }
}
