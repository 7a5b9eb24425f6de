import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi';
import { AuthGuard, RequireRoles } from '@tio/auth';
import { ServiceMetrics } from './service-metrics';

/**
 * `GET /metrics`: the service's one registry in the Prometheus text format. It carries counts, latencies, route
 * patterns and topic names, never case data, but like every route but /health it needs a token: the scraper's
 * (role `service`) or an auditor's. Prometheus sends it with `authorization: { credentials_file: ... }`.
 */
@ApiTags('metrics')
@ApiBearerAuth()
@ApiProblems(401, 403, 429)
@RequireRoles('service', 'auditor')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get()
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics of this service (role service or auditor)' })
  @ApiOkResponse({ description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' }, example: '# HELP tio_http_request_duration_seconds ...\n' } } })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}

/**
 * The same `GET /metrics` in an app whose other routes are not bearer-token routes (the web service's pages go by its
 * session cookie, so it has no app-wide AuthGuard): the guard is this controller's own, with the same rule.
 */
@UseGuards(AuthGuard)
@Controller('metrics')
export class GuardedMetricsController extends MetricsController {}
