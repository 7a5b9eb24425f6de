import { createHash, createHmac } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { CHAIN_KEY_VAR, canonicalJson, chainKeyFrom, macMatches, runSqlMigrations, type SqlMigration } from '@tio/event-store';
import { secondsSince } from './metrics/service-metrics';

/**
 * Who read which case, when, and how: hash-chained tables in the service's own database (the audit service's
 * `audit_access_log`, the agency services' `agency_access_log`, the timeline's `timeline_case_access_log`).
 *
 * The log is many chains, not one: every case has its own (`case:<caseId>`), reads that name no case share the
 * `service` chain, and the rows written before chains existed form the frozen `legacy` chain. Each row's hash is
 * SHA-256 over the canonical JSON of its content, its chain and position, AND the previous row's hash in that chain,
 * so editing, inserting or deleting a row breaks its chain from that row on. Each chain's head (position, hash) is a
 * row of `<table>_heads`, MACed with the chain key (`@tio/event-store` authentication: held outside every database),
 * so a database writer can neither rewind a head after cutting a chain's tail nor forge one after rewriting it.
 *
 * An append is one autocommit statement that inserts the rows and moves each chain's head only if the head is still
 * where the appender last saw it; a chain whose head moved (another instance appended) re-reads it and tries again.
 * No lock is held across round trips and none is shared by all chains: only the heads being moved are locked, for
 * that statement. The records waiting in a process go together in the next statement (group commit), at most two
 * statements in flight; a read waits only for its own case's statement in flight, or for a free slot.
 */
/** Where a service keeps its chained access log. */
export interface AccessLogTable {
  /** Table name (a plain identifier), e.g. `audit_access_log`. */
  table: string;
  /** Its migrations' bookkeeping table. */
  migrationsTable: string;
}

/** The chain that holds the rows written before the log was chained per case (hashed as they always were). */
export const LEGACY_CHAIN = 'legacy';
/** The chain of reads that name no case (an auditor's whole-log read, a list across cases). */
export const SERVICE_CHAIN = 'service';

export function chainOf(caseId: string | null): string {
  return caseId === null ? SERVICE_CHAIN : `case:${caseId}`;
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
    {
      version: 2,
      name: 'a chain per case, heads MACed',
      // seq stays the log's global order (and the pages' cursor) but now comes from a sequence: chains append
      // concurrently, so it may have gaps; each chain's position is gap-free. The rows so far become the legacy chain.
      sql: `
        ALTER TABLE ${table} ADD COLUMN chain text, ADD COLUMN position bigint;
        UPDATE ${table} SET chain = '${LEGACY_CHAIN}', position = seq;
        ALTER TABLE ${table} ALTER COLUMN chain SET NOT NULL, ALTER COLUMN position SET NOT NULL,
          ADD CONSTRAINT ${table}_chain_position UNIQUE (chain, position);
        CREATE SEQUENCE ${table}_seq OWNED BY ${table}.seq;
        SELECT setval('${table}_seq', COALESCE((SELECT max(seq) FROM ${table}), 0) + 1, false);
        ALTER TABLE ${table} ALTER COLUMN seq SET DEFAULT nextval('${table}_seq');
        CREATE TABLE ${table}_heads (
          chain    text PRIMARY KEY,
          position bigint NOT NULL,
          hash     text NOT NULL,
          mac      text
        );
        INSERT INTO ${table}_heads (chain, position, hash)
          SELECT '${LEGACY_CHAIN}', seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1;`,
      // the legacy head is anchored now if this process holds the chain key; otherwise verify reports it unanchored
      then: async (client) => {
        const key = chainKeyOrNull();
        if (!key) return;
        const { rows } = await client.query<{ position: string; hash: string }>(`SELECT position, hash FROM ${table}_heads WHERE chain = $1`, [LEGACY_CHAIN]);
        if (rows[0]) await client.query(`UPDATE ${table}_heads SET mac = $2 WHERE chain = $1`, [LEGACY_CHAIN, accessHeadMac(key, table, LEGACY_CHAIN, Number(rows[0].position), rows[0].hash)]);
      },
    },
  ];
}

// room for the suffixes of the heads table, the sequence and the constraint within PostgreSQL's 63 characters
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

