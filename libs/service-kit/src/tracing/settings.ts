/**
 * Which trace exporter the standard OpenTelemetry variables ask for. Tracing is OFF unless OTEL_TRACES_EXPORTER names
 * an exporter (the OpenTelemetry default would be `otlp`; here a service exports nothing it was not told to):
 *
 * - OTEL_SDK_DISABLED=true: off, whatever else is set.
 * - OTEL_TRACES_EXPORTER: `otlp` (OTLP over HTTP, JSON), `console` (spans on stdout), `none` (default).
 * - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT: where `otlp` sends (read by the exporter itself;
 *   default http://localhost:4318/v1/traces).
 * - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: only `http/json` is built in; anything else
 *   stops the service at start rather than being silently ignored.
 * - OTEL_SERVICE_NAME: the service name on every span (default `tio-<service>`).
 */
export interface TracingSettings {
  exporter: 'otlp' | 'console' | 'none';
  serviceName: string;
  /** Where `otlp` sends spans (the exporter reads the same variables). */
  endpoint?: string;
}

const EXPORTERS = ['otlp', 'console', 'none'] as const;

export function tracingSettings(service: string, env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || `tio-${service}`;
  const disabled = env['OTEL_SDK_DISABLED']?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    throw new Error(`OTEL_SDK_DISABLED must be true or false, got ${JSON.stringify(env['OTEL_SDK_DISABLED'])}`);
  }
  if (disabled === 'true') return { exporter: 'none', serviceName };
  const raw = (env['OTEL_TRACES_EXPORTER'] ?? '').trim().toLowerCase() || 'none';
  if (raw.includes(',')) throw new Error(`OTEL_TRACES_EXPORTER takes one exporter here (otlp, console or none), got ${JSON.stringify(env['OTEL_TRACES_EXPORTER'])}`);
  if (!(EXPORTERS as readonly string[]).includes(raw)) {
    throw new Error(`OTEL_TRACES_EXPORTER must be otlp, console or none, got ${JSON.stringify(env['OTEL_TRACES_EXPORTER'])}`);
  }
  const exporter = raw as TracingSettings['exporter'];
  if (exporter !== 'otlp') return { exporter, serviceName };
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[name]?.trim();
    if (protocol && protocol !== 'http/json') {
      throw new Error(`${name}=${protocol} is not supported: the services export OTLP over HTTP as JSON (http/json)`);
    }
  }
  // the signal's own endpoint is used as given; the general one gets /v1/traces appended (the OTLP rules)
  const traces = httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env);
  const base = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', env);
  const endpoint = traces ?? (base ? `${base.replace(/\/$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces');
  return { exporter, serviceName, endpoint };
}

/** An endpoint variable, if set: it must be an http(s) URL (the exporter would otherwise drop every span quietly). */
function httpUrl(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}
