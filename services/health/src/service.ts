import type { ServiceDefinition } from '@tio/service-kit';
import { HealthModule } from './health.module';

export const healthService: ServiceDefinition = {
  name: 'health',
  title: 'Tell It Once: Health service',
  description: 'Health advice (medical, reg 6(1)(c)) recorded once, and the responsible NHS commissioning body per case.',
  module: HealthModule,
};
