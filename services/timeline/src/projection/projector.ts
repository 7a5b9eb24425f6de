/**
 * Applies one integration event to a read-model schema, inside the consumer's transaction.
 *
 * THE ORDER RULE. A case's entries are ordered by (occurred_at, recorded_at, source_event_id), the event id
 * compared byte-wise (COLLATE "C"), and `seq` is the entry's rank in that order, 1..n. It depends only on the set
 * of events, never on which topic or partition delivered first, so every reader and every rebuild gets the same
 * sequence. An event that arrives late and sorts before existing entries takes its place and the entries after it
 * move down by one (seq + 1) in the same transaction; readers see either the old or the new numbering, never a mix.
 * Per case, appliers are serialised by the case row lock (timeline_cases), whichever topic the event came from.
 *
 * `arrival` is the case's entry count when the entry was stored: the live stream's resume token (see stream.ts).
 */
import type { ConsumedEvent, TransactionContext } from '@tio/messaging';
import { buildEntry, type MemberDraft } from './entry-builders';

export const CHANGES_CHANNEL = 'timeline_changes';

/** Events whose payload the statutory clock replays: the EHC case stream's (`@tio/ehc-domain`). */
export const isClockEvent = (type: string): boolean => type.startsWith('ehc.');

export interface ProjectionResult {
  applied: boolean;
  caseId: string;
  seq?: number;
  arrival?: number;
}

export async function projectEvent(tx: TransactionContext, schema: string, event: ConsumedEvent, options: { notify?: boolean } = {}): Promise<ProjectionResult> {
  const s = `"${schema}"`;
  const caseId = event.subject;
  const occurredAt = new Date(event.time).toISOString();
  const draft = buildEntry(event as ConsumedEvent<Record<string, unknown>>);
  const recordedAt = draft.recordedAt && !Number.isNaN(Date.parse(draft.recordedAt)) ? new Date(draft.recordedAt).toISOString() : occurredAt;

  // lock the case (creating it on its first event): every applier of this case waits here
  const [kase] = await tx.query<{ entry_count: number }>(
    `INSERT INTO ${s}.timeline_cases (case_id, entry_count, first_occurred_at, last_occurred_at) VALUES ($1, 0, $2, $2)
     ON CONFLICT (case_id) DO UPDATE SET case_id = EXCLUDED.case_id RETURNING entry_count`,
    [caseId, occurredAt],
  );
  const members: MemberDraft[] = [
    { organisationId: event.actor.organisationId, agency: event.actor.agency, reason: 'recorded an event' },
    ...(draft.members ?? []),
  ];
  await upsertMembers(tx, s, caseId, members, event.id, occurredAt);

  // idempotent by source event id, independently of processed_messages: a rebuild swap may replay into this schema
  const existing = await tx.query(`SELECT 1 FROM ${s}.timeline_entries WHERE source_event_id = $1`, [event.id]);
  if (existing.length) return { applied: false, caseId };

  const [{ before }] = await tx.query<{ before: number }>(
    `SELECT count(*)::int AS before FROM ${s}.timeline_entries
      WHERE case_id = $1 AND (occurred_at, recorded_at, source_event_id) < ($2::timestamptz, $3::timestamptz, $4::text COLLATE "C")`,
    [caseId, occurredAt, recordedAt, event.id],
  );
  const seq = before + 1;
  const arrival = kase.entry_count + 1;
  await tx.query(`UPDATE ${s}.timeline_entries SET seq = seq + 1 WHERE case_id = $1 AND seq >= $2`, [caseId, seq]);
  await tx.query(
    `INSERT INTO ${s}.timeline_entries (source_event_id, case_id, seq, arrival, kind, title, summary, agency, actor_user_id, actor_organisation_id,
       actor_agency, actor_role, occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, source_offset, projected_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, clock_timestamp())`,
    [
      event.id, caseId, seq, arrival, draft.kind, draft.title, draft.summary, draft.agency, event.actor.userId, event.actor.organisationId,
      event.actor.agency, event.actor.role, occurredAt, recordedAt, JSON.stringify(draft.details), event.type, event.topic, event.partition, event.offset,
    ],
  );
  // the domain clock's input: every ehc.* payload as published (unknown ehc types too: a newer domain library may know them)
  if (isClockEvent(event.type)) {
    await tx.query(
      `INSERT INTO ${s}.case_clock_events (source_event_id, case_id, type, data, occurred_at, recorded_at, source_topic, source_partition, source_offset)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (source_event_id) DO NOTHING`,
      [event.id, caseId, event.type, JSON.stringify(event.data ?? {}), occurredAt, recordedAt, event.topic, event.partition, event.offset],
    );
  }
  await tx.query(
    `UPDATE ${s}.timeline_cases SET entry_count = entry_count + 1, first_occurred_at = least(first_occurred_at, $2), last_occurred_at = greatest(last_occurred_at, $2)
      WHERE case_id = $1`,
    [caseId, occurredAt],
  );
  // delivered to listeners on commit only
  if (options.notify) await tx.query(`SELECT pg_notify($1, $2)`, [CHANGES_CHANNEL, caseId]);
  return { applied: true, caseId, seq, arrival };
}

/** Membership keeps, per organisation, the earliest event (by the timeline order) that involved it: deterministic. */
async function upsertMembers(tx: TransactionContext, s: string, caseId: string, members: MemberDraft[], eventId: string, occurredAt: string): Promise<void> {
  const seen = new Set<string>();
  for (const m of members) {
    if (!m.organisationId || seen.has(m.organisationId)) continue;
    seen.add(m.organisationId);
    await tx.query(
      `INSERT INTO ${s}.case_members AS m (case_id, organisation_id, agency, reason, since_event_id, since_occurred_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (case_id, organisation_id) DO UPDATE SET agency = EXCLUDED.agency, reason = EXCLUDED.reason,
         since_event_id = EXCLUDED.since_event_id, since_occurred_at = EXCLUDED.since_occurred_at
       WHERE (EXCLUDED.since_occurred_at, EXCLUDED.since_event_id, EXCLUDED.reason) < (m.since_occurred_at, m.since_event_id, m.reason)`,
      [caseId, m.organisationId, m.agency, m.reason, eventId, occurredAt],
    );
  }
}

/** Renumbers the given cases from scratch by the order rule (used when a rebuild merges entries). */
export async function resequence(tx: TransactionContext, schema: string, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  const s = `"${schema}"`;
  await tx.query(
    `UPDATE ${s}.timeline_entries e SET seq = o.rn FROM (
       SELECT source_event_id, row_number() OVER (PARTITION BY case_id ORDER BY occurred_at, recorded_at, source_event_id COLLATE "C")::int AS rn
         FROM ${s}.timeline_entries WHERE case_id = ANY($1)) o
     WHERE e.source_event_id = o.source_event_id AND e.seq <> o.rn`,
    [caseIds],
  );
  await tx.query(
    `UPDATE ${s}.timeline_cases c SET entry_count = x.n, first_occurred_at = x.f, last_occurred_at = x.l
       FROM (SELECT case_id, count(*)::int AS n, min(occurred_at) AS f, max(occurred_at) AS l FROM ${s}.timeline_entries WHERE case_id = ANY($1) GROUP BY case_id) x
      WHERE c.case_id = x.case_id`,
    [caseIds],
  );
}
