/**
 * OpenTelemetry tracing for a service process. `startTracing` must run before http, express and pg are first
 * required (their instrumentations patch them as they load): each service's `src/tracing.ts` calls it and is the
 * first import of its `main.ts`. This entry point imports nothing of Nest or of the rest of service-kit for that reason.
 *
 * Off by default (see ./settings): no provider is registered, so the OpenTelemetry API stays its no-op self and the
 * spans the libraries open cost a function call each.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { tracingSettings, type TracingSettings } from './settings';

export { tracingSettings, type TracingSettings } from './settings';

let provider: NodeTracerProvider | undefined;

/** Paths whose requests are not traced: probes and scrapes would drown the traces that matter. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|$|\?)/;

/** Starts tracing as the OTEL_* variables say; returns the settings used. Idempotent. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const settings = tracingSettings(service, env);
  if (settings.exporter === 'none' || provider) return settings;
  if (env['OTEL_LOG_LEVEL']?.toLowerCase() === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);
  const processor: SpanProcessor = settings.exporter === 'console'
    ? new SimpleSpanProcessor(new ConsoleSpanExporter())
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.endpoint })); // headers, timeout from OTEL_EXPORTER_OTLP_*, batching from OTEL_BSP_*
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: `tio-${service}` }))
    .merge(detectResources({ detectors: [envDetector] })) // OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }));
  provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register(); // AsyncLocalStorage context, W3C trace context propagation
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // only queries made on behalf of something traced (a request, a command, a consumed message)
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  flushOnSignals();
  return settings;
}

/**
 * Sends the buffered spans before a SIGTERM or SIGINT ends the process. Nest's shutdown hooks close the app first and
 * then signal the process again, with their own listener removed: only then is this listener the last one, and it
 * flushes, then lets the signal end the process.
 */
function flushOnSignals(): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return; // the app is closing; it signals again when it is done
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    void shutdownTracing().finally(() => process.kill(process.pid, signal));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Whether this process exports spans. */
export function tracingStarted(): boolean {
  return provider !== undefined;
}

/** Sends the spans still buffered and stops exporting (on shutdown). A no-op when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  await p?.shutdown().catch(() => undefined);
}

/** `startTracing` for a service's entry point: a setting it refuses stops the process with the message, like the others. */
export function startServiceTracing(service: string): void {
  try {
    const settings = startTracing(service);
    if (settings.exporter !== 'none') {
      const line = { time: new Date().toISOString(), level: 'log', service, context: 'tracing', msg: 'tracing on', exporter: settings.exporter, serviceName: settings.serviceName, endpoint: settings.endpoint };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
