/**
 * Applies integration events to a read-model schema, inside the consumer's transaction.
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
import { buildEntry, type EntryDraft, type MemberDraft } from './entry-builders';

export const CHANGES_CHANNEL = 'timeline_changes';

/**
 * The version of what this projection stores for an event. Raise it when a change would store an event differently
 * (a read model built by an older version is rebuilt aside on start, see rebuild/stale-model.ts):
 * 1: `recorded_at` was the event's business date; 2: it is the store's recorded time (CloudEvents `recordedat`);
 * 3: transfer steps (`transfer.*`) have their own entries (from, to, dates, who is responsible), no entry shows a type name;
 * 4: the family events (linked, unlinked, the young person's rights) are kept in `family_links`, family members are
 * never case members, and advice marked `withheldFromFamily` keeps the marker in its entry.
 */
export const PROJECTION_VERSION = 4;

/** The family events the family read replays (family/family-access.ts): kept in `family_links`. */
export const FAMILY_LINK_TYPES = new Set(['ehc.family-member-linked.v1', 'ehc.family-member-unlinked.v1', 'ehc.young-person-rights-recorded.v1']);

/** Events whose payload the statutory clock replays: the EHC case stream's (`@tio/ehc-domain`). */
export const isClockEvent = (type: string): boolean => type.startsWith('ehc.');

export interface ProjectionResult {
  eventId: string;
  applied: boolean;
  caseId: string;
  /** Undefined when the event sorted before the case's last entry and the case was renumbered by the order rule. */
  seq?: number;
  arrival?: number;
}

interface PreparedEntry {
  event: ConsumedEvent;
  caseId: string;
  occurredAt: string;
  recordedAt: string;
  draft: EntryDraft;
}

/**
 * `recordedAt` is when the producer's event store recorded the event (the CloudEvents `recordedat` extension every
 * forwarder sends), the same instant the audit reads from the stores; a message without it (none of ours) falls
 * back to its event time. Never taken from the payload: the order must not depend on what a producer writes there.
 */
function prepareEntry(event: ConsumedEvent): PreparedEntry {
  const occurredAt = new Date(event.time).toISOString();
  const draft = buildEntry(event as ConsumedEvent<Record<string, unknown>>);
  const recordedAt = event.recordedAt && !Number.isNaN(Date.parse(event.recordedAt)) ? new Date(event.recordedAt).toISOString() : occurredAt;
  return { event, caseId: event.subject, occurredAt, recordedAt, draft };
}

/** A family member acting on their case is not an organisation: their access comes from `family_links` only. */
function membersOf(event: ConsumedEvent, draft: EntryDraft): MemberDraft[] {
  return [{ organisationId: event.actor.organisationId, agency: event.actor.agency, reason: 'recorded an event' }, ...(draft.members ?? [])].filter((m) => m.agency !== 'family');
}

/** The order rule's key, exact to the microsecond like PostgreSQL's timestamptz; ids compared byte-wise (COLLATE "C"). */
type OrderKey = [bigint, bigint, string];
const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
const keyOf = (e: PreparedEntry): OrderKey => [micros(e.occurredAt), micros(e.recordedAt), e.event.id];
function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return Buffer.compare(Buffer.from(a[2]), Buffer.from(b[2]));
}

/** The order key as PostgreSQL computes it, exact to the microsecond (what `keyOf` compares with). */
const MICROS = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/**
 * Applies events in one transaction: the projection, for a batch of many (the consumer's and the rebuild's chunks)
 * or of one (a message retried on its own). The result does not depend on how deliveries are cut into batches, on
 * their order or on redeliveries (the projector spec checks it against a reference model on random batches).
 *
 * Two statements, whatever the batch's size:
 * 1. LOCK: upsert the batch's case rows in case-id order (so concurrent batches cannot deadlock), returning each
 *    case's entry count and the key of its last entry as the row stands once locked; with them, which of the batch's
 *    events are stored already. A concurrent batch of the same case waits here until this one commits.
 * 2. WRITE: the entries, the clock payloads, the family events, the memberships and the cases' counts and last keys,
 *    and (live) the change notifications, as one statement of data-modifying CTEs.
 * A case whose new events all sort after its last entry (the usual case for live events) gets its seq numbers by
 * appending; a case with a late event (usual in a rebuild, which reads each topic at its own pace) gets its entries
 * renumbered by the order rule (`resequence`, two more statements).
 *
 * Which events are stored already is read with the lock statement's snapshot, taken before the lock is granted.
 * An event stored by a batch that committed in between is still never stored twice: the consumer's claim on
 * `processed_messages` lets one delivery of an event id through at a time, and were it to, the entry's primary key
 * would fail the transaction, which the consumer then applies again one message at a time.
 */
