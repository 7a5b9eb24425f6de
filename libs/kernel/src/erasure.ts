/** Why a person's data is erased (UK GDPR Art. 17): their request, or the end of the retention period. */
export const ERASURE_GROUNDS = ['erasure-request', 'retention-period-ended'] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];
