import type { TransactionContext } from './unit-of-work';

/**
 * `processed_messages`: one row per (consumer group, CloudEvent id), written in the same transaction as the
 * read-model change. A redelivered event finds its row and changes nothing. Created by MESSAGING_MIGRATIONS.
 */
export interface ProcessedMessage {
  groupId: string;
  eventId: string;
  eventType: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Claims the event for this group inside the caller's transaction. False if it was processed before (or is being
 * processed by another member right now: the insert waits for that transaction and then finds the row).
 */
export async function claimMessage(tx: TransactionContext, m: ProcessedMessage): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO processed_messages (consumer_group, event_id, event_type, topic, partition, "offset")
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer_group, event_id) DO NOTHING RETURNING 1 AS claimed`,
    [m.groupId, m.eventId, m.eventType, m.topic, m.partition, m.offset],
  );
  return rows.length === 1;
}

/**
 * Claims several events in one statement (same rules as claimMessage). Returns the ids claimed now; an id given
 * twice is claimed once.
 */
export async function claimMessages(tx: TransactionContext, groupId: string, messages: Omit<ProcessedMessage, 'groupId'>[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const rows = await tx.query<{ event_id: string }>(
    `INSERT INTO processed_messages (consumer_group, event_id, event_type, topic, partition, "offset")
     SELECT $1, m.event_id, m.event_type, m.topic, m.partition, m."offset"
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[]) AS m(event_id, event_type, topic, partition, "offset")
     ON CONFLICT (consumer_group, event_id) DO NOTHING RETURNING event_id`,
    [groupId, messages.map((m) => m.eventId), messages.map((m) => m.eventType), messages.map((m) => m.topic), messages.map((m) => m.partition), messages.map((m) => m.offset)],
  );
  return new Set(rows.map((r) => r.event_id));
}
