import { EventStoreError } from './errors';
import type { EventStoreMetrics } from './postgres/postgres-event-store';

/** Times an append for `metrics` (either adapter): `refused` when the store said no, `failed` for anything else. */
export async function measuredAppend<T>(metrics: EventStoreMetrics | undefined, append: () => Promise<T>): Promise<T> {
  if (!metrics) return append();
  const started = performance.now();
  try {
    const result = await append();
    metrics.append((performance.now() - started) / 1000, 'appended');
    return result;
  } catch (err) {
    metrics.append((performance.now() - started) / 1000, err instanceof EventStoreError ? 'refused' : 'failed');
    throw err;
  }
}
