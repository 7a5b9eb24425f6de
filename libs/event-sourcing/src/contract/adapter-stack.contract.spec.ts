import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { eventStoreChoice, openEventStore } from '../event-store-selection';
import { adapterStackContract } from './adapter-stack.contract';

// The same suite over both adapters, each opened the way a service opens its store (EVENTSTORE_CONNECTION_STRING
// through eventStoreChoice/openEventStore). The EventStoreDB run needs a server; without one it registers as
// skipped and says why, so a green run never hides that this adapter was not exercised.

const cluster = process.env['DATABASE_URL'] as string;
// one database per run: two runs on one cluster never drop each other's
const DB = `es_adapter_stack_${randomUUID().slice(0, 8)}`;
let pool: Pool | undefined;

adapterStackContract({
  name: 'PostgreSQL',
  create: async ({ categories, chainKey }) => {
    pool ??= new Pool({ connectionString: await ensureDatabase(cluster, DB), max: 12 });
    return openEventStore(eventStoreChoice({}), { pool, categories, chainKey });
  },
  teardown: async () => {
    await pool?.end();
    await dropDatabase(cluster, DB).catch(() => undefined);
  },
});

const esdb = process.env['EVENTSTORE_CONNECTION_STRING'];
adapterStackContract({
  name: 'EventStoreDB',
  skipReason: esdb ? undefined : 'EVENTSTORE_CONNECTION_STRING not set: no EventStoreDB server to run against',
  create: async ({ categories, chainKey }) => {
    // the PostgreSQL pool is not used by this adapter; openEventStore takes it for the other one
    const unused = new Pool({ connectionString: 'postgres://unused@127.0.0.1:1/unused', max: 1 });
    return openEventStore(eventStoreChoice({ EVENTSTORE_CONNECTION_STRING: esdb }), { pool: unused, categories, chainKey });
  },
});
