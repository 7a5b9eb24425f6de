import type { ServiceDefinition } from '@tio/service-kit';
import { HealthModule } from './health.module';

export const healthService: ServiceDefinition = {
  name: 'health',
  title: 'Tell It Once: Health service',
  description: 'Health advice and events from NHS bodies.',
  module: HealthModule,
};
