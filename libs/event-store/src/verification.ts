import { computeEventHash } from './hashing';
import type { RecordedEvent, StreamVerification } from './port';

/**
 * Walks a stream's stored events (as written, before upcasting) in revision order and reports the first one
 * whose revision is out of sequence, whose `previousHash` is not the previous event's hash, or whose content no
 * longer produces its stored hash.
 */
export function verifyChain(streamName: string, events: Iterable<RecordedEvent>): StreamVerification {
  let expectedRevision = 0;
  let previousHash: string | null = null;
  let checked = 0;
  for (const event of events) {
    checked++;
    const at = { revision: event.revision, eventId: event.metadata?.eventId };
    if (event.revision !== expectedRevision) {
      return { streamName, eventsChecked: checked, valid: false, firstBreak: { ...at, reason: 'revision-gap' } };
    }
    if (event.previousHash !== previousHash) {
      return { streamName, eventsChecked: checked, valid: false, firstBreak: { ...at, reason: 'chain-broken' } };
    }
    let recomputed: string | undefined;
    try {
      recomputed = computeEventHash({
        streamName,
        revision: event.revision,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
        previousHash: event.previousHash,
      });
    } catch {
      recomputed = undefined; // stored content that cannot even be canonicalised was certainly altered
    }
    if (recomputed !== event.hash) {
      return { streamName, eventsChecked: checked, valid: false, firstBreak: { ...at, reason: 'content-hash-mismatch' } };
    }
    previousHash = event.hash;
    expectedRevision++;
  }
  return { streamName, eventsChecked: checked, valid: true };
}
