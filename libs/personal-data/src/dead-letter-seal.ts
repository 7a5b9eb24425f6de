import { DLQ_HEADERS } from '@tio/contracts';
import { DEAD_LETTER_VALUE_HEADERS, SEALED_HEADER, type ConsumedMessage, type DeadLetterContent, type DeadLetterRecord, type DeadLetterSeal, type DeadLetterUnseal, type SealOutcome } from '@tio/messaging';
import { decryptValue, encryptValue, isEnvelope, type DataKey } from './envelope';
import type { KeyStore } from './key-store';

/**
 * Dead letters of topics that carry clear personal data (an agency system's inbound advice) are sealed before they
 * reach `<topic>.dlq`: the original key, value and headers (the reason included, which may quote the value) become one
 * envelope under the data key of the case the record is about, so erasing the case (destroying its key) shreds its
 * dead letters too. A record for a case already erased is not dead-lettered at all: dropped, its ids logged.
 *
 * A case with no key yet gets one when the service knows the case (`caseExists`), so its erasure shreds the letter
 * too. A record whose case is unknown (no case id that all its parts agree on, or a case this service does not know
 * and that has no key) is sealed with the key of its dead-letter topic and calendar month (`dead-letters:<dlq topic>:<YYYY-MM>`), which
 * `destroyExpiredDeadLetterKeys` destroys once the month plus the dead-letter retention (DLQ_RETENTION_MS) is over.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[a-z0-9-]+(\.[a-z0-9-]+)+\.v[0-9]+$/;
/** Headers a sealed dead letter keeps in clear: where it came from and when; none of them holds text from the record. */
const CLEAR_DLQ_HEADERS = [DLQ_HEADERS.originalTopic, DLQ_HEADERS.originalPartition, DLQ_HEADERS.originalOffset, DLQ_HEADERS.failedAt, DLQ_HEADERS.consumerGroup, DLQ_HEADERS.attempts];
/** CloudEvent headers kept in clear when they have the shape of an id or a type (so listing stays useful). */
const CLEAR_CE_HEADERS: Record<string, RegExp> = { ce_id: UUID, ce_subject: UUID, ce_type: EVENT_TYPE, ce_specversion: /^1\.0$/ };
/** The reasons our consumers give, by their opening words; anything after them may quote the record. */
const REASON_KINDS = ['invalid envelope', 'undecodable message', 'unknown event type', 'validation failed', 'handler failed'];

export const DEAD_LETTER_SUBJECT_PREFIX = 'dead-letters:';

/** The key subject for dead letters of `dlqTopic` whose case is unknown, per calendar month (UTC). */
export function deadLetterPeriodSubject(dlqTopic: string, at: Date): string {
  return `${DEAD_LETTER_SUBJECT_PREFIX}${dlqTopic}:${at.toISOString().slice(0, 7)}`;
}

/** When a dead-letter period key may be destroyed: the end of its month plus the retention of its dead letters. */
export function deadLetterPeriodExpiresAt(subject: string, retentionMs: number): Date | undefined {
  const m = /:(\d{4})-(\d{2})$/.exec(subject);
  if (!subject.startsWith(DEAD_LETTER_SUBJECT_PREFIX) || !m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]), 1) + retentionMs);
}

/**
 * Destroys the dead-letter period keys whose month ended more than `retentionMs` ago: every dead letter sealed with
 * them is then unreadable, wherever a copy of it lives. Returns the subjects destroyed.
 */
export async function destroyExpiredDeadLetterKeys(keys: KeyStore, retentionMs: number, now: Date = new Date()): Promise<string[]> {
  const destroyed: string[] = [];
  for (const subject of await keys.activeSubjects({ prefix: DEAD_LETTER_SUBJECT_PREFIX })) {
    const expires = deadLetterPeriodExpiresAt(subject, retentionMs);
    if (!expires || expires > now) continue;
    await keys.destroy(subject, { userId: 'dead-letter-retention', ground: 'retention-period-ended' });
    destroyed.push(subject);
  }
  return destroyed;
}

/**
 * The case a record is about, when every place that names one agrees: the CloudEvent subject, the Kafka key and the
 * payload's `caseId`. Disagreement or no case id at all: unknown.
 */
export function caseOfRecord(source: Pick<ConsumedMessage, 'key' | 'value'>, headers: Record<string, string>): string | undefined {
  const named = new Set<string>();
  const consider = (v: unknown) => {
    if (typeof v === 'string' && UUID.test(v)) named.add(v.toLowerCase());
  };
  consider(headers['ce_subject']);
  consider(source.key?.toString('utf8'));
  try {
    const data = JSON.parse(source.value?.toString('utf8') ?? 'null') as unknown;
    if (data && typeof data === 'object') consider((data as Record<string, unknown>)['caseId']);
  } catch {
    // not JSON: the headers and key decide
  }
  return named.size === 1 ? [...named][0] : undefined;
}

