/** Where a durable subscription keeps its last handled global position. */
export interface CheckpointStore {
  load(subscriptionId: string): Promise<bigint | undefined>;
  /** Moves the checkpoint forward; a position at or below the stored one leaves it where it is. */
  save(subscriptionId: string, position: bigint): Promise<void>;
}

/** For tests and throw-away subscriptions: checkpoints live only as long as the object. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, bigint>();
  async load(subscriptionId: string): Promise<bigint | undefined> {
    return this.positions.get(subscriptionId);
  }
  async save(subscriptionId: string, position: bigint): Promise<void> {
    const current = this.positions.get(subscriptionId);
    if (current === undefined || current < position) this.positions.set(subscriptionId, position);
  }
}
