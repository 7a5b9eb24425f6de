import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EHC_EVENT_TYPES, type EhcEvent } from '@tio/ehc-domain';
import { CaseClockEventEntity, LIVE_SCHEMA, ModelInfoEntity, TimelineCaseEntity, type EntryKind } from './entities';

const KNOWN_EHC_TYPES = EHC_EVENT_TYPES.map((t) => t.type);

/** SQL (alias `r`, agency as $2): an advice request to that agency, naming no adviser, not answered yet. */
const OPEN_UNNAMED_REQUEST = `r.source_event_type = 'ehc.advice-requested.v1' AND NOT (r.details ? 'adviserRef') AND r.details->>'agency' = $2
  AND NOT EXISTS (SELECT 1 FROM "${LIVE_SCHEMA}".timeline_entries a WHERE a.case_id = r.case_id
    AND a.source_event_type IN ('ehc.advice-received.v1', 'ehc.advice-reused.v1', 'advice.submitted.v1')
    AND a.details->>'adviceRequestId' = r.details->>'adviceRequestId')`;

export const TIMELINE_DB = Symbol('TIMELINE_DB');

export interface TimelineFilter {
  agency?: string[];
  kind?: EntryKind[];
  from?: string;
  to?: string;
  /** Entries strictly after this position in the case order. */
  after?: CursorKey;
  limit: number;
}

export interface CursorKey {
  occurredAt: string;
  recordedAt: string;
  id: string;
}

export interface EntryView {
  seq: number;
  id: string;
  kind: string;
  title: string;
  summary: string;
  agency: string;
  who: { userId: string; organisationId: string; agency: string; role: string };
  occurredAt: string;
  recordedAt: string;
  details: Record<string, unknown>;
  source: { eventId: string; type: string; topic: string; partition: number; offset: string };
}

/** An entry as the API shows it, plus its arrival number (the live stream's resume position). */
export interface EntryRow {
  view: EntryView;
  arrival: number;
}

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ENTRY_SELECT = `SELECT e.seq, e.arrival, e.source_event_id, e.kind, e.title, e.summary, e.agency, e.actor_user_id, e.actor_organisation_id,
  e.actor_agency, e.actor_role, ${ISO('e.occurred_at')} AS occurred_at, ${ISO('e.recorded_at')} AS recorded_at, e.details, e.source_event_type,
  e.source_topic, e.source_partition, e.source_offset::text AS source_offset FROM "${LIVE_SCHEMA}".timeline_entries e`;

interface RawEntry {
  seq: number; arrival: number; source_event_id: string; kind: string; title: string; summary: string; agency: string; actor_user_id: string;
  actor_organisation_id: string; actor_agency: string; actor_role: string; occurred_at: string; recorded_at: string; details: Record<string, unknown>;
  source_event_type: string; source_topic: string; source_partition: number; source_offset: string;
}

/** What an open feed asks (TimelineQueries.changesAfter): its case, the last arrival all its streams have, their readers' organisations. */
export interface ChangesRequest {
  caseId: string;
  after: number;
  organisations: string[];
}

/** See TimelineQueries.changesAfter. */
export interface CaseChanges {
  generation: number;
  members: string[];
  rows: EntryRow[];
}

function entryRow(r: RawEntry): EntryRow {
  return {
    arrival: r.arrival,
    view: {
      seq: r.seq, id: r.source_event_id, kind: r.kind, title: r.title, summary: r.summary, agency: r.agency,
      who: { userId: r.actor_user_id, organisationId: r.actor_organisation_id, agency: r.actor_agency, role: r.actor_role },
      occurredAt: r.occurred_at, recordedAt: r.recorded_at, details: r.details,
      source: { eventId: r.source_event_id, type: r.source_event_type, topic: r.source_topic, partition: r.source_partition, offset: r.source_offset },
    },
  };
}


