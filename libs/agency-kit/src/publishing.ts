import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { INBOUND_TOPICS, OUTBOUND_TOPICS, integrationEvents, type EventTypeRegistry, type RegisteredEventType } from '@tio/contracts';
import { EVENT_STORE, FORWARDER, MESSAGING_CLIENT } from '@tio/event-sourcing';
import type { EventStore, PostgresEventStore } from '@tio/event-store';
import { ensureTopics, Forwarder, KafkaJsClient, type MessagingClient } from '@tio/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';
import type { AdviceAgency } from './options';

/**
 * The contracts route `advice.*.v1` by payload to the giving agency's topic (`registry.topicOf(event)`), but the
 * forwarder in `@tio/messaging` still reads the type's single `topic`, which throws for a routed type. Every advice
 * event an agency service stores is its own agency's, so this view answers `get(type).topic` with the topic
 * `topicOf` gives for that agency. Once the forwarder asks `topicOf`, the view is a no-op and can go.
 */
export function agencyRegistryView(registry: EventTypeRegistry, agency: AdviceAgency): EventTypeRegistry {
  const resolve = (t: RegisteredEventType | undefined): RegisteredEventType | undefined => {
    if (!t || t.topics.length <= 1) return t;
    const topic = registry.topicOf({ type: t.type, data: { agency } });
    return new Proxy(t, { get: (target, prop, receiver) => (prop === 'topic' ? topic : Reflect.get(target, prop, receiver)) });
  };
  return new Proxy(registry, {
    get(target, prop, receiver) {
      if (prop === 'get') return (type: string) => resolve(target.get(type));
      if (prop === 'forStoredType') return (type: string) => resolve(target.forStoredType(type));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

@Injectable()
class AgencyForwarderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('forwarder');
  constructor(
    @Inject(FORWARDER) private readonly forwarder: Forwarder,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
  ) {}
  async onApplicationBootstrap() {
    const topics = [...OUTBOUND_TOPICS, ...INBOUND_TOPICS];
    await ensureTopics(this.client, topics);
    await this.forwarder.start();
    this.logger.log({ msg: 'forwarding advice events to Kafka' });
  }
  async onApplicationShutdown() {
    await this.forwarder.stop();
  }
}

/** `PublishingModule` of `@tio/event-sourcing` for category `advice`, with the agency's registry view. */
@Global()
@Module({})
export class AgencyPublishingModule {
  static forAgency(options: { service: string; agency: AdviceAgency }): DynamicModule {
    return {
      module: AgencyPublishingModule,
      providers: [
        {
          provide: MESSAGING_CLIENT,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) => new KafkaJsClient({ brokers: config.kafkaBrokers, clientId: `tio-${options.service}`, topicPrefix: config.topicPrefix }),
        },
        {
          provide: FORWARDER,
          inject: [EVENT_STORE, MESSAGING_CLIENT],
          useFactory: (store: EventStore, client: MessagingClient) => {
            const logger = new Logger('forwarder');
            return new Forwarder({
              store,
              checkpoints: (store as PostgresEventStore).checkpoints,
              client,
              name: `forwarder-${options.service}`,
              source: `/tio/${options.service}`,
              registry: agencyRegistryView(integrationEvents, options.agency),
              category: 'advice',
              log: (message, error) => logger.warn({ msg: message, err: error?.message }),
            });
          },
        },
        AgencyForwarderLifecycle,
      ],
      exports: [MESSAGING_CLIENT, FORWARDER],
    };
  }
}
