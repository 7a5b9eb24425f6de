import { randomBytes, randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@tio/event-store';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { Pool } from 'pg';
import { ERASED, isEnvelope } from './envelope';
import { PostgresKeyStore } from './key-store';
import { PersonalDataErasedError, PersonalDataEventStore } from './personal-data-event-store';

const KEYS_DB = `pd_keys_${randomUUID().slice(0, 8)}`;
const EVENTS_DB = `pd_events_${randomUUID().slice(0, 8)}`;
const cluster = () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set (the Jest global setup provides it)');
  return url;
};

let keysUrl: string;
let eventsUrl: string;
let keys: PostgresKeyStore;
let inner: PostgresEventStore;
let store: PersonalDataEventStore;
const master = randomBytes(32);

beforeAll(async () => {
  keysUrl = await ensureDatabase(cluster(), KEYS_DB);
  eventsUrl = await ensureDatabase(cluster(), EVENTS_DB);
  keys = await PostgresKeyStore.create({ connectionString: keysUrl, masterKey: master });
  inner = await PostgresEventStore.create({ connectionString: eventsUrl });
  store = new PersonalDataEventStore(inner, keys);
});

afterAll(async () => {
  await store?.close();
  await keys?.close();
  await dropDatabase(cluster(), KEYS_DB);
  await dropDatabase(cluster(), EVENTS_DB);
});

const actor = { userId: 'u1', organisationId: 'org', agency: 'health' as const, role: 'practitioner' };
const advice = (caseId: string, type: string, data: Record<string, unknown>): NewEvent => ({
  type, data, metadata: { eventId: randomUUID(), caseId, occurredAt: new Date().toISOString(), actor, correlationId: caseId },
});

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

async function allText(url: string): Promise<string> {
  const pool = new Pool({ connectionString: url });
  try {
    const { rows } = await pool.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    let text = '';
    for (const t of rows) {
      const r = await pool.query(`SELECT t::text AS row FROM "${t.table_schema}"."${t.table_name}" t`);
      text += r.rows.map((x) => x.row).join('\n');
    }
    return text;
  } finally {
    await pool.end();
  }
}

describe('PostgreSQL key store', () => {
  it('makes one key per subject even when several writers ask at once, wrapped (never in clear)', async () => {
    const subject = randomUUID();
    const got = await Promise.all(Array.from({ length: 8 }, () => keys.keyFor(subject, { create: true })));
    const kids = new Set(got.map((g) => (g.status === 'active' ? g.key.kid : 'none')));
    expect(kids.size).toBe(1);
    const key = got[0].status === 'active' ? got[0].key.key : Buffer.alloc(0);
    const { rows } = await keys.pool.query('SELECT wrapped_key FROM key_store.data_keys WHERE subject_id = $1', [subject]);
    expect((rows[0].wrapped_key as Buffer).includes(key)).toBe(false);
    expect(await keys.keyFor(randomUUID())).toEqual({ status: 'none' });
  });

  it('destroys a key, leaving a tombstone (who, when, why) without key material; idempotent', async () => {
    const subject = randomUUID();
    await keys.keyFor(subject, { create: true });
    const first = await keys.destroy(subject, { userId: 'officer-1', ground: 'erasure-request' });
    expect(first).toMatchObject({ subjectId: subject, erasedBy: 'officer-1', ground: 'erasure-request', alreadyErased: false });
    const again = await keys.destroy(subject, { userId: 'officer-2', ground: 'retention-period-ended' });
    expect(again).toMatchObject({ erasedBy: 'officer-1', alreadyErased: true });
    const { rows } = await keys.pool.query('SELECT kid, wrapped_key, erased_at FROM key_store.data_keys WHERE subject_id = $1', [subject]);
    expect(rows[0]).toMatchObject({ kid: null, wrapped_key: null });
    expect((await keys.keyFor(subject, { create: true })).status).toBe('erased');
    expect(await keys.activeSubjects()).not.toContain(subject);
    // a subject that never had a key gets a tombstone too, so no key is ever made for it later
    const never = randomUUID();
    expect((await keys.destroy(never, { userId: 'officer-1', ground: 'retention-period-ended' })).alreadyErased).toBe(false);
    expect((await keys.keyFor(never, { create: true })).status).toBe('erased');
  });

  it('refuses a different master key', async () => {
    const subject = randomUUID();
    await keys.keyFor(subject, { create: true });
    const other = await PostgresKeyStore.create({ connectionString: keysUrl, masterKey: randomBytes(32) });
    try {
      await expect(other.keyFor(subject)).rejects.toThrow(/TIO_MASTER_KEY/);
    } finally {
      await other.close();
    }
  });
});

