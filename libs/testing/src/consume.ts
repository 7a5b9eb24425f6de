import { randomUUID } from 'node:crypto';

/** The part of our messaging port a test reader needs (structural, so this library does not depend on messaging). */
interface Message {
  offset: string;
}
interface Consumer<M extends Message> {
  connect(): Promise<void>;
  subscribe(options: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  run(options: { eachBatch: (batch: { messages: M[] }, controls: { resolveOffset(offset: string): void }) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

/** Reads a topic from the beginning with a fresh consumer group until `done` says enough arrived. */
export async function consumeUntil<M extends Message>(
  client: { consumer(options: { groupId: string }): Consumer<M> },
  topic: string,
  done: (messages: M[]) => boolean,
  timeoutMs = 30_000,
): Promise<M[]> {
  const consumer = client.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: M[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out on ${topic} with ${messages.length} messages`)), timeoutMs);
    void consumer.run({
      eachBatch: async (batch, controls) => {
        for (const m of batch.messages) {
          messages.push(m);
          controls.resolveOffset(m.offset);
        }
        if (done(messages)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  try {
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
