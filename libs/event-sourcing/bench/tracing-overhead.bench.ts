/**
 * What the spans cost a command and a published event, tracing off and on (no export), in interleaved rounds.
 * The work traced is the instrumentation itself (what runCommand, the event-store append and the forwarder add per
 * command / per event): a command span with the traceparent read for its metadata, an append span inside it, and a
 * publish span from a stored traceparent. "off" is a service without OTEL_TRACES_EXPORTER: no provider, no context
 * manager, no propagator. "on" registers a NodeTracerProvider whose processor drops every span (so the export's own
 * cost, which happens in the background in batches, is not counted).
 *
 * usage: SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/event-sourcing/bench/tracing-overhead.bench.ts
 */
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { NodeTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-node';

const ROUNDS = 7;
const OPS = 20_000;

async function tracedCommand(): Promise<string | undefined> {
  const tracer = trace.getTracer('@tio/event-sourcing');
  return tracer.startActiveSpan('command Bench', { attributes: { 'tio.stream': 'case-1' } }, async (span) => {
    try {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      await trace.getTracer('@tio/event-store').startActiveSpan('event-store append', async (append) => {
        append.end();
      });
      span.setAttributes({ 'tio.events': 1 });
      return carrier['traceparent'];
    } finally {
      span.end();
    }
  });
}

function publishSpan(traceparent: string | undefined): void {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  const span = trace.getTracer('@tio/messaging').startSpan('publish tio.case.events.v1', { attributes: { 'messaging.system': 'kafka' } }, parent);
  if (span.isRecording()) propagation.inject(trace.setSpan(ROOT_CONTEXT, span), {});
  span.setAttribute('tio.outcome', 'published');
  span.end();
}

async function baseline(): Promise<string | undefined> {
  return (async () => undefined)();
}

async function timeOps(fn: () => Promise<string | undefined>, withPublish: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) {
    const tp = await fn();
    if (withPublish) publishSpan(tp);
  }
  return Number(process.hrtime.bigint() - started) / OPS; // ns per command (+ its event's publish)
}

const off = () => {
  trace.disable();
  context.disable();
  propagation.disable();
};

async function main(): Promise<void> {
  const provider = new NodeTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  const results: Record<'baseline' | 'off' | 'on', number[]> = { baseline: [], off: [], on: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    off();
    const b = await timeOps(baseline, false);
    const o = await timeOps(tracedCommand, true);
    provider.register();
    const n = await timeOps(tracedCommand, true);
    off();
    if (round === 0) continue; // warm-up
    results.baseline.push(b);
    results.off.push(o);
    results.on.push(n);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(results.baseline);
  console.log(`per command (command span + append span + one publish span), median of ${ROUNDS} interleaved rounds of ${OPS}:`);
  console.log(`  baseline (an awaited call):   ${median(results.baseline).toFixed(0)} ns`);
  console.log(`  tracing off (no provider):    ${median(results.off).toFixed(0)} ns  (+${(median(results.off) - base).toFixed(0)} ns)`);
  console.log(`  tracing on, spans dropped:    ${median(results.on).toFixed(0)} ns  (+${(median(results.on) - base).toFixed(0)} ns)`);
  await provider.shutdown();
}

void main();
