/**
 * Rebuild the read model from the beginning of the topics WITHOUT taking the API down:
 *
 * 1. build aside: a fresh schema `timeline_next` (same migrations), generation = live + 1, filled by a NEW consumer
 *    group reading every topic from offset 0 (projection identical to the live one, no notifications);
 * 2. once it has caught up with the high watermarks taken at the start, stop it;
 * 3. swap in ONE transaction: lock the live tables against the live consumer (readers carry on), copy over any
 *    entry (and clock event) the live consumer stored that the rebuild had not reached (renumbering those cases by the order rule),
 *    rename `timeline` -> `timeline_old_g<n>` and `timeline_next` -> `timeline`, NOTIFY every live stream;
 * 4. drop the old schema (unless kept). The live consumer group keeps running and now writes into the new tables;
 *    the projection is idempotent by event id, so anything it applies twice changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { EventConsumer, KafkaJsClient, PgUnitOfWork, type MessagingClient, type PgTransaction } from '@tio/messaging';
import { Pool, type PoolClient } from 'pg';
import { CatchAllHandlers } from '../projection/handlers';
import { CHANGES_CHANNEL, PROJECTION_VERSION, projectBatch, resequence } from '../projection/projector';
import { migrateReadModel } from '../read-model/data-source';
import { LIVE_SCHEMA, NEXT_SCHEMA } from '../read-model/entities';

export interface RebuildProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
  elapsedMs: number;
  phase: 'building' | 'swapping' | 'done';
}

export interface RebuildOptions {
  /** The service's pool (a rebuild inside the service borrows it), or the database's URL (the CLI opens its own pool). */
  database: { pool: Pool } | { url: string };
  brokers: string[];
  topics: string[];
  keepOld?: boolean;
  onProgress?: (p: RebuildProgress) => void;
  /** KAFKA_TOPIC_PREFIX of the deployment (topics are given without it). */
  topicPrefix?: string;
  /** Events of one partition per transaction. Default 1,000. */
  batchSize?: number;
  /** Partitions projected at once. Default 3. */
  concurrency?: number;
  /** Give up if no progress for this long (ms). Default 120 000. */
  stallTimeoutMs?: number;
  /** Stops a rebuild that has not swapped yet (the live read model stays as it was). */
  signal?: AbortSignal;
}

/** Another rebuild of the same database holds the rebuild lock. */
export class RebuildRunningError extends Error {
  constructor() {
    super('another rebuild of this read model is running');
    this.name = 'RebuildRunningError';
  }
}

const REBUILD_LOCK = `hashtext('tio.timeline.rebuild')`;

export interface RebuildResult {
  generation: number;
  events: number;
  seconds: number;
  merged: number;
  oldSchema: string | null;
}

