import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { integrationEvents } from '@tio/contracts';
import { EVENT_STORE, EventStoreModule, FORWARDER, MESSAGING_CLIENT, PublishingModule, ReactionsModule } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { Forwarder, type MessagingClient } from '@tio/messaging';
import { AccessLog, CoreModule, InvolvementCheck, PG_POOL, SERVICE_CONFIG, ServiceMetrics, migrateAccessLog, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { CASE_SCOPE_CHECK } from '@tio/auth';
import { AgencyAccessLogController } from './access/access-log.controller';
import { GetAccessLogHandler } from './access/access-log-queries';
import { AGENCY_ACCESS_LOG, AGENCY_ACCESS_LOG_TABLE, CaseReads } from './access/case-reads';
import { InvolvedOrganisationsAccess } from './access/involved-organisations';
import type { Pool } from 'pg';
import { AdviceCommandHandler, AdviceCommands } from './advice-commands.service';
import { ADVICE_QUERY_HANDLERS } from './advice-queries';
import { OwnAdviceProjection } from './read-model/own-advice-projection';
import { AdviceController } from './http/advice.controller';
import { InboundAdviceConsumer } from './inbound/inbound-advice.consumer';
import { InboundRetention } from './inbound/inbound-retention';
import { ADVICE_ACCESS, ADVICE_FORWARDER, AGENCY_OPTIONS, AGENCY_READ_MODEL, type AdviceKitOptions, type AgencyAdviceOptions, type HostedAdviceOptions } from './options';
import { CaseFeed } from './read-model/case-feed';
import { FamilyFactsFeed } from './read-model/family-facts-feed';
import { migrate } from './read-model/migrations';
import { GetWorklistHandler, WorklistController } from './worklist';
import { FamilyAdviceController } from './family/family-advice.controller';
import { GetFamilyAdviceHandler } from './family/family-advice.query';

/** The checkpoint name of the forwarder of `advice` streams in a host service (`hostedIn`). */
export const hostedAdviceForwarderName = (service: string) => `forwarder-${service}-advice`;

@Injectable()
class HostedAdviceForwarderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('forwarder-advice');
  private readonly lease: SingleActiveLease;
  constructor(@Inject(ADVICE_FORWARDER) forwarder: Forwarder, @Inject(SERVICE_CONFIG) config: ServiceConfig, @Inject(AGENCY_OPTIONS) options: AdviceKitOptions) {
    this.lease = singleActive(config, hostedAdviceForwarderName(options.service), forwarder);
  }
  async onApplicationBootstrap() {
    await this.lease.start();
    this.logger.log({ msg: this.lease.active ? 'forwarding advice events to Kafka' : 'another replica forwards advice events; standing by' });
  }
  async onApplicationShutdown() {
    await this.lease.stop();
  }
}

/** The read model, the commands, the queries, the read-model feed and the REST API: the same classes in both variants. */
function shared(options: AdviceKitOptions): Provider[] {
  return [
    { provide: AGENCY_OPTIONS, useValue: options },
    { provide: AGENCY_READ_MODEL, inject: [PG_POOL], useFactory: async (pool: Pool) => ({ applied: await migrate(pool) }) },
    AdviceCommands,
    AdviceCommandHandler,
    ...ADVICE_QUERY_HANDLERS,
    // the family reads the advice itself (issue #21): every host of the kit answers GET /cases/:caseId/family/advice
    GetFamilyAdviceHandler,
    GetAccessLogHandler,
    OwnAdviceProjection,
    CaseFeed,
    // the family's facts from the case topic, a consumer group of its own: new, it reads the topic from its beginning
    FamilyFactsFeed,
    {
      provide: AGENCY_ACCESS_LOG,
      inject: [PG_POOL, ServiceMetrics],
      useFactory: async (pool: Pool, metrics: ServiceMetrics) => {
        await migrateAccessLog(pool, AGENCY_ACCESS_LOG_TABLE);
        return new AccessLog(pool, AGENCY_ACCESS_LOG_TABLE, metrics.accessLog);
      },
    },
    CaseReads,
  ];
}

