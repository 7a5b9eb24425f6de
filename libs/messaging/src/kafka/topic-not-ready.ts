/**
 * Right after a topic is created a broker may still answer "This server does not host this topic-partition"
 * (UNKNOWN_TOPIC_OR_PARTITION) or "There is no leader for this topic-partition" for a moment. KafkaJS's
 * `createTopics({ waitForLeaders: true })` retries only the second, so a service starting against new topics could
 * fail its start on the first. These are worth retrying for a while; anything else is not.
 */
export function isTopicNotReady(err: unknown): boolean {
  const e = err as { retriable?: boolean; type?: string; message?: string } | undefined;
  return e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e?.type === 'LEADER_NOT_AVAILABLE'
    || /does not host this topic-partition|no leader for this topic-partition/i.test(e?.message ?? '');
}

/** Runs `attempt` until it succeeds, retrying while the error is {@link isTopicNotReady}, for at most `withinMs`. */
export async function untilTopicsServe<T>(attempt: () => Promise<T>, withinMs = 30_000, onRetry?: (err: Error) => void): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isTopicNotReady(err) || Date.now() > deadline) throw err;
      onRetry?.(err as Error);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
