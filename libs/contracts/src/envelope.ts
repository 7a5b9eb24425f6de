import { hash } from 'node:crypto';
import { CloudEvent, Kafka, ValidationError, type KafkaMessage } from 'cloudevents';
import { ACTOR_AGENCIES, isActorAgency, type Actor, type ActorAgency } from '@tio/kernel';
import type { EventTypeRegistry, RegisteredEventType } from './registry';

/**
 * The integration event envelope: CloudEvents 1.0 in the Kafka protocol binding, binary content mode.
 * The Kafka value is the JSON `data`; attributes travel as headers:
 *
 * | header                | CloudEvents attribute | content                                                  |
 * |-----------------------|-----------------------|----------------------------------------------------------|
 * | ce_specversion        | specversion           | `1.0`                                                    |
 * | ce_id                 | id                    | the event id (unique; consumers deduplicate on it)       |
 * | ce_source             | source                | producing service, e.g. `/tio/case-service`              |
 * | ce_type               | type                  | `<name>.v<version>`, e.g. `ehc.request-received.v1`      |
 * | ce_subject            | subject               | the case id (also the Kafka key)                         |
 * | ce_time               | time                  | when it happened (ISO 8601)                              |
 * | content-type          | datacontenttype       | `application/json`                                       |
 * | ce_dataschema         | dataschema            | `urn:tio:schema:<type>`, the `$id` of its JSON Schema    |
 * | traceparent           | traceparent           | W3C trace context (CloudEvents distributed tracing ext.) |
 * | ce_correlationid      | correlationid         | the request/workflow that led to it                      |
 * | ce_causationid        | causationid           | the event or command that caused it (optional)           |
 * | ce_actoruserid, ce_actororganisationid, ce_actoragency, ce_actorrole | actor          |
 * | ce_recordedat         | recordedat            | when the producer's event store recorded it (forwarder)  |
 */
export interface IntegrationEvent<TData = unknown> {
  id: string;
  source: string;
  type: string;
  /** The case id. */
  subject: string;
  time: string;
  dataschema?: string;
  data: TData;
  traceparent?: string;
  correlationId: string;
  causationId?: string;
  actor: Actor;
  /** When the producing service's event store recorded it (extension `recordedat`); `time` is when it happened. */
  recordedAt?: string;
}

/** Header names of the binary-mode envelope. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  subject: 'ce_subject',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  traceparent: 'traceparent',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  actoruserid: 'ce_actoruserid',
  actororganisationid: 'ce_actororganisationid',
  actoragency: 'ce_actoragency',
  actorrole: 'ce_actorrole',
  recordedat: 'ce_recordedat',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** A Kafka record as our messaging port sends it: every header value is a string. */
export interface KafkaRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a string (KafkaJS convention). */
  timestamp?: string;
}

/** A Kafka record as it arrives (KafkaJS delivers header values as Buffers). */
export interface IncomingKafkaRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** Why a Kafka record is not a valid envelope; the consumer dead-letters it with this reason. */
export class EnvelopeError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(details.length ? `${message}: ${details.join('; ')}` : message);
    this.name = 'EnvelopeError';
  }
}

/** The last correlation id's trace id: the events of one command, published together, share it. */
let lastTrace: { correlationId: string; trace: string } | undefined;

/**
 * A deterministic W3C traceparent: trace id from the correlation id, span id from the event id (the first 32 and 16
 * hex digits of their SHA-256). The forwarder derives one per published event without a stored traceparent, so it
 * uses the one-shot `crypto.hash` (half the cost of a Hash object) and remembers the last trace id.
 */
