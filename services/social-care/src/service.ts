import type { ServiceDefinition } from '@tio/service-kit';
import { SocialCareModule } from './social-care.module';

export const socialCareService: ServiceDefinition = {
  name: 'social-care',
  title: 'Tell It Once: Social care service',
  description: 'Social care advice (reg 6(1)(e)) recorded once, and the social care assessments it rests on, by reference.',
  module: SocialCareModule,
};
