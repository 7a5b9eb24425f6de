import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { integrationEvents, OUTBOUND_TOPICS, INBOUND_TOPICS, dlqTopic } from '@tio/contracts';
import type { EventStore } from '@tio/event-store';
import { ensureTopics, Forwarder, KafkaJsClient, type MessagingClient } from '@tio/messaging';
import { SERVICE_CONFIG, ServiceMetrics, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { EVENT_STORE } from './event-store.module';

export const MESSAGING_CLIENT = Symbol('MESSAGING_CLIENT');
export const FORWARDER = Symbol('FORWARDER');
const PUBLISHING_OPTIONS = Symbol('PUBLISHING_OPTIONS');
const forwarderName = (service: string) => `forwarder-${service}`;

export interface PublishingOptions {
  /** Service name: the forwarder's checkpoint id and the CloudEvents source `/tio/<name>`. */
  service: string;
  /** Only this stream category is forwarded. */
  category: string;
}

@Injectable()
class ForwarderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('forwarder');
  private readonly lease: SingleActiveLease;
  constructor(
    @Inject(FORWARDER) private readonly forwarder: Forwarder,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(PUBLISHING_OPTIONS) options: PublishingOptions,
  ) {
    // one replica of the service forwards at a time; the others stand by and take over if it goes
    this.lease = singleActive(config, forwarderName(options.service), forwarder);
  }

  async onApplicationBootstrap() {
    // Topics are created up front (auto-creation is off for our producers), with their dead-letter topics.
    const topics = [...OUTBOUND_TOPICS, ...INBOUND_TOPICS];
    await ensureTopics(this.client, [...topics, ...topics.map(dlqTopic)]);
    await this.lease.start();
    this.logger.log({ msg: this.lease.active ? 'forwarding events to Kafka' : 'another replica forwards; standing by' });
  }

  async onApplicationShutdown() {
    await this.lease.stop();
  }
}

/**
 * Publishes the service's events to Kafka through the checkpointed forwarder (never "save then publish" in a
 * request handler): at least once, in order per case, key = case id.
 */
@Global()
@Module({})
export class PublishingModule {
  static forService(options: PublishingOptions): DynamicModule {
    return {
      module: PublishingModule,
      providers: [
        { provide: PUBLISHING_OPTIONS, useValue: options },
        {
          provide: MESSAGING_CLIENT,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => new KafkaJsClient({ brokers: config.kafkaBrokers, clientId: `tio-${options.service}`, topicPrefix: config.topicPrefix }),
        },
        {
          provide: FORWARDER,
          inject: [EVENT_STORE, MESSAGING_CLIENT, ServiceMetrics],
          useFactory: (store: EventStore, client: MessagingClient, metrics: ServiceMetrics) => {
            const logger = new Logger('forwarder');
            return new Forwarder({
              store,
              checkpoints: store.checkpoints,
              client,
              name: forwarderName(options.service),
              source: `/tio/${options.service}`,
              registry: integrationEvents,
              category: options.category,
              log: (message, error) => logger.warn({ msg: message, err: error?.message }),
              metrics: metrics.forwarder(forwarderName(options.service)),
            });
          },
        },
        ForwarderLifecycle,
      ],
      exports: [MESSAGING_CLIENT, FORWARDER],
    };
  }
}
