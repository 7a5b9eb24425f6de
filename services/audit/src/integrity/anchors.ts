import { chainKeyFrom } from '@tio/event-store';
import type { Pool } from 'pg';
import { CheckpointStore } from './checkpoints';
import type { IntegrityAnchors } from './integrity';

export const INTEGRITY_ANCHORS = Symbol('INTEGRITY_ANCHORS');

/**
 * What integrity checks trust besides the stores themselves: the chain key (TIO_CHAIN_KEY, or derived from
 * TIO_MASTER_KEY; required, the audit does not start without it) and the audit's own checkpoint table.
 */
export function integrityAnchors(pool: Pool, env: NodeJS.ProcessEnv = process.env): IntegrityAnchors {
  const key = chainKeyFrom(env);
  return { key, checkpoints: new CheckpointStore(pool, key) };
}
