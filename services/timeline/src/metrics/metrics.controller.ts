import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@tio/auth';
import { TimelineConsumer } from '../consumer/timeline-consumer';
import { TimelineMetrics } from './metrics';

/** Prometheus scrape endpoint. Public like /health: it carries counts and offsets, never case data. */
@ApiExcludeController()
@Public()
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
