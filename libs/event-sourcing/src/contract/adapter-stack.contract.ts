import { randomBytes, randomUUID } from 'node:crypto';
import { EventTypeRegistry } from '@tio/contracts';
import { eventMac, verifyStreamHistory, type Actor, type AuthenticatedEvent, type EventStore, type RecordedEvent } from '@tio/event-store';
import { ensureTopics, Forwarder, KafkaJsClient, type MessagingClient, type TopicMessages } from '@tio/messaging';
import {
  decryptRecordedEvents, isEnvelope, keyStoreSettings, masterKeyFrom, PersonalDataErasedError, PersonalDataEventStore, PostgresKeyStore, type KeyStore,
} from '@tio/personal-data';
import type { Decider, DomainEvent } from '../decider';
import { loadState, runCommand, type CommandContext } from '../pipeline/run-command';

/**
 * What runs on top of the event store port, run over one adapter: the personal-data decorator, the command pipeline,
 * the forwarder (with its checkpoint in the store's own checkpoint store) and the audit's reads and replay
 * (`store.audit`, exactly what the audit service calls). Every adapter's spec calls it with its harness; an adapter
 * whose server is not reachable registers the suite as skipped and says why.
 */
export interface AdapterStackHarness {
  name: string;
  /** When set, the suite is registered as skipped with this reason in its title. */
  skipReason?: string;
  /** A store on the adapter, as a service opens it (openEventStore), before the personal-data decorator. */
  create(options: { categories: string[]; chainKey: Buffer }): Promise<EventStore>;
  teardown?(): Promise<void>;
}

/** The personal field of this stored type is `reason` (libs/personal-data/src/policy.ts). */
const PERSONAL_TYPE = 'transfer.requested.v1';
type Requested = DomainEvent<typeof PERSONAL_TYPE, { caseId: string; amount: number; reason: string }>;
interface Tally {
  total: number;
  reasons: string[];
}
const tally: Decider<Tally, { caseId: string; add: number; reason: string }, Requested> = {
  initialState: () => ({ total: 0, reasons: [] }),
  evolve: (s, e) => ({ total: s.total + e.data.amount, reasons: [...s.reasons, e.data.reason] }),
  decide: (c) => [{ type: PERSONAL_TYPE, data: { caseId: c.caseId, amount: c.add, reason: c.reason } }],
};

const actor: Actor = { userId: 'u-contract', organisationId: 'la-contract', agency: 'local-authority', role: 'case-officer' };

