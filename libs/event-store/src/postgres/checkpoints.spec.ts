import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { PostgresEventStore } from './postgres-event-store';

const DB = 'es_checkpoints_monotonic';

/** Two replicas' forwarders may both save one checkpoint for a moment (a lease changing hands): it must never move back. */
describe('checkpoints never move back', () => {
  const cluster = () => process.env['DATABASE_URL'] as string;
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await PostgresEventStore.create({ connectionString: await ensureDatabase(cluster(), DB) });
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(cluster(), DB);
  });

  const checkpoints = () => store.checkpoints;
  describe('PostgreSQL', () => {
    it('keeps the highest position saved: a lower or equal save (a slower replica finishing an older batch) changes nothing', async () => {
      const c = checkpoints();
      const id = `fwd-${Math.random().toString(36).slice(2)}`;
      await c.save(id, 100n);
      await c.save(id, 250n);
      await c.save(id, 120n);
      await c.save(id, 250n);
      expect(await c.load(id)).toBe(250n);
      await c.save(id, 251n);
      expect(await c.load(id)).toBe(251n);
    });

    it('ends at the highest of many concurrent saves from two writers', async () => {
      const c = checkpoints();
      const id = `fwd-${Math.random().toString(36).slice(2)}`;
      const positions = Array.from({ length: 200 }, (_, i) => BigInt(i + 1));
      // two interleaved writers, one walking up, one walking down: the last write to land is often a low one
      await Promise.all([...positions, ...[...positions].reverse()].map((p) => c.save(id, p)));
      expect(await c.load(id)).toBe(200n);
    });
  });
});
