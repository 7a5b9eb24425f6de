import { randomUUID } from 'node:crypto';
import { TOPICS } from '@tio/contracts';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { KafkaJsClient } from './kafkajs-adapter';
import { ensureTopics } from './topics';

describe('topics are created with the contracts\' settings', () => {
  const brokers = process.env['KAFKA_BROKERS'] as string;

  it('Given a broker whatever its default retention, When a service ensures its topics, Then the published event topics and their dead letters are kept forever and an inbound topic keeps the broker\'s default', async () => {
    const prefix = `r${randomUUID().slice(0, 8)}.`;
    const client = new KafkaJsClient({ brokers, topicPrefix: prefix });
    await ensureTopics(client, [TOPICS.caseEvents, TOPICS.educationInbound]);
    const admin = new Kafka({ brokers: brokers.split(','), logLevel: 0 }).admin();
    await admin.connect();
    try {
      const names = [TOPICS.caseEvents, `${TOPICS.caseEvents}.dlq`, TOPICS.educationInbound].map((t) => `${prefix}${t}`);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })) });
      const retention = Object.fromEntries(resources.map((r) => [r.resourceName.slice(prefix.length), r.configEntries.find((e) => e.configName === 'retention.ms')]));
      expect(retention[TOPICS.caseEvents]).toMatchObject({ configValue: '-1', isDefault: false });
      expect(retention[`${TOPICS.caseEvents}.dlq`]).toMatchObject({ configValue: '-1', isDefault: false });
      expect(retention[TOPICS.educationInbound]?.isDefault).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });
});
