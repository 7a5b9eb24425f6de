import './kafkajs-idle-fix'; // first: before any KafkaJS client exists
import { untilTopicsServe } from './topic-not-ready';
import { ConfigResourceTypes, Kafka, type Consumer, type Producer } from 'kafkajs';
import { kafkaConfig, producerConfig, sendBatchRequest, wireName, type KafkaJsClientOptions } from './kafkajs-config';
import { ProducerThread } from './producer-thread/producer-thread';
import type {
  ConsumerOptions, MessageAdmin, MessageConsumer, MessageProducer, MessagingClient, PartitionOffsets, ProducerOptions, TopicMessages, TopicSpec,
} from './port';

/** An empty fetch's wait at the broker: what an idle consumer's stop waits for (see ConsumerOptions.maxWaitTimeMs). */
export const DEFAULT_FETCH_MAX_WAIT_MS = 500;

export type { KafkaJsClientOptions } from './kafkajs-config';

/** The KafkaJS adapter of our messaging port (with kafkajs-config.ts and producer-thread/, the only code importing KafkaJS). */
export class KafkaJsClient implements MessagingClient {
  readonly kafka: Kafka;
  private readonly prefix: string;
  private readonly options: KafkaJsClientOptions;
  /** The thread of the `ownThread` producers, started by the first. */
  private producerThread: ProducerThread | undefined;
  private readonly wire = (topic: string) => wireName(this.options, topic);
  /** Consumer groups are prefixed like topics: two deployments (or test runs) on one cluster never share a group and its rebalances. */
  private readonly wireGroup = (groupId: string) => wireName(this.options, groupId);
  private readonly canonical = (topic: string) => (this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic);

  constructor(options: KafkaJsClientOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.options = options;
    this.kafka = new Kafka(kafkaConfig(options));
  }

  producer(options: ProducerOptions = {}): MessageProducer {
    if (options.ownThread) return (this.producerThread ??= new ProducerThread(this.options)).producer(options);
    const producer: Producer = this.kafka.producer(producerConfig(options));
    return {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      send: async (batch: TopicMessages[]) => {
        if (batch.length === 0) return;
        await producer.sendBatch(sendBatchRequest(batch, options, this.wire));
      },
    };
  }

  consumer(options: ConsumerOptions): MessageConsumer {
    const consumer: Consumer = this.kafka.consumer({
      groupId: this.wireGroup(options.groupId),
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1000,
      maxBytesPerPartition: options.maxBytesPerPartition,
      // KafkaJS's 5 s default: each idle consumer held the process that long after SIGTERM (disconnect waits for it)
      maxWaitTimeInMs: options.maxWaitTimeMs ?? DEFAULT_FETCH_MAX_WAIT_MS,
      minBytes: options.minBytes ?? 1,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10, restartOnFailure: async () => true },
    });
    return {
      connect: () => consumer.connect(),
      disconnect: () => consumer.disconnect(),
      subscribe: (o) => consumer.subscribe({ topics: o.topics.map(this.wire), fromBeginning: o.fromBeginning }),
      run: (o) =>
        consumer.run({
          autoCommit: true,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const topic = this.canonical(batch.topic);
            await o.eachBatch(
              {
                topic,
                partition: batch.partition,
                highWatermark: batch.highWatermark,
                messages: batch.messages.map((m) => ({
                  topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp,
                })),
              },
              { resolveOffset, heartbeat, isRunning, isStale },
            );
          },
        }),
      onCrash: (listener) => {
        consumer.on(consumer.events.CRASH, (e) => listener(e.payload.error, e.payload.restart));
      },
    };
  }

  admin(): MessageAdmin {
    const admin = this.kafka.admin();
    return {
      connect: () => admin.connect(),
      disconnect: () => admin.disconnect(),
      listTopics: async () => (await admin.listTopics()).filter((t) => t.startsWith(this.prefix)).map(this.canonical),
      deleteGroups: async (groupIds) => {
        await admin.deleteGroups(groupIds.map(this.wireGroup));
      },
      createTopics: (topics: TopicSpec[]) => untilTopicsServe(async () => {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(this.wire(t.topic)));
        if (missing.length > 0) {
          try {
            await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ topic: this.wire(t.topic), numPartitions: t.numPartitions ?? 3, replicationFactor: 1, configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) })) });
          } catch (err) {
            // another process created them at the same time
            if (!/already exists/i.test((err as Error).message)) throw err;
          }
        }
        // answered only once the broker serves every one of them (a new topic may be unknown to it for a moment)
        await admin.fetchTopicMetadata({ topics: topics.map((t) => this.wire(t.topic)) });
      }),
      fetchTopicOffsets: async (topic): Promise<PartitionOffsets[]> =>
        (await admin.fetchTopicOffsets(this.wire(topic))).map((p) => ({ partition: p.partition, low: p.low, high: p.high })),
      fetchCommittedOffsets: async (groupId, topic) => {
        const [found] = await admin.fetchOffsets({ groupId: this.wireGroup(groupId), topics: [this.wire(topic)] });
        return (found?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
      },
      deleteRecordsBefore: async (topic, partitions) => {
        if (partitions.length === 0) return;
        await admin.deleteTopicRecords({ topic: this.wire(topic), partitions: partitions.map((p) => ({ partition: p.partition, offset: p.offset })) });
      },
      configureTopic: async (topic, config) => {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: this.wire(topic), configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
        });
      },
    };
  }
}
