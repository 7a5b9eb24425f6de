import type { ServiceDefinition } from '@tio/service-kit';
import { AuditModule } from './audit.module';

export const auditService: ServiceDefinition = {
  name: 'audit',
  title: 'Tell It Once: Audit service',
  description: 'Replay of case history from the event store: point-in-time views, transfer audit, tamper checks.',
  module: AuditModule,
};
