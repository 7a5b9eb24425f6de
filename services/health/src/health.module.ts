import { Module } from '@nestjs/common';
import { AgencyAdviceModule } from '@tio/agency-kit';
import { CommissioningController } from './commissioning/commissioning.controller';
import { DEFAULT_PORT } from './default-port';

/** Health: the shared advice mechanics (medical advice) plus the responsible NHS commissioning body per case. */
@Module({
  imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: 'health', defaultPort: DEFAULT_PORT, extraCategories: ['health'] })],
  controllers: [CommissioningController],
})
export class HealthModule {}
