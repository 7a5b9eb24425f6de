import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { requireJava, requireMaven } from './commands';
import { InfraPrerequisiteError } from './errors';
import { choosePort } from './ports';
import { dropDatabase, ensureDatabase } from './postgres';

// The test command (or the Jest global setup) started a real PostgreSQL and a real Kafka broker for us.
const databaseUrl = process.env['DATABASE_URL'] as string;
const brokers = (process.env['KAFKA_BROKERS'] as string).split(',');

describe('local PostgreSQL', () => {
  it('serves a real PostgreSQL that creates databases and stores rows', async () => {
    const name = `infra_spec_${randomUUID().slice(0, 8)}`;
    const url = await ensureDatabase(databaseUrl, name);
    expect(await ensureDatabase(databaseUrl, name)).toBe(url); // idempotent
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(130000); // xid8 needs 13+
      await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
      await client.query('INSERT INTO t VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
      const rows = await client.query('SELECT v FROM t ORDER BY id');
      expect(rows.rows.map((r) => r.v)).toEqual(['a', 'b']);
    } finally {
      await client.end();
      await dropDatabase(databaseUrl, name);
    }
  });

  it('lets a session that is closing end on its own before dropping its database (a pool ended just before the drop reports no error)', async () => {
    const name = `infra_spec_${randomUUID().slice(0, 8)}`;
    const closing = new Client({ connectionString: await ensureDatabase(databaseUrl, name) });
    await closing.connect();
    const errors: Error[] = [];
    closing.on('error', (err) => errors.push(err));
    // as a pool's end() does: the close is under way when the drop starts (here slowed down to 200 ms)
    const ended = new Promise((resolve) => setTimeout(resolve, 200)).then(() => closing.end());
    await dropDatabase(databaseUrl, name);
    await ended;
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(await databaseExists(name)).toBe(false);
  });

  it('still drops a database a leaked session keeps open, once the grace is over', async () => {
    const name = `infra_spec_${randomUUID().slice(0, 8)}`;
    const leaked = new Client({ connectionString: await ensureDatabase(databaseUrl, name) });
    await leaked.connect();
    const ended = new Promise<Error>((resolve) => leaked.on('error', resolve));
    await dropDatabase(databaseUrl, name, 100);
    expect((await ended).message).toMatch(/terminating connection due to administrator command/);
    expect(await databaseExists(name)).toBe(false);
  });
});

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('local Kafka broker', () => {
  const kafka = new Kafka({ clientId: 'infra-spec', brokers, logLevel: logLevel.WARN });

  it('accepts an idempotent producer and delivers to a consumer group in per-key order', async () => {
    const topic = `infra-spec-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `case-${i % 3}`, value: String(i) }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `infra-spec-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; value: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of 30 messages arrived`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: String(message.key), value: String(message.value) });
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    for (const key of ['case-0', 'case-1', 'case-2']) {
      const expected = sent.filter((m) => m.key === key).map((m) => m.value);
      expect(received.filter((m) => m.key === key).map((m) => m.value)).toEqual(expected);
    }
  });
});

describe('prerequisite errors', () => {
  const path = process.env['PATH'];
  afterEach(() => {
    process.env['PATH'] = path;
  });

  it('names Java and the KAFKA_BROKERS alternative when java is missing', () => {
    process.env['PATH'] = '/nonexistent';
    expect(() => requireJava()).toThrow(InfraPrerequisiteError);
    expect(() => requireJava()).toThrow(/Java 17 .*KAFKA_BROKERS/s);
  });

  it('names Maven and the KAFKA_BROKERS alternative when mvn is missing', () => {
    process.env['PATH'] = '/nonexistent';
    expect(() => requireMaven()).toThrow(/No `mvn` on PATH.*KAFKA_BROKERS/s);
  });

  it('reports a clash on a configured port instead of failing later', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(choosePort(String(port), 'POSTGRES_PORT')).rejects.toThrow(`Port ${port} (POSTGRES_PORT) is already in use`);
      await expect(choosePort('99999', 'KAFKA_PORT')).rejects.toThrow('is not a TCP port number');
    } finally {
      server.close();
    }
  });
});
