/**
 * Kafka topic names. Outbound topics carry integration events that Tell It Once publishes (one per producing
 * domain); inbound topics carry messages that agency systems publish to us. Every topic has a dead-letter topic
 * `<topic>.dlq`. The `.v1` suffix is the topic's contract version: a breaking change gets a new topic.
 */
export const TOPICS = {
  caseEvents: 'tio.case.events.v1',
  educationEvents: 'tio.education.events.v1',
  healthEvents: 'tio.health.events.v1',
  socialCareEvents: 'tio.social-care.events.v1',
  educationInbound: 'tio.education.inbound.v1',
  healthInbound: 'tio.health.inbound.v1',
  socialCareInbound: 'tio.social-care.inbound.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const OUTBOUND_TOPICS: readonly TopicName[] = [TOPICS.caseEvents, TOPICS.educationEvents, TOPICS.healthEvents, TOPICS.socialCareEvents];
export const INBOUND_TOPICS: readonly TopicName[] = [TOPICS.educationInbound, TOPICS.healthInbound, TOPICS.socialCareInbound];

export const DLQ_SUFFIX = '.dlq';

/**
 * Topic settings given when a topic is created (by whichever service creates it first). The published event topics
 * and their dead letters are the integration history that read models are built and rebuilt from (the timeline's
 * rebuild, a new consumer group such as the agency kit's family facts), so they are kept forever, whatever the
 * broker's default retention (Kafka's is 7 days). Inbound topics are not here: their retention is set by the agency
 * kit (`INBOUND_RETENTION_*`).
 */
export function topicCreationConfig(topic: string): Record<string, string> {
  return (OUTBOUND_TOPICS as readonly string[]).includes(originalTopicOf(topic)) ? { 'retention.ms': '-1' } : {};
}

/** The dead-letter topic of a topic. */
export function dlqTopic(topic: string): string {
  return topic.endsWith(DLQ_SUFFIX) ? topic : `${topic}${DLQ_SUFFIX}`;
}

export function isDlqTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}

/** The topic a dead-letter topic belongs to. */
export function originalTopicOf(dlq: string): string {
  return isDlqTopic(dlq) ? dlq.slice(0, -DLQ_SUFFIX.length) : dlq;
}

/** Headers a dead-lettered message carries in addition to its original headers (all string values). */
export const DLQ_HEADERS = {
  reason: 'dlq_reason',
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  failedAt: 'dlq_failed_at',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempts',
} as const;
