import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { canonicalJson, runSqlMigrations, type SqlMigration } from '@tio/event-store';
import { secondsSince } from './metrics/service-metrics';

/**
 * Who read which case, when, and how: a hash-chained table in the service's own database (the audit service's
 * `audit_access_log`, the agency services' `agency_access_log`).
 * Each row's hash is SHA-256 over the canonical JSON of its content AND the previous row's hash, so editing,
 * inserting or deleting a row in the middle breaks the chain from that row on. (Cutting rows off the end cannot be
 * proved from the table alone; the head hash returned by `verify()` is what to record elsewhere to cover that.)
 * Appends are serialised by a transaction-scoped advisory lock so the chain is a line, not a tree.
 */
/** Where a service keeps its chained access log. */
export interface AccessLogTable {
  /** Table name (a plain identifier), e.g. `audit_access_log`. */
  table: string;
  /** Its migrations' bookkeeping table. */
  migrationsTable: string;
}

export function accessLogMigrations(table: string): SqlMigration[] {
  return [
    {
      version: 1,
      name: 'access log',
      sql: `
        CREATE TABLE ${table} (
          seq             bigint PRIMARY KEY,
          at              timestamptz NOT NULL,
          user_id         text NOT NULL,
          organisation_id text NOT NULL,
          agency          text NOT NULL,
          roles           text[] NOT NULL,
          action          text NOT NULL,
          case_id         text,
          detail          jsonb NOT NULL,
          previous_hash   text,
          hash            text NOT NULL UNIQUE
        );
        CREATE INDEX ${table}_case ON ${table} (case_id, seq);`,
    },
  ];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export async function migrateAccessLog(pool: Pool, where: AccessLogTable): Promise<void> {
  for (const name of [where.table, where.migrationsTable]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain table name: ${name}`);
  await runSqlMigrations(pool, accessLogMigrations(where.table), { table: where.migrationsTable, lockKey: `hashtext('tio.${where.migrationsTable}')` });
}

export interface AccessRecord {
  userId: string;
  organisationId: string;
  agency: string;
  roles: string[];
  /** What was read, e.g. `history`, `as-of`, `integrity`, `drift`, `report`, `why`, `access-log`. */
  action: string;
  caseId: string | null;
  detail: Record<string, unknown>;
}

export interface AccessLogEntry extends AccessRecord {
  seq: number;
  at: string;
  previousHash: string | null;
  hash: string;
}

export interface AccessLogVerification {
  valid: boolean;
  rowsChecked: number;
  /** Hash of the last row: record it elsewhere to make truncation detectable too. */
  headHash: string | null;
  firstBreak?: { seq: number; reason: 'hash-mismatch' | 'chain-broken' | 'sequence-gap' };
}

export function accessEntryHash(e: Omit<AccessLogEntry, 'hash'>): string {
  return createHash('sha256')
    .update(canonicalJson({
      seq: e.seq, at: e.at, userId: e.userId, organisationId: e.organisationId, agency: e.agency, roles: e.roles, action: e.action,
      caseId: e.caseId, detail: e.detail, previousHash: e.previousHash,
    }), 'utf8')
    .digest('hex');
}

interface Row {
  seq: string;
  at: Date;
  user_id: string;
  organisation_id: string;
  agency: string;
  roles: string[];
  action: string;
  case_id: string | null;
  detail: Record<string, unknown>;
  previous_hash: string | null;
  hash: string;
}

function fromRow(r: Row): AccessLogEntry {
  return {
    seq: Number(r.seq), at: r.at.toISOString(), userId: r.user_id, organisationId: r.organisation_id, agency: r.agency, roles: r.roles,
    action: r.action, caseId: r.case_id, detail: r.detail, previousHash: r.previous_hash, hash: r.hash,
  };
}

/** Told how long each record waited for its commit (`ServiceMetrics.accessLog` fits). */
export interface AccessLogMetrics {
  recorded(seconds: number, outcome: 'committed' | 'failed'): void;
}

export class AccessLog {
  private readonly table: string;
  constructor(
    private readonly pool: Pool,
    where: Pick<AccessLogTable, 'table'>,
    private readonly metrics?: AccessLogMetrics,
  ) {
    if (!IDENTIFIER.test(where.table)) throw new Error(`not a plain table name: ${where.table}`);
    this.table = where.table;
  }

  private readonly queue: { record: AccessRecord; queuedAt: bigint; resolve: (entry: AccessLogEntry) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  /**
   * Appends one entry and resolves once it is committed (the read it records may then proceed). Group commit: records
   * arriving while an append is in flight go together in the next one (one chain lock, one multi-row insert, one
   * commit), so a busy service pays one transaction per batch instead of one per read, and the chain stays a line.
   */
  record(record: AccessRecord): Promise<AccessLogEntry> {
    return new Promise<AccessLogEntry>((resolve, reject) => {
      this.queue.push({ record, queuedAt: process.hrtime.bigint(), resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        try {
          const entries = await this.append(batch.map((b) => b.record));
          batch.forEach((b, i) => {
            this.metrics?.recorded(secondsSince(b.queuedAt), 'committed');
            b.resolve(entries[i]);
          });
        } catch (err) {
          for (const b of batch) {
            this.metrics?.recorded(secondsSince(b.queuedAt), 'failed');
            b.reject(err);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async append(records: AccessRecord[]): Promise<AccessLogEntry[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // several instances of a service share the table: the chain's head is taken under a lock
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tio.${this.table}`]);
      const { rows } = await client.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.table} ORDER BY seq DESC LIMIT 1`);
      let seq = rows[0] ? Number(rows[0].seq) : 0;
      let previousHash = rows[0]?.hash ?? null;
      const at = new Date().toISOString();
      const entries = records.map((record) => {
        // JSON round trip so the hashed detail is exactly what jsonb gives back (no undefined, no Dates)
        const detail = JSON.parse(JSON.stringify(record.detail ?? {})) as Record<string, unknown>;
        const entry: Omit<AccessLogEntry, 'hash'> = { ...record, detail, seq: ++seq, at, previousHash };
        const hash = accessEntryHash(entry);
        previousHash = hash;
        return { ...entry, hash };
      });
      const params: unknown[] = [];
      const values = entries.map((e) => {
        const base = params.length;
        params.push(e.seq, e.at, e.userId, e.organisationId, e.agency, e.roles, e.action, e.caseId, JSON.stringify(e.detail), e.previousHash, e.hash);
        return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      await client.query(
        `INSERT INTO ${this.table} (seq, at, user_id, organisation_id, agency, roles, action, case_id, detail, previous_hash, hash) VALUES ${values.join(', ')}`,
        params,
      );
      await client.query('COMMIT');
      return entries;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Oldest first after `afterSeq`; or, with `newestFirst`, newest first before `beforeSeq`. */
  async list(options: { caseId?: string; afterSeq?: number; beforeSeq?: number; newestFirst?: boolean; limit: number }): Promise<AccessLogEntry[]> {
    const params: unknown[] = [options.limit];
    const where: string[] = [];
    if (options.newestFirst) {
      if (options.beforeSeq !== undefined) where.push(`seq < $${params.push(options.beforeSeq)}`);
    } else {
      where.push(`seq > $${params.push(options.afterSeq ?? 0)}`);
    }
    if (options.caseId) where.push(`case_id = $${params.push(options.caseId)}`);
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $1`,
      params,
    );
    return rows.map(fromRow);
  }

  /** Walks the whole chain in order (in pages) and reports the first row that does not prove itself. */
  async verify(): Promise<AccessLogVerification> {
    let previous: string | null = null;
    let expected = 1;
    let checked = 0;
    for (;;) {
      const { rows } = await this.pool.query<Row>(`SELECT * FROM ${this.table} WHERE seq >= $1 ORDER BY seq LIMIT 5000`, [expected]);
      if (rows.length === 0) break;
      for (const row of rows) {
        const e = fromRow(row);
        checked++;
        if (e.seq !== expected) return { valid: false, rowsChecked: checked, headHash: previous, firstBreak: { seq: e.seq, reason: 'sequence-gap' } };
        if (e.previousHash !== previous) return { valid: false, rowsChecked: checked, headHash: previous, firstBreak: { seq: e.seq, reason: 'chain-broken' } };
        if (accessEntryHash(e) !== e.hash) return { valid: false, rowsChecked: checked, headHash: previous, firstBreak: { seq: e.seq, reason: 'hash-mismatch' } };
        previous = e.hash;
        expected++;
      }
    }
    return { valid: true, rowsChecked: checked, headHash: previous };
  }
}