function uniqueCategory(): string {
  return `st${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

function registryFor(topic: string): EventTypeRegistry {
  const registry = new EventTypeRegistry();
  registry.register({
    name: 'test.adapter-stack', version: 1, direction: 'outbound', topic, summary: 'adapter stack contract',
    schema: { type: 'object', properties: { caseId: { type: 'string' }, amount: { type: 'integer' } }, required: ['caseId', 'amount'] },
    example: { caseId: 'c', amount: 1 }, sourceEventTypes: [PERSONAL_TYPE],
  });
  return registry;
}

interface Published {
  id: string;
  key: string | null;
  payload: { caseId: string; amount: number; reason: unknown };
}

/** The real Kafka client, with every record its producers send (and Kafka acknowledged) written down. */
function recordingClient(real: MessagingClient, published: Published[]): MessagingClient {
  return {
    admin: () => real.admin(),
    consumer: (o) => real.consumer(o),
    producer: (o) => {
      const producer = real.producer(o);
      return {
        connect: () => producer.connect(),
        disconnect: () => producer.disconnect(),
        send: async (batch: TopicMessages[]) => {
          await producer.send(batch);
          for (const t of batch) {
            for (const m of t.messages) {
              const headers = (m.headers ?? {}) as Record<string, unknown>;
              published.push({ id: String(headers['ce_id']), key: m.key === null || m.key === undefined ? null : String(m.key), payload: JSON.parse(String(m.value)) });
            }
          }
        },
      };
    },
  } as MessagingClient;
}

/**
 * The category's log once it holds `count` events. A PostgreSQL reader sees only what transactions older than every
 * open one wrote (`pg_snapshot_xmin`, cluster-wide), so a transaction of another suite, in any database of the same
 * cluster, can hold events just appended back from `readAll` for a moment; an agency's reader waits the same way.
 */
async function visibleLog(store: EventStore, category: string, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await store.readAll({ category });
    if (log.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of batches) out.push(...b);
  return out;
}

export function adapterStackContract(harness: AdapterStackHarness): void {
  const title = `Services over the event store port: ${harness.name}`;
  if (harness.skipReason) {
    console.info(`${title}: skipped (${harness.skipReason})`);
    describe.skip(`${title} (skipped: ${harness.skipReason})`, () => {
      it('runs the personal-data decorator, command pipeline, forwarder and audit reads contract', () => undefined);
    });
    return;
  }

  describe(title, () => {
    const chainKey = randomBytes(32);
    let keys: KeyStore;
    const opened: EventStore[] = [];
    const open = async (categories: string[]): Promise<{ inner: EventStore; store: PersonalDataEventStore }> => {
      const inner = await harness.create({ categories, chainKey });
      opened.push(inner);
      return { inner, store: new PersonalDataEventStore(inner, keys) };
    };
    const ctx = (caseId: string, over: Partial<CommandContext> = {}): CommandContext => ({ caseId, actor, correlationId: randomUUID(), ...over });

    beforeAll(async () => {
      keys = await PostgresKeyStore.create({ ...keyStoreSettings(process.env), masterKey: masterKeyFrom(process.env), poolSize: 2 });
    });
    afterAll(async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      await keys?.close();
      await harness.teardown?.();
    });

    describe('the personal-data decorator', () => {
      it('Given personal data appended through the decorator, Then the store holds only envelopes, the decorator and the audit (with the key store) read it in clear, and after erasure it reads "[erased]" while the chain still verifies', async () => {
        const category = uniqueCategory();
        const { inner, store } = await open([category]);
        const caseId = randomUUID();
        const stream = `${category}-${caseId}`;
        await runCommand(store, stream, tally, { caseId, add: 2, reason: 'Mia needs speech therapy' }, ctx(caseId));

        const [stored] = await inner.readStream(stream);
        expect(isEnvelope((stored?.data as { reason: unknown }).reason)).toBe(true);
        expect(JSON.stringify(stored?.data)).not.toContain('Mia');
        const audited = await all(store.audit.caseEvents(caseId));
        expect(audited.map((e) => e.hash)).toEqual([stored?.hash]);
        expect(isEnvelope((audited[0]?.data as { reason: unknown }).reason)).toBe(true);
        expect(((await decryptRecordedEvents(audited, keys))[0]?.data as { reason: string }).reason).toBe('Mia needs speech therapy');
        expect(((await store.readStream(stream))[0]?.data as { reason: string }).reason).toBe('Mia needs speech therapy');

        await keys.destroy(caseId, { userId: 'dpo', ground: 'erasure-request' });
        expect(((await store.readStream(stream))[0]?.data as { reason: string }).reason).toBe('[erased]');
        expect(((await decryptRecordedEvents(await all(store.audit.caseEvents(caseId)), keys))[0]?.data as { reason: string }).reason).toBe('[erased]');
        expect(await store.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 1 });
        await expect(runCommand(store, stream, tally, { caseId, add: 1, reason: 'more about Mia' }, ctx(caseId))).rejects.toBeInstanceOf(PersonalDataErasedError);
        expect(await inner.readStream(stream)).toHaveLength(1);
      });
    });

    describe('the command pipeline', () => {
      it('Given a command, When it is handled and retried with its idempotency key, Then its events are appended once with the context as metadata and the state folds from them', async () => {
        const category = uniqueCategory();
        const { store } = await open([category]);
        const caseId = randomUUID();
        const stream = `${category}-${caseId}`;
        const first = await runCommand(store, stream, tally, { caseId, add: 5, reason: 'first' }, ctx(caseId, { idempotencyKey: 'k-1', occurredAt: '2026-01-05T09:00:00.000Z' }));
        const retry = await runCommand(store, stream, tally, { caseId, add: 5, reason: 'first' }, ctx(caseId, { idempotencyKey: 'k-1' }));
        expect(retry.replayed).toBe(true);
        expect(retry.recorded.map((e) => e.metadata.eventId)).toEqual(first.recorded.map((e) => e.metadata.eventId));
        const events = await store.readStream(stream);
        expect(events).toHaveLength(1);
        expect(events[0]?.metadata).toMatchObject({ caseId, actor, occurredAt: '2026-01-05T09:00:00.000Z' });
        expect((await loadState(store, stream, tally)).state).toEqual({ total: 5, reasons: ['first'] });
      });

      it('Given 10 writers racing on one stream, Then every command lands exactly once and the MACed chain verifies', async () => {
        const category = uniqueCategory();
        const { store } = await open([category]);
        const caseId = randomUUID();
        const stream = `${category}-${caseId}`;
        await Promise.all(Array.from({ length: 10 }, (_, i) => runCommand(store, stream, tally, { caseId, add: 1, reason: `r${i}` }, ctx(caseId), { maxAttempts: 50 })));
        const { state, events } = await loadState(store, stream, tally);
        expect(state.total).toBe(10);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, i) => i));
        expect(await store.verifyStream(stream)).toEqual({ streamName: stream, eventsChecked: 10, valid: true });
      });
    });

    describe('the forwarder', () => {
      const brokers = process.env['KAFKA_BROKERS'];
      (brokers ? it : it.skip)('Given events of several cases, When forwarded with the checkpoint in the store, Then each is published once (envelopes only), the checkpoint reaches the last one, and a restart publishes only what came after', async () => {
        const category = uniqueCategory();
        const { store } = await open([category]);
        const topic = `tio.test.stack-${randomUUID().slice(0, 8)}`;
        const published: Published[] = [];
        const kafka = new KafkaJsClient({ brokers: brokers as string, clientId: `adapter-stack-${randomUUID().slice(0, 8)}` });
        await ensureTopics(kafka, [topic]);
        const client = recordingClient(kafka, published);
        const name = `stack-forwarder-${randomUUID().slice(0, 8)}`;
        const forwarder = () => new Forwarder({ store, checkpoints: store.checkpoints, client, name, source: '/tio/contract', registry: registryFor(topic), category, batchSize: 4 });
        const cases = [randomUUID(), randomUUID(), randomUUID()];
        for (let i = 0; i < 3; i++) for (const c of cases) await runCommand(store, `${category}-${c}`, tally, { caseId: c, add: i + 1, reason: `secret ${c} ${i}` }, ctx(c));
        const before = await visibleLog(store, category, 9);
        expect(before).toHaveLength(9);

        const first = forwarder();
        await first.start();
        await first.waitFor((before[before.length - 1] as RecordedEvent).globalPosition);
        await first.stop();
        expect(published.map((p) => p.id).sort()).toEqual(before.map((e) => e.metadata.eventId).sort());
        for (const c of cases) expect(published.filter((p) => p.key === c).map((p) => p.payload.amount)).toEqual([1, 2, 3]);
        for (const p of published) {
          expect(isEnvelope(p.payload.reason)).toBe(true);
          expect(JSON.stringify(p.payload)).not.toContain('secret');
        }
        expect(await store.checkpoints.load(name)).toBe((before[before.length - 1] as RecordedEvent).globalPosition);

        await runCommand(store, `${category}-${cases[0]}`, tally, { caseId: cases[0] as string, add: 4, reason: 'later' }, ctx(cases[0] as string));
        const after = await visibleLog(store, category, 10);
        const second = forwarder();
        await second.start();
        await second.waitFor((after[after.length - 1] as RecordedEvent).globalPosition);
        await second.stop();
        expect(published).toHaveLength(10);
        expect(published[9]?.id).toBe(after[after.length - 1]?.metadata.eventId);
      });
    });

    describe('the audit reads and replay (store.audit)', () => {
      let category: string;
      let store: PersonalDataEventStore;
      const caseId = randomUUID();
      const other = randomUUID();
      let streams: string[];

      beforeAll(async () => {
        category = uniqueCategory();
        ({ store } = await open([category]));
        streams = [`${category}-${caseId}-plan`, `${category}-${caseId}-review`].sort();
        // the case's two streams and another case's stream, interleaved
        for (let i = 0; i < 4; i++) {
          await runCommand(store, streams[i % 2] as string, tally, { caseId, add: i + 1, reason: `case ${i}` }, ctx(caseId));
          await runCommand(store, `${category}-${other}`, tally, { caseId: other, add: 10, reason: `other ${i}` }, ctx(other));
        }
      });

      it('Given a case across two streams, When the audit reads it, Then it gets exactly its events in (recordedAt, global position) order, counted, cut at a time, and found by id', async () => {
        const mine = (await visibleLog(store, category, 8)).filter((e) => e.metadata.caseId === caseId);
        const ordered = [...mine].sort((a, b) => (a.metadata.recordedAt < b.metadata.recordedAt ? -1 : a.metadata.recordedAt > b.metadata.recordedAt ? 1 : Number(a.globalPosition - b.globalPosition)));
        const read = await all(store.audit.caseEvents(caseId, { batchSize: 3 }));
        expect(read.map((e) => e.metadata.eventId)).toEqual(ordered.map((e) => e.metadata.eventId));
        expect(read.map((e) => e.hash)).toEqual(ordered.map((e) => e.hash));
        expect(await store.audit.countCaseEvents(caseId)).toBe(4);
        const cut = ordered[1] as RecordedEvent;
        const until = (await all(store.audit.caseEvents(caseId, { at: cut.metadata.recordedAt }))).map((e) => e.metadata.eventId);
        expect(until).toEqual(ordered.filter((e) => e.metadata.recordedAt <= cut.metadata.recordedAt).map((e) => e.metadata.eventId));
        expect(await store.audit.countCaseEvents(caseId, cut.metadata.recordedAt)).toBe(until.length);
        expect((await store.audit.findEvent(cut.metadata.eventId))?.hash).toBe(cut.hash);
        expect(await store.audit.findEvent('not-an-event-id')).toBeUndefined();
        expect(await store.audit.findEvent(randomUUID())).toBeUndefined();
      });

      it('Given the case, When the audit replays it from its reads (decrypted with the key store), Then the fold equals the pipeline\'s state of each stream', async () => {
        const history = await decryptRecordedEvents(await all(store.audit.caseEvents(caseId)), keys);
        for (const stream of streams) {
          const folded = history.filter((e) => e.streamName === stream).reduce((s, e) => tally.evolve(s, e as unknown as Requested), tally.initialState());
          expect(folded).toEqual((await loadState(store, stream, tally)).state);
        }
        expect(history.map((e) => (e.data as { reason: string }).reason).sort()).toEqual(['case 0', 'case 1', 'case 2', 'case 3']);
      });

      it('Given the case\'s streams, When the audit verifies them, Then streams, case ids, heads and MACed events prove every stream with the chain key', async () => {
        expect(await store.audit.caseStreams(caseId)).toEqual(streams);
        expect(await store.audit.streamCaseIds([...streams, `${category}-${other}`])).toEqual(new Map([...streams.map((s) => [s, caseId] as const), [`${category}-${other}`, other]]));
        const heads = await store.audit.streamHeads(streams);
        const events = await all(store.audit.authenticatedStreams(streams, 3));
        expect(events.map((e) => e.streamName)).toEqual([...events.map((e) => e.streamName)].sort());
        for (const stream of streams) {
          const group: AuthenticatedEvent[] = events.filter((e) => e.streamName === stream);
          expect(group.map((e) => e.revision)).toEqual([0, 1]);
          for (const e of group) expect(e.mac).toBe(eventMac(chainKey, stream, e.revision, e.hash));
          expect(heads.get(stream)).toMatchObject({ revision: 1, lastHash: group[1]?.hash });
          expect(verifyStreamHistory(stream, group, heads.get(stream), { key: chainKey })).toEqual({ streamName: stream, eventsChecked: 2, valid: true });
          // a different key does not vouch for them
          expect(verifyStreamHistory(stream, group, heads.get(stream), { key: Buffer.alloc(32, 7) }).firstBreak?.reason).toBe('not-authenticated');
        }
      });

      it('Given the log, When the audit reads a position range and sweeps cases, Then it gets exactly that slice and each case\'s filtered events in global order', async () => {
        const log = await visibleLog(store, category, 8);
        expect(log).toHaveLength(8);
        const slice = await all(store.audit.readRange({ after: log[1]?.globalPosition, through: log[5]?.globalPosition, category, batchSize: 2 }));
        expect(slice.map((e) => e.metadata.eventId)).toEqual(log.slice(2, 6).map((e) => e.metadata.eventId));
        const swept = new Map<string, RecordedEvent[]>();
        for await (const group of store.audit.sweepCases({ typePrefixes: ['transfer.'], dataKeys: [] })) {
          if (group.caseId === caseId || group.caseId === other) swept.set(group.caseId, group.events.filter((e) => e.streamName.startsWith(`${category}-`)));
        }
        expect(swept.get(caseId)?.map((e) => e.metadata.eventId)).toEqual(log.filter((e) => e.metadata.caseId === caseId).map((e) => e.metadata.eventId));
        expect(swept.get(other)).toHaveLength(4);
        const none = [];
        for await (const group of store.audit.sweepCases({ typePrefixes: ['nothing.'], dataKeys: ['noSuchKey'] })) if (group.caseId === caseId) none.push(group);
        expect(none).toEqual([]);
      });
    });
  });
}