export function encodeCursor(e: { occurredAt: string; recordedAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([e.occurredAt, e.recordedAt, e.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey | undefined {
  try {
    const [occurredAt, recordedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as string[];
    if ([occurredAt, recordedAt].some((t) => typeof t !== 'string' || Number.isNaN(Date.parse(t))) || typeof id !== 'string') return undefined;
    return { occurredAt, recordedAt, id };
  } catch {
    return undefined;
  }
}

/** Reads of the live read model through TypeORM. */
@Injectable()
export class TimelineQueries {
  constructor(@Inject(TIMELINE_DB) private readonly db: DataSource) {}

  async caseInfo(caseId: string): Promise<TimelineCaseEntity | null> {
    return this.db.getRepository(TimelineCaseEntity).findOneBy({ caseId });
  }

  async generation(): Promise<number> {
    return (await this.db.getRepository(ModelInfoEntity).findOneBy({ id: 1 }))?.generation ?? 1;
  }

  /** The organisations involved in a case, in the order they became involved. */
  async members(caseId: string): Promise<Array<{ organisationId: string; agency: string }>> {
    const rows: Array<{ organisation_id: string; agency: string }> = await this.db.query(
      `SELECT organisation_id, agency FROM "${LIVE_SCHEMA}".case_members WHERE case_id = $1 ORDER BY since_occurred_at, organisation_id`, [caseId]);
    return rows.map((r) => ({ organisationId: r.organisation_id, agency: r.agency }));
  }

  async isMember(caseId: string, organisationId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM "${LIVE_SCHEMA}".case_members WHERE case_id = $1 AND organisation_id = $2`, [caseId, organisationId]);
    return rows.length > 0;
  }

  /**
   * The timeline page the API answers: the case's count and resume token (read first, so entries stored after it
   * are sent by the live stream, never missed), up to `limit` entries and the cursor to the next page. The service and
   * the benchmark's raw baseline both answer with this, so they do the same work.
   */
  async page(caseId: string, f: TimelineFilter) {
    const [kase, generation] = await Promise.all([this.caseInfo(caseId), this.generation()]);
    const rows = await this.entries(caseId, { ...f, limit: f.limit + 1 });
    const entries = rows.slice(0, f.limit).map((r) => r.view);
    return {
      caseId,
      entryCount: kase?.entryCount ?? 0,
      resumeToken: `${generation}-${kase?.entryCount ?? 0}`,
      entries,
      nextCursor: rows.length > f.limit ? encodeCursor(entries[entries.length - 1]) : null,
    };
  }

  /**
   * A page of a case's entries in the case order. Plain SQL straight to the view (timestamps formatted by PostgreSQL
   * as toISOString would): no entity hydration or Date round trip on the hottest read (it was most of its cost).
   */
  async entries(caseId: string, f: TimelineFilter): Promise<EntryRow[]> {
    const params: unknown[] = [caseId];
    const where = ['e.case_id = $1'];
    if (f.agency?.length) where.push(`e.agency = ANY($${params.push(f.agency)})`);
    if (f.kind?.length) where.push(`e.kind = ANY($${params.push(f.kind)})`);
    if (f.from) where.push(`e.occurred_at >= $${params.push(f.from)}`);
    if (f.to) where.push(`e.occurred_at < $${params.push(f.to)}`);
    if (f.after) {
      const [ao, ar, ai] = [params.push(f.after.occurredAt), params.push(f.after.recordedAt), params.push(f.after.id)];
      where.push(`(e.occurred_at, e.recorded_at, e.source_event_id) > ($${ao}::timestamptz, $${ar}::timestamptz, $${ai}::text COLLATE "C")`);
    }
    const rows = await this.db.query(`${ENTRY_SELECT} WHERE ${where.join(' AND ')} ORDER BY e.seq ASC LIMIT $${params.push(f.limit)}`, params);
    return (rows as RawEntry[]).map(entryRow);
  }

  /**
   * What the open streams of several cases need after their changes, in ONE statement (the live feeds' reads of one
   * turn, see CaseChangesBatcher), per request in request order: the read model's generation (read once, so every
   * case sees the same), which of the request's `organisations` are members of its case (their readers may still see
   * it), and the case's entries stored after its `after`-th arrival, in arrival order (up to `limit`). A case may be
   * asked about twice (each request is answered on its own).
   */
  async changesAfter(requests: readonly ChangesRequest[], limit = 500): Promise<CaseChanges[]> {
    if (requests.length === 0) return [];
    // the organisations as (request number, organisation) pairs: a PostgreSQL array cannot be ragged
    const asker = requests.flatMap((r, i) => r.organisations.map(() => i + 1));
    const organisation = requests.flatMap((r) => r.organisations);
    // a resume token's arrival past any bigint cannot fail the statement (and the other cases' streams with it)
    const afters = requests.map((r) => Math.min(r.after, Number.MAX_SAFE_INTEGER));
    const rows = (await this.db.query(
      `SELECT r.i::int AS request, g.generation,
              ARRAY(SELECT m.organisation_id FROM unnest($3::int[], $4::text[]) AS o(i, organisation_id)
                      JOIN "${LIVE_SCHEMA}".case_members m ON m.case_id = r.case_id AND m.organisation_id = o.organisation_id
                     WHERE o.i = r.i) AS members,
              x.*
         FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS r(case_id, after, i)
        CROSS JOIN (SELECT COALESCE((SELECT generation FROM "${LIVE_SCHEMA}".model_info WHERE id = 1), 1) AS generation) g
         LEFT JOIN LATERAL (${ENTRY_SELECT} WHERE e.case_id = r.case_id AND e.arrival > r.after ORDER BY e.arrival ASC LIMIT $5) x ON true
        ORDER BY r.i, x.arrival`,
      [requests.map((r) => r.caseId), afters, asker, organisation, limit],
    )) as (RawEntry & { request: number; generation: number; members: string[] })[];
    const out = requests.map((): CaseChanges => ({ generation: 1, members: [], rows: [] }));
    for (const r of rows) {
      const changes = out[r.request - 1];
      changes.generation = r.generation;
      changes.members = r.members;
      if (r.arrival !== null) changes.rows.push(entryRow(r));
    }
    return out;
  }

  /**
   * The `ehc.*` events of several cases, each case's in its order, as the domain's `statutoryStatus` takes them. Types
   * the domain library does not know (a newer producer) are left out of the replay, not failed on.
   */
  async clockEvents(caseIds: string[]): Promise<Map<string, EhcEvent[]>> {
    const out = new Map<string, EhcEvent[]>(caseIds.map((c) => [c, []]));
    if (caseIds.length === 0) return out;
    const rows = await this.db.getRepository(CaseClockEventEntity).createQueryBuilder('c')
      .select(['c.sourceEventId', 'c.caseId', 'c.type', 'c.data'])
      .where('c.case_id IN (:...caseIds)', { caseIds })
      .andWhere('c.type IN (:...types)', { types: KNOWN_EHC_TYPES })
      .orderBy('c.case_id').addOrderBy('c.occurred_at').addOrderBy('c.recorded_at').addOrderBy('c.source_topic')
      .addOrderBy('c.source_partition').addOrderBy('c.source_offset').addOrderBy('c.source_event_id')
      .getMany();
    for (const r of rows) out.get(r.caseId)?.push({ type: r.type, data: r.data } as unknown as EhcEvent);
    return out;
  }

  /**
   * Agency-level access (README "Membership"): the advice request of this case that asks `agency` for advice, names
   * no adviser organisation and has not been answered yet (no advice submitted, received or re-used for it).
   */
  async openUnnamedAdviceRequest(caseId: string, agency: string): Promise<string | undefined> {
    const rows = await this.db.query(
      `SELECT r.details->>'adviceRequestId' AS id FROM "${LIVE_SCHEMA}".timeline_entries r
        WHERE r.case_id = $1 AND ${OPEN_UNNAMED_REQUEST} ORDER BY 1 LIMIT 1`,
      [caseId, agency],
    );
    return rows[0]?.id ?? undefined;
  }

  /** The caller's cases: all of them for auditors, else those the organisation is involved in. */
  async casesFor(organisationId: string | null, limit: number, afterCaseId?: string, viaAgency?: string): Promise<TimelineCaseEntity[]> {
    const q = this.db.getRepository(TimelineCaseEntity).createQueryBuilder('c');
    if (organisationId !== null) {
      const member = `EXISTS (SELECT 1 FROM "${LIVE_SCHEMA}".case_members m WHERE m.case_id = c.case_id AND m.organisation_id = :org)`;
      const agency = `EXISTS (SELECT 1 FROM "${LIVE_SCHEMA}".timeline_entries r WHERE r.case_id = c.case_id AND ${OPEN_UNNAMED_REQUEST.replace('$2', ':agency')})`;
      q.where(viaAgency ? `(${member} OR ${agency})` : member, { org: organisationId, agency: viaAgency });
    }
    if (afterCaseId) q.andWhere('c.case_id > :after', { after: afterCaseId });
    return q.orderBy('c.case_id', 'ASC').limit(limit).getMany();
  }

  /** The case's published family events (linked, unlinked, the young person's rights) in the case order. */
  async familyLinks(caseId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    return this.db.query(
      `SELECT type, data FROM "${LIVE_SCHEMA}".family_links WHERE case_id = $1 ORDER BY occurred_at, recorded_at, source_event_id`,
      [caseId],
    );
  }

  /** The cases a family member has ever been linked to (whether they still may see each is the caller's to decide). */
  async familyCaseIds(subject: string): Promise<string[]> {
    const rows = await this.db.query(`SELECT DISTINCT case_id FROM "${LIVE_SCHEMA}".family_links WHERE subject = $1 ORDER BY case_id`, [subject]);
    return (rows as Array<{ case_id: string }>).map((r) => r.case_id);
  }
}
