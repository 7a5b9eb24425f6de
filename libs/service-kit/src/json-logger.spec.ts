import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const lines: Record<string, unknown>[] = [];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    lines.length = 0;
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(JSON.parse(String(chunk))), true));
  });
  afterEach(() => spy.mockRestore());

  it("writes an Error's message and stack (Nest's ExceptionHandler passes the Error itself)", () => {
    new JsonLogger('probe').error(new Error('KEYSTORE_DATABASE_URL is required'), undefined, 'ExceptionHandler');
    expect(lines[0]).toMatchObject({ level: 'error', service: 'probe', context: 'ExceptionHandler', msg: 'KEYSTORE_DATABASE_URL is required' });
    expect(String(lines[0]['err'])).toContain('json-logger.spec');
  });

  it('keeps structured messages and the (message, stack, context) form', () => {
    const logger = new JsonLogger('probe');
    logger.warn({ msg: 'lag', partition: 2 }, 'consumer');
    logger.error('failed', 'Error: failed\n    at x', 'http');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', context: 'consumer', msg: 'lag', partition: 2 }),
      expect.objectContaining({ level: 'error', context: 'http', msg: 'failed', err: 'Error: failed\n    at x' }),
    ]);
  });

  it('adds the active span\'s traceId and spanId, and nothing outside a span', () => {
    new NodeTracerProvider().register(); // the context manager the services use
    try {
      const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
      const logger = new JsonLogger('probe');
      context.with(trace.setSpan(context.active(), span), () => logger.log('inside'));
      logger.log('outside');
      expect(lines[0]).toMatchObject({ msg: 'inside', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
      expect(lines[1]).not.toHaveProperty('traceId');
    } finally {
      context.disable();
      trace.disable();
      propagation.disable();
    }
  });
});
