import type { LoggerService, LogLevel } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/** The active span's ids, for a log line written inside it (none when tracing is off: the API's no-op context). */
function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : {};
}

/** One JSON object per line on stdout: what log shippers expect; inside a traced span, with its traceId and spanId. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: LogLevel = (process.env['LOG_LEVEL'] as LogLevel) ?? 'log',
  ) {}

  private static readonly order: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

  private write(level: LogLevel, message: unknown, context?: unknown): void {
    if (JsonLogger.order.indexOf(level) < JsonLogger.order.indexOf(this.minLevel)) return;
    // an Error has no enumerable fields: spreading it would log nothing (Nest's ExceptionHandler passes the Error itself)
    const fields = message instanceof Error ? { msg: message.message, err: message.stack }
      : typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : { msg: String(message) };
    const line = { time: new Date().toISOString(), level, service: this.service, ...(typeof context === 'string' ? { context } : {}), ...traceFields(), ...fields };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  log(message: unknown, context?: unknown) { this.write('log', message, context); }
  error(message: unknown, stackOrContext?: unknown, context?: unknown) {
    // Nest calls error(message, stack, context) or error(message, context)
    if (context !== undefined && typeof stackOrContext === 'string' && typeof message === 'string') this.write('error', { msg: message, err: stackOrContext }, context);
    else this.write('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: unknown) { this.write('warn', message, context); }
  debug(message: unknown, context?: unknown) { this.write('debug', message, context); }
  verbose(message: unknown, context?: unknown) { this.write('verbose', message, context); }
  fatal(message: unknown, context?: unknown) { this.write('fatal', message, context); }
}
