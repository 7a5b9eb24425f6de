import { BACKWARDS, END, jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import type { CheckpointStore } from '../checkpoints';

/** Category of the streams that hold subscription checkpoints; hidden from readAll and subscriptions. */
export const CHECKPOINT_CATEGORY = 'tio_checkpoint';

/** Checkpoints as events in `tio_checkpoint-<subscriptionId>` streams (only the last few are kept). */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly trimmed = new Set<string>();
  constructor(private readonly client: EventStoreDBClient) {}

  private stream(subscriptionId: string): string {
    return `${CHECKPOINT_CATEGORY}-${encodeURIComponent(subscriptionId)}`;
  }

  async load(subscriptionId: string): Promise<bigint | undefined> {
    return (await this.last(this.stream(subscriptionId))).position;
  }

  /** The stream's last checkpoint and its revision (none if the stream does not exist). */
  private async last(stream: string): Promise<{ position?: bigint; revision?: bigint }> {
    try {
      for await (const resolved of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const data = resolved.event?.data as { position?: string } | undefined;
        return { position: data?.position ? BigInt(data.position) : undefined, revision: resolved.event?.revision };
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return {};
      throw err;
    }
    return {};
  }

  /**
   * Appends the position only when it is past the stored one, at the revision it read: a concurrent save (another
   * replica's forwarder during a fail-over) makes it read again, so the checkpoint never moves back.
   */
  async save(subscriptionId: string, position: bigint): Promise<void> {
    const stream = this.stream(subscriptionId);
    for (;;) {
      const stored = await this.last(stream);
      if (stored.position !== undefined && stored.position >= position) return;
      const expectedRevision: AppendExpectedRevision = stored.revision === undefined ? NO_STREAM : stored.revision;
      try {
        await this.client.appendToStream(stream, jsonEvent({ type: 'CheckpointReached', data: { position: position.toString() } }), { expectedRevision });
        break;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
      }
    }
    if (!this.trimmed.has(stream)) {
      this.trimmed.add(stream);
      await this.client.setStreamMetadata(stream, { maxCount: 5 }).catch(() => undefined);
    }
  }
}
