import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LIVE_SCHEMA, ModelInfoEntity, TimelineCaseEntity, TimelineEntryEntity, type EntryKind } from './entities';

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

export function toView(e: TimelineEntryEntity): EntryView {
  return {
    seq: e.seq, id: e.sourceEventId, kind: e.kind, title: e.title, summary: e.summary, agency: e.agency,
    who: { userId: e.actorUserId, organisationId: e.actorOrganisationId, agency: e.actorAgency, role: e.actorRole },
    occurredAt: e.occurredAt.toISOString(), recordedAt: e.recordedAt.toISOString(), details: e.details,
    source: { eventId: e.sourceEventId, type: e.sourceEventType, topic: e.sourceTopic, partition: e.sourcePartition, offset: String(e.sourceOffset) },
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

  async isMember(caseId: string, organisationId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM "${LIVE_SCHEMA}".case_members WHERE case_id = $1 AND organisation_id = $2`, [caseId, organisationId]);
    return rows.length > 0;
  }

  async entries(caseId: string, f: TimelineFilter): Promise<TimelineEntryEntity[]> {
    const q = this.db.getRepository(TimelineEntryEntity).createQueryBuilder('e').where('e.case_id = :caseId', { caseId });
    if (f.agency?.length) q.andWhere('e.agency IN (:...agency)', { agency: f.agency });
    if (f.kind?.length) q.andWhere('e.kind IN (:...kind)', { kind: f.kind });
    if (f.from) q.andWhere('e.occurred_at >= :from', { from: f.from });
    if (f.to) q.andWhere('e.occurred_at < :to', { to: f.to });
    if (f.after) {
      q.andWhere(`(e.occurred_at, e.recorded_at, e.source_event_id) > (:ao::timestamptz, :ar::timestamptz, :ai::text COLLATE "C")`, {
        ao: f.after.occurredAt, ar: f.after.recordedAt, ai: f.after.id,
      });
    }
    return q.orderBy('e.seq', 'ASC').limit(f.limit).getMany();
  }

  /** Entries stored after the given arrival number, in arrival order (the live stream). */
  async arrivedAfter(caseId: string, arrival: number, limit = 500): Promise<TimelineEntryEntity[]> {
    return this.db.getRepository(TimelineEntryEntity).createQueryBuilder('e')
      .where('e.case_id = :caseId AND e.arrival > :arrival', { caseId, arrival }).orderBy('e.arrival', 'ASC').limit(limit).getMany();
  }

  /** Everything the statutory clock needs, for several cases at once. */
  async statusEntries(caseIds: string[]): Promise<Map<string, TimelineEntryEntity[]>> {
    const out = new Map<string, TimelineEntryEntity[]>(caseIds.map((c) => [c, []]));
    if (caseIds.length === 0) return out;
    const rows = await this.db.getRepository(TimelineEntryEntity).createQueryBuilder('e')
      .select(['e.sourceEventId', 'e.caseId', 'e.kind', 'e.agency', 'e.occurredAt', 'e.details', 'e.seq'])
      .where('e.case_id IN (:...caseIds)', { caseIds })
      .andWhere(`e.kind IN ('request', 'decision', 'advice-requested', 'advice-submitted', 'draft-plan', 'final-plan', 'exception')`)
      .orderBy('e.case_id').addOrderBy('e.seq').getMany();
    for (const r of rows) out.get(r.caseId)?.push(r);
    return out;
  }

  /** The caller's cases: all of them for auditors, else those the organisation is involved in. */
  async casesFor(organisationId: string | null, limit: number, afterCaseId?: string): Promise<TimelineCaseEntity[]> {
    const q = this.db.getRepository(TimelineCaseEntity).createQueryBuilder('c');
    if (organisationId !== null) {
      q.where(`EXISTS (SELECT 1 FROM "${LIVE_SCHEMA}".case_members m WHERE m.case_id = c.case_id AND m.organisation_id = :org)`, { org: organisationId });
    }
    if (afterCaseId) q.andWhere('c.case_id > :after', { after: afterCaseId });
    return q.orderBy('c.case_id', 'ASC').limit(limit).getMany();
  }
}
