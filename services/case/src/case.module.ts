import { Module } from '@nestjs/common';
import { EventStoreModule, PublishingModule } from '@tio/event-sourcing';
import { CoreModule } from '@tio/service-kit';
import { AdviceIntake } from './advice-intake';
import { CaseCommands } from './case-commands.service';
import { DEFAULT_PORT } from './default-port';
import { CaseController } from './http/case.controller';
import { TransfersModule } from './transfers/transfers.module';

@Module({
  imports: [
    CoreModule.forService('case', DEFAULT_PORT),
    EventStoreModule.forService({ categories: ['case', 'transfer'] }),
    PublishingModule.forService({ service: 'case', category: 'case' }),
    TransfersModule,
  ],
  controllers: [CaseController],
  providers: [CaseCommands, AdviceIntake],
})
export class CaseModule {}
