import { Module } from '@nestjs/common';
import { AgencyAdviceModule } from '@tio/agency-kit';
import { CommissioningCommandHandler } from './commissioning/commissioning-aggregate';
import { CommissioningController } from './commissioning/commissioning.controller';
import { GetCommissioningBodyHandler } from './commissioning/commissioning-queries';
import { DEFAULT_PORT } from './default-port';

/** Health: the shared advice mechanics (medical advice) plus the responsible NHS commissioning body per case. */
@Module({
  imports: [AgencyAdviceModule.forAgency({ agency: 'health', service: 'health', defaultPort: DEFAULT_PORT, extraCategories: ['health'] })],
  controllers: [CommissioningController],
  providers: [CommissioningCommandHandler, GetCommissioningBodyHandler],
})
export class HealthModule {}
