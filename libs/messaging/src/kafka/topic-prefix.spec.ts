import { randomUUID } from 'node:crypto';
import { KafkaJsClient } from './kafkajs-adapter';
import type { ConsumedMessage } from './port';

describe('topic prefixes keep deployments sharing a cluster apart', () => {
  const brokers = process.env['KAFKA_BROKERS'] as string;
  const topic = 'tio.case.events.v1';

  it('given two prefixes, when one produces, then only its own consumer sees the message, under the canonical topic name', async () => {
    const a = new KafkaJsClient({ brokers, topicPrefix: `t${randomUUID().slice(0, 8)}.` });
    const b = new KafkaJsClient({ brokers, topicPrefix: `t${randomUUID().slice(0, 8)}.` });
    for (const client of [a, b]) {
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics([{ topic, numPartitions: 1 }]);
      expect(await admin.listTopics()).toContain(topic);
      await admin.disconnect();
    }
    const producer = a.producer();
    await producer.connect();
    await producer.send([{ topic, messages: [{ key: 'case-1', value: 'hello' }] }]);
    await producer.disconnect();

    const seen = async (client: KafkaJsClient): Promise<ConsumedMessage[]> => {
      const consumer = client.consumer({ groupId: `g-${randomUUID()}` });
      const messages: ConsumedMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: async (batch, controls) => {
          for (const m of batch.messages) {
            messages.push(m);
            controls.resolveOffset(m.offset);
          }
        },
      });
      await new Promise((r) => setTimeout(r, 4000));
      await consumer.disconnect();
      return messages;
    };
    const [onA, onB] = await Promise.all([seen(a), seen(b)]);
    expect(onA.map((m) => [m.topic, String(m.value)])).toEqual([[topic, 'hello']]);
    expect(onB).toEqual([]);
  });
});