export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const ownPool = 'url' in options.database;
  const pool = 'pool' in options.database ? options.database.pool : new Pool({ connectionString: options.database.url, max: 4, application_name: 'tio-timeline-rebuild' });
  const client: MessagingClient = new KafkaJsClient({ brokers: options.brokers, clientId: 'tio-timeline-rebuild', topicPrefix: options.topicPrefix });
  const started = Date.now();
  let lock: PoolClient | undefined;
  try {
    // one rebuild at a time (the CLI, or a service instance that found its model built by an older projection)
    lock = await pool.connect();
    const held = await lock.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${REBUILD_LOCK}) AS locked`);
    if (!held.rows[0]?.locked) throw new RebuildRunningError();
    await migrateReadModel(pool, LIVE_SCHEMA);
    await pool.query(`DROP SCHEMA IF EXISTS "${NEXT_SCHEMA}" CASCADE`);
    await migrateReadModel(pool, NEXT_SCHEMA);
    const live = await pool.query<{ generation: number }>(`SELECT generation FROM "${LIVE_SCHEMA}".model_info WHERE id = 1`);
    const generation = (live.rows[0]?.generation ?? 0) + 1;
    await pool.query(`UPDATE "${NEXT_SCHEMA}".model_info SET generation = $1, built_at = now(), projection = $2 WHERE id = 1`, [generation, PROJECTION_VERSION]);

    // what "caught up" means: every message present when the rebuild started
    let total = 0;
    const admin = client.admin();
    await admin.connect();
    for (const topic of options.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        total += Number(BigInt(p.high) - BigInt(p.low));
      }
    }

    const groupId = `tio-timeline-rebuild-g${generation}-${randomUUID().slice(0, 8)}`;
    const consumer = new EventConsumer<PgTransaction>({
      client, groupId, topics: options.topics, fromBeginning: true, unitOfWork: new PgUnitOfWork(pool),
      handlers: new CatchAllHandlers<PgTransaction>(async (event, tx) => {
        await projectBatch(tx, NEXT_SCHEMA, [event]);
      }),
      transactionBatchSize: options.batchSize ?? 1000,
      // cases span topics (and so partitions): concurrent batches serialise per case on its timeline_cases row
      partitionsConsumedConcurrently: options.concurrency ?? 3,
      applyBatch: async (events, tx) => {
        // safe to relax here: a rebuild that crashes is started again from scratch (new group, fresh schema)
        await tx.query(`SET LOCAL synchronous_commit = off`);
        await projectBatch(tx, NEXT_SCHEMA, events);
      },
    });
    const processed = () => consumer.stats.applied + consumer.stats.duplicates + consumer.stats.deadLettered + consumer.stats.ignored;
    // every message of the start snapshot handled (applied, or dead-lettered with its reason)
    const caughtUp = () => processed() >= total;
    const report = (phase: RebuildProgress['phase']) => {
      const elapsedMs = Date.now() - started;
      options.onProgress?.({ done: Math.min(processed(), total), total, elapsedMs, eventsPerSecond: processed() / Math.max(0.001, elapsedMs / 1000), phase });
    };
    await consumer.start();
    let last = -1;
    let lastChange = Date.now();
    while (!caughtUp()) {
      await new Promise((r) => setTimeout(r, 200));
      if (options.signal?.aborted) {
        await consumer.stop();
        throw new Error(`rebuild stopped at ${processed()}/${total} events; the live read model is untouched`);
      }
      report('building');
      if (processed() !== last) {
        last = processed();
        lastChange = Date.now();
      } else if (Date.now() - lastChange > (options.stallTimeoutMs ?? 120_000)) {
        await consumer.stop();
        throw new Error(`rebuild stalled at ${processed()}/${total} events; the live read model is untouched`);
      }
    }
    await consumer.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
    await pool.query(`DELETE FROM processed_messages WHERE consumer_group = $1`, [groupId]);
    report('swapping');

    const { merged, oldSchema } = await swap(pool, generation);
    if (oldSchema && !options.keepOld) await pool.query(`DROP SCHEMA "${oldSchema}" CASCADE`);
    report('done');
    return { generation, events: processed(), seconds: (Date.now() - started) / 1000, merged, oldSchema: options.keepOld ? oldSchema : null };
  } finally {
    // a session lock: ending the session releases it
    lock?.release(true);
    if (ownPool) await pool.end();
  }
}

/** The atomic swap (step 3). Returns how many entries the live consumer had that the rebuild had not reached. */
async function swap(pool: Pool, generation: number): Promise<{ merged: number; oldSchema: string | null }> {
  const c = await pool.connect();
  const L = `"${LIVE_SCHEMA}"`;
  const N = `"${NEXT_SCHEMA}"`;
  const oldSchema = `timeline_old_g${generation - 1}_${Date.now()}`;
  const tx = { query: async <R>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as R[] };
  try {
    await c.query('BEGIN');
    await c.query(`LOCK TABLE ${L}.timeline_cases, ${L}.timeline_entries, ${L}.case_members, ${L}.case_clock_events, ${L}.family_links IN EXCLUSIVE MODE`);
    await c.query(
      `INSERT INTO ${N}.timeline_cases (case_id, entry_count, first_occurred_at, last_occurred_at)
       SELECT case_id, 0, first_occurred_at, last_occurred_at FROM ${L}.timeline_cases ON CONFLICT (case_id) DO NOTHING`,
    );
    const inserted = await tx.query<{ case_id: string }>(
      `INSERT INTO ${N}.timeline_entries
       SELECT e.source_event_id, e.case_id, -row_number() OVER w, nc.entry_count + row_number() OVER w, e.kind, e.title, e.summary, e.agency,
              e.actor_user_id, e.actor_organisation_id, e.actor_agency, e.actor_role, e.occurred_at, e.recorded_at, e.details, e.source_event_type,
              e.source_topic, e.source_partition, e.source_offset, e.projected_at
         FROM ${L}.timeline_entries e JOIN ${N}.timeline_cases nc ON nc.case_id = e.case_id
        WHERE NOT EXISTS (SELECT 1 FROM ${N}.timeline_entries x WHERE x.source_event_id = e.source_event_id)
       WINDOW w AS (PARTITION BY e.case_id ORDER BY e.arrival)
       RETURNING case_id`,
    );
    await c.query(
      `INSERT INTO ${N}.case_members AS m SELECT * FROM ${L}.case_members
       ON CONFLICT (case_id, organisation_id) DO UPDATE SET agency = EXCLUDED.agency, reason = EXCLUDED.reason, since_event_id = EXCLUDED.since_event_id, since_occurred_at = EXCLUDED.since_occurred_at
       WHERE (EXCLUDED.since_occurred_at, EXCLUDED.since_event_id, EXCLUDED.reason) < (m.since_occurred_at, m.since_event_id, m.reason)`,
    );
    await c.query(`INSERT INTO ${N}.case_clock_events SELECT * FROM ${L}.case_clock_events ON CONFLICT (source_event_id) DO NOTHING`);
    await c.query(`INSERT INTO ${N}.family_links SELECT * FROM ${L}.family_links ON CONFLICT (source_event_id) DO NOTHING`);
    const touched = [...new Set(inserted.map((r) => r.case_id))];
    await resequence(tx, NEXT_SCHEMA, touched);
    await c.query(`ALTER SCHEMA ${L} RENAME TO "${oldSchema}"`);
    await c.query(`ALTER SCHEMA ${N} RENAME TO ${L}`);
    await c.query(`SELECT pg_notify($1, '*')`, [CHANGES_CHANNEL]);
    await c.query('COMMIT');
    return { merged: inserted.length, oldSchema };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