/** The kind of failure, without anything the reason may quote from the record. */
export function sealedReason(reason: string): string {
  const kind = REASON_KINDS.find((k) => reason.startsWith(k)) ?? 'rejected';
  // a rule's code (`handler failed after 1 attempt(s): advice-already-submitted: ...`) is one of ours: kept
  const code = kind === 'handler failed' ? /^handler failed after \d+ attempt\(s\): ([a-z][a-z0-9-]{2,60}):/.exec(reason)?.[1] : undefined;
  return `[sealed] ${kind}${code ? `: ${code}` : ''} (the dead-letters CLI shows the full reason while the key exists)`;
}

interface SealedContent {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface DeadLetterSealerOptions {
  /** Whether this service knows the case (e.g. its read model holds it): such a case gets its key now if it has none. */
  caseExists?: (caseId: string) => Promise<boolean>;
  now?: () => Date;
}

export class DeadLetterSealer {
  constructor(
    private readonly keys: KeyStore,
    private readonly options: DeadLetterSealerOptions = {},
  ) {}

  /** For `EventConsumerOptions.seal`. */
  readonly seal: DeadLetterSeal = async (letter, source) => {
    const caseId = caseOfRecord(source, letter.headers);
    if (caseId) {
      let lookup = await this.keys.keyFor(caseId);
      // never a key for an id nobody knows (anyone can write any id in a record): those get the month's key below
      if (lookup.status === 'none' && (await this.options.caseExists?.(caseId))) lookup = await this.keys.keyFor(caseId, { create: true });
      if (lookup.status === 'erased') return this.drop(caseId, lookup.tombstone.erasedAt, letter);
      if (lookup.status === 'active') return { sealed: sealWith(letter, caseId, lookup.key, caseId) };
    }
    const subject = deadLetterPeriodSubject(letter.topic, (this.options.now ?? (() => new Date()))());
    const lookup = await this.keys.keyFor(subject, { create: true });
    // never sent in clear: failing here fails the batch, and the record is redelivered
    if (lookup.status !== 'active') throw new Error(`the dead-letter key ${subject} is ${lookup.status === 'erased' ? 'already destroyed' : 'missing'}: cannot seal a dead letter of ${letter.topic}`);
    return { sealed: sealWith(letter, subject, lookup.key, caseId ?? null) };
  };

  /** For `listDeadLetters` / `replayDeadLetters` and the CLI: the original record while the key exists. */
  readonly unseal: DeadLetterUnseal = async (record) => {
    const subject = record.headers[SEALED_HEADER];
    if (subject === undefined) return { state: 'clear', record };
    const lookup = await this.keys.keyFor(subject);
    if (lookup.status === 'erased') return { state: 'erased', subject, record: { ...record, value: null } };
    if (lookup.status !== 'active') throw new Error(`dead letter sealed with the key of ${subject}, which this key store does not know (KEYSTORE_DATABASE_URL points elsewhere?)`);
    // only a prefix of the sealed value travelled (the whole one is kept by the consumer): shown as it is, still sealed
    if (record.headers[DEAD_LETTER_VALUE_HEADERS.truncated] === 'true') return { state: 'clear', record };
    const envelope = record.value?.toString('utf8') ?? '';
    if (!isEnvelope(envelope)) throw new Error(`dead letter sealed with the key of ${subject} holds no envelope`);
    const content = decryptValue(envelope, lookup.key, subject) as SealedContent;
    const restored: DeadLetterContent = {
      key: content.key === null ? null : Buffer.from(content.key, 'base64'),
      value: content.value === null ? null : Buffer.from(content.value, 'base64'),
      headers: content.headers,
    };
    return { state: 'opened', subject, record: restored };
  };

  private drop(caseId: string, erasedAt: string, letter: DeadLetterRecord): SealOutcome {
    const ids = Object.entries(CLEAR_CE_HEADERS)
      .filter(([h, shape]) => h !== 'ce_specversion' && shape.test(letter.headers[h] ?? ''))
      .map(([h]) => `${h}=${letter.headers[h]}`);
    return { drop: `the personal data of case ${caseId} was erased on ${erasedAt}; a dead letter would keep the record's personal data (${ids.join(' ') || 'no CloudEvent ids'})` };
  }
}

/** The sealed record: keyed by the case when it is known (the case id is not personal), else unkeyed. */
function sealWith(letter: DeadLetterRecord, subject: string, key: DataKey, kafkaKey: string | null): DeadLetterRecord {
  const content: SealedContent = { key: letter.key?.toString('base64') ?? null, value: letter.value?.toString('base64') ?? null, headers: letter.headers };
  const headers: Record<string, string> = { [SEALED_HEADER]: subject, [DLQ_HEADERS.reason]: sealedReason(letter.headers[DLQ_HEADERS.reason] ?? '') };
  for (const h of CLEAR_DLQ_HEADERS) if (letter.headers[h] !== undefined) headers[h] = letter.headers[h];
  for (const [h, shape] of Object.entries(CLEAR_CE_HEADERS)) if (shape.test(letter.headers[h] ?? '')) headers[h] = letter.headers[h];
  return { topic: letter.topic, key: kafkaKey === null ? null : Buffer.from(kafkaKey), value: Buffer.from(encryptValue(content, key, subject), 'utf8'), headers };
}
