import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRoles } from '@tio/auth';
import { ServiceMetrics } from './service-metrics';

/**
 * `GET /metrics`: the service's one registry in the Prometheus text format. It carries counts, latencies, route
 * patterns and topic names, never case data, but like every route but /health it needs a token: the scraper's
 * (role `service`) or an auditor's. Prometheus sends it with `authorization: { credentials_file: ... }`.
 */
@ApiExcludeController()
@RequireRoles('service', 'auditor')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
