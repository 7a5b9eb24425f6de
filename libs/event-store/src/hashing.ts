import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** What an event's hash covers. Both adapters compute it the same way, over the stored (not upcast) form. */
export interface HashInput {
  streamName: string;
  revision: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  /** Full metadata as stored, including `recordedAt`. */
  metadata: unknown;
  previousHash: string | null;
}

/** Hex SHA-256 over the canonical (sorted-key) JSON of the hash input. */
export function computeEventHash(input: HashInput): string {
  const canonical = canonicalJson({
    streamName: input.streamName,
    revision: input.revision,
    type: input.type,
    schemaVersion: input.schemaVersion,
    data: input.data,
    metadata: input.metadata,
    previousHash: input.previousHash,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