export async function projectBatch(tx: TransactionContext, schema: string, events: ConsumedEvent[], options: { notify?: boolean } = {}): Promise<ProjectionResult[]> {
  if (events.length === 0) return [];
  const s = `"${schema}"`;
  const seenIds = new Set<string>();
  const prepared = events.filter((e) => !seenIds.has(e.id) && seenIds.add(e.id)).map(prepareEntry);
  const byCase = new Map<string, PreparedEntry[]>();
  for (const p of prepared) byCase.set(p.caseId, [...(byCase.get(p.caseId) ?? []), p]);
  const caseIds = [...byCase.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  const lockedRows = await tx.query<{ case_id: string | null; entry_count: number | null; o: string | null; r: string | null; id: string | null; known: string | null }>(
    `WITH locked AS (
       INSERT INTO ${s}.timeline_cases (case_id, entry_count, first_occurred_at, last_occurred_at)
       SELECT x.case_id, 0, x.f, x.f FROM jsonb_to_recordset($1::jsonb) AS x(case_id text, f timestamptz) ORDER BY x.case_id COLLATE "C"
       ON CONFLICT (case_id) DO UPDATE SET case_id = EXCLUDED.case_id
       RETURNING case_id, entry_count, last_occurred_at, last_recorded_at, last_event_id)
     SELECT case_id, entry_count, ${MICROS('last_occurred_at')} AS o, ${MICROS('last_recorded_at')} AS r, last_event_id AS id, NULL::text AS known FROM locked
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, NULL, source_event_id FROM ${s}.timeline_entries WHERE source_event_id = ANY($2)`,
    [JSON.stringify(caseIds.map((caseId) => ({ case_id: caseId, f: byCase.get(caseId)!.map((p) => p.occurredAt).sort()[0] }))), prepared.map((p) => p.event.id)],
  );
  const known = new Set(lockedRows.filter((r) => r.known !== null).map((r) => r.known as string));
  const locked = new Map(lockedRows.filter((r) => r.case_id !== null).map((r) => [r.case_id as string, {
    entryCount: r.entry_count as number,
    tail: r.id === null ? undefined : ([BigInt(r.o as string), BigInt(r.r as string), r.id] as OrderKey),
  }]));

  const results: ProjectionResult[] = [];
  const rows: Record<string, unknown>[] = [];
  const clockRows: Record<string, unknown>[] = [];
  const familyRows: Record<string, unknown>[] = [];
  const counts: { case_id: string; n: number; f: string; advance: boolean; lo: string; lr: string; lid: string }[] = [];
  const lateCases: string[] = [];
  for (const caseId of caseIds) {
    const fresh = byCase.get(caseId)!.filter((p) => !known.has(p.event.id));
    if (fresh.length === 0) continue;
    const sorted = [...fresh].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const { entryCount: base, tail } = locked.get(caseId)!;
    // in order (all after the case's last entry): seq by appending; otherwise placeholders, renumbered below
    const late = tail !== undefined && compareKeys(keyOf(sorted[0]), tail) < 0;
    if (late) lateCases.push(caseId);
    const seqOf = new Map(sorted.map((p, i) => [p.event.id, late ? -(i + 1) : base + i + 1]));
    fresh.forEach((p, i) => {
      const seq = seqOf.get(p.event.id)!;
      const arrival = base + i + 1;
      const { event, draft } = p;
      rows.push({
        source_event_id: event.id, case_id: caseId, seq, arrival, kind: draft.kind, title: draft.title, summary: draft.summary, agency: draft.agency,
        actor_user_id: event.actor.userId, actor_organisation_id: event.actor.organisationId, actor_agency: event.actor.agency, actor_role: event.actor.role,
        occurred_at: p.occurredAt, recorded_at: p.recordedAt, details: draft.details, source_event_type: event.type, source_topic: event.topic,
        source_partition: event.partition, source_offset: event.offset,
      });
      if (FAMILY_LINK_TYPES.has(event.type)) {
        const subject = (event.data as Record<string, unknown> | undefined)?.['subject'];
        familyRows.push({ source_event_id: event.id, case_id: caseId, subject: typeof subject === 'string' ? subject : null, type: event.type, data: event.data ?? {}, occurred_at: p.occurredAt, recorded_at: p.recordedAt });
      }
      if (isClockEvent(event.type)) {
        clockRows.push({
          source_event_id: event.id, case_id: caseId, type: event.type, data: event.data ?? {}, occurred_at: p.occurredAt, recorded_at: p.recordedAt,
          source_topic: event.topic, source_partition: event.partition, source_offset: event.offset,
        });
      }
      results.push({ eventId: event.id, applied: true, caseId, seq: late ? undefined : seq, arrival });
    });
    const last = sorted[sorted.length - 1];
    const first = fresh.map((p) => p.occurredAt).sort()[0];
    counts.push({ case_id: caseId, n: fresh.length, f: first, advance: tail === undefined || compareKeys(keyOf(last), tail) > 0, lo: last.occurredAt, lr: last.recordedAt, lid: last.event.id });
  }
  const members = membersOfBatch(prepared);
  const changed = options.notify ? [...new Set(results.map((r) => r.caseId))] : [];
  if (rows.length || members.length) {
    await tx.query(
      `WITH entries AS (
         INSERT INTO ${s}.timeline_entries (source_event_id, case_id, seq, arrival, kind, title, summary, agency, actor_user_id, actor_organisation_id,
           actor_agency, actor_role, occurred_at, recorded_at, details, source_event_type, source_topic, source_partition, source_offset, projected_at)
         SELECT x.source_event_id, x.case_id, x.seq, x.arrival, x.kind, x.title, x.summary, x.agency, x.actor_user_id, x.actor_organisation_id,
                x.actor_agency, x.actor_role, x.occurred_at, x.recorded_at, x.details, x.source_event_type, x.source_topic, x.source_partition, x.source_offset, clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb) AS x(source_event_id text, case_id text, seq int, arrival int, kind text, title text, summary text, agency text,
                actor_user_id text, actor_organisation_id text, actor_agency text, actor_role text, occurred_at timestamptz, recorded_at timestamptz, details jsonb,
                source_event_type text, source_topic text, source_partition int, source_offset bigint)),
       clock AS (
         INSERT INTO ${s}.case_clock_events (source_event_id, case_id, type, data, occurred_at, recorded_at, source_topic, source_partition, source_offset)
         SELECT x.source_event_id, x.case_id, x.type, x.data, x.occurred_at, x.recorded_at, x.source_topic, x.source_partition, x.source_offset
           FROM jsonb_to_recordset($2::jsonb) AS x(source_event_id text, case_id text, type text, data jsonb, occurred_at timestamptz, recorded_at timestamptz,
                source_topic text, source_partition int, source_offset bigint)
         ON CONFLICT (source_event_id) DO NOTHING),
       family AS (
         INSERT INTO ${s}.family_links (source_event_id, case_id, subject, type, data, occurred_at, recorded_at)
         SELECT x.source_event_id, x.case_id, x.subject, x.type, x.data, x.occurred_at, x.recorded_at
           FROM jsonb_to_recordset($3::jsonb) AS x(source_event_id text, case_id text, subject text, type text, data jsonb, occurred_at timestamptz, recorded_at timestamptz)
         ON CONFLICT (source_event_id) DO NOTHING),
       members AS (
         INSERT INTO ${s}.case_members AS m (case_id, organisation_id, agency, reason, since_event_id, since_occurred_at)
         SELECT x.case_id, x.organisation_id, x.agency, x.reason, x.since_event_id, x.since_occurred_at
           FROM jsonb_to_recordset($4::jsonb) AS x(case_id text, organisation_id text, agency text, reason text, since_event_id text, since_occurred_at timestamptz)
          ORDER BY x.case_id COLLATE "C", x.organisation_id COLLATE "C"
         ON CONFLICT (case_id, organisation_id) DO UPDATE SET agency = EXCLUDED.agency, reason = EXCLUDED.reason,
           since_event_id = EXCLUDED.since_event_id, since_occurred_at = EXCLUDED.since_occurred_at
         WHERE (EXCLUDED.since_occurred_at, EXCLUDED.since_event_id, EXCLUDED.reason) < (m.since_occurred_at, m.since_event_id, m.reason)),
       counts AS (
         UPDATE ${s}.timeline_cases c SET entry_count = c.entry_count + x.n, first_occurred_at = least(c.first_occurred_at, x.f),
           last_occurred_at = CASE WHEN x.advance THEN x.lo ELSE c.last_occurred_at END,
           last_recorded_at = CASE WHEN x.advance THEN x.lr ELSE c.last_recorded_at END,
           last_event_id = CASE WHEN x.advance THEN x.lid ELSE c.last_event_id END
           FROM jsonb_to_recordset($5::jsonb) AS x(case_id text, n int, f timestamptz, advance boolean, lo timestamptz, lr timestamptz, lid text)
          WHERE c.case_id = x.case_id COLLATE "C")
       SELECT pg_notify($6, c) FROM unnest($7::text[]) AS c`,
      [JSON.stringify(rows), JSON.stringify(clockRows), JSON.stringify(familyRows), JSON.stringify(members), JSON.stringify(counts), CHANGES_CHANNEL, changed],
    );
  }
  // late events: the cases' entries renumbered by the order rule (counts and last keys recomputed there too)
  await resequence(tx, schema, lateCases);
  return results;
}

/**
 * Membership keeps, per organisation, the earliest event (by the timeline order) that involved it: deterministic.
 * Per (case, organisation) only the batch's earliest candidate; the statement keeps the earlier of it and the stored one.
 */
function membersOfBatch(entries: PreparedEntry[]): Record<string, unknown>[] {
  const best = new Map<string, { case_id: string; organisation_id: string; agency: string; reason: string; since_event_id: string; since_occurred_at: string; key: OrderKey }>();
  for (const p of entries) {
    const seen = new Set<string>();
    for (const m of membersOf(p.event, p.draft)) {
      if (!m.organisationId || seen.has(m.organisationId)) continue;
      seen.add(m.organisationId);
      const id = JSON.stringify([p.caseId, m.organisationId]);
      const key: OrderKey = [micros(p.occurredAt), 0n, p.event.id];
      const current = best.get(id);
      if (!current || compareKeys(key, current.key) < 0) {
        best.set(id, { case_id: p.caseId, organisation_id: m.organisationId, agency: m.agency, reason: m.reason, since_event_id: p.event.id, since_occurred_at: p.occurredAt, key });
      }
    }
  }
  return [...best.values()].map(({ key: _key, ...row }) => row);
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
    `UPDATE ${s}.timeline_cases c SET entry_count = x.n, first_occurred_at = x.f, last_occurred_at = x.lo, last_recorded_at = x.lr, last_event_id = x.lid
       FROM (SELECT DISTINCT ON (case_id) case_id, (count(*) OVER w)::int AS n, min(occurred_at) OVER w AS f, occurred_at AS lo, recorded_at AS lr, source_event_id AS lid
               FROM ${s}.timeline_entries WHERE case_id = ANY($1)
             WINDOW w AS (PARTITION BY case_id)
             ORDER BY case_id, occurred_at DESC, recorded_at DESC, source_event_id DESC) x
      WHERE c.case_id = x.case_id`,
    [caseIds],
  );
}
