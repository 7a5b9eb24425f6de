import { ACTOR_AGENCIES, isActorAgency } from '@tio/kernel';
import { canonicalJson, canonicalMembers, membersJson, withMember, type CanonicalMembers } from './canonical-json';
import { EventTooLargeError, InvalidEventError } from './errors';
import type { EventMetadata, NewEvent } from './port';

/** Default limit for one event: serialised data plus metadata, in bytes (1 MiB). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** Most events one append may carry. */
export const MAX_EVENTS_PER_APPEND = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,199}$/;

/** A validated event, normalised (plain JSON, lower-case event id) and ready to hash and store. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  /** Metadata without `recordedAt` (the adapter adds it). */
  metadata: EventMetadata;
  /** Canonical JSON of type, schema version, data and metadata: what an idempotent retry must match. */
  contentKey: string;
  /** Canonical JSON of `data`: what is stored and hashed (serialised once, here). */
  dataJson: string;
  /** `metadata` in canonical form, as members, so `recordedAt` can be added without serialising it again. */
  metadataMembers: CanonicalMembers;
}

/** Canonical JSON of the event's metadata as stored: with the store's `recordedAt`. */
export function storedMetadataJson(event: PreparedEvent, recordedAt: string): string {
  return withMember(event.metadataMembers, 'recordedAt', JSON.stringify(recordedAt));
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function validateMetadata(meta: unknown, eventId: string | undefined): asserts meta is EventMetadata {
  const fail = (reason: string): never => {
    throw new InvalidEventError(eventId, reason);
  };
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) fail('metadata must be an object');
  const m = meta as Partial<EventMetadata>;
  if (typeof m.eventId !== 'string' || !UUID.test(m.eventId)) fail('metadata.eventId must be a UUID');
  if (!nonEmptyString(m.caseId)) fail('metadata.caseId must be a non-empty string');
  if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt))) fail('metadata.occurredAt must be an ISO 8601 date-time');
  if (!nonEmptyString(m.correlationId)) fail('metadata.correlationId must be a non-empty string');
  if (m.causationId !== undefined && !nonEmptyString(m.causationId)) fail('metadata.causationId, when present, must be a non-empty string');
  if (m.traceparent !== undefined && (typeof m.traceparent !== 'string' || !TRACEPARENT.test(m.traceparent))) fail('metadata.traceparent, when present, must be a W3C traceparent');
  const actor = m.actor;
  if (typeof actor !== 'object' || actor === null) fail('metadata.actor must be an object');
  else {
    if (!nonEmptyString(actor.userId)) fail('metadata.actor.userId must be a non-empty string');
    if (!nonEmptyString(actor.organisationId)) fail('metadata.actor.organisationId must be a non-empty string');
    if (!isActorAgency(actor.agency)) fail(`metadata.actor.agency must be one of ${ACTOR_AGENCIES.join(', ')}`);
    if (!nonEmptyString(actor.role)) fail('metadata.actor.role must be a non-empty string');
  }
  if ('recordedAt' in m) fail('metadata.recordedAt is set by the store and must not be supplied');
}

/**
 * Validates and normalises a batch before anything touches the database, so a bad event rejects the whole
 * append with a typed error and nothing is written.
 */
export function prepareEvents(events: unknown, maxEventBytes = DEFAULT_MAX_EVENT_BYTES): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEventError(undefined, 'an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) throw new InvalidEventError(undefined, `an append may carry at most ${MAX_EVENTS_PER_APPEND} events`);
  const seen = new Set<string>();
  return events.map((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null) throw new InvalidEventError(undefined, `events[${index}] must be an object`);
    const event = raw as Partial<NewEvent>;
    const rawId = (event.metadata as Partial<EventMetadata> | undefined)?.eventId;
    const idForErrors = typeof rawId === 'string' ? rawId : undefined;
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
      throw new InvalidEventError(idForErrors, 'type must match [A-Za-z][A-Za-z0-9_.:-]{0,199}');
    }
    const schemaVersion = event.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new InvalidEventError(idForErrors, 'schemaVersion must be an integer >= 1');
    if (!('data' in event) || event.data === undefined) throw new InvalidEventError(idForErrors, 'data is required (use null or {} for none)');
    validateMetadata(event.metadata, idForErrors);
    const eventId = event.metadata.eventId.toLowerCase();
    if (seen.has(eventId)) throw new InvalidEventError(eventId, 'the same event id appears twice in one append');
    seen.add(eventId);

    const dataJson = canonicalJson(event.data, 'data', eventId);
    const metadataMembers = canonicalMembers({ ...event.metadata, eventId }, 'metadata', eventId);
    const metadataJson = membersJson(metadataMembers);
    const size = Buffer.byteLength(dataJson, 'utf8') + Buffer.byteLength(metadataJson, 'utf8');
    if (size > maxEventBytes) throw new EventTooLargeError(eventId, size, maxEventBytes);
    const type = event.type;
    // the normalised objects are parsed only if an adapter asks for them (PostgreSQL stores the JSON as it is)
    let data: { value: unknown } | undefined;
    let metadata: EventMetadata | undefined;
    return {
      eventId,
      type,
      schemaVersion,
      get data(): unknown {
        data ??= { value: JSON.parse(dataJson) };
        return data.value;
      },
      get metadata(): EventMetadata {
        metadata ??= JSON.parse(metadataJson) as EventMetadata;
        return metadata;
      },
      // = contentKeyOf(type, schemaVersion, data, metadata), without serialising anything again
      contentKey: `{"data":${dataJson},"metadata":${metadataJson},"schemaVersion":${JSON.stringify(schemaVersion)},"type":${JSON.stringify(type)}}`,
      dataJson,
      metadataMembers,
    };
  });
}

/** Identity of an event's content for idempotency: everything the caller supplied (not recordedAt). */
export function contentKeyOf(type: string, schemaVersion: number, data: unknown, metadata: object): string {
  const { recordedAt: _recordedAt, ...callerMetadata } = metadata as Record<string, unknown>;
  return canonicalJson({ type, schemaVersion, data, metadata: callerMetadata });
}
