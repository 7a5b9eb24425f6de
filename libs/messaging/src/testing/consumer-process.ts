// A consumer in its own process, so a test can SIGKILL it mid-batch. Configured by environment variables.
import { Pool } from 'pg';
import { EventConsumer } from '../consumer/event-consumer';
import { PgUnitOfWork } from '../consumer/unit-of-work';
import { KafkaJsClient } from '../kafka/kafkajs-adapter';
import { timelineHandlers } from './support';

const e = (name: string) => process.env[name] as string;
const pool = new Pool({ connectionString: e('TEST_DB_URL'), max: 3 });
const consumer = new EventConsumer({
  client: new KafkaJsClient({ brokers: e('KAFKA_BROKERS'), clientId: 'killable-consumer' }),
  groupId: e('TEST_GROUP'),
  topics: [e('TEST_TOPIC')],
  unitOfWork: new PgUnitOfWork(pool),
  handlers: timelineHandlers(e('TEST_TABLE'), { delayMs: Number(e('TEST_DELAY_MS')) }),
  sessionTimeoutMs: 6000,
});
consumer.start().then(() => console.log('STARTED'), (err) => {
  console.error(err);
  process.exit(1);
});
