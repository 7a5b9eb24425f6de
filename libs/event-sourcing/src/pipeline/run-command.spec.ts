import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type Actor } from '@tio/event-store';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { requestScopeMiddleware } from '@tio/service-kit';
import type { Decider, DomainEvent } from '../decider';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './errors';
import { eventIdFor } from './ids';
import { forgetStreamState, loadState, runCommand, STREAM_STATE_CACHE_CAPACITY, type CommandContext } from './run-command';

// A tiny tally decider: enough to exercise loading, deciding, appending, retries and idempotency for real.
type TallyEvent = DomainEvent<'tally.added.v1', { amount: number }>;
type TallyCommand = { add: number };
class TooMuch extends Error {}
const tally: Decider<{ total: number }, TallyCommand, TallyEvent> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.amount }),
  decide: (c, s) => {
    if (s.total + c.add > 100) throw new TooMuch(`total would be ${s.total + c.add}`);
    return c.add === 0 ? [] : [{ type: 'tally.added.v1', data: { amount: c.add } }];
  },
};

describe('runCommand (the command pipeline) against the PostgreSQL event store', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const dbName = `es_kit_${randomUUID().slice(0, 8)}`;
  let store: PostgresEventStore;
  const actor: Actor = { userId: 'u1', organisationId: 'la-1', agency: 'local-authority', role: 'case-officer' };
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ caseId: 'c1', actor, correlationId: randomUUID(), ...over });

  beforeAll(async () => {
    store = await PostgresEventStore.create({ connectionString: await ensureDatabase(cluster, dbName), allowedCategories: ['tally'] });
  });
  afterAll(async () => {
    await store.close();
    await dropDatabase(cluster, dbName);
  });

  it('given an empty stream, when a command is handled, then its events are appended with the context as metadata', async () => {
    const stream = `tally-${randomUUID()}`;
    const result = await runCommand(store, stream, tally, { add: 5 }, ctx({ occurredAt: '2026-01-05T09:00:00.000Z' }));
    expect(result.state).toEqual({ total: 5 });
    expect(result.revision).toBe(0);
    expect(result.recorded).toHaveLength(1);
    expect(result.recorded[0].metadata).toMatchObject({ caseId: 'c1', actor, occurredAt: '2026-01-05T09:00:00.000Z' });
  });

  it('when the decider throws, then nothing is written and the domain error reaches the caller', async () => {
    const stream = `tally-${randomUUID()}`;
    await runCommand(store, stream, tally, { add: 90 }, ctx());
    await expect(runCommand(store, stream, tally, { add: 20 }, ctx())).rejects.toThrow(TooMuch);
    expect((await loadState(store, stream, tally)).state).toEqual({ total: 90 });
  });

  it('when the same command is retried with its idempotency key, then it returns the first result and writes nothing', async () => {
    const stream = `tally-${randomUUID()}`;
    const first = await runCommand(store, stream, tally, { add: 7 }, ctx({ idempotencyKey: 'submission-1' }));
    const retry = await runCommand(store, stream, tally, { add: 7 }, ctx({ idempotencyKey: 'submission-1' }));
    expect(retry.replayed).toBe(true);
    expect(retry.recorded.map((e) => e.metadata.eventId)).toEqual(first.recorded.map((e) => e.metadata.eventId));
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('when 20 writers race on one stream, then every command lands exactly once (retried on conflict, no lost update)', async () => {
    const stream = `tally-${randomUUID()}`;
    await Promise.all(Array.from({ length: 20 }, () => runCommand(store, stream, tally, { add: 1 }, ctx(), { maxAttempts: 50 })));
    const { state, events } = await loadState(store, stream, tally);
    expect(state).toEqual({ total: 20 });
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('when 10 retries of the same keyed command race, then exactly one set of events is written', async () => {
    const stream = `tally-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => runCommand(store, stream, tally, { add: 3 }, ctx({ idempotencyKey: 'dup' }), { maxAttempts: 50 })));
    expect(await store.readStream(stream)).toHaveLength(1);
    expect(new Set(results.flatMap((r) => r.recorded.map((e) => e.metadata.eventId))).size).toBe(1);
  });

  it('when a keyed command is retried with different content, then it is refused and nothing more is written', async () => {
    const stream = `tally-${randomUUID()}`;
    await runCommand(store, stream, tally, { add: 7 }, ctx({ idempotencyKey: 'submission-2' }));
    const refused = runCommand(store, stream, tally, { add: 8 }, ctx({ idempotencyKey: 'submission-2' }));
    await expect(refused).rejects.toThrow(IdempotencyKeyReusedError);
    await expect(refused).rejects.toMatchObject({ code: 'idempotency-key-reused', details: { why: 'different-content' } });
    expect((await loadState(store, stream, tally)).state).toEqual({ total: 7 });
  });

  it('when a key already used on one record is used on another by the same organisation, then it is refused there', async () => {
    await runCommand(store, `tally-${randomUUID()}`, tally, { add: 1 }, ctx({ idempotencyKey: 'submission-3' }));
    const other = `tally-${randomUUID()}`;
    await expect(runCommand(store, other, tally, { add: 1 }, ctx({ idempotencyKey: 'submission-3' }))).rejects.toMatchObject({ details: { why: 'other-record' } });
    expect(await store.readStream(other)).toHaveLength(0);
    // another organisation's key space is its own
    const theirs = await runCommand(store, other, tally, { add: 1 }, ctx({ idempotencyKey: 'submission-3', actor: { ...actor, organisationId: 'la-2' } }));
    expect(theirs.recorded).toHaveLength(1);
  });

  it('when a command with the same key is still being recorded, then an HTTP request is refused as in flight and a redelivered message replays', async () => {
    for (const refuseConcurrentRetry of [true, false]) {
      const stream = `tally-${randomUUID()}`;
      const key = `in-flight-${randomUUID()}`;
      // the first attempt has appended but not committed (the stream stays locked until it does)
      const first = await store.beginAppend(stream, [{
        type: 'tally.added.v1', data: { amount: 3 },
        metadata: { eventId: eventIdFor(`tally:${actor.organisationId}`, key, 0), caseId: 'c1', occurredAt: new Date().toISOString(), actor, correlationId: 'first' },
      }], { expectedRevision: 'no_stream' });
      // the retry reads the stream without it, decides and reaches its append, which waits for the first to commit
      const retry = runCommand(store, stream, tally, { add: 3 }, ctx({ idempotencyKey: key, ...(refuseConcurrentRetry ? { refuseConcurrentRetry } : {}) })).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      for (;;) {
        const { rows } = await store.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%append_events%'`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await first.commit();
      const outcome = await retry;
      if (refuseConcurrentRetry) expect((outcome as { error: unknown }).error).toBeInstanceOf(IdempotencyKeyInFlightError);
      else expect((outcome as { result: { replayed: boolean } }).result.replayed).toBe(true);
      expect(await store.readStream(stream)).toHaveLength(1);
    }
  });

  it('when the access rule refuses the caller, then nothing is decided or written', async () => {
    const stream = `tally-${randomUUID()}`;
    const decide = jest.spyOn(tally, 'decide');
    await expect(runCommand(store, stream, tally, { add: 2 }, ctx(), { authorise: () => { throw new Error('not yours'); } })).rejects.toThrow('not yours');
    expect(decide).not.toHaveBeenCalled();
    decide.mockRestore();
    expect(await store.readStream(stream)).toHaveLength(0);
  });

  it('the recorded events it returns are the ones the stream holds (ids, types, revisions), without reading the stream again', async () => {
    const stream = `tally-${randomUUID()}`;
    await runCommand(store, stream, tally, { add: 1 }, ctx());
    const read = jest.spyOn(store, 'readStream');
    const result = await runCommand(store, stream, tally, { add: 2 }, ctx());
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRestore();
    const stored = await store.readStream(stream);
    expect(result.recorded.map(({ eventId, type, revision }) => ({ eventId, type, revision }))).toEqual(
      stored.slice(1).map(({ metadata, type, revision }) => ({ eventId: metadata.eventId, type, revision })),
    );
  });

  describe('the cached state of a stream (StreamStateCache)', () => {
    // its own evolve (the cache is per decider), counting the events it folds
    let folded = 0;
    const counted: typeof tally = { ...tally, evolve: (s, e) => (folded++, tally.evolve(s, e)) };
    const other = (amount: number) => [{ type: 'tally.added.v1', data: { amount }, metadata: { eventId: randomUUID(), caseId: 'c1', occurredAt: new Date().toISOString(), actor, correlationId: randomUUID() } }];

    it('given this process ran commands on a stream, when the next command runs, then it reads and folds only its own last append, and decides on the whole stream\'s state', async () => {
      const stream = `tally-${randomUUID()}`;
      for (const add of [1, 2, 3]) await runCommand(store, stream, counted, { add }, ctx());
      const read = jest.spyOn(store, 'readStream');
      folded = 0;
      const result = await runCommand(store, stream, counted, { add: 4 }, ctx());
      expect(read.mock.calls).toEqual([[stream, { fromRevision: 2 }]]);
      read.mockRestore();
      expect(folded).toBe(2); // the third command's event, then the fourth's for the answer
      expect(result).toMatchObject({ state: { total: 10 }, revision: 3 });
      expect((await loadState(store, stream, tally)).state).toEqual({ total: 10 });
    });

    it('given another process appended to the stream, when the next command runs, then it reads the stream whole and decides on it', async () => {
      const stream = `tally-${randomUUID()}`;
      const replica = await PostgresEventStore.create({ connectionString: store.pool.options.connectionString as string, allowedCategories: ['tally'], migrate: false });
      try {
        await runCommand(store, stream, counted, { add: 50 }, ctx());
        await runCommand(replica, stream, tally, { add: 40 }, ctx());
        const read = jest.spyOn(store, 'readStream');
        await expect(runCommand(store, stream, counted, { add: 20 }, ctx())).rejects.toThrow(TooMuch);
        expect(read.mock.calls).toEqual([[stream, { fromRevision: 0 }], [stream]]); // its own first event, then the replica's: read whole
        read.mockRestore();
      } finally {
        await replica.close();
      }
    });

    it('given a cached stream is forgotten (its personal data erased here), when it is loaded, then it is read whole', async () => {
      const stream = `tally-${randomUUID()}`;
      await runCommand(store, stream, counted, { add: 5 }, ctx());
      expect((await loadState(store, stream, counted, { cached: true })).state).toEqual({ total: 5 });
      forgetStreamState(store, stream);
      const read = jest.spyOn(store, 'readStream');
      expect((await loadState(store, stream, counted, { cached: true })).state).toEqual({ total: 5 });
      expect(read.mock.calls).toEqual([[stream]]);
      read.mockRestore();
    });

    it('given a stream longer than the cache holds (events in all), when the next command runs, then it reads the stream whole: memory stays bounded', async () => {
      const stream = `tally-${randomUUID()}`;
      const { events } = STREAM_STATE_CACHE_CAPACITY;
      STREAM_STATE_CACHE_CAPACITY.events = 3;
      try {
        // the fifth command reads what follows the fourth, and the four events it then has are not kept
        for (const add of [1, 1, 1, 1, 1]) await runCommand(store, stream, counted, { add }, ctx());
        const read = jest.spyOn(store, 'readStream');
        expect((await runCommand(store, stream, counted, { add: 1 }, ctx())).state).toEqual({ total: 6 });
        expect(read.mock.calls).toEqual([[stream]]);
        read.mockRestore();
      } finally {
        STREAM_STATE_CACHE_CAPACITY.events = events;
      }
    });

    it('given a command decided on the cached state loses its append to a writer in this process, then it is decided again on a fresh read', async () => {
      const stream = `tally-${randomUUID()}`;
      await runCommand(store, stream, counted, { add: 10 }, ctx());
      const results = await Promise.all(Array.from({ length: 8 }, () => runCommand(store, stream, counted, { add: 10 }, ctx(), { maxAttempts: 50 })));
      expect(results.map((r) => r.revision).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await runCommand(store, stream, counted, { add: 0 }, ctx())).state).toEqual({ total: 90 });
      await store.appendToStream(stream, other(5));
      expect((await loadState(store, stream, counted, { cached: true })).state).toEqual({ total: 95 });
    });
  });

  describe('in one HTTP request (the request scope)', () => {
    const inRequest = <T>(fn: () => Promise<T>) => new Promise<T>((resolve, reject) => requestScopeMiddleware(undefined, undefined, () => fn().then(resolve, reject)));

    it('given the request read the stream (its involvement check), when the command runs, then it decides on that read without reading again', async () => {
      const stream = `tally-${randomUUID()}`;
      await runCommand(store, stream, tally, { add: 1 }, ctx());
      const read = jest.spyOn(store, 'readStream');
      const { result, after } = await inRequest(async () => {
        expect((await loadState(store, stream, tally)).state).toEqual({ total: 1 });
        const result = await runCommand(store, stream, tally, { add: 2 }, ctx());
        // the read was used once: a later load in the request reads again and sees the command's event
        return { result, after: await loadState(store, stream, tally) };
      });
      expect(read).toHaveBeenCalledTimes(2);
      read.mockRestore();
      expect(result).toMatchObject({ state: { total: 3 }, revision: 1 });
      expect(after).toMatchObject({ state: { total: 3 }, revision: 1 });
    });

    it('given another writer appends between the request\'s read and its command, then the append at the old revision fails and the command is decided again on a fresh read', async () => {
      const stream = `tally-${randomUUID()}`;
      await runCommand(store, stream, tally, { add: 50 }, ctx());
      const decide = jest.spyOn(tally, 'decide');
      await expect(inRequest(async () => {
        await loadState(store, stream, tally);
        // another writer (another replica, say): total 90
        await store.appendToStream(stream, [{ type: 'tally.added.v1', data: { amount: 40 }, metadata: { eventId: randomUUID(), caseId: 'c1', occurredAt: new Date().toISOString(), actor, correlationId: randomUUID() } }]);
        return runCommand(store, stream, tally, { add: 20 }, ctx());
      })).rejects.toThrow(TooMuch); // decided on the stale read (50 + 20) the append fails; on the fresh read, 110 > 100
      expect(decide).toHaveBeenCalledTimes(2);
      decide.mockRestore();
      expect((await loadState(store, stream, tally)).state).toEqual({ total: 90 });
    });
  });
});
