import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { Client, Pool } from 'pg';
import { eventStoreContract, type ContractStoreOptions } from '../contract/event-store.contract';
import type { Appended, EventStore } from '../port';
import { PostgresEventStore } from './postgres-event-store';
import { table } from './schema';

const DB = 'es_contract_pg';
let url: string;

function clusterUrl(): string {
  const value = process.env['DATABASE_URL'];
  if (!value) throw new Error('DATABASE_URL is not set (the Jest global setup provides it)');
  return value;
}

const create = (options: ContractStoreOptions & { beforeCommit?: PostgresEventStore extends never ? never : Parameters<typeof PostgresEventStore.create>[0]['beforeCommit'] } = {}) =>
  PostgresEventStore.create({ connectionString: url, poolSize: 12, ...options });

eventStoreContract({
  name: 'PostgreSQL',
  globallyUniqueEventIds: true,
  async setup() {
    url = await ensureDatabase(clusterUrl(), DB);
  },
  async teardown() {
    await dropDatabase(clusterUrl(), DB);
  },
  create: (options) => create(options),
  async tamper(store: EventStore, streamName, revision, data) {
    const pg = store as PostgresEventStore;
    const { rowCount } = await pg.pool.query(
      `UPDATE ${table(pg.schema, 'events')} SET data = $3::jsonb WHERE stream_name = $1 AND revision = $2`,
      [streamName, revision, JSON.stringify(data)],
    );
    expect(rowCount).toBe(1);
  },
  beginAppend: (store, streamName, events, expectedRevision) => (store as PostgresEventStore).beginAppend(streamName, events, { expectedRevision }),
  createWithSlowCommits: (maxDelayMs) =>
    create({
      beforeCommit: async (client) => {
        await client.query('SELECT pg_sleep($1)', [(Math.random() * maxDelayMs) / 1000]);
      },
    }),
});

