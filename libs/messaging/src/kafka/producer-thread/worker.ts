/**
 * The producers' thread (see producer-thread.ts): one KafkaJS client, made from the same settings as the caller's,
 * holding the producers the caller opened; it sends the packed batches it is handed and answers each request once
 * KafkaJS has.
 */
import '../kafkajs-idle-fix'; // first: before any KafkaJS client exists
import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, type Producer } from 'kafkajs';
import type { ProducerOptions } from '../port';
import { kafkaConfig, producerConfig, sendBatchRequest, wireName } from '../kafkajs-config';
import { unpackBatch } from './packed-batch';
import { toThreadError, type ProducerThreadData, type ProducerThreadReply, type ProducerThreadRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a producer thread only');
const { client } = workerData as ProducerThreadData;
const kafka = new Kafka(kafkaConfig(client));
const wire = (topic: string) => wireName(client, topic);
const producers = new Map<number, { producer: Producer; options: ProducerOptions }>();

function producerOf(id: number): { producer: Producer; options: ProducerOptions } {
  const found = producers.get(id);
  if (!found) throw new Error('the Kafka producer is not connected');
  return found;
}

async function handle(request: ProducerThreadRequest): Promise<void> {
  switch (request.op) {
    case 'connect': {
      let entry = producers.get(request.producer);
      if (!entry) {
        entry = { producer: kafka.producer(producerConfig(request.options)), options: request.options };
        producers.set(request.producer, entry);
      }
      return entry.producer.connect();
    }
    case 'send': {
      const { producer, options } = producerOf(request.producer);
      await producer.sendBatch(sendBatchRequest(unpackBatch(request.batch), options, wire));
      return;
    }
    case 'disconnect': {
      const entry = producers.get(request.producer);
      producers.delete(request.producer);
      return entry?.producer.disconnect();
    }
    case 'close':
      port?.close(); // nothing else holds the thread: it ends
      return;
  }
}

port.on('message', (request: ProducerThreadRequest) => {
  handle(request).then(
    () => request.op !== 'close' && port.postMessage({ id: request.id } satisfies ProducerThreadReply),
    (err: unknown) => port.postMessage({ id: request.id, error: toThreadError(err) } satisfies ProducerThreadReply),
  );
});
