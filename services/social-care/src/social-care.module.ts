import { Module } from '@nestjs/common';
import { AgencyAdviceModule } from '@tio/agency-kit';
import { AssessmentsCommandHandler } from './assessments/assessments-aggregate';
import { AssessmentsController } from './assessments/assessments.controller';
import { GetAssessmentsHandler } from './assessments/assessments-queries';
import { DEFAULT_PORT } from './default-port';

/** Social care: the shared advice mechanics (social care advice) plus the social care assessment references. */
@Module({
  imports: [AgencyAdviceModule.forAgency({ agency: 'social-care', service: 'social-care', defaultPort: DEFAULT_PORT, extraCategories: ['social_care'] })],
  controllers: [AssessmentsController],
  providers: [AssessmentsCommandHandler, GetAssessmentsHandler],
})
export class SocialCareModule {}
