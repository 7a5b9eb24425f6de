/* eslint-disable @typescript-eslint/no-non-null-assertion */
import { randomUUID } from 'node:crypto';
import {
  CategoryNotAllowedError, EventIdConflictError, EventTooLargeError, InvalidEventError, InvalidStreamNameError,
  NonSerialisableEventError, WrongExpectedRevisionError,
} from '../errors';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, RecordedEvent, Subscription } from '../port';
import type { Upcaster } from '../upcasting';
import { eventually, events, newEvent, uniqueCategory, uniqueStream } from './fixtures';

export interface ContractStoreOptions {
  allowedCategories?: readonly string[];
  upcasters?: Upcaster[];
  maxEventBytes?: number;
  pollIntervalMs?: number;
}

/** An append whose transaction is held open, to commit it "late". */
export interface HeldOpenAppend {
  result: AppendResult;
  commit(): Promise<void>;
}

/** What each adapter supplies to run the shared contract. */
export interface EventStoreContractHarness {
  /** Shown in the describe title. */
  name: string;
  /** When set, the whole suite is registered as skipped with this reason in its title. */
  skipReason?: string;
  /** Called once before the suite. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A store over the harness's database; every test uses its own streams/categories. */
  create(options?: ContractStoreOptions): Promise<EventStore>;
  /** Changes a stored event's data behind the store's back (e.g. a direct UPDATE); absent where events are immutable. */
  tamper?(store: EventStore, streamName: string, revision: number, data: unknown): Promise<void>;
  /** Engine-specific: append inside a transaction that stays open until `commit()`. */
  beginAppend?(store: EventStore, streamName: string, events: NewEvent[], expectedRevision?: ExpectedRevision): Promise<HeldOpenAppend>;
  /** Engine-specific: a store whose every append sleeps a random 0..maxDelayMs inside its transaction. */
  createWithSlowCommits?(maxDelayMs: number): Promise<EventStore>;
  /** Whether an event id is unique across ALL streams (PostgreSQL) or per stream only (EventStoreDB). */
  globallyUniqueEventIds: boolean;
}

async function collect(store: EventStore, category: string): Promise<RecordedEvent[]> {
  return store.readAll({ category });
}

