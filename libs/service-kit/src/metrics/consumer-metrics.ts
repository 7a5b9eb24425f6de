import { Counter, Gauge } from 'prom-client';
import type { ConsumerHealthRegistry } from '../health';
import type { ServiceMetrics } from './service-metrics';

/**
 * The consumers' health (what /health/ready says) as series in the service's registry: read once per scrape from
 * the ConsumerHealthRegistry every consumer reports to.
 */
export function registerConsumerMetrics(metrics: ServiceMetrics, consumers: ConsumerHealthRegistry): void {
  const registers = [metrics.registry];
  const labelNames = ['group'] as const;
  const ok = new Gauge({ name: 'tio_consumer_ok', help: '1 while the consumer can do its job, 0 while it is stalled on a record or crashed for good', labelNames, registers });
  const lag = new Gauge({ name: 'tio_consumer_lag_messages', help: "Messages behind the partitions' high watermarks, as of each partition's last batch", labelNames, registers });
  const parked = new Gauge({ name: 'tio_consumer_parked_messages', help: 'Records neither applied nor dead-lettered, waiting in parked_messages for an operator', labelNames, registers });
  const lastError = new Gauge({ name: 'tio_consumer_last_error_timestamp_seconds', help: 'When the consumer last met an error (0 = none since start)', labelNames, registers });
  const handled = new Counter({
    name: 'tio_consumer_messages_total',
    help: 'Messages handled since the process started, by outcome (applied, duplicate, dead-lettered, parked, ...)',
    labelNames: ['group', 'outcome'],
    registers,
  });
  metrics.beforeScrape(async () => {
    const reports = await consumers.reports();
    for (const family of [ok, lag, parked, lastError, handled]) family.reset();
    for (const r of reports) {
      const group = { group: r.name };
      ok.set(group, r.ok ? 1 : 0);
      if (r.lag !== undefined && Number.isFinite(r.lag)) lag.set(group, r.lag);
      if (r.parked !== undefined && Number.isFinite(r.parked)) parked.set(group, r.parked);
      lastError.set(group, r.lastError ? Date.parse(r.lastError.at) / 1000 : 0);
      // the consumer keeps the running totals; the counter mirrors them
      for (const [outcome, n] of Object.entries((r.stats ?? {}) as Record<string, number>)) {
        if (Number.isFinite(n) && n >= 0) handled.inc({ ...group, outcome }, n);
      }
    }
  });
}
