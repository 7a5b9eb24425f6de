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

/** What an event's hash covers, with data and metadata already in canonical JSON (serialised once, at validation). */
export interface CanonicalHashInput {
  streamName: string;
  revision: number;
  type: string;
  schemaVersion: number;
  dataJson: string;
  /** Canonical JSON of the full metadata as stored, including `recordedAt`. */
  metadataJson: string;
  previousHash: string | null;
}

/**
 * The same hash as `computeEventHash`, built from canonical JSON already at hand: the members of the hash input in
 * canonical (sorted) order, around the two serialised documents.
 */
export function computeEventHashFromJson(input: CanonicalHashInput): string {
  const canonical =
    `{"data":${input.dataJson},"metadata":${input.metadataJson},"previousHash":${input.previousHash === null ? 'null' : JSON.stringify(input.previousHash)},` +
    `"revision":${JSON.stringify(input.revision)},"schemaVersion":${JSON.stringify(input.schemaVersion)},"streamName":${JSON.stringify(input.streamName)},"type":${JSON.stringify(input.type)}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
