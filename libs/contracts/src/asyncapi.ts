import { stringify } from 'yaml';
import { CE_HEADERS, JSON_CONTENT_TYPE } from './envelope';
import type { EventTypeRegistry, RegisteredEventType } from './registry';
import { DLQ_HEADERS, INBOUND_TOPICS, OUTBOUND_TOPICS, TOPICS, dlqTopic } from './topics';

/** Stable, readable ids for channels: `tio.case.events.v1` -> `case-events-v1`. */
export function channelId(topic: string): string {
  return topic.replace(/^tio\./, '').replace(/[^A-Za-z0-9]+/g, '-');
}

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

function cloudEventHeaders(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes in the Kafka protocol binding, binary content mode (all header values are UTF-8 strings).',
    required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'content-type', 'ce_correlationid', 'ce_actoruserid', 'ce_actororganisationid', 'ce_actoragency', 'ce_actorrole'],
    properties: {
      [CE_HEADERS.specversion]: str('CloudEvents spec version.', { const: '1.0' }),
      [CE_HEADERS.id]: str('Unique event id; consumers deduplicate on it.', { format: 'uuid' }),
      [CE_HEADERS.source]: str('The producing service or agency system, e.g. /tio/case-service.', { format: 'uri-reference' }),
      [CE_HEADERS.type]: str('Event type with its version, e.g. ehc.request-received.v1.'),
      [CE_HEADERS.subject]: str('The case id; equal to the Kafka key.', { format: 'uuid' }),
      [CE_HEADERS.time]: str('When it happened.', { format: 'date-time' }),
      [CE_HEADERS.contentType]: str('The datacontenttype of the value.', { const: JSON_CONTENT_TYPE }),
      [CE_HEADERS.dataschema]: str('URN of the payload JSON Schema ($id), e.g. urn:tio:schema:ehc.request-received.v1.', { format: 'uri' }),
      [CE_HEADERS.traceparent]: str('W3C trace context (CloudEvents distributed tracing extension).', { pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' }),
      [CE_HEADERS.correlationid]: str('The request or workflow this event belongs to.'),
      [CE_HEADERS.causationid]: str('The event or command that caused this one.'),
      [CE_HEADERS.actoruserid]: str('Who caused it.'),
      [CE_HEADERS.actororganisationid]: str("The actor's organisation."),
      [CE_HEADERS.actoragency]: str("The actor's agency.", { enum: ['local-authority', 'education', 'health', 'social-care', 'family', 'system'] }),
      [CE_HEADERS.actorrole]: str('The role the actor acted in.'),
      [CE_HEADERS.recordedat]: str("When the producing service's event store recorded it (Tell It Once events; ce_time is when it happened).", { format: 'date-time' }),
    },
  };
}

function deadLetterHeaders(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'The original headers (unchanged) plus these.',
    required: Object.values(DLQ_HEADERS),
    properties: {
      [DLQ_HEADERS.reason]: str('Why it could not be processed, naming fields and constraints for validation failures.'),
      [DLQ_HEADERS.originalTopic]: str('Topic it was consumed from.'),
      [DLQ_HEADERS.originalPartition]: str('Partition it was consumed from (decimal).'),
      [DLQ_HEADERS.originalOffset]: str('Offset it was consumed from (decimal).'),
      [DLQ_HEADERS.failedAt]: str('When it was dead-lettered.', { format: 'date-time' }),
      [DLQ_HEADERS.consumerGroup]: str('The consumer group that gave up on it.'),
      [DLQ_HEADERS.attempts]: str('How many times processing was attempted (decimal).'),
    },
  };
}

/** The service that publishes on an outbound topic: `tio.health.events.v1` -> `/tio/health-service`. */
function producerOf(topic: string): string {
  return `/tio/${topic.replace(/^tio\./, '').replace(/\.events\.v\d+$/, '')}-service`;
}

