import type { JsonSchema } from './json-schema';

/** Which way a message flows, seen from Tell It Once. */
export type Direction = 'outbound' | 'inbound';

/**
 * Payload-based routing for a type that goes to one of several topics, e.g. `advice.submitted.v1` goes to the topic
 * of the agency that gave the advice. The forwarder asks `registry.topicOf(event)`.
 */
export interface EventRouting<TData = unknown> {
  /** Every topic `topicFor` may return (the AsyncAPI document lists the type on each). */
  topics: readonly string[];
  /** The topic of one event, chosen from its published payload; must be one of `topics`. Throws if none fits. */
  topicFor: (payload: TData) => string;
}

/**
 * One version of one integration event type. The CloudEvents `type` is `<name>.v<version>`, e.g.
 * `ehc.request-received.v1`. Once a version is published its schema may only grow optional fields.
 */
export interface EventTypeDefinition<TData = unknown> {
  /** Dotted name without the version, e.g. `ehc.request-received`. */
  name: string;
  version: number;
  direction: Direction;
  /** The topic it is published on. Give either `topic` or `routing`, not both. */
  topic?: string;
  /** For a type published on one of several topics depending on its payload (instead of `topic`). */
  routing?: EventRouting<TData>;
  summary: string;
  description?: string;
  /** The statutory basis (e.g. `reg 5(1)`), shown in the AsyncAPI document. */
  regulation?: string;
  /** JSON Schema of the `data` (the Kafka message value). */
  schema: JsonSchema;
  /** A valid example payload; tests validate it against the schema. */
  example: TData;
  /**
   * Event-store event types (`RecordedEvent.type`) that the forwarder publishes as this integration event.
   * Defaults to the CloudEvents type itself.
   */
  sourceEventTypes?: string[];
  /** Maps the stored event's data to the published payload; identity if omitted. */
  toPayload?: (storedData: unknown) => TData;
  /** class-validator DTO class for inbound messages (validated like HTTP input). */
  dto?: new () => object;
}

export interface RegisteredEventType<TData = unknown> extends EventTypeDefinition<TData> {
  /** `<name>.v<version>`: the CloudEvents `type` attribute. */
  type: string;
  /**
   * The single topic of an unrouted type. For a routed type reading it throws (there is no single topic): publish
   * with `registry.topicOf(event)` instead, which works for every type.
   */
  topic: string;
  /** Every topic it may be published on (`[topic]`, or `routing.topics`). */
  topics: readonly string[];
  /** The CloudEvents `dataschema` attribute, also the schema's `$id`. */
  dataschema: string;
}

export const DATASCHEMA_PREFIX = 'urn:tio:schema:';

export function cloudEventType(name: string, version: number): string {
  return `${name}.v${version}`;
}

const TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * The catalogue of integration event types. Services and domain libraries register their own types at start-up
 * (`registry.register({...})`); the AsyncAPI document and the compatibility snapshots are generated from it.
 */
export class EventTypeRegistry {
  private readonly byType = new Map<string, RegisteredEventType>();
  private readonly bySourceType = new Map<string, RegisteredEventType>();

  register<TData>(definition: EventTypeDefinition<TData>): RegisteredEventType<TData> {
    if (!TYPE_PATTERN.test(definition.name)) throw new Error(`Event name "${definition.name}" must be dotted lower-case words, e.g. ehc.request-received`);
    if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error(`Event ${definition.name}: version must be a positive integer`);
    if (definition.schema.type !== 'object') throw new Error(`Event ${definition.name}: the payload schema must be an object schema`);
    const type = cloudEventType(definition.name, definition.version);
    if (this.byType.has(type)) throw new Error(`Event type ${type} is already registered`);
    if ((definition.topic === undefined) === (definition.routing === undefined)) throw new Error(`Event ${type}: give either a topic or a routing`);
    if (definition.routing && definition.routing.topics.length === 0) throw new Error(`Event ${type}: routing needs at least one topic`);
    const dataschema = `${DATASCHEMA_PREFIX}${type}`;
    const { topic, ...rest } = definition;
    const registered = {
      ...rest,
      type,
      dataschema,
      topics: definition.routing ? [...definition.routing.topics] : [topic as string],
      schema: { $id: dataschema, ...definition.schema },
    } as unknown as RegisteredEventType<TData>;
    Object.defineProperty(registered, 'topic', {
      enumerable: topic !== undefined,
      get(): string {
        if (topic === undefined) throw new Error(`Event ${type} is routed by its payload to one of ${registered.topics.join(', ')}: use registry.topicOf(event)`);
        return topic;
      },
    });
    for (const source of definition.sourceEventTypes ?? [type]) {
      if (this.bySourceType.has(source)) throw new Error(`Stored event type ${source} is already mapped to ${this.bySourceType.get(source)?.type}`);
    }
    this.byType.set(type, registered as RegisteredEventType);
    for (const source of definition.sourceEventTypes ?? [type]) this.bySourceType.set(source, registered as RegisteredEventType);
    return registered;
  }

  /** By CloudEvents type, e.g. `advice.submitted.v1`. */
  get(type: string): RegisteredEventType | undefined {
    return this.byType.get(type);
  }

  /** The integration event a stored event is published as, or undefined if it stays internal. */
  forStoredType(storedType: string): RegisteredEventType | undefined {
    return this.bySourceType.get(storedType);
  }

  /**
   * The topic to publish one event on: the type's topic, or for a routed type the one its payload selects. Throws
   * for an unregistered type, or when the routing returns a topic the type does not declare.
   */
  topicOf(event: { type: string; data: unknown }): string {
    const t = this.byType.get(event.type);
    if (!t) throw new Error(`Event type ${event.type} is not registered`);
    if (!t.routing) return t.topic;
    const topic = t.routing.topicFor(event.data);
    if (!t.topics.includes(topic)) throw new Error(`Event ${event.type} was routed to ${topic}, which is not one of its topics (${t.topics.join(', ')})`);
    return topic;
  }

  all(): RegisteredEventType[] {
    return [...this.byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  topics(): string[] {
    return [...new Set(this.all().flatMap((t) => t.topics))].sort();
  }
}
