import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { chainKeyFrom } from '../authentication';
import { events, uniqueStream } from '../contract/fixtures';
import type { StreamCheckpoint } from '../verification';
import { EventStoreForger } from './forgery';
import { PostgresEventStore } from './postgres-event-store';

/**
 * Forgeries by someone who can write the event store's database but does not hold the chain key: each is done in
 * SQL with the public hash algorithm (EventStoreForger), leaves a chain that verifies WITHOUT the key (the check as
 * it stood before the MACs, shown by `unkeyed`), and must be reported at the first altered revision with it.
 */
describe('tamper evidence against a database writer (PostgreSQL, keyed chain)', () => {
  const db = 'es_tamper_evidence';
  const key = randomBytes(32);
  let keyed: PostgresEventStore;
  let unkeyed: PostgresEventStore;
  let forger: EventStoreForger;
  let url: string;

  beforeAll(async () => {
    url = await ensureDatabase(process.env['DATABASE_URL'] as string, db);
    keyed = await PostgresEventStore.create({ connectionString: url, chainKey: key, poolSize: 3 });
    unkeyed = await PostgresEventStore.create({ connectionString: url, poolSize: 2 });
    forger = new EventStoreForger(keyed.pool);
  });
  afterAll(async () => {
    await keyed?.close();
    await unkeyed?.close();
    await dropDatabase(process.env['DATABASE_URL'] as string, db);
  });

  /** Six events in three appends, so the stream has had three authenticated heads. */
  async function streamOfSix(): Promise<string> {
    const stream = uniqueStream();
    for (let i = 0; i < 3; i++) await keyed.appendToStream(stream, events(2));
    expect(await keyed.verifyStream(stream)).toEqual({ streamName: stream, eventsChecked: 6, valid: true });
    return stream;
  }

  it('Given a keyed stream, When revision 2 is changed and the chain and head are recomputed in SQL, Then verifyStream reports revision 2 not authenticated', async () => {
    const stream = await streamOfSix();
    const [target] = await keyed.readStream(stream, { fromRevision: 2, maxCount: 1 });
    await forger.rewriteEvent(stream, 2, { n: 999 });
    expect((await unkeyed.verifyStream(stream)).valid).toBe(true);
    expect(await keyed.verifyStream(stream)).toEqual({
      streamName: stream, eventsChecked: 3, valid: false, firstBreak: { revision: 2, eventId: target?.metadata.eventId, reason: 'not-authenticated' },
    });
  });

  it('Given a keyed stream, When revisions 4-5 are deleted and the head rewound to revision 3 (with its event MAC), Then verifyStream reports revision 4', async () => {
    const stream = await streamOfSix();
    await forger.truncateTail(stream, 4);
    expect(await unkeyed.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 4 });
    expect(await keyed.verifyStream(stream)).toEqual({ streamName: stream, eventsChecked: 4, valid: false, firstBreak: { revision: 4, reason: 'stream-head-not-authenticated' } });
  });

  it('Given a keyed stream, When revision 2 is deleted, the later ones renumbered and the chain recomputed, Then verifyStream names revision 2 (the deleted one)', async () => {
    const stream = await streamOfSix();
    const [moved] = await keyed.readStream(stream, { fromRevision: 3, maxCount: 1 });
    await forger.deleteEvent(stream, 2);
    expect(await unkeyed.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 5 });
    expect(await keyed.verifyStream(stream)).toEqual({
      streamName: stream, eventsChecked: 3, valid: false, firstBreak: { revision: 2, eventId: moved?.metadata.eventId, reason: 'not-authenticated' },
    });
  });

  it('Given a keyed stream, When revision 2 is deleted and nothing renumbered, Then the gap is reported at revision 2, not 3', async () => {
    const stream = await streamOfSix();
    await keyed.pool.query(`DELETE FROM event_store.events WHERE stream_name = $1 AND revision = 2`, [stream]);
    expect((await keyed.verifyStream(stream)).firstBreak).toEqual({ revision: 2, reason: 'revision-gap' });
  });

  it('Given a head kept outside the store, When the stream is restored from an earlier copy (valid MACs throughout), Then verifyStream with that checkpoint names the first revision lost', async () => {
    const stream = uniqueStream();
    await keyed.appendToStream(stream, events(3));
    const copy = await forger.snapshot(stream);
    await keyed.appendToStream(stream, events(3));
    const [head] = await keyed.readStream(stream, { direction: 'backwards', maxCount: 1 });
    const kept: StreamCheckpoint = { revision: 5, hash: head?.hash as string };
    await copy.restore();
    // everything in the database is genuine, from an earlier day: only the kept head can tell
    expect(await keyed.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 3 });
    expect(await keyed.verifyStream(stream, { checkpoints: [kept] })).toEqual({ streamName: stream, eventsChecked: 3, valid: false, firstBreak: { revision: 3, reason: 'checkpoint-missing' } });
  });

  it('Given a restored copy that was then appended to, When verified against the kept heads, Then the break is after the last kept head that still matches', async () => {
    const stream = uniqueStream();
    await keyed.appendToStream(stream, events(2));
    const [early] = await keyed.readStream(stream, { direction: 'backwards', maxCount: 1 });
    const copy = await forger.snapshot(stream);
    await keyed.appendToStream(stream, events(2));
    const [late] = await keyed.readStream(stream, { direction: 'backwards', maxCount: 1 });
    await copy.restore();
    await keyed.appendToStream(stream, events(3)); // the service goes on writing over the restored copy: all validly MACed
    const checkpoints = [{ revision: 1, hash: early?.hash as string }, { revision: 3, hash: late?.hash as string }];
    expect((await keyed.verifyStream(stream)).valid).toBe(true);
    expect((await keyed.verifyStream(stream, { checkpoints })).firstBreak).toMatchObject({ revision: 2, reason: 'checkpoint-mismatch' });
  });

  it('Given a kept head after the rewritten revision, When verified, Then the MAC names the exact revision rather than the checkpoint\'s bound', async () => {
    const stream = await streamOfSix();
    const [head] = await keyed.readStream(stream, { direction: 'backwards', maxCount: 1 });
    await forger.rewriteEvent(stream, 3, { n: 'forged' });
    expect((await keyed.verifyStream(stream, { checkpoints: [{ revision: 5, hash: head?.hash as string }] })).firstBreak).toMatchObject({ revision: 3, reason: 'not-authenticated' });
  });

  it('Given MACs stripped (set to NULL), Then the first event is reported not authenticated', async () => {
    const stream = await streamOfSix();
    await keyed.pool.query(`UPDATE event_store.events SET mac = NULL WHERE stream_name = $1`, [stream]);
    expect((await keyed.verifyStream(stream)).firstBreak).toMatchObject({ revision: 0, reason: 'not-authenticated' });
  });

  it('Given a store written before the chain key existed, When first opened with the key, Then its history is MACed once (in the migration) and never again', async () => {
    const schema = 'es_before_key';
    const before = await PostgresEventStore.create({ connectionString: url, schema, poolSize: 2 });
    const stream = uniqueStream();
    try {
      await before.appendToStream(stream, events(3));
      // as the store stood before migration 2
      await before.pool.query(`ALTER TABLE ${schema}.events DROP COLUMN mac; ALTER TABLE ${schema}.streams DROP COLUMN head_mac; DELETE FROM ${schema}.migrations WHERE version = 2`);
    } finally {
      await before.close();
    }
    const opened = await PostgresEventStore.create({ connectionString: url, schema, chainKey: key, poolSize: 2 });
    try {
      expect(await opened.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 3 });
      await opened.pool.query(`UPDATE ${schema}.events SET mac = NULL WHERE stream_name = $1 AND revision = 1`, [stream]);
    } finally {
      await opened.close();
    }
    const reopened = await PostgresEventStore.create({ connectionString: url, schema, chainKey: key, poolSize: 2 });
    try {
      expect((await reopened.verifyStream(stream)).firstBreak).toMatchObject({ revision: 1, reason: 'not-authenticated' });
    } finally {
      await reopened.close();
    }
  });

  it('derives the chain key from TIO_MASTER_KEY under its own label, or takes TIO_CHAIN_KEY, and refuses neither or a bad one', () => {
    const master = randomBytes(32).toString('base64');
    const derived = chainKeyFrom({ TIO_MASTER_KEY: master });
    expect(derived).toHaveLength(32);
    expect(derived.equals(Buffer.from(master, 'base64'))).toBe(false);
    expect(chainKeyFrom({ TIO_MASTER_KEY: master }).equals(derived)).toBe(true);
    const own = randomBytes(32);
    expect(chainKeyFrom({ TIO_MASTER_KEY: master, TIO_CHAIN_KEY: own.toString('base64') }).equals(own)).toBe(true);
    expect(() => chainKeyFrom({})).toThrow(/TIO_CHAIN_KEY \(or TIO_MASTER_KEY/);
    expect(() => chainKeyFrom({ TIO_CHAIN_KEY: 'short' })).toThrow(/32 bytes/);
  });
});
