import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import type { Principal } from '@tio/auth';
import { runSqlMigrations, type SqlMigration } from '@tio/event-store';
import { openPayload, sealPayload, sessionIdHash, type SessionRowKind } from './session-crypto';
import { newPendingSignIn, newSession, SessionStore, type PendingSignIn, type SessionTokens, type SignInValues, type WebSession } from './sessions';

/** The web service's tables (its own database): one row per session or sign-in under way. */
export const WEB_SESSION_MIGRATIONS: SqlMigration[] = [
  {
    version: 1,
    name: 'web_sessions',
    sql: `CREATE TABLE web_sessions (
            id_hash bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
            kind text NOT NULL CHECK (kind IN ('session', 'sign-in')),
            payload bytea NOT NULL,
            expires_at timestamptz NOT NULL);
          CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);`,
  },
];

export async function migrateWebSessions(pool: Pool): Promise<void> {
  await runSqlMigrations(pool, WEB_SESSION_MIGRATIONS, { table: 'web_session_migrations', lockKey: `hashtext('tio.web_session_migrations')` });
}

/** What is sealed: everything but the id (the row's key is its hash). The expiry is sealed too, so the row's column cannot extend it. */
type SealedSession = Omit<WebSession, 'id'>;
type SealedSignIn = Omit<PendingSignIn, 'id'>;

export interface PostgresSessionStoreOptions {
  /** AES-256-GCM key (32 bytes): WEB_SESSION_KEY. */
  key: Buffer;
  /** How often expired rows are deleted; 0 = never by itself (tests call sweep()). */
  sweepEveryMs?: number;
  now?: () => number;
}

/**
 * Sessions and sign-ins under way in PostgreSQL, so a restart keeps them and replicas share them. A row is keyed by
 * SHA-256 of the cookie's random id (a database reader cannot use a row as a cookie), its payload (principal,
 * tokens, CSRF token, expiry) sealed with AES-256-GCM with the hashed id and the row's kind as associated data (a
 * payload moved to another row does not open). Expired rows are refused when read and deleted by a periodic sweep;
 * sign-out deletes the row; a sign-in under way is taken once (DELETE ... RETURNING).
 */
export class PostgresSessionStore extends SessionStore implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('sessions');
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pool: Pool, private readonly options: PostgresSessionStoreOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  static fromUrl(connectionString: string, options: PostgresSessionStoreOptions): PostgresSessionStore {
    const pool = new Pool({ connectionString, max: 5 });
    pool.on('error', (err) => new Logger('sessions').warn(`idle database connection failed: ${err.message}`));
    return new PostgresSessionStore(pool, options);
  }

  async onModuleInit(): Promise<void> {
    await migrateWebSessions(this.pool);
    const every = this.options.sweepEveryMs ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => void this.sweep().catch((err: Error) => this.log.warn(`expired sessions not swept: ${err.message}`)), every);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.end();
  }

  async create(principal: Principal, tokens: SessionTokens, maxHours: number): Promise<WebSession> {
    const session = newSession(principal, tokens, maxHours, this.now());
    const { id, ...sealed } = session;
    await this.insert('session', id, sealed, session.expiresAt);
    return session;
  }

  async get(id: string | undefined): Promise<WebSession | undefined> {
    const idHash = sessionIdHash(id);
    if (!idHash || !id) return undefined;
    const { rows } = await this.pool.query<{ payload: Buffer }>(`SELECT payload FROM web_sessions WHERE id_hash = $1 AND kind = 'session' AND expires_at > $2`, [idHash, new Date(this.now())]);
    return this.opened<SealedSession>('session', id, idHash, rows[0]?.payload);
  }

  async end(id: string | undefined): Promise<WebSession | undefined> {
    const idHash = sessionIdHash(id);
    if (!idHash || !id) return undefined;
    const { rows } = await this.pool.query<{ payload: Buffer }>(`DELETE FROM web_sessions WHERE id_hash = $1 AND kind = 'session' RETURNING payload`, [idHash]);
    return this.opened<SealedSession>('session', id, idHash, rows[0]?.payload);
  }

  async startSignIn(values: SignInValues): Promise<PendingSignIn> {
    const pending = newPendingSignIn(values, this.now());
    const { id, ...sealed } = pending;
    await this.insert('sign-in', id, sealed, pending.expiresAt);
    return pending;
  }

  async takeSignIn(id: string | undefined): Promise<PendingSignIn | undefined> {
    const idHash = sessionIdHash(id);
    if (!idHash || !id) return undefined;
    const { rows } = await this.pool.query<{ payload: Buffer }>(`DELETE FROM web_sessions WHERE id_hash = $1 AND kind = 'sign-in' RETURNING payload`, [idHash]);
    return this.opened<SealedSignIn>('sign-in', id, idHash, rows[0]?.payload);
  }

  /** Deletes the expired rows; answers how many. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM web_sessions WHERE expires_at <= $1`, [new Date(this.now())]);
    return rowCount ?? 0;
  }

  private async insert(kind: SessionRowKind, id: string, sealed: SealedSession | SealedSignIn, expiresAt: number): Promise<void> {
    const idHash = sessionIdHash(id) as Buffer;
    await this.pool.query(`INSERT INTO web_sessions (id_hash, kind, payload, expires_at) VALUES ($1, $2, $3, $4)`, [idHash, kind, sealPayload(this.options.key, kind, idHash, sealed), new Date(expiresAt)]);
  }

  /** The row's payload with its id, unless it does not open (tampered, swapped, another key) or has expired. */
  private opened<T extends { expiresAt: number }>(kind: SessionRowKind, id: string, idHash: Buffer, payload: Buffer | undefined): (T & { id: string }) | undefined {
    if (!payload) return undefined;
    const value = openPayload<T>(this.options.key, kind, idHash, payload);
    if (!value) {
      this.log.warn(`a ${kind} row that does not open under this service's key was refused`);
      return undefined;
    }
    return value.expiresAt > this.now() ? { ...value, id } : undefined;
  }
}