export function deriveTraceparent(correlationId: string, eventId: string): string {
  if (lastTrace?.correlationId !== correlationId) lastTrace = { correlationId, trace: hash('sha256', correlationId).slice(0, 32) };
  return `00-${lastTrace.trace}-${hash('sha256', eventId).slice(0, 16)}-01`;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * What publishing reads of a stored event. The event store's `RecordedEvent` has this shape; contracts name it
 * themselves so that they need no event-store adapter (the layers: contracts sit below infrastructure).
 */
export interface PublishableRecordedEvent {
  type: string;
  data: unknown;
  metadata: {
    eventId: string;
    caseId: string;
    occurredAt: string;
    actor: Actor;
    correlationId: string;
    causationId?: string;
    recordedAt: string;
    /** Written by services that propagate W3C trace context into the store. */
    traceparent?: string;
  };
}

/**
 * The integration event a stored event is published as, or undefined if its type is not in the registry
 * (internal domain events are not published).
 */
export function integrationEventFromRecorded(recorded: PublishableRecordedEvent, options: { source: string; registry: EventTypeRegistry }): IntegrationEvent | undefined {
  const definition: RegisteredEventType | undefined = options.registry.forStoredType(recorded.type);
  if (!definition) return undefined;
  const m = recorded.metadata;
  return {
    id: m.eventId,
    source: options.source,
    type: definition.type,
    subject: m.caseId,
    time: m.occurredAt,
    dataschema: definition.dataschema,
    data: definition.toPayload ? definition.toPayload(recorded.data) : recorded.data,
    traceparent: m.traceparent && TRACEPARENT.test(m.traceparent) ? m.traceparent : deriveTraceparent(m.correlationId, m.eventId),
    correlationId: m.correlationId,
    causationId: m.causationId,
    actor: m.actor,
    recordedAt: m.recordedAt,
  };
}

/** Builds a (validated) CloudEvent with the `cloudevents` library. */
export function toCloudEvent<T>(event: IntegrationEvent<T>): CloudEvent<T> {
  return new CloudEvent<T>({
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.subject,
    time: new Date(event.time).toISOString(),
    datacontenttype: JSON_CONTENT_TYPE,
    ...(event.dataschema ? { dataschema: event.dataschema } : {}),
    data: event.data,
    ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    correlationid: event.correlationId,
    ...(event.causationId ? { causationid: event.causationId } : {}),
    actoruserid: event.actor.userId,
    actororganisationid: event.actor.organisationId,
    actoragency: event.actor.agency,
    actorrole: event.actor.role,
    ...(event.recordedAt ? { recordedat: new Date(event.recordedAt).toISOString() } : {}),
    partitionkey: event.subject,
  });
}

/** CloudEvent -> Kafka record in binary content mode (the `cloudevents` Kafka binding), key = case id. */
export function cloudEventToKafkaRecord(event: CloudEvent<unknown>): KafkaRecord {
  const message = Kafka.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined || value === null) continue;
    // partitionkey is the Kafka key and content-type already carries datacontenttype (binding §3.1, §3.2.1)
    if (name === 'ce_partitionkey' || name === 'ce_datacontenttype') continue;
    // distributed tracing extension: the W3C header itself, not a ce_ attribute
    if (name === 'ce_traceparent') headers[CE_HEADERS.traceparent] = String(value);
    else headers[name] = String(value);
  }
  return {
    key: String(message.key ?? event.subject),
    value: Buffer.from(JSON.stringify(event.data)),
    headers,
    timestamp: message.timestamp,
  };
}

/** The attributes an integration event may not leave empty. */
const REQUIRED_ATTRIBUTES = ['id', 'source', 'type', 'subject', 'correlationId'] as const;

/**
 * IntegrationEvent -> Kafka record: the record `cloudEventToKafkaRecord(toCloudEvent(event))` gives (same headers in
 * the same order, same key, value and timestamp; a test holds them equal), built directly. The forwarder publishes
 * every stored event through this, and the `cloudevents` route costs ~10x more: it validates each event against the
 * CloudEvents JSON Schema and serialises `data` twice. The attributes it would reject are checked here.
 */
export function toKafkaRecord<T>(event: IntegrationEvent<T>): KafkaRecord {
  for (const name of REQUIRED_ATTRIBUTES) {
    if (!event[name]) throw new EnvelopeError('invalid integration event', REQUIRED_ATTRIBUTES.filter((n) => !event[n]).map((n) => `${n} is empty`));
  }
  const timeMs = Date.parse(event.time);
  const headers: Record<string, string> = {
    [CE_HEADERS.contentType]: JSON_CONTENT_TYPE,
    [CE_HEADERS.id]: event.id,
    [CE_HEADERS.time]: isoString(event.time, timeMs),
    [CE_HEADERS.type]: event.type,
    [CE_HEADERS.source]: event.source,
    [CE_HEADERS.specversion]: '1.0',
    [CE_HEADERS.subject]: event.subject,
  };
  if (event.dataschema) headers[CE_HEADERS.dataschema] = event.dataschema;
  if (event.traceparent) headers[CE_HEADERS.traceparent] = event.traceparent;
  headers[CE_HEADERS.correlationid] = event.correlationId;
  if (event.causationId) headers[CE_HEADERS.causationid] = event.causationId;
  headers[CE_HEADERS.actoruserid] = event.actor.userId;
  headers[CE_HEADERS.actororganisationid] = event.actor.organisationId;
  headers[CE_HEADERS.actoragency] = event.actor.agency;
  headers[CE_HEADERS.actorrole] = event.actor.role;
  if (event.recordedAt) headers[CE_HEADERS.recordedat] = isoString(event.recordedAt, Date.parse(event.recordedAt));
  return { key: event.subject, value: Buffer.from(JSON.stringify(event.data)), headers, timestamp: String(timeMs) };
}

