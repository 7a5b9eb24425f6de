/**
 * Kafka spans, linked across services through the W3C `traceparent` every CloudEvent carries: the forwarder's
 * `publish <topic>` span continues the trace of the command that recorded the event (its metadata's traceparent) and
 * puts its own context in the record's header; a consumer's `process <topic>` span continues that (its parent), and
 * whatever the handler does (a command, a projection, a log line) happens inside it. With tracing off the API is
 * its no-op self: spans do not record, and the header stays what the envelope had.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('@tio/messaging');

/** The context a W3C traceparent names (the root context when there is none or tracing is off). */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/** A recording span's W3C traceparent; undefined for a span that does not record (tracing off). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier['traceparent'];
}

interface TracedMessage {
  id: string;
  type: string;
  traceparent?: string;
}

/**
 * A `publish <topic>` span for the records of one batch that continue one trace (their stored traceparent): a span
 * can have one parent only, so a batch gets one span per trace it continues (usually one: a command's events are
 * published together). `describePublish` says what it covered once the batch is built.
 */
export function startPublishSpan(topic: string, parentTraceparent: string | undefined): Span {
  return tracer.startSpan(`publish ${topic}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic },
  }, contextOfTraceparent(parentTraceparent));
}

/** The records a publish span covers: one record's id and type, or how many records. */
export function describePublish(span: Span, events: readonly TracedMessage[]): void {
  if (!span.isRecording()) return;
  if (events.length === 1) span.setAttributes({ 'messaging.message.id': events[0].id, 'cloudevents.event_type': events[0].type });
  else span.setAttribute('messaging.batch.message_count', events.length);
}

/** A `process <topic>` span for one consumed record: a child of the span that published it. */
export function startConsumeSpan(groupId: string, message: { topic: string; partition: number; offset: string }, event: TracedMessage): Span {
  return tracer.startSpan(`process ${message.topic}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': message.topic,
      'messaging.consumer.group.name': groupId, 'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': Number(message.offset), 'messaging.message.id': event.id, 'cloudevents.event_type': event.type,
    },
  }, contextOfTraceparent(event.traceparent));
}

/** Ends a span with what became of its work. */
export function endSpan(span: Span, outcome: string, error?: unknown): void {
  span.setAttribute('tio.outcome', outcome);
  if (error !== undefined || outcome === 'dead-lettered' || outcome === 'parked') span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : outcome });
  span.end();
}

/** Runs `fn` with `span` as the active span (its log lines, queries and commands belong to it). */
export function withSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

const consumeSpans = new WeakMap<object, Span>();

/** Remembers the consume span of an event handed to a handler (see `inConsumeSpan`). */
export function setConsumeSpan(event: object, span: Span): void {
  consumeSpans.set(event, span);
}

/**
 * Runs `fn` inside the consume span of `event`: for work done per event after a batch of them was applied together
 * (e.g. a log line per record once the transaction committed), so it carries that event's trace.
 */
export function inConsumeSpan<T>(event: object, fn: () => T): T {
  return withSpan(consumeSpans.get(event), fn);
}
