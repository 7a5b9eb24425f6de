import { randomUUID } from 'node:crypto';
import { runSqlMigrations, survivePostgresRestarts, type SqlMigration } from '@tio/event-store';
import { Pool } from 'pg';
import { newDataKeyMaterial, unwrapKey, wrapKey, type DataKey } from './envelope';

import type { ErasureGround } from '@tio/kernel';

/** Why personal data was erased (recorded on the tombstone and in `ehc.personal-data-erased.v1`; never free text). */
export { ERASURE_GROUNDS, type ErasureGround } from '@tio/kernel';

export interface Tombstone {
  subjectId: string;
  erasedAt: string;
  erasedBy: string;
  ground: ErasureGround;
}

export type KeyLookup = { status: 'active'; key: DataKey } | { status: 'erased'; tombstone: Tombstone } | { status: 'none' };

export interface DestroyResult extends Tombstone {
  /** False when this call destroyed the key (or recorded the tombstone); true when it was already gone. */
  alreadyErased: boolean;
}

/** Anything that hands out and destroys per-subject data keys (the PostgreSQL store below, or a KMS-backed one). */
export interface KeyStore {
  /** The subject's key; with `create`, a new one is made when there is none (never after erasure). */
  keyFor(subjectId: string, options?: { create?: boolean }): Promise<KeyLookup>;
  /** Destroys the key: the row keeps who erased it, when and why, but no key material. Idempotent. */
  destroy(subjectId: string, by: { userId: string; ground: ErasureGround }): Promise<DestroyResult>;
  tombstone(subjectId: string): Promise<Tombstone | undefined>;
  /** Subjects that still have a key (what retention looks through), optionally only those starting with `prefix`. */
  activeSubjects(options?: { prefix?: string }): Promise<string[]>;
  close(): Promise<void>;
}

export const KEY_STORE_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'data-keys',
    sql: `
      CREATE TABLE key_store.data_keys (
        subject_id     text PRIMARY KEY,
        kid            uuid,
        -- the data key wrapped with the master key (TIO_MASTER_KEY); NULL once destroyed
        wrapped_key    bytea,
        created_at     timestamptz NOT NULL DEFAULT now(),
        erased_at      timestamptz,
        erased_by      text,
        erasure_ground text,
        CONSTRAINT key_or_tombstone CHECK (
          (wrapped_key IS NOT NULL AND kid IS NOT NULL AND erased_at IS NULL)
          OR (wrapped_key IS NULL AND erased_at IS NOT NULL AND erased_by IS NOT NULL AND erasure_ground IS NOT NULL))
      );
    `,
  },
];

interface Row {
  subject_id: string;
  kid: string | null;
  wrapped_key: Buffer | null;
  erased_at: Date | null;
  erased_by: string | null;
  erasure_ground: ErasureGround | null;
}

const tombstoneOf = (row: Row): Tombstone => ({
  subjectId: row.subject_id,
  erasedAt: (row.erased_at as Date).toISOString(),
  erasedBy: row.erased_by as string,
  ground: row.erasure_ground as ErasureGround,
});

export interface PostgresKeyStoreOptions {
  /** The key store's own database (KEYSTORE_DATABASE_URL), never a service's database holding events. */
  connectionString: string;
  /** 32 bytes (TIO_MASTER_KEY). */
  masterKey: Buffer;
  poolSize?: number;
}

/**
 * Per-subject (per-case) data keys in PostgreSQL, held apart from the events: table `key_store.data_keys` in its own
 * database. Keys are stored wrapped with the master key, which comes from the environment only. Nothing is cached:
 * after `destroy` no service can decrypt, even one that used the key a moment before.
 */
export class PostgresKeyStore implements KeyStore {
  private constructor(
    readonly pool: Pool,
    private readonly masterKey: Buffer,
  ) {}

