import { Worker } from 'node:worker_threads';
import type { KafkaJsClientOptions } from '../kafkajs-config';
import type { MessageProducer, ProducerOptions, TopicMessages } from '../port';
import { packBatch } from './packed-batch';
import { fromThreadError, type ProducerThreadData, type ProducerThreadOperation, type ProducerThreadReply } from './protocol';

/**
 * How long the thread outlives its last producer: a producer opened again soon after (the forwarder after a failed
 * send, a restarted forwarder) finds KafkaJS loaded and compiled instead of a cold thread.
 */
const IDLE_MS = 30_000;

/**
 * A thread of its own for a client's `ownThread` producers (one per `KafkaJsClient`, started by the first one's
 * `connect`). KafkaJS spends ~40-100 µs of CPU encoding each record; on the caller's thread that work delays whatever
 * else the thread serves (a service's HTTP requests) and cannot overlap with the caller building its next batch. Here
 * the caller packs each batch (packed-batch.ts: a string, two transferred buffers) and the thread encodes and sends it.
 *
 * The thread keeps the process alive only while a request is under way. If it dies, every request under way rejects
 * and the next `connect` starts a new one.
 */
export class ProducerThread {
  private worker: Worker | undefined;
  private nextRequest = 1;
  private nextProducer = 1;
  private readonly pending = new Map<number, { worker: Worker; resolve: () => void; reject: (err: Error) => void }>();
  private readonly open = new Set<number>();
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly client: KafkaJsClientOptions) {}

  producer(options: ProducerOptions): MessageProducer {
    const { ownThread: _ownThread, ...settings } = options;
    const id = this.nextProducer++;
    return {
      connect: async () => {
        this.open.add(id);
        clearTimeout(this.idle);
        await this.request({ op: 'connect', producer: id, options: settings });
      },
      send: async (batch: TopicMessages[]) => {
        if (batch.length === 0) return;
        const packed = packBatch(batch);
        await this.request({ op: 'send', producer: id, batch: packed }, [packed.bytes, packed.layout]);
      },
      disconnect: async () => {
        if (!this.open.delete(id) || !this.worker) return;
        try {
          await this.request({ op: 'disconnect', producer: id });
        } finally {
          if (this.open.size === 0) this.closeWhenIdle();
        }
      },
    };
  }

  private closeWhenIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      const worker = this.worker;
      if (!worker || this.open.size > 0) return;
      this.worker = undefined; // a request from now on starts a new thread
      worker.postMessage({ op: 'close', id: 0 });
    }, IDLE_MS);
    this.idle.unref();
  }

  private start(): Worker {
    const file = require.resolve('./worker');
    // from TypeScript sources (tests, `npm start`) the thread compiles them as the caller's process does
    const execArgv = file.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
    const worker = new Worker(file, { workerData: { client: this.client } satisfies ProducerThreadData, execArgv });
    worker.unref();
    worker.on('message', (reply: ProducerThreadReply) => this.settle(worker, reply));
    worker.once('error', (err) => this.failAll(worker, err));
    worker.once('exit', (code) => this.failAll(worker, new Error(`the Kafka producer thread exited (code ${code})`)));
    return worker;
  }

  private request(operation: ProducerThreadOperation, transfer: ArrayBuffer[] = []): Promise<void> {
    const worker = (this.worker ??= this.start());
    const id = this.nextRequest++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.ref(); // a request under way keeps the process alive
      worker.postMessage({ ...operation, id }, transfer);
    });
  }

  private settle(worker: Worker, reply: ProducerThreadReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (![...this.pending.values()].some((w) => w.worker === worker)) worker.unref();
    if (reply.error) waiter.reject(fromThreadError(reply.error));
    else waiter.resolve();
  }

  /** A thread ended: the requests it held fail, and if it was the current one, its producers are gone. */
  private failAll(worker: Worker, err: Error): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.open.clear();
    }
    for (const [id, waiter] of this.pending) {
      if (waiter.worker !== worker) continue;
      this.pending.delete(id);
      waiter.reject(err);
    }
  }
}
