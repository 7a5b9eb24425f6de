/** Where a durable subscription keeps its last handled global position. */
export interface CheckpointStore {
  load(subscriptionId: string): Promise<bigint | undefined>;
  /** Moves the checkpoint forward; a position at or below the stored one leaves it where it is. */
  save(subscriptionId: string, position: bigint): Promise<void>;
}
