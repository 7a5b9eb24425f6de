import { randomUUID } from 'node:crypto';
import { dlqTopic, DLQ_HEADERS, headersToStrings, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import type { Actor } from '@tio/event-store';
import { KafkaJsClient, ensureTopics, type DeadLetterUnseal, type MessageConsumer, type MessageProducer } from '@tio/messaging';

/** Polls until `probe` gives a value (tests waiting for a Kafka round trip). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A CloudEvent as a Tell It Once producer would publish it. */
export function integrationEvent<T>(type: string, caseId: string, data: T, options: { id?: string; actor?: Actor; source?: string; time?: string } = {}): IntegrationEvent<T> {
  return {
    id: options.id ?? randomUUID(),
    source: options.source ?? '/tio/case',
    type,
    subject: caseId,
    time: options.time ?? new Date().toISOString(),
    dataschema: `urn:tio:schema:${type}`,
    data,
    correlationId: randomUUID(),
    actor: options.actor ?? { userId: 'case-officer-1', organisationId: 'E10000028', agency: 'local-authority', role: 'case-officer' },
  };
}

export interface DeadLetter {
  reason: string;
  key: string | undefined;
  headers: Record<string, string>;
  value: string;
}

/** Talks to the broker the way other services and agency systems do, under a test's topic prefix. */
export class TestBus {
  private readonly client: KafkaJsClient;
  private producer?: MessageProducer;
  private readonly consumers: MessageConsumer[] = [];

  constructor(brokers: string, readonly topicPrefix: string) {
    this.client = new KafkaJsClient({ brokers, clientId: `test-bus-${randomUUID().slice(0, 8)}`, topicPrefix });
  }

  async publish(topic: string, event: IntegrationEvent, key?: string): Promise<void> {
    if (!this.producer) {
      await ensureTopics(this.client, [topic]);
      this.producer = this.client.producer({ idempotent: true });
      await this.producer.connect();
    }
    const record = toKafkaRecord(event);
    await this.producer.send([{ topic, messages: [{ ...record, key: key ?? record.key }] }]);
  }

  /** Sends raw bytes with raw headers (a malformed message from a broken system). */
  async publishRaw(topic: string, message: { key: string; value: string; headers: Record<string, string> }): Promise<void> {
    if (!this.producer) {
      this.producer = this.client.producer({ idempotent: true });
      await this.producer.connect();
    }
    await this.producer.send([{ topic, messages: [message] }]);
  }

  /** Collects the dead letters of a topic (from the beginning) until `until` is satisfied; sealed ones opened with `unseal`. */
  async deadLetters(topic: string, until: (letters: DeadLetter[]) => boolean, timeoutMs = 30_000, unseal?: DeadLetterUnseal): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    const consumer = this.client.consumer({ groupId: `test-dlq-${randomUUID().slice(0, 8)}` });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [dlqTopic(topic)], fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch, controls) => {
        for (const m of batch.messages) {
          const raw = { key: m.key, value: m.value, headers: headersToStrings(m.headers) };
          const { key, value, headers } = unseal ? (await unseal(raw)).record : raw;
          letters.push({ reason: headers[DLQ_HEADERS.reason] ?? '', key: key?.toString('utf8'), headers, value: value?.toString('utf8') ?? '' });
          controls.resolveOffset(m.offset);
        }
      },
    });
    try {
      return await eventually(`dead letters on ${dlqTopic(topic)}`, async () => until(letters) && letters, timeoutMs);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  /** Reads topics from the beginning until a CloudEvent matches; where and what it was. */
  async consumeUntil(
    topics: string[],
    match: (m: { topic: string; type: string; subject: string; data: unknown }) => boolean,
    timeoutMs = 30_000,
  ): Promise<{ topic: string; type: string; subject: string; data: unknown }> {
    const seen: { topic: string; type: string; subject: string; data: unknown }[] = [];
    const consumer = this.client.consumer({ groupId: `test-read-${randomUUID().slice(0, 8)}` });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch, controls) => {
        for (const m of batch.messages) {
          const h = headersToStrings(m.headers);
          let data: unknown;
          try {
            data = JSON.parse(m.value?.toString('utf8') ?? 'null');
          } catch {
            data = undefined;
          }
          seen.push({ topic: batch.topic, type: h['ce_type'] ?? '', subject: h['ce_subject'] ?? '', data });
          controls.resolveOffset(m.offset);
        }
      },
    });
    try {
      return await eventually(`a matching event on ${topics.join(', ')}`, async () => seen.find(match), timeoutMs);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
  }
}
