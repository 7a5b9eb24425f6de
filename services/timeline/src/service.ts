import type { ServiceDefinition } from '@tio/service-kit';
import { TimelineModule } from './timeline.module';

export const timelineService: ServiceDefinition = {
  name: 'timeline',
  title: 'Tell It Once: Shared case timeline',
  description: 'One ordered history of each case for every practitioner, with what is due and overdue.',
  module: TimelineModule,
};
