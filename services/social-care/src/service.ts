import type { ServiceDefinition } from '@tio/service-kit';
import { SocialCareModule } from './social-care.module';

export const socialCareService: ServiceDefinition = {
  name: 'social-care',
  title: 'Tell It Once: Social care service',
  description: 'Social care advice and events.',
  module: SocialCareModule,
};
