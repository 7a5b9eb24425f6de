import type { ServiceDefinition } from '@tio/service-kit';
import { EducationModule } from './education.module';

export const educationService: ServiceDefinition = {
  name: 'education',
  title: 'Tell It Once: Education service',
  description: 'Education advice and events: schools, educational psychology, the SEND team.',
  module: EducationModule,
};
