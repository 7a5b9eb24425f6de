import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { integrationEvents } from '@tio/contracts';
import { EVENT_STORE, MESSAGING_CLIENT } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { Forwarder, type MessagingClient } from '@tio/messaging';
import { SERVICE_CONFIG, ServiceMetrics, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { TransferCommands, TRANSFER_FORWARDER } from './transfer-commands.service';
import { TransferFollowUp } from './transfer-follow-up.reaction';
import { TRANSFER_REGISTER_PROVIDERS } from './transfer-register';
import { ListTransfersHandler } from './transfer-queries';
import { TransfersController } from './transfers.controller';

@Injectable()
class TransferForwarderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('forwarder-case-transfers');
  private readonly lease: SingleActiveLease;
  constructor(@Inject(TRANSFER_FORWARDER) forwarder: Forwarder, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.lease = singleActive(config, 'forwarder-case-transfers', forwarder);
  }
  async onApplicationBootstrap() {
    await this.lease.start();
    this.logger.log({ msg: this.lease.active ? 'forwarding transfer events to Kafka' : 'another replica forwards transfer events; standing by' });
  }
  async onApplicationShutdown() {
    await this.lease.stop();
  }
}

/**
 * Transfers of responsibility: their REST API, and a second checkpointed forwarder for the `transfer` stream category
 * (the publishing module forwards one category, `case`): same CloudEvents source `/tio/case`, same topic
 * `tio.case.events.v1`, key = case id, its own checkpoint `forwarder-case-transfers`.
 */
@Module({
  controllers: [TransfersController],
  providers: [
    TransferCommands,
    TransferFollowUp,
    ...TRANSFER_REGISTER_PROVIDERS,
    ListTransfersHandler,
    {
      provide: TRANSFER_FORWARDER,
      inject: [EVENT_STORE, MESSAGING_CLIENT, ServiceMetrics],
      useFactory: (store: EventStore, client: MessagingClient, metrics: ServiceMetrics) => {
        const logger = new Logger('forwarder-case-transfers');
        return new Forwarder({
          store, checkpoints: store.checkpoints, client, name: 'forwarder-case-transfers', source: '/tio/case',
          registry: integrationEvents, category: 'transfer', log: (message, error) => logger.warn({ msg: message, err: error?.message }),
          metrics: metrics.forwarder('forwarder-case-transfers'),
        });
      },
    },
    TransferForwarderLifecycle,
  ],
  exports: [TransferCommands],
})
export class TransfersModule {}
