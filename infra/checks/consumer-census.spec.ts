import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';
import { systemSources } from './system-sources';

/**
 * Every Kafka consumer of the system goes through EventConsumer (bounded dead letters, parking, exactly-once claims,
 * health), and every one a service runs reports its health to readiness. A new consumer that reads Kafka some other
 * way, or that readiness cannot see, fails here. Test helpers, benchmarks and the spec files are not the system.
 */
describe('consumer census', () => {
  const root = workspaceRoot();

  const { files, read, rel } = systemSources(root);

  it('reads Kafka only through EventConsumer (the adapter and the dead-letter reader aside)', () => {
    const direct = files.filter((f) => /\.consumer\(\s*\{/.test(read(f)) || /from 'kafkajs'/.test(read(f))).map(rel).sort();
    expect(direct).toEqual([
      'libs/local-infra/src/kafka.ts', // waits for the broker it starts (admin only)
      'libs/messaging/src/consumer/event-consumer.ts', // the one consumer
      'libs/messaging/src/dead-letters/dead-letters.ts', // reads a dead-letter topic for the CLI, throw-away group
      'libs/messaging/src/kafka/kafkajs-adapter.ts', // the port's KafkaJS adapter ...
      'libs/messaging/src/kafka/kafkajs-config.ts', // ... its settings (producers' only) ...
      'libs/messaging/src/kafka/producer-thread/worker.ts', // ... and its producer thread (producers only)
      'libs/service-kit/src/dependency-checks.ts', // the Kafka health check (admin only)
      'libs/testing/src/consume.ts', // tests read topics with it
    ]);
  });

  it('registers every consumer a service runs with readiness (the rebuild CLI aside)', () => {
    const consumers = files.filter((f) => /new EventConsumer\b/.test(read(f))).map(rel).sort();
    console.log(`[census] EventConsumer in: ${consumers.join(', ')}`);
    expect(consumers).toEqual([
      'libs/agency-kit/src/inbound/inbound-advice.consumer.ts',
      'libs/agency-kit/src/read-model/read-model-feed.ts', // CaseFeed and FamilyFactsFeed
      'services/case/src/advice-intake.ts',
      'services/timeline/src/consumer/timeline-consumer.ts',
      'services/timeline/src/rebuild/rebuild.ts',
    ]);
    for (const f of consumers.filter((c) => !c.endsWith('rebuild.ts'))) expect(`${f}: ${/consumerHealth\?\.register\(/.test(read(join(root, f)))}`).toBe(`${f}: true`);
  });
});
