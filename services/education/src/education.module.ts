import { Module } from '@nestjs/common';
import { AgencyAdviceModule } from '@tio/agency-kit';
import { DEFAULT_PORT } from './default-port';
import { GraduatedResponseCommandHandler } from './graduated-response/graduated-response-aggregate';
import { GraduatedResponseController } from './graduated-response/graduated-response.controller';
import { GetGraduatedResponseHandler } from './graduated-response/graduated-response-queries';

/**
 * Education: the shared advice mechanics (educational, psychological and vision/hearing advice, reg 6(1)(b)(d) and
 * 6(2)) plus the school's graduated response record per pupil.
 */
@Module({
  imports: [AgencyAdviceModule.forAgency({ agency: 'education', service: 'education', defaultPort: DEFAULT_PORT, extraCategories: ['education'] })],
  controllers: [GraduatedResponseController],
  providers: [GraduatedResponseCommandHandler, GetGraduatedResponseHandler],
})
export class EducationModule {}