/** A UTC time as `toISOString()` writes it. The day is checked apart: `Date.parse` rolls 02-30 over to 03-02. */
const ISO_STRING = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * `new Date(ms).toISOString()` for the time `text` whose `Date.parse` is `ms`: `text` itself when it is already
 * written that way (stored times are), without formatting it again; a RangeError when it names no time, as ever.
 */
function isoString(text: string, ms: number): string {
  return ISO_STRING.test(text) && new Date(ms).getUTCDate() === Number(text.slice(8, 10)) ? text : new Date(ms).toISOString();
}

/** Kafka header values as strings (the last value wins when a header repeats). */
export function headersToStrings(headers: IncomingKafkaRecord['headers'] = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}

const REQUIRED = ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_subject', 'ce_time', 'ce_correlationid', 'ce_actoruserid', 'ce_actororganisationid', 'ce_actoragency', 'ce_actorrole'] as const;

/**
 * Kafka record -> CloudEvent (the `cloudevents` Kafka binding) -> IntegrationEvent. Throws EnvelopeError naming
 * every missing or malformed attribute, so the consumer can dead-letter the record with a precise reason.
 */
export function fromKafkaRecord(record: IncomingKafkaRecord): IntegrationEvent {
  const headers = headersToStrings(record.headers);
  const missing = REQUIRED.filter((h) => !headers[h]).map((h) => `header ${h} is missing`);
  if (missing.length) throw new EnvelopeError('not a Tell It Once CloudEvent', missing);
  if (headers['ce_specversion'] !== '1.0') throw new EnvelopeError('unsupported CloudEvents specversion', [`ce_specversion is "${headers['ce_specversion']}", expected "1.0"`]);
  const contentType = headers[CE_HEADERS.contentType];
  if (!contentType || !contentType.startsWith(JSON_CONTENT_TYPE)) throw new EnvelopeError('unsupported content type', [`content-type is "${contentType ?? ''}", expected "${JSON_CONTENT_TYPE}"`]);
  if (record.value === null || record.value.length === 0) throw new EnvelopeError('empty message value');
  if (Number.isNaN(Date.parse(headers['ce_time']))) throw new EnvelopeError('invalid envelope', [`ce_time "${headers['ce_time']}" is not an ISO 8601 time`]);
  if (!isActorAgency(headers['ce_actoragency'])) throw new EnvelopeError('invalid envelope', [`ce_actoragency "${headers['ce_actoragency']}" is not one of ${ACTOR_AGENCIES.join(', ')}`]);
  const traceparent = headers[CE_HEADERS.traceparent];
  if (traceparent && !TRACEPARENT.test(traceparent)) throw new EnvelopeError('invalid envelope', [`traceparent "${traceparent}" is not a W3C traceparent`]);

  let event: CloudEvent<unknown>;
  try {
    const message: KafkaMessage<string> = {
      headers,
      key: record.key === null ? headers['ce_subject'] : record.key.toString(),
      value: record.value.toString('utf8'),
      body: undefined,
    };
    const parsed = Kafka.toEvent(message);
    event = (Array.isArray(parsed) ? parsed[0] : parsed) as CloudEvent<unknown>;
    event.validate();
  } catch (err) {
    if (err instanceof SyntaxError) throw new EnvelopeError('message value is not valid JSON', [err.message]);
    if (err instanceof ValidationError) throw new EnvelopeError('invalid CloudEvent', (err.errors ?? []).map((e) => (typeof e === 'string' ? e : `${e.instancePath} ${e.message}`)));
    throw new EnvelopeError('invalid CloudEvent', [(err as Error).message]);
  }
  const ext = event as unknown as Record<string, string | undefined>;
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.subject as string,
    time: event.time as string,
    dataschema: event.dataschema,
    data: event.data,
    traceparent,
    correlationId: ext['correlationid'] as string,
    causationId: ext['causationid'],
    actor: {
      userId: ext['actoruserid'] as string,
      organisationId: ext['actororganisationid'] as string,
      agency: ext['actoragency'] as ActorAgency,
      role: ext['actorrole'] as string,
    },
    ...(ext['recordedat'] && !Number.isNaN(Date.parse(ext['recordedat'])) ? { recordedAt: ext['recordedat'] } : {}),
  };
}
