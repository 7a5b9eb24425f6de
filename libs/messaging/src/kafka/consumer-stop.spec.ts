import { randomUUID } from 'node:crypto';
import { DEFAULT_FETCH_MAX_WAIT_MS, KafkaJsClient } from './kafkajs-adapter';

// Stopping a consumer waits for its fetch in flight. An idle consumer's fetch is held at the broker for the fetch's
// max wait (KafkaJS's default 5 s; ours DEFAULT_FETCH_MAX_WAIT_MS): what every service with a consumer took to stop.
describe('an idle consumer stops while its fetch finds nothing', () => {
  it('disconnects, having left its group, and says how long that took', async () => {
    const prefix = `stop${randomUUID().slice(0, 8)}.`;
    const client = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics([{ topic: 'idle', numPartitions: 1 }]);
    await admin.disconnect();
    const groupId = 'idle-consumer';
    const consumer = client.consumer({ groupId });
    let batches = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: ['idle'], fromBeginning: true });
    await consumer.run({ eachBatch: async () => void batches++ });

    // the group is stable with this member, which is fetching from an empty topic
    const kafkaAdmin = client.kafka.admin();
    await kafkaAdmin.connect();
    const group = async () => (await kafkaAdmin.describeGroups([`${prefix}${groupId}`])).groups[0];
    for (let i = 0; i < 300 && (await group())?.state !== 'Stable'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await group())?.members).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2 * DEFAULT_FETCH_MAX_WAIT_MS));

    const asked = performance.now();
    await consumer.disconnect();
    const seconds = (performance.now() - asked) / 1000;
    console.log(`[stop] an idle consumer disconnected in ${seconds.toFixed(2)} s (an empty fetch waits ${DEFAULT_FETCH_MAX_WAIT_MS} ms at the broker)`);
    expect(batches).toBe(0);
    expect(await group()).toMatchObject({ state: 'Empty', members: [] });
    await kafkaAdmin.disconnect();
  }, 60_000);
});
