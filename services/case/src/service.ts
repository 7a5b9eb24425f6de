import type { ServiceDefinition } from '@tio/service-kit';
import { CaseModule } from './case.module';

export const caseService: ServiceDefinition = {
  name: 'case',
  title: 'Tell It Once: Case service',
  description: 'EHC needs assessment lifecycle and the statutory clock (the local authority SEND team).',
  module: CaseModule,
};
