import { dlqTopic, topicCreationConfig } from '@tio/contracts';
import type { MessagingClient } from './port';

/**
 * Creates the topics and their `<topic>.dlq` dead-letter topics if they do not exist, with the contracts' settings
 * for each (`topicCreationConfig`: the published event topics are kept forever).
 */
export async function ensureTopics(client: MessagingClient, topics: string[], numPartitions = 3): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    const all = [...new Set(topics.flatMap((t) => [t, dlqTopic(t)]))];
    await admin.createTopics(all.map((topic) => ({ topic, numPartitions, config: topicCreationConfig(topic) })));
  } finally {
    await admin.disconnect();
  }
}
