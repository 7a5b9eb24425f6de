import type { ServiceDefinition } from '@tio/service-kit';
import { EducationModule } from './education.module';

export const educationService: ServiceDefinition = {
  name: 'education',
  title: 'Tell It Once: Education service',
  description: 'Educational, psychological and vision/hearing advice recorded once (reg 6(1)(b)(d), 6(2)), and the school graduated response record (assess, plan, do, review) per pupil.',
  module: EducationModule,
};
