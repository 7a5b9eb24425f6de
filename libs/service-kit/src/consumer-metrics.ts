import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRoles } from '@tio/auth';
import { ConsumerHealthRegistry, type ConsumerHealthReport } from './health';

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The consumers' health in the Prometheus text format (what /health/ready says, for a scraper). */
export function consumerMetricsText(reports: ConsumerHealthReport[]): string {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, rows: Array<[Record<string, string>, number | undefined]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      if (value === undefined || !Number.isFinite(value)) continue;
      lines.push(`${name}{${Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',')}} ${value}`);
    }
  };
  const g = (r: ConsumerHealthReport) => ({ group: r.name });
  family('tio_consumer_ok', 'gauge', '1 while the consumer can do its job, 0 while it is stalled on a record or crashed for good', reports.map((r) => [g(r), r.ok ? 1 : 0]));
  family('tio_consumer_lag_messages', 'gauge', "Messages behind the partitions' high watermarks, as of each partition's last batch", reports.map((r) => [g(r), r.lag]));
  family('tio_consumer_parked_messages', 'gauge', 'Records neither applied nor dead-lettered, waiting in parked_messages for an operator', reports.map((r) => [g(r), r.parked]));
  family('tio_consumer_last_error_timestamp_seconds', 'gauge', 'When the consumer last met an error (0 = none since start)', reports.map((r) => [g(r), r.lastError ? Date.parse(r.lastError.at) / 1000 : 0]));
  family(
    'tio_consumer_messages_total',
    'counter',
    'Messages handled since the process started, by outcome',
    reports.flatMap((r) => Object.entries((r.stats ?? {}) as Record<string, number>).map(([outcome, n]): [Record<string, string>, number] => [{ ...g(r), outcome }, n])),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `GET /metrics` of a service without metrics of its own: its Kafka consumers' health. Like every route but /health
 * it needs a token: the scraper's (role `service`) or an auditor's.
 */
@ApiExcludeController()
@RequireRoles('service', 'auditor')
@Controller('metrics')
export class ConsumerMetricsController {
  constructor(@Inject(ConsumerHealthRegistry) private readonly consumers: ConsumerHealthRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return consumerMetricsText(await this.consumers.reports());
  }
}
