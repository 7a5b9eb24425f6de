/**
 * The first import of main.ts: OpenTelemetry starts (as the OTEL_* variables say; off by default) before http, express
 * and pg are loaded, so their instrumentations can patch them.
 */
import { startServiceTracing } from '@tio/service-kit/tracing';

startServiceTracing('web');
