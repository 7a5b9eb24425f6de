import type { TransactionContext, UnitOfWork } from '../consumer/unit-of-work';
import type { MessagingClient } from '../kafka/port';
import { REPLAYED_FROM_HEADER, SEALED_HEADER, type DeadLetterReadOptions } from './dead-letters';
import { listKept, resolveKept, type ParkedMessage, type ParkedStatus } from './parked-messages';

/** A record by its coordinates on its original topic. */
export interface Coordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** `P:O` -> { partition, offset }; throws on anything else. */
export function parseCoordinates(topic: string, text: string): Coordinates {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not PARTITION:OFFSET`);
  return { topic, partition: Number(match[1]), offset: match[2] };
}

export async function listParked(uow: UnitOfWork, filter: { topic?: string; status?: ParkedStatus } = {}): Promise<ParkedMessage[]> {
  return uow.transaction((tx) => listKept(tx, filter));
}

async function kept(tx: TransactionContext, at: Coordinates): Promise<ParkedMessage[]> {
  const rows = (await listKept(tx, { topic: at.topic, at })).filter((r) => r.status === 'parked' || r.status === 'dead-lettered');
  if (rows.length === 0) throw new Error(`nothing parked or kept at ${at.topic} ${at.partition}:${at.offset}`);
  return rows;
}

/** An operator decides a parked record will never be processed: it stays in the table, marked skipped. */
export async function skipParked(uow: UnitOfWork, at: Coordinates): Promise<ParkedMessage[]> {
  return uow.transaction(async (tx) => {
    const rows = (await kept(tx, at)).filter((r) => r.status === 'parked');
    if (rows.length === 0) throw new Error(`${at.topic} ${at.partition}:${at.offset} is not parked (only parked records are skipped)`);
    for (const r of rows) await resolveKept(tx, r, 'skipped');
    return rows;
  });
}

/**
 * Publishes a kept record (parked, or the whole value of a bounded dead letter) back to its original topic, gzip
 * compressed so a value larger than the broker's limit goes back as it came, with `dlq_replayed_from` saying where
 * from; marks it replayed. A sealed record is opened first (needs `unseal`); one whose key was destroyed is not sent.
 */
export async function replayParked(uow: UnitOfWork, client: MessagingClient, at: Coordinates, options: DeadLetterReadOptions = {}): Promise<ParkedMessage> {
  return uow.transaction(async (tx) => {
    const [row] = await kept(tx, at);
    let record = { key: row.key, value: row.value, headers: row.headers };
    if (record.headers[SEALED_HEADER] !== undefined) {
      if (!options.unseal) throw new Error(`${at.topic} ${at.partition}:${at.offset} is sealed: replay it where the key store is configured (KEYSTORE_DATABASE_URL, TIO_MASTER_KEY)`);
      const opened = await options.unseal(record);
      if (opened.state === 'erased') throw new Error(`${at.topic} ${at.partition}:${at.offset} was sealed with the key of ${opened.subject}, which was destroyed: nothing to replay`);
      record = opened.record;
    }
    const headers = Object.fromEntries(Object.entries(record.headers).filter(([k]) => !k.startsWith('dlq_')));
    headers[REPLAYED_FROM_HEADER] = `parked:${row.consumerGroup}:${row.topic}:${row.partition}:${row.offset}`;
    const producer = client.producer({ idempotent: true, compression: 'gzip' });
    await producer.connect();
    try {
      await producer.send([{ topic: row.topic, messages: [{ key: record.key, value: record.value, headers }] }]);
    } finally {
      await producer.disconnect();
    }
    // every group that kept it at these coordinates sees the replay: all are marked
    const rows = await listKept(tx, { topic: at.topic, at });
    for (const r of rows) await resolveKept(tx, r, 'replayed');
    return row;
  });
}