async function expectRejects<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}, but the call succeeded`);
}

/**
 * The behaviour every EventStore adapter must have. Call it from a spec file with the adapter's harness.
 */
export function eventStoreContract(harness: EventStoreContractHarness): void {
  const title = `EventStore contract: ${harness.name}`;
  if (harness.skipReason) {
    console.info(`${title}: skipped (${harness.skipReason})`);
    describe.skip(`${title} (skipped: ${harness.skipReason})`, () => {
      it('runs the contract suite', () => undefined);
    });
    return;
  }

  describe(title, () => {
    let store: EventStore;
    const extraStores: EventStore[] = [];
    const open = async (options?: ContractStoreOptions) => {
      const s = await harness.create(options);
      extraStores.push(s);
      return s;
    };

    beforeAll(async () => {
      await harness.setup?.();
      store = await harness.create({ pollIntervalMs: 250 });
    });
    afterAll(async () => {
      await Promise.allSettled(extraStores.map((s) => s.close()));
      await store?.close();
      await harness.teardown?.();
    });

    describe('appending and reading a stream', () => {
      it('Given no stream, When events are appended with no_stream, Then they read back in order with revisions, metadata and recordedAt', async () => {
        const stream = uniqueStream();
        const batch = [newEvent('CaseOpened', { child: { name: 'A', yearGroup: 3 } }), newEvent('CaseNoteAdded', { note: 'x' })];
        const before = Date.now();
        const result = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1);
        expect(typeof result.position).toBe('bigint');

        const read = await store.readStream(stream);
        expect(read.map((e) => [e.revision, e.type])).toEqual([[0, 'CaseOpened'], [1, 'CaseNoteAdded']]);
        expect(read[0]!.data).toEqual({ child: { name: 'A', yearGroup: 3 } });
        expect(read[0]!.streamName).toBe(stream);
        expect(read[0]!.schemaVersion).toBe(1);
        expect(read[0]!.metadata).toMatchObject({ ...batch[0]!.metadata });
        expect(Date.parse(read[0]!.metadata.recordedAt)).toBeGreaterThanOrEqual(before - 5_000);
        expect(read[1]!.globalPosition).toBe(result.position);
        expect(read[0]!.globalPosition < read[1]!.globalPosition).toBe(true);
      });

      it('Given a stream of 5, When reading forwards/backwards from a revision with maxCount, Then the right slice comes back', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(5));
        const rev = async (o: Parameters<EventStore['readStream']>[1]) => (await store.readStream(stream, o)).map((e) => e.revision);
        expect(await rev({})).toEqual([0, 1, 2, 3, 4]);
        expect(await rev({ fromRevision: 2 })).toEqual([2, 3, 4]);
        expect(await rev({ fromRevision: 1, maxCount: 2 })).toEqual([1, 2]);
        expect(await rev({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await rev({ direction: 'backwards', fromRevision: 3, maxCount: 2 })).toEqual([3, 2]);
        expect(await rev({ direction: 'backwards', maxCount: 1 })).toEqual([4]);
      });

      it('Given no stream, When reading it, Then the result is empty (not an error)', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
      });

      it.each<[string, ExpectedRevision, (s: string) => Promise<unknown>, number | 'no_stream']>([
        ['no_stream on an existing stream', 'no_stream', (s) => store.appendToStream(s, events(2)), 1],
        ['an exact revision behind the head', 0, (s) => store.appendToStream(s, events(3)), 2],
        ['an exact revision on a missing stream', 0, async () => undefined, 'no_stream'],
        ['stream_exists on a missing stream', 'stream_exists', async () => undefined, 'no_stream'],
      ])('Given %s, When appending, Then WrongExpectedRevisionError carries stream, expected and actual', async (_label, expected, given, actual) => {
        const stream = uniqueStream();
        await given(stream);
        const err = await expectRejects(store.appendToStream(stream, [newEvent()], { expectedRevision: expected }), WrongExpectedRevisionError);
        expect(err).toMatchObject({ streamName: stream, expectedRevision: expected, actualRevision: actual, code: 'WRONG_EXPECTED_REVISION' });
        const after = await store.readStream(stream);
        expect(after.length).toBe(actual === 'no_stream' ? 0 : actual + 1);
      });

      it('Given a stream at revision 1, When appending with expected 1, stream_exists or any, Then each succeeds', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(2));
        expect((await store.appendToStream(stream, [newEvent()], { expectedRevision: 1 })).nextExpectedRevision).toBe(2);
        expect((await store.appendToStream(stream, [newEvent()], { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(3);
        expect((await store.appendToStream(stream, [newEvent()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(4);
      });
    });

    describe('reading all events', () => {
      it('Given appends to several streams, When reading all by category, after a position and with maxCount, Then global order is kept', async () => {
        const category = uniqueCategory();
        const a = `${category}-a`;
        const b = `${category}-b`;
        await store.appendToStream(a, [newEvent('E', { i: 0 })]);
        await store.appendToStream(b, [newEvent('E', { i: 1 }), newEvent('E', { i: 2 })]);
        await store.appendToStream(a, [newEvent('E', { i: 3 })]);
        await store.appendToStream(uniqueStream(), [newEvent('Other')]);

        const all = await eventually(() => collect(store, category), (r) => r.length === 4);
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3]);
        const positions = all.map((e) => e.globalPosition);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
        expect(new Set(positions).size).toBe(4);

        const after = await store.readAll({ category, after: positions[1] });
        expect(after.map((e) => (e.data as { i: number }).i)).toEqual([2, 3]);
        const limited = await store.readAll({ category, maxCount: 2 });
        expect(limited.map((e) => (e.data as { i: number }).i)).toEqual([0, 1]);
        const unfiltered = await store.readAll({ after: positions[0], maxCount: 1 });
        expect(unfiltered[0]!.globalPosition).toBe(positions[1]);
      });
    });

    describe('optimistic concurrency (real races over separate connections)', () => {
      it('Given a stream at revision r, When 8 writers append at expected r at the same moment (25 rounds), Then exactly one wins each round and the others get the actual revision', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [newEvent()], { expectedRevision: 'no_stream' });
        const writers = 8;
        for (let round = 0; round < 25; round++) {
          const expected = round;
          const outcomes = await Promise.allSettled(
            Array.from({ length: writers }, (_, w) => store.appendToStream(stream, [newEvent('Raced', { round, w })], { expectedRevision: expected })),
          );
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(won).toHaveLength(1);
          expect((won[0] as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(expected + 1);
          for (const l of lost) {
            expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
            expect(l.reason).toMatchObject({ streamName: stream, expectedRevision: expected, actualRevision: expected + 1 });
          }
        }
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 26 }, (_, i) => i));
        expect((await store.verifyStream(stream)).valid).toBe(true);
      });

      it('Given no stream, When 8 writers create it with no_stream at once (10 rounds), Then exactly one creates it', async () => {
        for (let round = 0; round < 10; round++) {
          const stream = uniqueStream();
          const outcomes = await Promise.allSettled(
            Array.from({ length: 8 }, () => store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' })),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ actualRevision: 1 });
          expect(await store.readStream(stream)).toHaveLength(2);
        }
      });

      it('Given many writers with expected any, When they append concurrently, Then nothing is lost and the chain stays valid', async () => {
        const stream = uniqueStream();
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.appendToStream(stream, [newEvent('Any', { i })], { expectedRevision: 'any' })));
        expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(40);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 40 }, (_, i) => i));
        expect(new Set(read.map((e) => (e.data as { i: number }).i)).size).toBe(40);
        expect((await store.verifyStream(stream)).valid).toBe(true);
      });
    });

    describe('idempotent append', () => {
      it('Given an appended batch, When exactly the same batch is appended again, Then the original result returns and nothing is written', async () => {
        const category = uniqueCategory();
        const stream = `${category}-1`;
        const batch = events(3);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [newEvent()]);
        const again = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const again2 = await store.appendToStream(stream, batch);
        expect(again2).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(4);
      });

      it('Given a timed-out append being retried, When 6 identical retries race, Then all get the same result and it is written once', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [newEvent()]);
        const batch = events(2);
        const results = await Promise.all(Array.from({ length: 6 }, () => store.appendToStream(stream, batch, { expectedRevision: 0 })));
        for (const r of results) expect(r).toEqual(results[0]);
        expect(results[0]!.nextExpectedRevision).toBe(2);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('Given a stored event, When its id is reused with different content, Then EventIdConflictError (content-differs) and nothing is written', async () => {
        const stream = uniqueStream();
        const original = newEvent('E', { v: 1 });
        await store.appendToStream(stream, [original]);
        const forged = { ...original, data: { v: 2 } };
        const err = await expectRejects(store.appendToStream(stream, [forged]), EventIdConflictError);
        expect(err).toMatchObject({ eventId: original.metadata.eventId, reason: 'content-differs' });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('Given a stored event, When a batch reuses its id alongside new events, Then EventIdConflictError (partial-batch) and nothing is written', async () => {
        const stream = uniqueStream();
        const original = newEvent();
        await store.appendToStream(stream, [original]);
        const err = await expectRejects(store.appendToStream(stream, [original, newEvent()]), EventIdConflictError);
        expect(err.reason).toBe('partial-batch');
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      (harness.globallyUniqueEventIds ? it : it.skip)('Given an event in one stream, When its id is appended to another stream, Then EventIdConflictError (other-stream)', async () => {
        const original = newEvent();
        await store.appendToStream(uniqueStream(), [original]);
        const other = uniqueStream();
        const err = await expectRejects(store.appendToStream(other, [original]), EventIdConflictError);
        expect(err.reason).toBe('other-stream');
        expect(await store.readStream(other)).toHaveLength(0);
      });
    });

    describe('tamper evidence (hash chain)', () => {
      it('Given an untouched stream, When verifying, Then it is valid and each event chains to the previous hash', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(3));
        await store.appendToStream(stream, events(2));
        const read = await store.readStream(stream);
        expect(read[0]!.previousHash).toBeNull();
        for (let i = 1; i < read.length; i++) expect(read[i]!.previousHash).toBe(read[i - 1]!.hash);
        for (const e of read) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.verifyStream(stream)).toEqual({ streamName: stream, eventsChecked: 5, valid: true });
      });

      (harness.tamper ? it : it.skip)('Given a stream of 5, When revision 2 is edited directly in the database, Then verifyStream reports exactly revision 2', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, events(5));
        const target = (await store.readStream(stream))[2]!;
        await harness.tamper!(store, stream, 2, { n: 999 });
        const verification = await store.verifyStream(stream);
        expect(verification.valid).toBe(false);
        expect(verification.firstBreak).toEqual({ revision: 2, eventId: target.metadata.eventId, reason: 'content-hash-mismatch' });
      });
    });

    describe('schema versions and upcasting', () => {
      it('Given v1 and v2 events stored, When read through upcasters v1->v2->v3, Then every read path returns v3 while history and hashes stay as written', async () => {
        const category = uniqueCategory();
        const stream = `${category}-1`;
        const upcasters: Upcaster[] = [
          { type: 'ChildRegistered', fromVersion: 1, upcast: (d: { name: string }) => ({ fullName: d.name }) },
          { type: 'ChildRegistered', fromVersion: 2, upcast: (d: { fullName: string }) => ({ fullName: d.fullName, preferredName: null }) },
        ];
        const upcasting = await open({ upcasters });
        await store.appendToStream(stream, [
          newEvent('ChildRegistered', { name: 'Sam' }, { schemaVersion: 1 }),
          newEvent('ChildRegistered', { fullName: 'Alex' }, { schemaVersion: 2 }),
          newEvent('ChildRegistered', { fullName: 'Jo', preferredName: 'J' }, { schemaVersion: 3 }),
        ]);
        const expected = [{ fullName: 'Sam', preferredName: null }, { fullName: 'Alex', preferredName: null }, { fullName: 'Jo', preferredName: 'J' }];
        const read = await upcasting.readStream(stream);
        expect(read.map((e) => e.data)).toEqual(expected);
        expect(read.map((e) => e.schemaVersion)).toEqual([3, 3, 3]);
        const all = await eventually(() => upcasting.readAll({ category }), (r) => r.length === 3);
        expect(all.map((e) => e.data)).toEqual(expected);
        const seen: unknown[] = [];
        const sub = upcasting.subscribe({ subscriptionId: randomUUID(), category, handler: async (e) => void seen.push(e.data) });
        await sub.caughtUp;
        await sub.stop();
        expect(seen).toEqual(expected);
        const raw = await store.readStream(stream);
        expect(raw.map((e) => e.schemaVersion)).toEqual([1, 2, 3]);
        expect(raw.map((e) => e.hash)).toEqual(read.map((e) => e.hash));
        expect((await upcasting.verifyStream(stream)).valid).toBe(true);
      });
    });

    describe('bad input: typed errors and nothing half-written', () => {
      it.each(['', 'nocategory', 'Case-1', '-1', 'case-', 'case 1', 'case-a b', '$all', '$ce-case', 'ca$e-1', '1case-1', `case-${'x'.repeat(201)}`])(
        'Given stream name %j, When appending or reading, Then InvalidStreamNameError',
        async (name) => {
          await expectRejects(store.appendToStream(name, [newEvent()]), InvalidStreamNameError);
          await expectRejects(store.readStream(name), InvalidStreamNameError);
        },
      );

      it.each<[string, unknown]>([
        ['a BigInt', { amount: 10n }],
        ['a cycle', (() => { const o: Record<string, unknown> = { a: 1 }; o['self'] = o; return o; })()],
        ['a function', { f: () => 1 }],
        ['a Date object', { when: new Date() }],
        ['NaN', { n: Number.NaN }],
        ['a NUL character', { s: 'a\u0000b' }],
        ['a lone surrogate', { s: '\uD800' }],
        ['a Map', { m: new Map() }],
      ])('Given data with %s in the second event, When appending, Then NonSerialisableEventError and the first event is not written either', async (_label, data) => {
        const stream = uniqueStream();
        await expectRejects(store.appendToStream(stream, [newEvent('Ok'), newEvent('Bad', data)]), NonSerialisableEventError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('Given an event over the size limit, When appending, Then EventTooLargeError and nothing is written', async () => {
        const stream = uniqueStream();
        const err = await expectRejects(store.appendToStream(stream, [newEvent(), newEvent('Big', { blob: 'x'.repeat(1024 * 1024) })]), EventTooLargeError);
        expect(err.limitBytes).toBe(1024 * 1024);
        expect(err.sizeBytes).toBeGreaterThan(1024 * 1024);
        expect(await store.readStream(stream)).toEqual([]);
        const small = await open({ maxEventBytes: 2048 });
        await expectRejects(small.appendToStream(stream, [newEvent('Mid', { blob: 'x'.repeat(4096) })]), EventTooLargeError);
        await small.appendToStream(stream, [newEvent('Small', { blob: 'x'.repeat(100) })]);
      });

      it('Given a store limited to the case category, When appending to another category, Then CategoryNotAllowedError, nothing written, and reads still work', async () => {
        const caseStore = await open({ allowedCategories: ['case'] });
        const foreign = uniqueStream('health');
        await expectRejects(caseStore.appendToStream(foreign, [newEvent()]), CategoryNotAllowedError);
        expect(await store.readStream(foreign)).toEqual([]);
        const own = `case-${randomUUID()}`;
        await caseStore.appendToStream(own, [newEvent()]);
        await store.appendToStream(foreign, [newEvent()]);
        expect(await caseStore.readStream(foreign)).toHaveLength(1);
      });

      it.each<[string, () => NewEvent[]]>([
        ['an empty batch', () => []],
        ['a non-UUID event id', () => [newEvent('E', {}, { metadata: { ...newEvent().metadata, eventId: 'not-a-uuid' } })]],
        ['a missing actor', () => [newEvent('E', {}, { metadata: { ...newEvent().metadata, actor: undefined as never } })]],
        ['an unknown agency', () => [newEvent('E', {}, { metadata: { ...newEvent().metadata, actor: { ...newEvent().metadata.actor, agency: 'police' as never } } })]],
        ['an empty type', () => [newEvent('')]],
        ['a $-type', () => [newEvent('$metadata')]],
        ['schemaVersion 0', () => [newEvent('E', {}, { schemaVersion: 0 })]],
        ['a duplicated id within the batch', () => { const e = newEvent(); return [e, { ...e }]; }],
      ])('Given %s, When appending, Then InvalidEventError and nothing is written', async (_label, make) => {
        const stream = uniqueStream();
        await expectRejects(store.appendToStream(stream, make()), InvalidEventError);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('catch-up subscriptions', () => {
      const subs: Subscription[] = [];
      afterEach(async () => {
        await Promise.allSettled(subs.splice(0).map((s) => s.stop()));
      });
      const subscribe = (s: EventStore, options: Parameters<EventStore['subscribe']>[0]) => {
        const sub = s.subscribe(options);
        subs.push(sub);
        return sub;
      };

      it('Given history, When subscribing, Then it catches up in order and then receives live events promptly', async () => {
        const category = uniqueCategory();
        const lazy = await open({ pollIntervalMs: 30_000 }); // only a wake-up (NOTIFY / push) can deliver quickly
        for (let i = 0; i < 7; i++) await store.appendToStream(`${category}-${i % 3}`, [newEvent('E', { i })]);
        const seen: RecordedEvent[] = [];
        const sub = subscribe(lazy, { subscriptionId: randomUUID(), category, batchSize: 3, handler: async (e) => void seen.push(e) });
        await sub.caughtUp;
        expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        const started = Date.now();
        await store.appendToStream(`${category}-x`, [newEvent('E', { i: 7 })]);
        await eventually(() => seen.length, (n) => n === 8, 5_000);
        expect(Date.now() - started).toBeLessThan(5_000);
        await eventually(() => sub.position(), (p) => p === seen[7]!.globalPosition);
      });

      it('Given a saved checkpoint, When a lower one is saved, or several are saved at once, Then it never moves back', async () => {
        const id = `checkpoint-${randomUUID()}`;
        expect(await store.checkpoints.load(id)).toBeUndefined();
        await store.checkpoints.save(id, 50n);
        await store.checkpoints.save(id, 20n); // a slower replica's forwarder, late
        expect(await store.checkpoints.load(id)).toBe(50n);
        await Promise.all([70n, 60n, 90n, 80n].map((p) => store.checkpoints.save(id, p)));
        expect(await store.checkpoints.load(id)).toBe(90n);
      });

      it('Given a subscription that stopped, When it restarts with the same id, Then it resumes after its checkpoint', async () => {
        const category = uniqueCategory();
        const id = `sub-${randomUUID()}`;
        await store.appendToStream(`${category}-1`, events(4));
        const first: number[] = [];
        const sub1 = subscribe(store, { subscriptionId: id, category, handler: async (e) => void first.push(e.revision) });
        await sub1.caughtUp;
        await sub1.stop();
        expect(first).toEqual([0, 1, 2, 3]);
        const checkpoint = sub1.position();
        expect(checkpoint).toBeDefined();

        await store.appendToStream(`${category}-1`, events(2));
        const second: number[] = [];
        const sub2 = subscribe(store, { subscriptionId: id, category, handler: async (e) => void second.push(e.revision) });
        await sub2.caughtUp;
        expect(second).toEqual([4, 5]);
        expect(sub2.position()! > checkpoint!).toBe(true);
      });

      it('Given a handler that throws on one event, When subscribed, Then it stops, reports the error, keeps the checkpoint before it, and a restart redelivers it', async () => {
        const category = uniqueCategory();
        const id = `sub-${randomUUID()}`;
        await store.appendToStream(`${category}-1`, events(5));
        const handled: number[] = [];
        const errors: Error[] = [];
        const sub = subscribe(store, {
          subscriptionId: id, category, batchSize: 10,
          onError: (e) => errors.push(e),
          handler: async (e) => {
            if (e.revision === 3) throw new Error('boom');
            handled.push(e.revision);
          },
        });
        await expect(sub.caughtUp).rejects.toThrow(/boom/);
        expect(errors.map((e) => e.message)).toEqual(['boom']);
        expect(handled).toEqual([0, 1, 2]);
        const redelivered: number[] = [];
        const again = subscribe(store, { subscriptionId: id, category, handler: async (e) => void redelivered.push(e.revision) });
        await again.caughtUp;
        expect(redelivered).toEqual([3, 4]);
      });

      it('Given concurrent writers on many streams, When a live subscriber follows them, Then it sees every event exactly once in increasing global order', async () => {
        const category = uniqueCategory();
        const seen: RecordedEvent[] = [];
        const sub = subscribe(store, { subscriptionId: randomUUID(), category, batchSize: 7, handler: async (e) => void seen.push(e) });
        await sub.caughtUp;
        await Promise.all(Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 15; i++) await store.appendToStream(`${category}-${w}-${i % 3}`, events(1 + (i % 2)));
        }));
        const all = await store.readAll({ category });
        await eventually(() => seen.length, (n) => n >= all.length);
        expect(seen.map((e) => e.globalPosition)).toEqual(all.map((e) => e.globalPosition));
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.globalPosition > seen[i - 1]!.globalPosition).toBe(true);
      });
    });

    describe('global order without gaps: late-committing transactions', () => {
      (harness.beginAppend ? it : it.skip)(
        'Given a slow transaction holding a lower position and a fast one committed at a higher position, When a subscriber reads before the slow one commits, Then it still gets both, in position order',
        async () => {
          const category = uniqueCategory();
          const seen: RecordedEvent[] = [];
          const sub = store.subscribe({ subscriptionId: randomUUID(), category, batchSize: 10, handler: async (e) => void seen.push(e) });
          try {
            await sub.caughtUp;
            const slow = await harness.beginAppend!(store, `${category}-slow`, [newEvent('Slow')]);
            const fast = await store.appendToStream(`${category}-fast`, [newEvent('Fast')]);
            expect(slow.result.position < fast.position).toBe(true);

            // the fast event is committed, but handing it out now would let the reader skip the slow one
            await new Promise((r) => setTimeout(r, 300));
            expect((await store.readAll({ category })).map((e) => e.type)).toEqual([]);
            expect(seen).toEqual([]);

            await slow.commit();
            await eventually(() => seen.length, (n) => n === 2);
            expect(seen.map((e) => e.type)).toEqual(['Slow', 'Fast']);
            expect(seen.map((e) => e.globalPosition)).toEqual([slow.result.position, fast.position]);
          } finally {
            await sub.stop();
          }
        },
      );

      (harness.createWithSlowCommits ? it : it.skip)(
        'Given writers whose transactions sleep randomly before commit, When a subscriber follows live, Then it never skips an event',
        async () => {
          const slowStore = await harness.createWithSlowCommits!(40);
          extraStores.push(slowStore);
          const category = uniqueCategory();
          const seen: RecordedEvent[] = [];
          const sub = store.subscribe({ subscriptionId: randomUUID(), category, batchSize: 5, handler: async (e) => void seen.push(e) });
          try {
            await sub.caughtUp;
            await Promise.all(Array.from({ length: 8 }, async (_, w) => {
              for (let i = 0; i < 12; i++) await slowStore.appendToStream(`${category}-${w}`, [newEvent('E', { w, i })]);
            }));
            const all = await eventually(() => store.readAll({ category }), (r) => r.length === 96);
            await eventually(() => seen.length, (n) => n >= 96);
            expect(seen.map((e) => e.globalPosition)).toEqual(all.map((e) => e.globalPosition));
          } finally {
            await sub.stop();
          }
        },
      );
    });
  });
}