describe('PostgreSQL adapter specifics', () => {
  const db = 'es_pg_specifics';
  let dbUrl: string;
  beforeAll(async () => {
    dbUrl = await ensureDatabase(clusterUrl(), db);
  });
  afterAll(async () => {
    await dropDatabase(clusterUrl(), db);
  });

  it('Given an empty database, When several stores start at once, Then migrations run exactly once and are recorded', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_migrate' })));
    await Promise.all(stores.map((s) => s.close()));
    const pool = new Pool({ connectionString: dbUrl });
    try {
      const { rows } = await pool.query('SELECT version, name FROM es_migrate.migrations ORDER BY version');
      expect(rows).toEqual([
        { version: 1, name: 'streams, events, checkpoints' },
        { version: 2, name: 'chain MACs on events and stream heads' },
        { version: 3, name: 'append in one round trip (append_events)' },
        { version: 4, name: 'append_events: fast path when the assumed head is the head' },
        { version: 5, name: 'events: no foreign key to streams (append_events writes the stream row first)' },
        { version: 6, name: 'append_events: fewer statements per call' },
        { version: 7, name: 'append_events with data and metadata as JSON arrays' },
      ]);
      const cols = await pool.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'es_migrate' AND table_name = 'events' AND column_name IN ('transaction_id', 'global_position')`,
      );
      expect(Object.fromEntries(cols.rows.map((r) => [r.column_name, r.data_type]))).toEqual({ transaction_id: 'xid8', global_position: 'bigint' });
      const foreignKeys = await pool.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'es_migrate.events'::regclass AND contype = 'f'`);
      expect(foreignKeys.rows).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  /** A pool that records the text of every statement its connections run. */
  function recordingPool(): { pool: Pool; statements: string[] } {
    const statements: string[] = [];
    const pool = new Pool({ connectionString: dbUrl, max: 4 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const config = args[0] as string | { text: string };
        statements.push(typeof config === 'string' ? config : config.text);
        return query(...args);
      };
    });
    return { pool, statements };
  }

  /** A store on a recordingPool, closed with its pool after `run`. */
  async function withRecordingStore(
    options: Omit<Parameters<typeof PostgresEventStore.create>[0], 'pool'>,
    run: (store: PostgresEventStore, statements: string[]) => Promise<void>,
  ): Promise<void> {
    const { pool, statements } = recordingPool();
    const store = await PostgresEventStore.create({ pool, ...options });
    try {
      await run(store, statements);
    } finally {
      await store.close();
      await pool.end();
    }
  }

  it('Given a stream this store created, When it appends at the expected revision, Then each append is one statement, with no transaction and no NOTIFY', async () => {
    await withRecordingStore({ schema: 'es_round_trips', chainKey: Buffer.alloc(32, 7) }, async (store, statements) => {
      const { newEvent, events } = await import('../contract/fixtures');
      statements.length = 0;
      await store.appendToStream('case-rt', events(3), { expectedRevision: 'no_stream' });
      await store.appendToStream('case-rt', [newEvent()], { expectedRevision: 2 });
      await store.appendToStream('case-rt', events(2), { expectedRevision: 'any' });
      expect(statements).toHaveLength(3);
      for (const text of statements) expect(text).toMatch(/append_events/);
      expect(statements.join('\n')).not.toMatch(/BEGIN|COMMIT|pg_notify/i);
      expect(await store.verifyStream('case-rt')).toEqual({ streamName: 'case-rt', eventsChecked: 6, valid: true });
    });
  });

  it('Given appends to twenty streams asked for in one turn, When they run, Then they share one statement and each gets its own revision, positions and verified chain', async () => {
    await withRecordingStore({ schema: 'es_append_batch', chainKey: Buffer.alloc(32, 7) }, async (store, statements) => {
      const { events, uniqueStream } = await import('../contract/fixtures');
      const streams = Array.from({ length: 20 }, () => uniqueStream('case'));
      statements.length = 0;
      const results = await Promise.all(streams.map((s, i) => store.appendToStream(s, events(1 + (i % 3)), { expectedRevision: 'no_stream' })));
      expect(statements.filter((t) => /append_events/.test(t))).toHaveLength(1);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map((_, i) => i % 3));
      const all = await store.readAll({ category: 'case' });
      expect(all.map((e) => e.streamName).sort()).toEqual(streams.flatMap((s, i) => Array(1 + (i % 3)).fill(s)).sort());
      expect(new Set(all.map((e) => e.globalPosition)).size).toBe(all.length);
      for (const [i, s] of streams.entries()) {
        const own = all.filter((e) => e.streamName === s);
        expect(own.at(-1)?.globalPosition).toBe(results[i]?.position);
        expect(await store.verifyStream(s)).toEqual({ streamName: s, eventsChecked: own.length, valid: true });
      }
      // the next appends know each head from the batch: one statement again, no probe
      statements.length = 0;
      await Promise.all(streams.map((s, i) => store.appendToStream(s, events(1), { expectedRevision: i % 3 })));
      expect(statements.filter((t) => /append_events/.test(t))).toHaveLength(1);
    });
  });

  it('Given one turn of appends with a wrong expected revision, a retry of a stored append and new appends, When they share a statement, Then each caller gets its own answer and only the new events are written', async () => {
    await withRecordingStore({ schema: 'es_append_batch_mixed' }, async (store, statements) => {
      const { events, newEvent, uniqueStream } = await import('../contract/fixtures');
      const [stale, retried, fresh1, fresh2] = Array.from({ length: 4 }, () => uniqueStream('case'));
      await store.appendToStream(stale as string, events(2));
      const stored = [newEvent()];
      const first = await store.appendToStream(retried as string, stored);
      statements.length = 0;
      const [wrong, replay, a, b] = await Promise.allSettled([
        store.appendToStream(stale as string, [newEvent()], { expectedRevision: 0 }),
        store.appendToStream(retried as string, stored, { expectedRevision: 'no_stream' }),
        store.appendToStream(fresh1 as string, events(2), { expectedRevision: 'no_stream' }),
        store.appendToStream(fresh2 as string, [newEvent()], { expectedRevision: 'no_stream' }),
      ]);
      expect(statements.filter((t) => /append_events/.test(t))).toHaveLength(1);
      expect(wrong.status === 'rejected' && String(wrong.reason)).toMatch(/Wrong expected revision/);
      expect(replay).toEqual({ status: 'fulfilled', value: first });
      expect(a).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
      expect(b).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
      const counts = Object.fromEntries(await Promise.all([stale, retried, fresh1, fresh2].map(async (s) => [s, (await store.readStream(s as string)).length])));
      expect(counts).toEqual({ [stale as string]: 2, [retried as string]: 1, [fresh1 as string]: 2, [fresh2 as string]: 1 });
    });
  });

  it('Given one turn of appends where one reuses an event id stored in another stream, When the shared statement fails, Then the others are still appended on their own and that one alone is refused', async () => {
    await withRecordingStore({ schema: 'es_append_batch_conflict' }, async (store, statements) => {
      const { events, newEvent, uniqueStream } = await import('../contract/fixtures');
      const taken = newEvent();
      await store.appendToStream(uniqueStream('case'), [taken]);
      const others = Array.from({ length: 5 }, () => uniqueStream('case'));
      const thief = uniqueStream('case');
      statements.length = 0;
      const settled = await Promise.allSettled([
        ...others.map((s) => store.appendToStream(s, events(2), { expectedRevision: 'no_stream' })),
        store.appendToStream(thief, [newEvent('CaseNoteAdded', { other: true }, { metadata: taken.metadata })]),
      ]);
      expect(statements.filter((t) => /UNION ALL/.test(t))).toHaveLength(1);
      expect(settled.slice(0, 5).every((r) => r.status === 'fulfilled')).toBe(true);
      const refused = settled[5];
      expect(refused?.status === 'rejected' && (refused.reason as { reason?: string }).reason).toBe('other-stream');
      for (const s of others) expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1]);
      expect(await store.readStream(thief)).toEqual([]);
    });
  });

  it('Given a shared append statement held up on one of its streams while another appender takes positions and stays open, When the shared statement commits first, Then a reader that follows the global order still gets every event', async () => {
    const schema = 'es_append_batch_order';
    const store = await PostgresEventStore.create({ connectionString: dbUrl, poolSize: 8, schema });
    const locker = new Client({ connectionString: dbUrl });
    await locker.connect();
    try {
      const { eventually, newEvent, uniqueStream } = await import('../contract/fixtures');
      const [a, b, c] = [uniqueStream('case'), uniqueStream('case'), uniqueStream('case')] as [string, string, string];
      await store.appendToStream(b, [newEvent()]);
      const start = (await store.readAll()).at(-1)?.globalPosition as bigint;
      // B's stream row held elsewhere: the shared statement's call for B waits for it, whatever the calls' order
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM ${schema}.streams WHERE stream_name = $1 FOR UPDATE`, [b]);
      const shared = Promise.all([
        store.appendToStream(a, [newEvent()], { expectedRevision: 'no_stream' }),
        store.appendToStream(b, [newEvent()], { expectedRevision: 0 }),
      ]);
      await eventually(
        async () => (await store.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%reserve_positions%'`)).rows[0].n,
        (n) => n === 1,
      );
      // another appender takes its positions now, and its transaction stays open past the shared statement's commit
      const held = await store.beginAppend(c, [newEvent()]);
      await locker.query('COMMIT');
      await shared;
      const before = await store.readAll({ after: start });
      await held.commit();
      const rest = await store.readAll({ after: before.at(-1)?.globalPosition ?? start });
      expect([...before, ...rest].map((e) => e.streamName).sort()).toEqual([a, b, c].sort());
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('Given thirty stream reads asked for in one turn (whole, from a revision, one stream twice), When they run, Then two statements answer them and each caller gets what it would alone', async () => {
    await withRecordingStore({ schema: 'es_read_batch' }, async (store, statements) => {
      const { events, uniqueStream } = await import('../contract/fixtures');
      const streams = Array.from({ length: 29 }, () => uniqueStream('case'));
      for (const [i, s] of streams.entries()) await store.appendToStream(s, events(1 + (i % 4)));
      const asks = [...streams.map((s, i) => ({ s, from: i % 2 === 0 ? undefined : i % 4 })), { s: streams[0] as string, from: 0 }];
      const alone: number[][] = [];
      for (const { s, from } of asks) alone.push((await store.readStream(s, from === undefined ? {} : { fromRevision: from })).map((e) => Number(e.globalPosition)));
      statements.length = 0;
      const together = await Promise.all(asks.map(({ s, from }) => store.readStream(s, from === undefined ? {} : { fromRevision: from })));
      expect(statements.filter((t) => /FROM .*events/s.test(t))).toHaveLength(2); // the stream asked for twice goes in a second
      expect(together.map((read) => read.map((e) => Number(e.globalPosition)))).toEqual(alone);
      expect(together[1]?.[0]).toMatchObject({ streamName: streams[1], revision: 1, type: 'CaseNoteAdded' });
    });
  });

  it('Given the statements every command and subscription repeats (append, stream read, checkpoint save), When they run, Then each is a named prepared statement and still reads what is stored now', async () => {
    const named: { name: string | undefined; text: string }[] = [];
    const pool = new Pool({ connectionString: dbUrl, max: 1 }); // one connection: the prepared statements are reused
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const config = args[0] as string | { name?: string; text: string };
        if (typeof config !== 'string') named.push({ name: config.name, text: config.text });
        return query(...args);
      };
    });
    const store = await PostgresEventStore.create({ pool, schema: 'es_prepared' });
    try {
      const { newEvent } = await import('../contract/fixtures');
      named.length = 0;
      for (let i = 0; i < 7; i++) {
        await store.appendToStream('case-prepared', [newEvent()]);
        // past PostgreSQL's five custom plans: the generic plan must read the same rows
        expect((await store.readStream('case-prepared')).map((e) => e.revision)).toEqual([...Array(i + 1).keys()]);
        expect((await store.readStream('case-prepared', { fromRevision: i })).map((e) => e.revision)).toEqual([i]);
        await store.checkpoints.save('sub', BigInt(i + 1));
      }
      expect(await store.checkpoints.load('sub')).toBe(7n);
      const kinds = (pattern: RegExp) => named.filter((q) => pattern.test(q.text));
      for (const pattern of [/append_events/, /WHERE stream_name = \$1/, /INSERT INTO .*checkpoints/s]) {
        expect(kinds(pattern).length).toBeGreaterThanOrEqual(7);
        for (const q of kinds(pattern)) expect(q.name).toMatch(/^tio-event-store-/);
      }
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('Given another process appended since this store last saw the stream, When this store appends, Then it is told the head, chains onto it in one more call, and the stream verifies', async () => {
    const { pool, statements } = recordingPool();
    const key = Buffer.alloc(32, 9);
    const store = await PostgresEventStore.create({ pool, schema: 'es_stale_head', chainKey: key });
    const other = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_stale_head', chainKey: key });
    try {
      const { newEvent } = await import('../contract/fixtures');
      await store.appendToStream('case-stale', [newEvent()], { expectedRevision: 'no_stream' });
      await other.appendToStream('case-stale', [newEvent()], { expectedRevision: 0 });
      statements.length = 0;
      const result = await store.appendToStream('case-stale', [newEvent()], { expectedRevision: 1 });
      expect(result.nextExpectedRevision).toBe(2);
      expect(statements).toHaveLength(2);
      await expect(store.appendToStream('case-stale', [newEvent()], { expectedRevision: 1 })).rejects.toMatchObject({ actualRevision: 2 });
      // a stream this store never saw: the first call only asks for the head
      await other.appendToStream('case-unseen', [newEvent()]);
      statements.length = 0;
      await store.appendToStream('case-unseen', [newEvent()], { expectedRevision: 0 });
      expect(statements).toHaveLength(2);
      for (const stream of ['case-stale', 'case-unseen']) expect((await other.verifyStream(stream)).valid).toBe(true);
      expect((await store.readStream('case-stale')).map((e) => e.revision)).toEqual([0, 1, 2]);
    } finally {
      await store.close();
      await other.close();
      await pool.end();
    }
  });

  it('Given listeners on two stores, When one store appends, Then its own listener is called at once and the other store\'s soon after (head poller)', async () => {
    const writer = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_listeners' });
    const reader = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_listeners', headPollIntervalMs: 20 });
    const { newEvent, eventually } = await import('../contract/fixtures');
    let own = 0;
    let other = 0;
    const offOwn = writer.onAppended(() => void own++);
    const offOther = reader.onAppended(() => void other++);
    try {
      await new Promise((r) => setTimeout(r, 100)); // the reader's poller has seen the head as it is
      const seenBefore = other;
      await writer.appendToStream('case-listen', [newEvent()]);
      expect(own).toBeGreaterThanOrEqual(1); // as the append resolves, not after a poll
      await eventually(() => other, (n) => n > seenBefore, 2_000);
      offOwn();
      const ownBefore = own;
      await writer.appendToStream('case-listen', [newEvent()]);
      await new Promise((r) => setTimeout(r, 100));
      expect(own).toBe(ownBefore);
    } finally {
      offOther();
      await writer.close();
      await reader.close();
    }
  });

  it('Given listeners of two categories on another store, When a case append is made, Then the case listener hears its category and position, the advice listener nothing, and the writer\'s poller does not announce it again past its readers', async () => {
    const writer = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_categories', headPollIntervalMs: 10 });
    const reader = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_categories', headPollIntervalMs: 10 });
    const { newEvent, eventually } = await import('../contract/fixtures');
    const heard: Record<string, Appended[]> = { case: [], advice: [], own: [] };
    const offs = [
      reader.onAppended((a) => heard['case'].push(a), { category: 'case' }),
      reader.onAppended((a) => heard['advice'].push(a), { category: 'advice' }),
      writer.onAppended((a) => heard['own'].push(a), { category: 'case' }),
    ];
    try {
      await new Promise((r) => setTimeout(r, 100)); // both pollers have seen the head as it is
      for (const list of Object.values(heard)) list.length = 0;
      const { position } = await writer.appendToStream('case-categories', [newEvent()]);
      expect(heard['own'][0]).toEqual({ category: 'case', position }); // as the append resolves
      await eventually(() => heard['case'], (list) => list.some((a) => a.position === position), 2_000);
      expect(heard['case'].every((a) => a.category === 'case')).toBe(true);
      expect(heard['advice']).toEqual([]);
      // the writer's own poller sees it too, and announces no position beyond the one its append announced
      await new Promise((r) => setTimeout(r, 100));
      expect(heard['own'].every((a) => a.position === position)).toBe(true);
    } finally {
      for (const off of offs) off();
      await writer.close();
      await reader.close();
    }
  });

  it('Given a listener and no appends, When time passes, Then the head poller looks less and less often (up to its idle interval) and at its shortest interval again once it finds an append', async () => {
    const { pool, statements } = recordingPool();
    const reader = await PostgresEventStore.create({ pool, schema: 'es_backoff', headPollIntervalMs: 10, headPollIdleIntervalMs: 160 });
    const writer = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_backoff' });
    const { newEvent, eventually } = await import('../contract/fixtures');
    const polls = () => statements.filter((text) => /max\(global_position\)/.test(text)).length;
    const heard: Appended[] = [];
    statements.length = 0;
    const off = reader.onAppended((a) => heard.push(a));
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const idle = polls();
      // 10, 20, 40, 80 then every 160 ms: about 9 in a second, against 100 at a steady 10 ms
      expect(idle).toBeGreaterThanOrEqual(4);
      expect(idle).toBeLessThanOrEqual(14);
      const { position } = await writer.appendToStream('case-backoff', [newEvent()]);
      await eventually(() => heard, (list) => list.some((a) => a.position === position), 2_000);
      const found = polls();
      await new Promise((r) => setTimeout(r, 300));
      expect(polls() - found).toBeGreaterThanOrEqual(3); // 10, 30, 70, 150 ms after finding it (at 160 ms: 1 or 2)
    } finally {
      off();
      await reader.close();
      await writer.close();
      await pool.end();
    }
  });

  it('Given an idle poller, When this store appends while an older transaction is in flight (the append hidden from readers), Then it polls at its shortest interval until that transaction ends and announces the append then', async () => {
    const { pool, statements } = recordingPool();
    const store = await PostgresEventStore.create({ pool, schema: 'es_hidden', headPollIntervalMs: 10, headPollIdleIntervalMs: 60_000 });
    const { newEvent, eventually } = await import('../contract/fixtures');
    const polls = () => statements.filter((text) => /max\(global_position\)/.test(text)).length;
    const heard: Appended[] = [];
    const off = store.onAppended((a) => heard.push(a));
    const older = new Client({ connectionString: dbUrl });
    await older.connect();
    try {
      await new Promise((r) => setTimeout(r, 700)); // backed off: 10, 20, 40, 80, 160, 320 ms ... then 640 ms
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // holds a transaction id older than the append's
      const { position } = await store.appendToStream('case-hidden', [newEvent()]);
      expect(heard.filter((a) => a.position === position)).toHaveLength(1); // announced as it resolved, still hidden
      const before = polls();
      await new Promise((r) => setTimeout(r, 300));
      expect(polls() - before).toBeGreaterThanOrEqual(5); // every ~10 ms while hidden (backed off: none or one)
      await older.query('COMMIT');
      await eventually(() => heard.filter((a) => a.position !== undefined && a.position >= position).length, (n) => n >= 2, 2_000);
    } finally {
      off();
      await older.end();
      await store.close();
      await pool.end();
    }
  });

  it('Given a transaction in flight in another database of the cluster, When events are appended, Then readers cannot see them and unreadableEvents counts them with the oldest one\'s time, until that transaction ends', async () => {
    const store = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_unreadable' });
    const { newEvent } = await import('../contract/fixtures');
    const elsewhere = new Client({ connectionString: clusterUrl() }); // the cluster's default database, not the store's
    await elsewhere.connect();
    try {
      await store.appendToStream('case-readable', [newEvent()]);
      expect(await store.unreadableEvents()).toEqual({ events: 0, oldestRecordedAt: undefined });
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()'); // an id older than the appends below
      await store.appendToStream('case-hidden-1', [newEvent(), newEvent()]);
      await store.appendToStream('case-hidden-2', [newEvent()]);
      expect((await store.readAll()).map((e) => e.streamName)).toEqual(['case-readable']);
      const [recorded] = await store.readStream('case-hidden-1');
      const hidden = await store.unreadableEvents();
      expect(hidden).toEqual({ events: 3, oldestRecordedAt: recorded?.metadata.recordedAt });
      await elsewhere.query('COMMIT');
      expect(await store.unreadableEvents()).toEqual({ events: 0, oldestRecordedAt: undefined });
      expect(await store.readAll()).toHaveLength(4);
    } finally {
      await elsewhere.end();
      await store.close();
    }
  });

  it('Given a failed append (wrong revision), When the connection is reused, Then no advisory lock is left behind', async () => {
    const store = await PostgresEventStore.create({ connectionString: dbUrl, poolSize: 1 });
    try {
      const { newEvent } = await import('../contract/fixtures');
      await store.appendToStream('case-1', [newEvent()]);
      await expect(store.appendToStream('case-1', [newEvent()], { expectedRevision: 'no_stream' })).rejects.toThrow(/Wrong expected revision/);
      const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(rows[0].n).toBe(0);
      await store.appendToStream('case-1', [newEvent()], { expectedRevision: 0 });
    } finally {
      await store.close();
    }
  });

  it('Given a subscription busy with a slow handler, When appends keep arriving while it handles, Then it saves its checkpoint less often than it reads batches, and at the last event once idle and when stopped', async () => {
    const store = await PostgresEventStore.create({ connectionString: dbUrl, schema: 'es_deferred_checkpoints' });
    const { newEvent } = await import('../contract/fixtures');
    const saved: bigint[] = [];
    const save = store.checkpoints.save.bind(store.checkpoints);
    store.checkpoints.save = (id, position) => (saved.push(position), save(id, position));
    let batches = 0; // reads that found events: before, each was followed by a save
    const readAll = store.readAll.bind(store);
    store.readAll = async (options) => {
      const read = await readAll(options);
      if (read.length) batches++;
      return read;
    };
    const handled: bigint[] = [];
    // the handler of the first event waits until all twelve are stored: the rest are then read back to back, in
    // batches of three, whatever the machine's speed (appends timed against a slow handler were not, on a busy one)
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = store.subscribe({ subscriptionId: 'deferred', batchSize: 3, handler: async (e) => {
      handled.push(e.globalPosition);
      if (handled.length === 1) await gate;
    } });
    try {
      await sub.caughtUp;
      let last = 0n;
      for (let i = 0; i < 12; i++) last = (await store.appendToStream(`case-busy-${i}`, [newEvent()], { expectedRevision: 'no_stream' })).position;
      for (let i = 0; i < 200 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      release();
      for (let i = 0; i < 200 && sub.position() !== last; i++) await new Promise((r) => setTimeout(r, 25));
      expect(handled).toHaveLength(12);
      expect(sub.position()).toBe(last); // saved once it went idle
      expect(await store.checkpoints.load('deferred')).toBe(last);
      expect(batches).toBeGreaterThan(1);
      expect(saved.length).toBeLessThan(batches);
      const more = (await store.appendToStream('case-busy-last', [newEvent()], { expectedRevision: 'no_stream' })).position;
      await sub.stop(); // stopped at once: whatever it handled is saved
      if (handled.includes(more)) expect(await store.checkpoints.load('deferred')).toBe(more);
    } finally {
      await store.close();
    }
  });
});
