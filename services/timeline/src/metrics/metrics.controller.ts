import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRoles } from '@tio/auth';
import { TimelineConsumer } from '../consumer/timeline-consumer';
import { TimelineMetrics } from './metrics';

/**
 * Prometheus scrape endpoint. It carries counts, offsets and topic names, never case data, but like every route but
 * /health it needs a token: the scraper's (role `service`) or an auditor's. Prometheus sends it with
 * `authorization: { credentials_file: ... }` in its scrape config.
 */
@ApiExcludeController()
@RequireRoles('service', 'auditor')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(TimelineMetrics) private readonly metrics: TimelineMetrics,
    @Inject(TimelineConsumer) private readonly consumer: TimelineConsumer,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    await this.consumer.refreshBrokerGauges();
    return this.metrics.registry.metrics();
  }
}
