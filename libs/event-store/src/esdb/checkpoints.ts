import { BACKWARDS, END, jsonEvent, StreamNotFoundError, type EventStoreDBClient } from '@eventstore/db-client';
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
    try {
      for await (const resolved of this.client.readStream(this.stream(subscriptionId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const data = resolved.event?.data as { position?: string } | undefined;
        if (data?.position) return BigInt(data.position);
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return undefined;
      throw err;
    }
    return undefined;
  }

  async save(subscriptionId: string, position: bigint): Promise<void> {
    const stream = this.stream(subscriptionId);
    await this.client.appendToStream(stream, jsonEvent({ type: 'CheckpointReached', data: { position: position.toString() } }));
    if (!this.trimmed.has(stream)) {
      this.trimmed.add(stream);
      await this.client.setStreamMetadata(stream, { maxCount: 5 }).catch(() => undefined);
    }
  }
}
