import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { authConfigFromEnv, TokenVerifier } from '@tio/auth';
import { JsonLogger } from './json-logger';
import { GuardedMetricsController, httpMetricsMiddleware, ServiceMetrics } from './metrics';

/**
 * What a service that serves pages shares with the API services, without CoreModule (the web service: no database or
 * Kafka of its own, pages behind a session cookie rather than a bearer token): one metrics registry (ServiceMetrics)
 * served at /metrics to the scraper (role `service`) or an auditor, their token checked as every service checks it.
 */
@Module({
  controllers: [GuardedMetricsController],
  providers: [
    ServiceMetrics,
    { provide: TokenVerifier, useFactory: () => new TokenVerifier(authConfigFromEnv()) },
  ],
  exports: [ServiceMetrics],
})
export class PageServerModule {}

/**
 * Creates a page server's app (its root module imports PageServerModule) with the API services' JSON logs and their
 * HTTP histogram, timed from the first middleware on, so requests refused before routing count too.
 */
export async function createPageServerApp(name: string, module: Type<unknown>): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: new JsonLogger(name) });
  app.use(httpMetricsMiddleware(app.get(ServiceMetrics).http));
  return app;
}