function message(t: RegisteredEventType, registry: EventTypeRegistry) {
  const payload = t.example as { caseId?: string; agency?: string };
  const outbound = t.direction === 'outbound';
  const exampleTopic = registry.topicOf({ type: t.type, data: t.example });
  const agency = outbound ? (payload.agency && t.routing && exampleTopic !== TOPICS.caseEvents ? payload.agency : 'local-authority') : t.name.split('.')[0];
  const example = {
    name: 'example',
    headers: {
      ce_specversion: '1.0', ce_id: '00000000-0000-4000-8000-00000000000a', ce_source: outbound ? producerOf(exampleTopic) : `/agency/${t.name.split('.')[0]}/record-system`,
      ce_type: t.type, ce_subject: payload.caseId ?? '00000000-0000-4000-8000-000000000001',
      ce_time: '2025-01-06T09:30:00.000Z', 'content-type': JSON_CONTENT_TYPE, ce_dataschema: t.dataschema,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', ce_correlationid: 'c0ffee00-0000-4000-8000-000000000000',
      ce_actoruserid: 'user-1', ce_actororganisationid: 'org-1', ce_actoragency: agency, ce_actorrole: outbound && agency === 'local-authority' ? 'caseworker' : 'practitioner',
    },
    payload: t.example,
  };
  const description = [
    t.description,
    t.regulation ? `Statutory basis: ${t.regulation}.` : undefined,
    t.routing ? `Published on one of: ${t.topics.join(', ')} (chosen from the payload).` : undefined,
  ].filter(Boolean).join(' ');
  return {
    name: t.type,
    title: t.type,
    summary: t.summary,
    ...(description ? { description } : {}),
    ...(t.regulation ? { 'x-regulation': t.regulation } : {}),
    contentType: JSON_CONTENT_TYPE,
    headers: { allOf: [{ $ref: '#/components/schemas/CloudEventHeaders' }, { type: 'object', properties: { ce_type: { type: 'string', const: t.type }, ce_dataschema: { type: 'string', const: t.dataschema } } }] },
    payload: { $ref: `#/components/schemas/${t.type}` },
    correlationId: { $ref: '#/components/correlationIds/correlationId' },
    bindings: { kafka: { key: { type: 'string', format: 'uuid', description: 'The case id: all events of a case share a partition and keep their order.' }, bindingVersion: '0.5.0' } },
    examples: [example],
  };
}

/** The AsyncAPI 3.0 document for every topic and registered event type. */
export function buildAsyncApiDocument(registry: EventTypeRegistry): Record<string, unknown> {
  const types = registry.all();
  const topics = [...new Set([...OUTBOUND_TOPICS, ...INBOUND_TOPICS, ...registry.topics()])];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = { DeadLetter: {
    name: 'DeadLetter', title: 'Dead letter', summary: 'A message that could not be processed, unchanged, with the reason in its headers.',
    headers: { $ref: '#/components/schemas/DeadLetterHeaders' }, payload: { description: 'The original message value, byte for byte.' },
  } };
  const schemas: Record<string, unknown> = { CloudEventHeaders: cloudEventHeaders(), DeadLetterHeaders: deadLetterHeaders() };

  for (const topic of topics) {
    const inbound = INBOUND_TOPICS.includes(topic as never) || types.some((t) => t.topics.includes(topic) && t.direction === 'inbound');
    const own = types.filter((t) => t.topics.includes(topic));
    const id = channelId(topic);
    channels[id] = {
      address: topic,
      title: topic,
      description: inbound
        ? 'Inbound: agency systems publish here; Tell It Once validates each message like HTTP input and dead-letters invalid ones.'
        : 'Outbound integration events published by Tell It Once (at least once; deduplicate on ce_id). Key = case id.' + (own.length ? '' : ' No event types are published here yet.'),
      messages: Object.fromEntries(own.map((t) => [t.type, { $ref: `#/components/messages/${t.type}` }])),
    };
    operations[`${inbound ? 'receive' : 'send'}-${id}`] = {
      action: inbound ? 'receive' : 'send',
      title: inbound ? `Receive agency messages on ${topic}` : `Publish integration events on ${topic}`,
      channel: { $ref: `#/channels/${id}` },
      messages: own.map((t) => ({ $ref: `#/channels/${id}/messages/${t.type}` })),
    };
    const dlqId = `${id}-dlq`;
    channels[dlqId] = {
      address: dlqTopic(topic),
      title: dlqTopic(topic),
      description: `Dead letters of ${topic}: never dropped; list and replay them with the dead-letters CLI.`,
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    };
    operations[`send-${dlqId}`] = {
      action: 'send',
      title: `Dead-letter messages of ${topic}`,
      channel: { $ref: `#/channels/${dlqId}` },
      messages: [{ $ref: `#/channels/${dlqId}/messages/DeadLetter` }],
    };
  }
  for (const t of types) {
    messages[t.type] = message(t, registry);
    schemas[t.type] = t.schema;
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tell It Once integration events',
      version: '1.0.0',
      description:
        'Kafka topics, keys and payloads of Tell It Once, the SEND case coordination service. Generated from ' +
        'libs/contracts (the TypeScript event registry) by `npx nx run contracts:generate`; do not edit by hand. ' +
        'Every message is a CloudEvents 1.0 event in the Kafka protocol binding, binary content mode.',
    },
    defaultContentType: JSON_CONTENT_TYPE,
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The local KRaft broker started by `npm start`.' } },
    channels,
    operations,
    components: {
      messages,
      schemas,
      correlationIds: { correlationId: { description: 'The request or workflow the event belongs to.', location: '$message.header#/ce_correlationid' } },
    },
  };
}

export function renderAsyncApiYaml(registry: EventTypeRegistry): string {
  return '# Generated by libs/contracts/scripts/generate-asyncapi.ts from the event registry. Do not edit.\n' +
    stringify(buildAsyncApiDocument(registry), { lineWidth: 0, aliasDuplicateObjects: false });
}