export async function migrateAccessLog(pool: Pool, where: AccessLogTable): Promise<void> {
  for (const name of [where.table, where.migrationsTable]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain table name: ${name}`);
  await runSqlMigrations(pool, accessLogMigrations(where.table), { table: where.migrationsTable, lockKey: `hashtext('tio.${where.migrationsTable}')` });
}

/** The chain key from the environment, or null where this process holds none (heads are then written unMACed). */
export function chainKeyOrNull(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  return env[CHAIN_KEY_VAR]?.trim() || env['TIO_MASTER_KEY']?.trim() ? chainKeyFrom(env) : null;
}

const HEAD_DOMAIN = 'tio/access-log/head/v1';

/** MAC of a chain head: the table is in it, so a head cannot be moved from one service's log to another's. */
export function accessHeadMac(key: Buffer, table: string, chain: string, position: number, hash: string): string {
  return createHmac('sha256', key).update(`${HEAD_DOMAIN}\0${table}\0${chain}\0${position}\0${hash}`, 'utf8').digest('hex');
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
  /** The log's global order (the pages' cursor); not hashed, may have gaps. */
  seq: number;
  /** `case:<caseId>`, `service` (no case) or `legacy` (written before chains). */
  chain: string;
  /** 1, 2, 3 ... within the chain. */
  position: number;
  at: string;
  previousHash: string | null;
  hash: string;
}

export type AccessLogBreakReason =
  | 'hash-mismatch' // the row's content is not what its hash covers
  | 'chain-broken' // the row does not point at the previous row's hash
  | 'sequence-gap' // a position is missing (`position` names it)
  | 'head-mismatch' // the chain's last row is not its recorded head (rows cut off the end, or added past it)
  | 'head-missing' // rows with no head: the head was deleted
  | 'entries-missing' // a head with no rows: the chain was deleted
  | 'head-mac-mismatch'; // the head is not one the key holder wrote (rewound or forged)

export interface AccessLogBreak {
  chain: string;
  position: number;
  /** The row at which the break was seen, when there is one. */
  seq: number | null;
  reason: AccessLogBreakReason;
}

export interface AccessLogVerification {
  valid: boolean;
  rowsChecked: number;
  chainsChecked: number;
  /**
   * SHA-256 over every chain's head (chain, position, hash), in chain order: record it elsewhere to make the removal
   * of a whole chain, head and all, detectable too. For one chain, that chain's head hash.
   */
  headHash: string | null;
  /** True when every head's MAC was checked with the chain key (the legacy head excepted while it is unanchored). */
  headsAuthenticated: boolean;
  /** Chains whose head carries no MAC and was accepted: only the legacy chain, when migrated without the key. */
  unanchoredChains: string[];
  /** The first break found (chains in order); `breaks` has the first of each broken chain, at most 100. */
  firstBreak?: AccessLogBreak;
  breaks: AccessLogBreak[];
}

/** The legacy rows' hash (before chains): over the global seq. */
export function accessEntryHash(e: Omit<AccessLogEntry, 'hash' | 'chain' | 'position'>): string {
  return createHash('sha256')
    .update(canonicalJson({
      seq: e.seq, at: e.at, userId: e.userId, organisationId: e.organisationId, agency: e.agency, roles: e.roles, action: e.action,
      caseId: e.caseId, detail: e.detail, previousHash: e.previousHash,
    }), 'utf8')
    .digest('hex');
}

/** A chained row's hash: its chain and position instead of the global seq, so a row cannot move between chains. */
export function chainedEntryHash(e: Omit<AccessLogEntry, 'hash' | 'seq'>): string {
  return createHash('sha256')
    .update(canonicalJson({
      chain: e.chain, position: e.position, at: e.at, userId: e.userId, organisationId: e.organisationId, agency: e.agency, roles: e.roles,
      action: e.action, caseId: e.caseId, detail: e.detail, previousHash: e.previousHash,
    }), 'utf8')
    .digest('hex');
}

function entryHash(e: AccessLogEntry): string {
  return e.chain === LEGACY_CHAIN ? accessEntryHash(e) : chainedEntryHash(e);
}

interface Row {
  seq: string;
  chain: string;
  position: string;
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

interface HeadRow {
  chain: string;
  position: string;
  hash: string;
  mac: string | null;
}

function fromRow(r: Row): AccessLogEntry {
  return {
    seq: Number(r.seq), chain: r.chain, position: Number(r.position), at: r.at.toISOString(), userId: r.user_id, organisationId: r.organisation_id,
    agency: r.agency, roles: r.roles, action: r.action, caseId: r.case_id, detail: r.detail, previousHash: r.previous_hash, hash: r.hash,
  };
}

/** Told how long each record waited for its commit (`ServiceMetrics.accessLog` fits). */
export interface AccessLogMetrics {
  recorded(seconds: number, outcome: 'committed' | 'failed'): void;
}

export interface AccessLogOptions {
  /** The key that MACs chain heads; by default the chain key from the environment, if this process holds one. */
  chainKey?: Buffer | null;
  /** Statements in flight at once (default 2): more lets more cases append at once, fewer groups more per commit. */
  inFlight?: number;
}

interface Head {
  position: number;
  hash: string | null;
}

interface Pending {
  record: AccessRecord;
  queuedAt: bigint;
  resolve: (entry: AccessLogEntry) => void;
  reject: (err: unknown) => void;
}

/** Most records in one statement. */
const BATCH = 500;
/**
 * Statements in flight at once per process, by default. Commits are what an append costs: 16 writers over 100 cases
 * on a 2-core machine recorded 1,467/s with 1 in flight, 1,243/s with 2, 860/s with 4 (one chain per service: 1,024/s).
 * Two keep most of the grouping while a case whose statement is slow (its head held by another instance) does not
 * stall every other case's reads.
 */
const IN_FLIGHT = 2;
const MAX_ATTEMPTS = 100;
/** Heads remembered per process (most recently used); a head not remembered costs one more round trip. */
const HEADS_CACHED = 10_000;
const PAGE = 5000;
const BREAKS_LISTED = 100;
const DEADLOCK = '40P01';

export class AccessLog {
  private readonly table: string;
  private readonly heads: string;
  private readonly key: Buffer | null;
  private readonly inFlightLimit: number;
  /** Records not yet in a statement, per chain. */
  private readonly waiting = new Map<string, Pending[]>();
  /** Chains with a statement in flight: their next records wait for its new head. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private readonly knownHeads = new Map<string, Head>();

  constructor(
    private readonly pool: Pool,
    where: Pick<AccessLogTable, 'table'>,
    private readonly metrics?: AccessLogMetrics,
    options: AccessLogOptions = {},
  ) {
    if (!IDENTIFIER.test(where.table)) throw new Error(`not a plain table name: ${where.table}`);
    this.table = where.table;
    this.heads = `${where.table}_heads`;
    this.key = options.chainKey === undefined ? chainKeyOrNull() : options.chainKey;
    this.inFlightLimit = options.inFlight ?? IN_FLIGHT;
  }

  /**
   * Appends one entry to its case's chain and resolves once it is committed (the read it records may then proceed).
   * Group commit without a lock: the records waiting when a statement slot is free go together, whatever their
   * chains, in one statement that moves each chain's head only if it is still where this process last saw it. A
   * record waits only while its own case's chain is in flight, or while every slot is taken.
   */
  record(record: AccessRecord): Promise<AccessLogEntry> {
    const chain = chainOf(record.caseId);
    return new Promise<AccessLogEntry>((resolve, reject) => {
      const pending = { record, queuedAt: process.hrtime.bigint(), resolve, reject };
      const queue = this.waiting.get(chain);
      if (queue) queue.push(pending);
      else this.waiting.set(chain, [pending]);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.inFlightLimit) {
      const batch = new Map<string, Pending[]>();
      let size = 0;
      for (const [chain, queue] of this.waiting) {
        if (this.busy.has(chain)) continue;
        const taken = queue.splice(0, BATCH - size);
        if (queue.length === 0) this.waiting.delete(chain);
        batch.set(chain, taken);
        this.busy.add(chain);
        size += taken.length;
        if (size >= BATCH) break;
      }
      if (batch.size === 0) return;
      this.inFlight++;
      void this.flush(batch).finally(() => {
        for (const chain of batch.keys()) this.busy.delete(chain);
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async flush(batch: Map<string, Pending[]>): Promise<void> {
    try {
      const entries = await this.append(new Map([...batch].map(([chain, pending]) => [chain, pending.map((p) => p.record)])));
      for (const [chain, pending] of batch) {
        const committed = entries.get(chain) as AccessLogEntry[];
        pending.forEach((p, i) => {
          this.metrics?.recorded(secondsSince(p.queuedAt), 'committed');
          p.resolve(committed[i]);
        });
      }
    } catch (err) {
      for (const p of [...batch.values()].flat()) {
        this.metrics?.recorded(secondsSince(p.queuedAt), 'failed');
        p.reject(err);
      }
    }
  }

  /** Appends each chain's records after its head; chains whose head moved meanwhile (another instance) are retried. */
  private async append(records: Map<string, AccessRecord[]>): Promise<Map<string, AccessLogEntry[]>> {
    const done = new Map<string, AccessLogEntry[]>();
    let todo = [...records.keys()];
    for (let attempt = 1; ; attempt++) {
      const unknown = todo.filter((chain) => !this.knownHeads.has(chain));
      if (unknown.length > 0) for (const [chain, head] of await this.readHeads(unknown)) this.remember(chain, head);
      const at = new Date().toISOString();
      const planned = todo.map((chain) => ({ chain, from: this.knownHeads.get(chain) as Head, entries: this.chained(chain, this.knownHeads.get(chain) as Head, at, records.get(chain) as AccessRecord[]) }));
      let seqs: Map<string, number>;
      try {
        seqs = await this.insertWhereHeadsAre(planned);
      } catch (err) {
        // two instances' statements locked the same heads in opposite orders: PostgreSQL cancelled one; try again
        if ((err as { code?: string }).code !== DEADLOCK || attempt >= MAX_ATTEMPTS) throw err;
        seqs = new Map();
      }
      todo = [];
      for (const { chain, entries } of planned) {
        const last = entries[entries.length - 1];
        if (seqs.has(`${chain}\0${last.position}`)) {
          this.remember(chain, { position: last.position, hash: last.hash });
          done.set(chain, entries.map((e) => ({ ...e, seq: seqs.get(`${chain}\0${e.position}`) as number })));
        } else {
          this.knownHeads.delete(chain); // another instance appended to this chain since: start again from its head
          todo.push(chain);
        }
      }
      if (todo.length === 0) return done;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`access log ${this.table}: chains kept moving (${todo.join(', ')}); their entries were not recorded`);
    }
  }

  private chained(chain: string, head: Head, at: string, records: AccessRecord[]): Omit<AccessLogEntry, 'seq'>[] {
    let previousHash = head.hash;
    return records.map((record, i) => {
      // JSON round trip so the hashed detail is exactly what jsonb gives back (no undefined, no Dates)
      const detail = JSON.parse(JSON.stringify(record.detail ?? {})) as Record<string, unknown>;
      const entry: Omit<AccessLogEntry, 'hash' | 'seq'> = { ...record, detail, chain, position: head.position + i + 1, at, previousHash };
      const hash = chainedEntryHash(entry);
      previousHash = hash;
      return { ...entry, hash };
    });
  }

  /**
   * One autocommit statement: moves each chain's head from where it was seen to its last new entry (or creates it,
   * for a new chain) and inserts the entries of exactly the chains whose head moved. Only those heads' rows are
   * locked, and only for the statement. Returns the seq of each inserted entry by `chain\0position`.
   */
  private async insertWhereHeadsAre(planned: { chain: string; from: Head; entries: Omit<AccessLogEntry, 'seq'>[] }[]): Promise<Map<string, number>> {
    const moves = planned.map(({ chain, from, entries }) => {
      const last = entries[entries.length - 1];
      return {
        chain, from_position: from.position, from_hash: from.hash, position: last.position, hash: last.hash,
        mac: this.key ? accessHeadMac(this.key, this.table, chain, last.position, last.hash) : null,
      };
    });
    const rows = planned.flatMap(({ entries }) => entries.map((e) => ({
      chain: e.chain, position: e.position, at: e.at, user_id: e.userId, organisation_id: e.organisationId, agency: e.agency, roles: e.roles,
      action: e.action, case_id: e.caseId, detail: e.detail, previous_hash: e.previousHash, hash: e.hash,
    })));
    // named (prepared): every read of a case runs it, and parsing and planning it cost PostgreSQL more than running it
    const { rows: inserted } = await this.pool.query<{ seq: string; chain: string; position: string }>({
      name: `tio-access-log-append:${this.table}`,
      text: `WITH moves AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS m(chain text, from_position bigint, from_hash text, position bigint, hash text, mac text)
       ), moved AS (
         UPDATE ${this.heads} h SET position = m.position, hash = m.hash, mac = m.mac FROM moves m
          WHERE m.from_position > 0 AND h.chain = m.chain AND h.position = m.from_position AND h.hash = m.from_hash
         RETURNING h.chain
       ), created AS (
         INSERT INTO ${this.heads} (chain, position, hash, mac) SELECT chain, position, hash, mac FROM moves WHERE from_position = 0
         ON CONFLICT (chain) DO NOTHING RETURNING chain
       )
       INSERT INTO ${this.table} (chain, position, at, user_id, organisation_id, agency, roles, action, case_id, detail, previous_hash, hash)
       SELECT e.chain, e.position, e.at, e.user_id, e.organisation_id, e.agency, ARRAY(SELECT jsonb_array_elements_text(e.roles)), e.action, e.case_id,
              e.detail, e.previous_hash, e.hash
         FROM jsonb_to_recordset($2::jsonb) AS e(chain text, position bigint, at timestamptz, user_id text, organisation_id text, agency text,
              roles jsonb, action text, case_id text, detail jsonb, previous_hash text, hash text)
        WHERE e.chain IN (SELECT chain FROM moved UNION ALL SELECT chain FROM created)
        ORDER BY e.chain, e.position
       RETURNING seq, chain, position`,
      values: [JSON.stringify(moves), JSON.stringify(rows)],
    });
    return new Map(inserted.map((r) => [`${r.chain}\0${Number(r.position)}`, Number(r.seq)]));
  }

  private async readHeads(chains: string[]): Promise<Map<string, Head>> {
    const { rows } = await this.pool.query<HeadRow>({ name: `tio-access-log-heads:${this.heads}`, text: `SELECT chain, position, hash FROM ${this.heads} WHERE chain = ANY($1)`, values: [chains] });
    const found = new Map(rows.map((r) => [r.chain, { position: Number(r.position), hash: r.hash }]));
    return new Map(chains.map((chain) => [chain, found.get(chain) ?? { position: 0, hash: null }]));
  }

  private remember(chain: string, head: Head): void {
    this.knownHeads.delete(chain);
    this.knownHeads.set(chain, head);
    if (this.knownHeads.size > HEADS_CACHED) this.knownHeads.delete(this.knownHeads.keys().next().value as string);
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

  /**
   * Verifies the whole log, or one chain (`chainOf(caseId)`): every chain walked in position order, each row's hash
   * and link, each chain's end against its head, each head's MAC (with the key), and no head without rows.
   */
  async verify(options: { chain?: string } = {}): Promise<AccessLogVerification> {
    // one snapshot: appends go on meanwhile, and a head must be compared with the rows as they were when it was read
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await this.verifyIn(client, options.chain);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async verifyIn(client: PoolClient, only: string | undefined): Promise<AccessLogVerification> {
    const breaks: AccessLogBreak[] = [];
    const broken = (b: AccessLogBreak) => {
      if (breaks.length < BREAKS_LISTED) breaks.push(b);
    };
    const { rowsChecked, chainsChecked } = await this.walkChains(client, only, broken);
    const { headHash, unanchoredChains } = await this.walkHeads(client, only, broken);
    breaks.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.position - b.position));
    return {
      valid: breaks.length === 0, rowsChecked, chainsChecked, headHash, headsAuthenticated: this.key !== null, unanchoredChains,
      ...(breaks[0] ? { firstBreak: breaks[0] } : {}), breaks,
    };
  }

  /** Every chain's rows in position order, each chain's last row against its head (looked up a thousand at a time). */
  private async walkChains(client: PoolClient, only: string | undefined, broken: (b: AccessLogBreak) => void): Promise<{ rowsChecked: number; chainsChecked: number }> {
    let rowsChecked = 0;
    let chainsChecked = 0;
    const ends: { chain: string; last: AccessLogEntry | null }[] = [];
    const checkEnds = async () => {
      if (ends.length === 0) return;
      const { rows } = await client.query<HeadRow>(`SELECT * FROM ${this.heads} WHERE chain = ANY($1)`, [ends.map((e) => e.chain)]);
      const heads = new Map(rows.map((h) => [h.chain, h]));
      for (const { chain, last } of ends.splice(0)) {
        const head = heads.get(chain);
        if (!last) continue; // the chain broke before its end: already reported
        if (!head) broken({ chain, position: last.position, seq: last.seq, reason: 'head-missing' });
        else if (Number(head.position) !== last.position || head.hash !== last.hash) {
          // the first position where rows and head disagree: past the shorter of the two
          const position = Number(head.position) === last.position ? last.position : Math.min(Number(head.position), last.position) + 1;
          broken({ chain, position, seq: last.seq, reason: 'head-mismatch' });
        }
      }
    };

    let current: { chain: string; expected: number; previous: string | null; last: AccessLogEntry | null } | undefined;
    const endChain = async () => {
      if (!current) return;
      ends.push({ chain: current.chain, last: current.last });
      if (ends.length >= 1000) await checkEnds();
    };
    let after: [string, number] | undefined;
    for (;;) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (only !== undefined) where.push(`chain = $${params.push(only)}`);
      if (after) where.push(`(chain, position) > ($${params.push(after[0])}, $${params.push(after[1])})`);
      const { rows } = await client.query<Row>(
        `SELECT * FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY chain, position LIMIT ${PAGE}`,
        params,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const e = fromRow(row);
        rowsChecked++;
        if (current?.chain !== e.chain) {
          await endChain();
          chainsChecked++;
          current = { chain: e.chain, expected: 1, previous: null, last: null };
        }
        if (current.expected < 0) continue; // this chain already broke
        const fault: AccessLogBreakReason | undefined =
          e.position !== current.expected ? 'sequence-gap' : e.previousHash !== current.previous ? 'chain-broken' : entryHash(e) !== e.hash ? 'hash-mismatch' : undefined;
        if (fault) {
          broken({ chain: e.chain, position: fault === 'sequence-gap' ? current.expected : e.position, seq: e.seq, reason: fault });
          current = { ...current, expected: -1, last: null };
          continue;
        }
        current = { chain: e.chain, expected: current.expected + 1, previous: e.hash, last: e };
      }
      const last = rows[rows.length - 1];
      after = [last.chain, Number(last.position)];
    }
    await endChain();
    await checkEnds();
    return { rowsChecked, chainsChecked };
  }

  /** The digest over every head, their MACs (with the key), and any head whose chain has no rows at all. */
  private async walkHeads(client: PoolClient, only: string | undefined, broken: (b: AccessLogBreak) => void): Promise<{ headHash: string | null; unanchoredChains: string[] }> {
    const digest = createHash('sha256');
    const unanchoredChains: string[] = [];
    let headHash: string | null = null;
    let headAfter: string | undefined;
    for (;;) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (only !== undefined) where.push(`h.chain = $${params.push(only)}`);
      if (headAfter !== undefined) where.push(`h.chain > $${params.push(headAfter)}`);
      const { rows } = await client.query<HeadRow & { has_rows: boolean }>(
        `SELECT h.*, EXISTS (SELECT 1 FROM ${this.table} t WHERE t.chain = h.chain) AS has_rows FROM ${this.heads} h
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.chain LIMIT ${PAGE}`,
        params,
      );
      if (rows.length === 0) break;
      for (const h of rows) {
        const position = Number(h.position);
        digest.update(`${h.chain}\0${position}\0${h.hash}\n`, 'utf8');
        headHash = only !== undefined ? h.hash : null;
        if (!h.has_rows) broken({ chain: h.chain, position, seq: null, reason: 'entries-missing' });
        if (!this.key) continue;
        if (h.mac === null && h.chain === LEGACY_CHAIN) unanchoredChains.push(h.chain);
        else if (!macMatches(accessHeadMac(this.key, this.table, h.chain, position, h.hash), h.mac)) broken({ chain: h.chain, position, seq: null, reason: 'head-mac-mismatch' });
      }
      headAfter = rows[rows.length - 1].chain;
    }
    if (only === undefined) headHash = headAfter !== undefined ? digest.digest('hex') : null;

    return { headHash, unanchoredChains };
  }
}
