import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The schema holding the live read model. A rebuild fills `timeline_next` and renames it to this in one transaction. */
export const LIVE_SCHEMA = 'timeline';
export const NEXT_SCHEMA = 'timeline_next';

/** What the page and the `kind` filter group entries by (each type's kind is in projection/entry-builders.ts). */
export const ENTRY_KINDS = [
  'request', 'decision', 'advice-requested', 'advice', 'draft', 'family-views', 'setting', 'final', 'amendment', 'review',
  'phase-transfer', 'transfer', 'exception', 'tribunal', 'appeal', 'commissioning', 'ceased', 'personal-budget', 'other',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * One entry per case event. `seq` is the entry's place in the case's deterministic order
 * (occurred_at, recorded_at, source_event_id COLLATE "C"); it is renumbered when a late event lands earlier.
 * `arrival` counts the case's entries in the order this read model stored them: the live stream's resume token.
 */
@Entity({ name: 'timeline_entries', schema: LIVE_SCHEMA })
@Index(['caseId', 'seq'], { unique: true })
export class TimelineEntryEntity {
  @PrimaryColumn({ name: 'source_event_id', type: 'text' }) sourceEventId!: string;
  @Column({ name: 'case_id', type: 'text' }) caseId!: string;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'integer' }) arrival!: number;
  @Column({ type: 'text' }) kind!: EntryKind;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) summary!: string;
  /** The agency the entry is about (the advising agency for advice; else the actor's agency). */
  @Column({ type: 'text' }) agency!: string;
  @Column({ name: 'actor_user_id', type: 'text' }) actorUserId!: string;
  @Column({ name: 'actor_organisation_id', type: 'text' }) actorOrganisationId!: string;
  @Column({ name: 'actor_agency', type: 'text' }) actorAgency!: string;
  @Column({ name: 'actor_role', type: 'text' }) actorRole!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
  /** Facts the entry builder kept from the payload (ids, due dates): never free text about the child. */
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
  @Column({ name: 'source_event_type', type: 'text' }) sourceEventType!: string;
  @Column({ name: 'source_topic', type: 'text' }) sourceTopic!: string;
  @Column({ name: 'source_partition', type: 'integer' }) sourcePartition!: number;
  @Column({ name: 'source_offset', type: 'bigint' }) sourceOffset!: string;
  /** When this read model stored it (operational; not part of the deterministic timeline). */
  @Column({ name: 'projected_at', type: 'timestamptz' }) projectedAt!: Date;
}

/** One row per case: the lock a projection takes, and what the case list needs. */
@Entity({ name: 'timeline_cases', schema: LIVE_SCHEMA })
export class TimelineCaseEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' }) caseId!: string;
  @Column({ name: 'entry_count', type: 'integer' }) entryCount!: number;
  @Column({ name: 'first_occurred_at', type: 'timestamptz' }) firstOccurredAt!: Date;
  @Column({ name: 'last_occurred_at', type: 'timestamptz' }) lastOccurredAt!: Date;
  /** With `last_occurred_at`: the key of the case's last entry by the order rule (null while it has none). */
  @Column({ name: 'last_recorded_at', type: 'timestamptz', nullable: true }) lastRecordedAt!: Date | null;
  @Column({ name: 'last_event_id', type: 'text', nullable: true }) lastEventId!: string | null;
}

/** Which organisations are involved in a case, and why (an actor of one of its events, or named in an advice request). */
@Entity({ name: 'case_members', schema: LIVE_SCHEMA })
export class CaseMemberEntity {
  @PrimaryColumn({ name: 'case_id', type: 'text' }) caseId!: string;
  @PrimaryColumn({ name: 'organisation_id', type: 'text' }) organisationId!: string;
  @Column({ type: 'text' }) agency!: string;
  @Column({ type: 'text' }) reason!: string;
  /** The source event that first made it a member (deterministic: the earliest by the timeline order). */
  @Column({ name: 'since_event_id', type: 'text' }) sinceEventId!: string;
  @Column({ name: 'since_occurred_at', type: 'timestamptz' }) sinceOccurredAt!: Date;
}

/**
 * The payload of every `ehc.*` event of a case, as the case service published it (`EhcEventDataMap`): what the
 * domain's `statutoryStatus` replays. Part of the rebuildable model (same transaction as the entry). The case's order
 * is (occurred_at, recorded_at, then the Kafka position on the case topic, which is the case stream's own order).
 */
@Entity({ name: 'case_clock_events', schema: LIVE_SCHEMA })
export class CaseClockEventEntity {
  @PrimaryColumn({ name: 'source_event_id', type: 'text' }) sourceEventId!: string;
  @Column({ name: 'case_id', type: 'text' }) caseId!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'jsonb' }) data!: Record<string, unknown>;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
  @Column({ name: 'source_topic', type: 'text' }) sourceTopic!: string;
  @Column({ name: 'source_partition', type: 'integer' }) sourcePartition!: number;
  @Column({ name: 'source_offset', type: 'bigint' }) sourceOffset!: string;
}

/** Facts about this generation of the read model. */
@Entity({ name: 'model_info', schema: LIVE_SCHEMA })
export class ModelInfoEntity {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) generation!: number;
  @Column({ name: 'built_at', type: 'timestamptz' }) builtAt!: Date;
  /** The PROJECTION_VERSION that built it (projection/projector.ts); an older one is rebuilt on start. */
  @Column({ type: 'integer' }) projection!: number;
}

/** Every read of a case (and every refused one). Not derived from events: it lives outside the rebuilt schema. */
@Entity({ name: 'timeline_access_log', schema: 'public' })
@Index(['caseId', 'at'])
export class AccessLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'user_id', type: 'text' }) userId!: string;
  @Column({ name: 'organisation_id', type: 'text' }) organisationId!: string;
  @Column({ type: 'text' }) agency!: string;
  @Column({ type: 'text', array: true }) roles!: string[];
  @Column({ name: 'case_id', type: 'text', nullable: true }) caseId!: string | null;
  /** What was read: timeline, status, stream, cases. */
  @Column({ type: 'text' }) action!: string;
  @Column({ type: 'text' }) outcome!: 'allowed' | 'denied';
  @Column({ type: 'jsonb' }) detail!: Record<string, unknown>;
}

export const READ_MODEL_ENTITIES = [TimelineEntryEntity, TimelineCaseEntity, CaseMemberEntity, CaseClockEventEntity, ModelInfoEntity];
export const ALL_ENTITIES = [...READ_MODEL_ENTITIES, AccessLogEntity];
