import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { integrationEvents, OUTBOUND_TOPICS, INBOUND_TOPICS, dlqTopic } from '@tio/contracts';
import { PostgresEventStore, type EventStore } from '@tio/event-store';
import { ensureTopics, Forwarder, KafkaJsClient, type MessagingClient } from '@tio/messaging';
import { SERVICE_CONFIG, ServiceMetrics, type ServiceConfig } from '@tio/service-kit';
import { EVENT_STORE } from './event-store.module';

export const MESSAGING_CLIENT = Symbol('MESSAGING_CLIENT');
export const FORWARDER = Symbol('FORWARDER');

export interface PublishingOptions {
  /** Service name: the forwarder's checkpoint id and the CloudEvents source `/tio/<name>`. */
  service: string;
  /** Only this stream category is forwarded. */
  category: string;
}

@Injectable()
class ForwarderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('forwarder');
  constructor(
    @Inject(FORWARDER) private readonly forwarder: Forwarder,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
  ) {}

  async onApplicationBootstrap() {
    // Topics are created up front (auto-creation is off for our producers), with their dead-letter topics.
    const topics = [...OUTBOUND_TOPICS, ...INBOUND_TOPICS];
    await ensureTopics(this.client, [...topics, ...topics.map(dlqTopic)]);
    await this.forwarder.start();
    this.logger.log({ msg: 'forwarding events to Kafka' });
  }

  async onApplicationShutdown() {
    await this.forwarder.stop();
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
              checkpoints: (store as PostgresEventStore).checkpoints,
              client,
              name: `forwarder-${options.service}`,
              source: `/tio/${options.service}`,
              registry: integrationEvents,
              category: options.category,
              log: (message, error) => logger.warn({ msg: message, err: error?.message }),
              metrics: metrics.forwarder(`forwarder-${options.service}`),
            });
          },
        },
        ForwarderLifecycle,
      ],
      exports: [MESSAGING_CLIENT, FORWARDER],
    };
  }
}