  static async create(options: PostgresKeyStoreOptions): Promise<PostgresKeyStore> {
    if (options.masterKey.length !== 32) throw new Error('the master key is 32 bytes');
    const pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4 });
    // a lost connection (PostgreSQL restarting) must not end the process (found by the system fault tests)
    survivePostgresRestarts(pool);
    await runSqlMigrations(pool, KEY_STORE_MIGRATIONS, { schema: 'key_store', table: 'key_store.migrations', lockKey: "hashtext('key_store.migrations')" });
    return new PostgresKeyStore(pool, options.masterKey);
  }

  async keyFor(subjectId: string, options: { create?: boolean } = {}): Promise<KeyLookup> {
    let row = await this.row(subjectId);
    if (!row && options.create) {
      const kid = randomUUID();
      const wrapped = wrapKey(newDataKeyMaterial(), this.masterKey, subjectId, kid);
      // two writers may create at once: the first insert wins and both read it back
      await this.pool.query('INSERT INTO key_store.data_keys (subject_id, kid, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING', [subjectId, kid, wrapped]);
      row = await this.row(subjectId);
    }
    if (!row) return { status: 'none' };
    if (!row.wrapped_key) return { status: 'erased', tombstone: tombstoneOf(row) };
    const kid = row.kid as string;
    return { status: 'active', key: { kid, key: unwrapKey(row.wrapped_key, this.masterKey, subjectId, kid) } };
  }

  async destroy(subjectId: string, by: { userId: string; ground: ErasureGround }): Promise<DestroyResult> {
    const updated = await this.pool.query<Row>(
      `UPDATE key_store.data_keys SET wrapped_key = NULL, kid = NULL, erased_at = now(), erased_by = $2, erasure_ground = $3
        WHERE subject_id = $1 AND erased_at IS NULL RETURNING *`,
      [subjectId, by.userId, by.ground],
    );
    let alreadyErased = false;
    if (updated.rowCount === 0) {
      // no key yet (nothing personal recorded so far): the tombstone still stops any key being made later
      const inserted = await this.pool.query(
        `INSERT INTO key_store.data_keys (subject_id, erased_at, erased_by, erasure_ground) VALUES ($1, now(), $2, $3) ON CONFLICT (subject_id) DO NOTHING`,
        [subjectId, by.userId, by.ground],
      );
      alreadyErased = inserted.rowCount === 0;
    } else {
      // the old row version (with the wrapped key) is dead; let PostgreSQL reclaim it now rather than some time later
      await this.pool.query('VACUUM key_store.data_keys').catch(() => undefined);
    }
    const row = (await this.row(subjectId)) as Row;
    return { ...tombstoneOf(row), alreadyErased };
  }

  async tombstone(subjectId: string): Promise<Tombstone | undefined> {
    const row = await this.row(subjectId);
    return row && !row.wrapped_key ? tombstoneOf(row) : undefined;
  }

  async activeSubjects(options: { prefix?: string } = {}): Promise<string[]> {
    const { rows } = await this.pool.query<{ subject_id: string }>(
      'SELECT subject_id FROM key_store.data_keys WHERE wrapped_key IS NOT NULL AND ($1::text IS NULL OR starts_with(subject_id, $1)) ORDER BY subject_id',
      [options.prefix ?? null],
    );
    return rows.map((r) => r.subject_id);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async row(subjectId: string): Promise<Row | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM key_store.data_keys WHERE subject_id = $1', [subjectId]);
    return rows[0];
  }
}

/** The key store from the environment: KEYSTORE_DATABASE_URL and TIO_MASTER_KEY. */
export function keyStoreSettings(env: NodeJS.ProcessEnv = process.env): { connectionString: string } {
  const connectionString = env['KEYSTORE_DATABASE_URL'];
  if (!connectionString) throw new Error('KEYSTORE_DATABASE_URL is not set: the database of the per-case data keys, apart from every event store (npm start sets it to tio_keys)');
  return { connectionString };
}
