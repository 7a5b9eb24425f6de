import type { Pool } from 'pg';
import { headMac, macMatches, runSqlMigrations, type StreamCheckpoint } from '@tio/event-store';
import type { StoreReader } from '../stores/store-reader';

const TABLE = 'audit_stream_checkpoints';

/**
 * Stream heads the audit has seen, kept in the audit's OWN database, where the writers of the services' event
 * stores cannot reach. A head is kept only when its MAC verifies under the chain key, so nobody without the key can
 * plant one, and a kept head is never replaced: a store later rewound, restored from an older copy or rewritten
 * no longer matches it. Heads are taken by a periodic sweep of every store (AUDIT_CHECKPOINT_INTERVAL_MS) and by
 * every integrity check.
 */
export class CheckpointStore {
  /** The revision last kept per store and stream, so a sweep verifies and writes only heads that moved. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly key: Buffer,
  ) {}

  async migrate(): Promise<void> {
    await runSqlMigrations(this.pool, [{
      version: 1,
      name: 'stream head checkpoints',
      sql: `CREATE TABLE ${TABLE} (
              store       text NOT NULL,
              stream_name text NOT NULL,
              case_id     text,
              revision    bigint NOT NULL,
              hash        text NOT NULL,
              head_mac    text NOT NULL,
              taken_at    timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (store, stream_name, revision)
            );
            CREATE INDEX audit_stream_checkpoints_case_idx ON ${TABLE} (case_id, store)`,
    }], { table: 'audit_checkpoint_migrations', lockKey: `hashtext('tio.audit_checkpoint_migrations')` });
  }

  /** Keeps every authenticated head of the store (or of the given streams) not kept yet; returns how many were new. */
  async take(reader: StoreReader, streamNames?: string[]): Promise<number> {
    const heads = await reader.streamHeads(streamNames);
    const kept = { stream: [] as string[], revision: [] as number[], hash: [] as string[], mac: [] as string[] };
    for (const [stream, head] of heads) {
      if (this.seen.get(`${reader.name}\0${stream}`) === head.revision) continue;
      if (head.revision < 0 || !head.lastHash || !macMatches(headMac(this.key, stream, head.revision, head.lastHash), head.mac)) continue;
      kept.stream.push(stream);
      kept.revision.push(head.revision);
      kept.hash.push(head.lastHash);
      kept.mac.push(head.mac as string);
    }
    if (kept.stream.length === 0) return 0;
    // the case each stream belongs to, so a case's check also finds a stream that vanished from the store entirely
    const cases = await reader.streamCaseIds(kept.stream);
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${TABLE} (store, stream_name, case_id, revision, hash, head_mac)
         SELECT $1, s, c, r, h, m FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[]) AS x(s, c, r, h, m)
       ON CONFLICT (store, stream_name, revision) DO NOTHING`,
      [reader.name, kept.stream, kept.stream.map((st) => cases.get(st) ?? null), kept.revision, kept.hash, kept.mac],
    );
    kept.stream.forEach((stream, i) => this.seen.set(`${reader.name}\0${stream}`, kept.revision[i] as number));
    return rowCount ?? 0;
  }

  /** Streams of the store the audit has kept a head of for this case (found by the case id of their first event). */
  async caseStreams(store: string, caseId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ stream_name: string }>(
      `SELECT DISTINCT stream_name FROM ${TABLE} WHERE case_id = $1 AND store = $2`,
      [caseId, store],
    );
    return rows.map((r) => r.stream_name);
  }

  /** The kept heads of a store's streams (all, or the given ones), in revision order per stream. */
  async of(store: string, streamNames?: string[]): Promise<Map<string, StreamCheckpoint[]>> {
    const { rows } = await this.pool.query<{ stream_name: string; revision: string; hash: string; taken_at: Date }>(
      `SELECT stream_name, revision, hash, taken_at FROM ${TABLE}
        WHERE store = $1 ${streamNames ? 'AND stream_name = ANY($2::text[])' : ''} ORDER BY stream_name, revision`,
      streamNames ? [store, streamNames] : [store],
    );
    const out = new Map<string, StreamCheckpoint[]>();
    for (const r of rows) {
      const list = out.get(r.stream_name) ?? [];
      list.push({ revision: Number(r.revision), hash: r.hash, takenAt: r.taken_at.toISOString() });
      out.set(r.stream_name, list);
    }
    return out;
  }
}