/**
 * Everything an agency service shares with the other two: its core (config, database, /health, JWT), its event
 * store (`advice` streams plus its own categories), the forwarder of advice events to Kafka, the read model of the
 * case's requests and every agency's advice, the advice REST API and the agency's inbound Kafka topic.
 *
 * `hostedIn` gives the same advice API, commands and read model to a service that already has its own core, event
 * store and publishing (the case service records the family's views as `local-authority` advice).
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
        ReactionsModule.forService({ service: options.service }),
      ],
      controllers: [AdviceController, AgencyAccessLogController, WorklistController, FamilyAdviceController],
      providers: [
        ...shared(options),
        // the practitioner's worklist across cases (agency services only: the hosted variant has no agency practitioners)
        GetWorklistHandler,
        // the service's own forwarder publishes category `advice`
        { provide: ADVICE_FORWARDER, useExisting: FORWARDER },
        // practitioners see the cases their organisation is involved in: the rule of every case-scoped route of the
        // service (the kit's and the agency's own), applied by the AuthGuard and written to the access log
        { provide: ADVICE_ACCESS, useClass: InvolvedOrganisationsAccess },
        {
          provide: CASE_SCOPE_CHECK,
          inject: [ADVICE_ACCESS, AGENCY_ACCESS_LOG],
          useFactory: (access: InvolvedOrganisationsAccess, log: AccessLog) =>
            new InvolvementCheck(options.service, { groundFor: async (p, caseId) => { const ground = await access.groundFor(p, caseId, 'read'); return ground ? { ground } : undefined; } }, log),
        },
        InboundAdviceConsumer,
        // the inbound topic carries agency systems' plaintext: processed records are deleted, the rest expire
        InboundRetention,
      ],
      exports: [AGENCY_OPTIONS, AdviceCommands, CaseFeed, FamilyFactsFeed, InboundAdviceConsumer, InboundRetention, CaseReads, AGENCY_ACCESS_LOG],
    };
  }

  /**
   * The advice API, commands and read model for a host that already imports `CoreModule`, `EventStoreModule`,
   * `PublishingModule` and `ReactionsModule` (they are global). The host must add `advice` to its event-store categories; the kit runs a
   * second checkpointed forwarder for category `advice` (checkpoint `forwarder-<service>-advice`, CloudEvents source
   * `/tio/<service>`, topic by the advice's agency: `local-authority`/`other` → `tio.case.events.v1`, key = case id).
   * No inbound topic: the host's own practitioners write through REST.
   */
  static hostedIn(options: HostedAdviceOptions): DynamicModule {
    const kitOptions: AdviceKitOptions = { agency: options.agency, service: options.service, writerRoles: options.writerRoles, ...(options.familyWriters ? { familyWriters: true } : {}) };
    return {
      module: AgencyAdviceModule,
      controllers: [AdviceController, AgencyAccessLogController, FamilyAdviceController],
      providers: [
        ...shared(kitOptions),
        {
          provide: ADVICE_FORWARDER,
          inject: [EVENT_STORE, MESSAGING_CLIENT, ServiceMetrics],
          useFactory: (store: EventStore, client: MessagingClient, metrics: ServiceMetrics) => {
            const logger = new Logger('forwarder-advice');
            return new Forwarder({
              store, checkpoints: store.checkpoints, client, name: hostedAdviceForwarderName(options.service), source: `/tio/${options.service}`,
              registry: integrationEvents, category: 'advice', log: (message, error) => logger.warn({ msg: message, err: error?.message }),
              metrics: metrics.forwarder(hostedAdviceForwarderName(options.service)),
            });
          },
        },
        HostedAdviceForwarderLifecycle,
        ...(options.access ? [{ provide: ADVICE_ACCESS, useClass: options.access }] : []),
      ],
      exports: [AGENCY_OPTIONS, AdviceCommands, CaseFeed, FamilyFactsFeed, ADVICE_FORWARDER, CaseReads, AGENCY_ACCESS_LOG],
    };
  }
}
