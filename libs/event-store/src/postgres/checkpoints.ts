import type { Pool } from 'pg';
import type { CheckpointStore } from '../checkpoints';
import { table } from './schema';

/**
 * Checkpoints in `<schema>.checkpoints`, one row per subscription id. A save never lowers a position: a replica
 * that lost its lease mid-batch (or any slower writer) cannot move a checkpoint back over what another replica has
 * already published.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async load(subscriptionId: string): Promise<bigint | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT position FROM ${table(this.schema, 'checkpoints')} WHERE subscription_id = $1`,
      [subscriptionId],
    );
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async save(subscriptionId: string, position: bigint): Promise<void> {
    // named (prepared): every busy subscription saves often, and parsing and planning cost more than the upsert
    await this.pool.query({
      name: `tio-event-store-checkpoint-save:${this.schema}`,
      text: `INSERT INTO ${table(this.schema, 'checkpoints')} AS c (subscription_id, position) VALUES ($1, $2)
       ON CONFLICT (subscription_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
       WHERE c.position < EXCLUDED.position`,
      values: [subscriptionId, position.toString()],
    });
  }
}