describe('PersonalDataEventStore: crypto-shredding over the PostgreSQL event store', () => {
  it('stores envelopes only, loads clear text, and after erasure reads [erased] while the hash chain still verifies', async () => {
    const caseId = randomUUID();
    const marker = `MARKER-${randomUUID()}`;
    const stream = `advice-${caseId}`;
    await store.appendToStream(stream, [
      advice(caseId, 'advice.submitted.v1', { adviceId: 'a1', sections: [{ heading: 'Health needs', text: `Asthma. ${marker}` }] }),
      advice(caseId, 'advice.corrected.v1', { adviceId: 'a1', reason: `Wrong inhaler ${marker}`, sections: [{ heading: 'Health needs', text: `Asthma, blue inhaler. ${marker}` }] }),
      advice(caseId, 'advice.request-noted.v1', { note: 'not in the policy: stays in clear' }),
    ]);

    const stored = await inner.readStream(stream);
    expect(json(stored)).not.toContain(marker);
    expect(isEnvelope((stored[0].data as { sections: Array<{ text: string }> }).sections[0].text)).toBe(true);
    expect((stored[0].data as { sections: Array<{ heading: string }> }).sections[0].heading).toBe('Health needs');
    expect(stored[2].data).toEqual({ note: 'not in the policy: stays in clear' });
    // what the forwarder reads (readAll / subscribe) is the stored form
    expect(json(await store.readAll())).not.toContain(marker);

    const loaded = await store.readStream(stream);
    expect((loaded[1].data as { reason: string }).reason).toBe(`Wrong inhaler ${marker}`);
    expect(loaded.map((e) => e.hash)).toEqual(stored.map((e) => e.hash));
    expect((await store.verifyStream(stream)).valid).toBe(true);

    await keys.destroy(caseId, { userId: 'officer-1', ground: 'erasure-request' });

    const afterwards = await store.readStream(stream);
    expect(afterwards[0].data).toMatchObject({ adviceId: 'a1', sections: [{ heading: 'Health needs', text: ERASED }] });
    expect(afterwards[1].data).toMatchObject({ reason: ERASED, sections: [{ text: ERASED }] });
    expect(await store.verifyStream(stream)).toMatchObject({ valid: true, eventsChecked: 3 });
    // nothing personal can be added any more, and nothing in either database reads back
    await expect(store.appendToStream(stream, [advice(caseId, 'advice.withdrawn.v1', { adviceId: 'a1', reason: 'new personal text' })])).rejects.toBeInstanceOf(PersonalDataErasedError);
    await store.appendToStream(stream, [advice(caseId, 'advice.request-noted.v1', { note: 'structural events still append' })]);
    expect(await allText(eventsUrl)).not.toContain(marker);
    expect(await allText(keysUrl)).not.toContain(marker);
  });

  it('does not let a tampered envelope pass as erased: verification and decryption both fail', async () => {
    const caseId = randomUUID();
    const stream = `advice-${caseId}`;
    await store.appendToStream(stream, [advice(caseId, 'advice.withdrawn.v1', { adviceId: 'a2', reason: 'private reason' })]);
    const [event] = await inner.readStream(stream);
    const parts = (event.data as { reason: string }).reason.split(':');
    parts[4] = (parts[4][0] === 'A' ? 'B' : 'A') + parts[4].slice(1); // one ciphertext character changed
    const other = { ...(event.data as object), reason: parts.join(':') };
    await inner.pool.query(`UPDATE event_store.events SET data = $2::jsonb WHERE stream_name = $1`, [stream, JSON.stringify(other)]);
    expect((await store.verifyStream(stream)).valid).toBe(false);
    await expect(store.readStream(stream)).rejects.toThrow(/envelope/);
  });

  it('encrypts text that merely looks like an envelope, so it cannot be smuggled in clear', async () => {
    const caseId = randomUUID();
    const stream = `advice-${caseId}`;
    const sly = '$enc:tio-aes-256-gcm/v1:not-really';
    await store.appendToStream(stream, [advice(caseId, 'advice.withdrawn.v1', { adviceId: 'a3', reason: sly })]);
    const [stored] = await inner.readStream(stream);
    expect((stored.data as { reason: string }).reason).not.toBe(sly);
    expect(((await store.readStream(stream))[0].data as { reason: string }).reason).toBe(sly);
  });
});
