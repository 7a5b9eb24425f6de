import type { TransactionContext } from '../consumer/unit-of-work';

/**
 * `parked_messages`, in the consumer's own database, by coordinates (group, topic, partition, offset):
 * - status `parked`: a record that could be neither applied nor dead-lettered (the dead-letter topic refused it or
 *   was unreachable after retries). The consumer moved on; an operator lists, skips or replays it (dead-letter CLI).
 * - status `dead-lettered`: the dead letter on `<topic>.dlq` carries a bounded copy (prefix, size, SHA-256); the full
 *   value (sealed when the publisher seals) is kept here so it can be replayed.
 * - `skipped` / `replayed`: what an operator decided, and when.
 * Created by MESSAGING_MIGRATIONS (consumer/messaging-migrations.ts).
 */
export type ParkedStatus = 'parked' | 'dead-lettered' | 'skipped' | 'replayed';

export interface ParkedMessage {
  consumerGroup: string;
  topic: string;
  partition: number;
  offset: string;
  status: ParkedStatus;
  reason: string;
  attempts: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  valueBytes: number;
  valueSha256: string;
  createdAt: string;
  resolvedAt: string | null;
}

/** Keeps a record by its coordinates; a second call for the same coordinates changes nothing. */
export async function keepMessage(tx: TransactionContext, m: Omit<ParkedMessage, 'createdAt' | 'resolvedAt'>): Promise<void> {
  await tx.query(
    `INSERT INTO parked_messages (consumer_group, topic, partition, "offset", status, reason, attempts, key, value, headers, value_bytes, value_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
    [m.consumerGroup, m.topic, m.partition, m.offset, m.status, m.reason.slice(0, 4000), m.attempts, m.key, m.value, JSON.stringify(m.headers), m.valueBytes, m.valueSha256],
  );
}

export async function countParked(tx: TransactionContext, consumerGroup: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM parked_messages WHERE consumer_group = $1 AND status = 'parked'`, [consumerGroup]);
  return row?.n ?? 0;
}

interface Row {
  consumer_group: string;
  topic: string;
  partition: number;
  offset: string;
  status: ParkedStatus;
  reason: string;
  attempts: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  value_bytes: number;
  value_sha256: string;
  created_at: Date;
  resolved_at: Date | null;
}

const toParked = (r: Row): ParkedMessage => ({
  consumerGroup: r.consumer_group, topic: r.topic, partition: r.partition, offset: String(r.offset), status: r.status, reason: r.reason, attempts: r.attempts,
  key: r.key, value: r.value, headers: r.headers, valueBytes: r.value_bytes, valueSha256: r.value_sha256,
  createdAt: new Date(r.created_at).toISOString(), resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
});

export interface ParkedFilter {
  topic?: string;
  status?: ParkedStatus;
  at?: { partition: number; offset: string };
}

export async function listKept(tx: TransactionContext, filter: ParkedFilter = {}): Promise<ParkedMessage[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.topic) add('topic = ?', filter.topic);
  if (filter.status) add('status = ?', filter.status);
  if (filter.at) {
    add('partition = ?', filter.at.partition);
    add('"offset" = ?', filter.at.offset);
  }
  const rows = await tx.query<Row>(
    `SELECT * FROM parked_messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY topic, partition, "offset", consumer_group`,
    params,
  );
  return rows.map(toParked);
}

/** Marks kept records resolved (skipped or replayed). Returns how many changed. */
export async function resolveKept(tx: TransactionContext, m: Pick<ParkedMessage, 'consumerGroup' | 'topic' | 'partition' | 'offset'>, status: 'skipped' | 'replayed'): Promise<number> {
  const rows = await tx.query(
    `UPDATE parked_messages SET status = $5, resolved_at = now()
      WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND "offset" = $4 AND status IN ('parked', 'dead-lettered') RETURNING 1`,
    [m.consumerGroup, m.topic, m.partition, m.offset, status],
  );
  return rows.length;
}
