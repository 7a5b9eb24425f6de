import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { Principal } from '@tio/auth';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { PostgresSessionStore } from './postgres-sessions';
import { sessionIdHash } from './session-crypto';

const priya: Principal = { userId: 'caseworker-priya', name: 'Priya Shah', organisationId: 'E10000028', agency: 'local-authority', roles: ['case-officer'] };
const DB = `web_sessions_spec_${randomBytes(3).toString('hex')}`;

// The sessions of the web service in its own PostgreSQL database (real PostgreSQL: `source /tmp/infra.env` or the
// test runner's): what replicas share and a restart keeps.
describe('the web sessions in PostgreSQL', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const key = randomBytes(32);
  let url: string;
  let now = Date.now();
  const clock = () => now;
  const stores: PostgresSessionStore[] = [];
  let db: Pool;

  /** A web process: its own pool over the same database, migrated at start as the module does. */
  async function instance(withKey = key): Promise<PostgresSessionStore> {
    const store = PostgresSessionStore.fromUrl(url, { key: withKey, now: clock });
    await store.onModuleInit();
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    url = await ensureDatabase(cluster, DB);
    db = new Pool({ connectionString: url, max: 2 });
  });

  afterAll(async () => {
    for (const store of stores) await store.onModuleDestroy().catch(() => undefined);
    await db?.end();
    await dropDatabase(cluster, DB);
  });

  it('is shared by two instances (replicas) and read by a new one after a restart; the row holds neither the id nor the tokens', async () => {
    const [a, b] = [await instance(), await instance()];
    const session = await a.create(priya, { accessToken: 'access-token-value', idToken: 'id-token-value', expiresInSeconds: 3600 }, 8);
    expect(await b.get(session.id)).toEqual(session);
    await a.onModuleDestroy();
    const restarted = await instance();
    expect(await restarted.get(session.id)).toEqual(session);

    const { rows } = await db.query<{ id_hash: Buffer; kind: string; payload: Buffer; expires_at: Date }>('SELECT * FROM web_sessions WHERE id_hash = $1', [sessionIdHash(session.id)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe('session');
    expect(rows[0]?.expires_at.getTime()).toBe(session.expiresAt);
    const stored = JSON.stringify(rows[0]) + (rows[0]?.payload.toString('latin1') ?? '');
    for (const secret of [session.id, 'access-token-value', 'id-token-value', session.csrf, 'caseworker-priya']) expect(stored).not.toContain(secret);
    const { rows: byId } = await db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [Buffer.from(session.id)]);
    expect(byId).toHaveLength(0);
  });

  it('refuses a row under another key, a swapped row and a row whose expiry was moved', async () => {
    const store = await instance();
    const mine = await store.create(priya, { accessToken: 'mine' }, 8);
    const theirs = await store.create({ ...priya, userId: 'auditor' }, { accessToken: 'theirs' }, 8);
    expect(await (await instance(randomBytes(32))).get(mine.id)).toBeUndefined();
    // someone with write access moves the other session's sealed payload into my row
    await db.query('UPDATE web_sessions SET payload = (SELECT payload FROM web_sessions WHERE id_hash = $1) WHERE id_hash = $2', [sessionIdHash(theirs.id), sessionIdHash(mine.id)]);
    expect(await store.get(mine.id)).toBeUndefined();
    expect((await store.get(theirs.id))?.accessToken).toBe('theirs');
    // ... or extends a session in the column: the sealed expiry still ends it
    await db.query(`UPDATE web_sessions SET expires_at = now() + interval '30 days' WHERE id_hash = $1`, [sessionIdHash(theirs.id)]);
    const saved = now;
    now += 9 * 3_600_000;
    expect(await store.get(theirs.id)).toBeUndefined();
    now = saved;
  });

  it('refuses an expired session when read, and deletes the row on sign-out for every instance', async () => {
    const [a, b] = [await instance(), await instance()];
    const short = await a.create(priya, { accessToken: 'at', expiresInSeconds: 60 }, 8);
    const saved = now;
    now += 60_000;
    expect(await b.get(short.id)).toBeUndefined();
    now = saved;

    const session = await a.create(priya, { accessToken: 'at' }, 8);
    expect((await b.end(session.id))?.id).toBe(session.id);
    expect(await a.get(session.id)).toBeUndefined();
    expect((await db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [sessionIdHash(session.id)])).rows).toHaveLength(0);
    expect(await a.end(session.id)).toBeUndefined();
    expect(await a.get(undefined)).toBeUndefined();
    expect(await a.get('x'.repeat(500))).toBeUndefined();
  });

  it('gives a sign-in under way to one callback only, across instances, even when two take it at once', async () => {
    const [a, b] = [await instance(), await instance()];
    const pending = await a.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/caseload', provider: 'citizen' });
    const taken = await Promise.all([a.takeSignIn(pending.id), b.takeSignIn(pending.id), b.takeSignIn(pending.id)]);
    expect(taken.filter(Boolean)).toEqual([pending]);
    expect(await a.takeSignIn(pending.id)).toBeUndefined();
    // a sign-in's id is not a session's, nor the other way round
    const other = await a.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
    expect(await a.get(other.id)).toBeUndefined();
    const session = await a.create(priya, { accessToken: 'at' }, 8);
    expect(await a.takeSignIn(session.id)).toBeUndefined();
    expect(await a.get(session.id)).toBeDefined();
    // one taken after its 10 minutes is refused (and gone)
    const late = await a.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
    const saved = now;
    now += 10 * 60_000;
    expect(await b.takeSignIn(late.id)).toBeUndefined();
    now = saved;
  });

  it('sweeps the expired rows away and leaves the others', async () => {
    const store = await instance();
    const ending = await store.create(priya, { accessToken: 'at', expiresInSeconds: 60 }, 8);
    const pending = await store.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
    const lasting = await store.create(priya, { accessToken: 'at' }, 8);
    const saved = now;
    now += 11 * 60_000;
    expect(await store.sweep()).toBeGreaterThanOrEqual(2);
    now = saved;
    const left = async (id: string) => (await db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [sessionIdHash(id)])).rows.length;
    expect(await left(ending.id)).toBe(0);
    expect(await left(pending.id)).toBe(0);
    expect(await left(lasting.id)).toBe(1);
    expect(await store.get(lasting.id)).toBeDefined();
  });

  it('sweeps by itself at the interval set', async () => {
    const store = PostgresSessionStore.fromUrl(url, { key, now: () => Date.now(), sweepEveryMs: 100 });
    await store.onModuleInit();
    stores.push(store);
    const ending = await store.create(priya, { accessToken: 'at', expiresInSeconds: 1 }, 8);
    const deadline = Date.now() + 5_000;
    let rows = 1;
    while (rows > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [sessionIdHash(ending.id)])).rows.length;
    }
    expect(rows).toBe(0);
  });
});
