import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@tio/event-store');

/**
 * Runs an append inside an `event-store append` span (a child of the command's). With tracing off the OpenTelemetry
 * API is its no-op self: this costs a function call.
 */
export function tracedAppend<T>(system: 'postgresql' | 'eventstoredb', streamName: string, events: number, append: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan('event-store append', { kind: SpanKind.CLIENT, attributes: { 'db.system': system, 'tio.stream': streamName, 'tio.events': events } }, async (span) => {
    try {
      return await append();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
      throw err;
    } finally {
      span.end();
    }
  });
}
