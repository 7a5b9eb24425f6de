import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { KafkaJsClient } from '../kafkajs-adapter';
import type { ConsumedMessage, MessagingClient, TopicMessages } from '../port';
import { ProducerThread } from './producer-thread';

const brokers = process.env['KAFKA_BROKERS'] as string;

async function createTopics(client: MessagingClient, topics: string[]): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics(topics.map((topic) => ({ topic, numPartitions: 3 })));
  await admin.disconnect();
}

/** Every message of `topics` from the beginning, once `count` have arrived. */
async function consume(client: MessagingClient, topics: string[], count: number): Promise<ConsumedMessage[]> {
  const consumer = client.consumer({ groupId: `g-${randomUUID()}` });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachBatch: async (batch, controls) => {
      for (const m of batch.messages) {
        messages.push(m);
        controls.resolveOffset(m.offset);
      }
    },
  });
  const deadline = Date.now() + 30_000;
  while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return messages;
}

/** A client and a topic of this test's own. */
async function clientWithTopic(): Promise<{ client: KafkaJsClient; topic: string }> {
  const client = new KafkaJsClient({ brokers });
  const topic = `tio.thread-${randomUUID().slice(0, 8)}.v1`;
  await createTopics(client, [topic]);
  return { client, topic };
}

const asSent = (m: ConsumedMessage) => ({
  topic: m.topic,
  key: m.key?.toString(),
  value: m.value?.toString(),
  headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, String(v)])),
  timestamp: m.timestamp,
});

describe('a producer on its own thread (ProducerOptions.ownThread, the forwarder\'s)', () => {
  it('given a prefixed client, when it sends a batch over two topics, then each record arrives as sent, on the partition the caller\'s own producer picks for its key', async () => {
    const client = new KafkaJsClient({ brokers, topicPrefix: `t${randomUUID().slice(0, 8)}.` });
    const [events, family, sameThread] = ['tio.case.events.v1', 'tio.family.events.v1', 'tio.same-thread.v1'];
    await createTopics(client, [events, family, sameThread]);
    const record = (i: number) => ({
      key: `case-${i}`, value: Buffer.from(JSON.stringify({ i, note: 'ünïcödé 🚸' })),
      headers: { 'ce_id': `e-${i}`, 'content-type': 'application/json', 'ce_subject': `case-${i}` }, timestamp: String(1_700_000_000_000 + i),
    });
    const batch: TopicMessages[] = [
      { topic: events, messages: Array.from({ length: 40 }, (_, i) => record(i)) },
      { topic: family, messages: [record(100)] },
    ];
    const threaded = client.producer({ ownThread: true });
    const onCaller = client.producer();
    await Promise.all([threaded.connect(), onCaller.connect()]);
    await threaded.send(batch);
    await onCaller.send([{ topic: sameThread, messages: batch[0].messages }]);
    await Promise.all([threaded.disconnect(), onCaller.disconnect()]);

    const received = await consume(client, [events, family], 41);
    const sent = batch.flatMap((t) => t.messages.map((m) => ({ topic: t.topic, key: String(m.key), value: String(m.value), headers: m.headers, timestamp: m.timestamp })));
    const byKey = (a: { key?: string }, b: { key?: string }) => String(a.key).localeCompare(String(b.key));
    expect(received.map(asSent).sort(byKey)).toEqual(sent.sort(byKey));
    const partitionOf = new Map((await consume(client, [sameThread], 40)).map((m) => [m.key?.toString(), m.partition]));
    for (const m of received.filter((r) => r.topic === events)) expect(m.partition).toBe(partitionOf.get(m.key?.toString()));
  });

  it('given a topic the broker does not have, then send rejects with KafkaJS\'s error, and the producer still sends afterwards', async () => {
    const { client, topic } = await clientWithTopic();
    const producer = client.producer({ ownThread: true, retries: 1 });
    await producer.connect();
    const failed = await producer.send([{ topic: `tio.missing-${randomUUID()}`, messages: [{ key: 'k', value: 'v' }] }]).catch((e: unknown) => e as Error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).name).toMatch(/^KafkaJS/);
    await producer.send([{ topic, messages: [{ key: 'k', value: 'after' }] }]);
    await producer.disconnect();
    expect((await consume(client, [topic], 1)).map((m) => m.value?.toString())).toEqual(['after']);
  });

  it('given a producer that is not connected, then send rejects and says so; after disconnect it connects again', async () => {
    const { client, topic } = await clientWithTopic();
    const producer = client.producer({ ownThread: true });
    await expect(producer.send([{ topic, messages: [{ key: 'k', value: 'v' }] }])).rejects.toThrow('the Kafka producer is not connected');
    await producer.connect();
    await producer.disconnect();
    await producer.connect();
    await producer.send([{ topic, messages: [{ key: 'k', value: 'again' }] }]);
    await producer.disconnect();
    expect((await consume(client, [topic], 1)).map((m) => m.value?.toString())).toEqual(['again']);
  });

  it('given the thread dies with a send under way, then that send rejects, and the next connect starts a new thread that sends', async () => {
    const { client, topic } = await clientWithTopic();
    const thread = new ProducerThread({ brokers });
    const producer = thread.producer({});
    await producer.connect();
    const first = (thread as unknown as { worker: Worker }).worker;
    const sending = producer.send([{ topic, messages: Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(1000) })) }]);
    await first.terminate();
    await expect(sending).rejects.toThrow(/the Kafka producer thread exited/);
    await expect(producer.send([{ topic, messages: [{ key: 'k', value: 'v' }] }])).rejects.toThrow('the Kafka producer is not connected');
    await producer.connect();
    expect((thread as unknown as { worker: Worker }).worker).not.toBe(first);
    await producer.send([{ topic, messages: [{ key: 'k', value: 'after the thread died' }] }]);
    await producer.disconnect();
    expect((await consume(client, [topic], 1)).map((m) => m.value?.toString())).toContain('after the thread died');
  });
});
