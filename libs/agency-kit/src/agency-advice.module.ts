import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreModule, PublishingModule } from '@tio/event-sourcing';
import { CoreModule, PG_POOL } from '@tio/service-kit';
import type { Pool } from 'pg';
import { AdviceCommands } from './advice-commands.service';
import { AdviceController } from './http/advice.controller';
import { InboundAdviceConsumer } from './inbound/inbound-advice.consumer';
import { AGENCY_OPTIONS, AGENCY_READ_MODEL, type AgencyAdviceOptions } from './options';
import { CaseFeed } from './read-model/case-feed';
import { migrate } from './read-model/migrations';


/**
 * Everything an agency service shares with the other two: its core (config, database, /health, JWT), its event
 * store (`advice` streams plus its own categories), the forwarder of advice events to Kafka, the read model of the
 * case's requests and every agency's advice, the advice REST API and the agency's inbound Kafka topic.
 */
@Module({})
export class AgencyAdviceModule {
  static forAgency(options: AgencyAdviceOptions): DynamicModule {
    return {
      module: AgencyAdviceModule,
      imports: [
        CoreModule.forService(options.service, options.defaultPort),
        EventStoreModule.forService({ categories: ['advice', ...(options.extraCategories ?? [])] }),
        PublishingModule.forService({ service: options.service, category: 'advice' }),
      ],
      controllers: [AdviceController],
      providers: [
        { provide: AGENCY_OPTIONS, useValue: options },
        { provide: AGENCY_READ_MODEL, inject: [PG_POOL], useFactory: async (pool: Pool) => ({ applied: await migrate(pool) }) },
        AdviceCommands,
        CaseFeed,
        InboundAdviceConsumer,
      ],
      exports: [AGENCY_OPTIONS, AdviceCommands, CaseFeed, InboundAdviceConsumer],
    };
  }
}
