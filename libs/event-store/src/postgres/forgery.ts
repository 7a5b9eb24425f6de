import type { Pool, PoolClient } from 'pg';
import { computeEventHash } from '../hashing';
import { table } from './schema';

/**
 * What someone with write access to an event store's database (and without the chain key) can do, in plain SQL
 * with the public hash algorithm. For tests that prove each forgery is reported; never used by the store.
 */
export class EventStoreForger {
  constructor(private readonly pool: Pool, private readonly schema = 'event_store') {}

  /** Changes one event's data, then recomputes every later hash and the stream head so the chain is consistent. */
  rewriteEvent(streamName: string, revision: number, data: unknown): Promise<void> {
    return this.inTransaction(async (c) => {
      await c.query(`UPDATE ${this.events} SET data = $3::jsonb WHERE stream_name = $1 AND revision = $2`, [streamName, revision, JSON.stringify(data)]);
      await this.rechain(c, streamName, revision);
    });
  }

  /**
   * Deletes the events from `fromRevision` on and rewinds the head to the new last event, giving the head the MAC
   * stored with that event (the best an attacker without the key can do).
   */
  truncateTail(streamName: string, fromRevision: number): Promise<void> {
    return this.inTransaction(async (c) => {
      await c.query(`DELETE FROM ${this.events} WHERE stream_name = $1 AND revision >= $2`, [streamName, fromRevision]);
      await c.query(
        `UPDATE ${this.streams} s SET revision = e.revision, last_hash = e.hash, head_mac = e.mac
           FROM ${this.events} e WHERE s.stream_name = $1 AND e.stream_name = $1 AND e.revision = $2 - 1`,
        [streamName, fromRevision],
      );
    });
  }

  /** Deletes one event, renumbers the later ones down by one and recomputes the chain and the head. */
  deleteEvent(streamName: string, revision: number): Promise<void> {
    return this.inTransaction(async (c) => {
      await c.query(`DELETE FROM ${this.events} WHERE stream_name = $1 AND revision = $2`, [streamName, revision]);
      const { rows } = await c.query<{ revision: string }>(`SELECT revision FROM ${this.events} WHERE stream_name = $1 AND revision > $2 ORDER BY revision`, [streamName, revision]);
      for (const row of rows) {
        await c.query(`UPDATE ${this.events} SET revision = revision - 1 WHERE stream_name = $1 AND revision = $2`, [streamName, row.revision]);
      }
      await this.rechain(c, streamName, revision);
    });
  }

  /** Copies the stream's rows (events and head) aside, as a backup or a disk snapshot would; `restore()` puts them back. */
  async snapshot(streamName: string): Promise<{ restore(): Promise<void> }> {
    const events = await this.pool.query(`SELECT * FROM ${this.events} WHERE stream_name = $1 ORDER BY revision`, [streamName]);
    const head = await this.pool.query(`SELECT * FROM ${this.streams} WHERE stream_name = $1`, [streamName]);
    return {
      restore: () => this.inTransaction(async (c) => {
        await c.query(`DELETE FROM ${this.events} WHERE stream_name = $1`, [streamName]);
        await c.query(
          `INSERT INTO ${this.events} SELECT * FROM jsonb_populate_recordset(NULL::${this.events}, $1::jsonb)`,
          [JSON.stringify(events.rows)],
        );
        await c.query(
          `UPDATE ${this.streams} s SET revision = o.revision, last_hash = o.last_hash, head_mac = o.head_mac, updated_at = o.updated_at
             FROM jsonb_populate_record(NULL::${this.streams}, $2::jsonb) o WHERE s.stream_name = $1`,
          [streamName, JSON.stringify(head.rows[0])],
        );
      }),
    };
  }

  private get events(): string {
    return table(this.schema, 'events');
  }

  private get streams(): string {
    return table(this.schema, 'streams');
  }

  /** Recomputes hash and previous_hash from `fromRevision` to the end, then the head's revision and hash. */
  private async rechain(c: PoolClient, streamName: string, fromRevision: number): Promise<void> {
    const { rows } = await c.query<{ revision: string; type: string; schema_version: number; data: unknown; metadata: unknown; hash: string }>(
      `SELECT revision, type, schema_version, data, metadata, hash FROM ${this.events} WHERE stream_name = $1 AND revision >= $2 - 1 ORDER BY revision`,
      [streamName, fromRevision],
    );
    let previousHash: string | null = null;
    let last = fromRevision - 1;
    for (const row of rows) {
      const revision = Number(row.revision);
      if (revision < fromRevision) {
        previousHash = row.hash;
        continue;
      }
      const hash = computeEventHash({ streamName, revision, type: row.type, schemaVersion: row.schema_version, data: row.data, metadata: row.metadata, previousHash });
      await c.query(`UPDATE ${this.events} SET hash = $3, previous_hash = $4 WHERE stream_name = $1 AND revision = $2`, [streamName, revision, hash, previousHash]);
      previousHash = hash;
      last = revision;
    }
    await c.query(`UPDATE ${this.streams} SET revision = $2, last_hash = $3 WHERE stream_name = $1`, [streamName, last, previousHash]);
  }

  private async inTransaction(work: (c: PoolClient) => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await work(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
