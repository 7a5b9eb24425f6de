import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { dlqTopic } from '@tio/contracts';
import { KEY_STORE, MESSAGING_CLIENT } from '@tio/event-sourcing';
import { ensureTopics, untilTopicsServe, type MessagingClient } from '@tio/messaging';
import { destroyExpiredDeadLetterKeys, type KeyStore } from '@tio/personal-data';
import { SERVICE_CONFIG, singleActive, type ServiceConfig, type SingleActiveLease } from '@tio/service-kit';
import { AGENCY_OPTIONS, type AgencyAdviceOptions } from '../options';
import { inboundGroupId, inboundTopicOf } from './inbound-advice.consumer';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InboundRetentionSettings {
  /** Kafka `retention.ms` of the inbound topic: a backstop for records nobody processed. */
  inboundRetentionMs: number;
  /** Kafka `retention.ms` of the inbound dead-letter topic (kept for operators to fix and replay, then gone). */
  deadLetterRetentionMs: number;
  /** How often processed inbound records are deleted (0 = never). */
  purgeIntervalMs: number;
}

function ms(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw} must be a whole number of milliseconds, at least ${min}`);
  return value;
}

/** INBOUND_RETENTION_MS (7 days), DLQ_RETENTION_MS (14 days), INBOUND_PURGE_INTERVAL_MS (60 s; 0 = off). */
export function inboundRetentionSettings(env: NodeJS.ProcessEnv = process.env): InboundRetentionSettings {
  return {
    inboundRetentionMs: ms(env, 'INBOUND_RETENTION_MS', 7 * DAY_MS, 60_000),
    deadLetterRetentionMs: ms(env, 'DLQ_RETENTION_MS', 14 * DAY_MS, 60_000),
    purgeIntervalMs: ms(env, 'INBOUND_PURGE_INTERVAL_MS', 60_000, 0),
  };
}

/**
 * The inbound topic carries what agency systems send, advice text included, in clear: it is not ours to encrypt.
 * So it does not keep it. Once this service has recorded an inbound record (encrypted, in its event store) and
 * committed its offset, the record is deleted from the topic (Kafka DeleteRecords up to the consumer group's
 * committed offset), every `purgeIntervalMs`. Records nobody processed go after `retention.ms`; the dead-letter
 * topic keeps rejected records for `deadLetterRetentionMs` so operators can fix and replay them. Segments roll at
 * least hourly, so the broker removes deleted records from disk soon after. With several replicas one of them runs
 * the purge and the dead-letter key sweep (lease `inbound-retention-<service>`); the others take over if it goes.
 */
@Injectable()
export class InboundRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('agency-inbound-retention');
  private readonly settings = inboundRetentionSettings();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private admin?: ReturnType<MessagingClient['admin']>;
  private readonly lease: SingleActiveLease;

  constructor(
    @Inject(AGENCY_OPTIONS) private readonly options: AgencyAdviceOptions,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.lease = singleActive(config, `inbound-retention-${options.service}`, { start: () => this.startSweeping(), stop: () => this.stopSweeping() });
  }

  get topic(): string {
    return inboundTopicOf(this.options.agency);
  }

  async onApplicationBootstrap(): Promise<void> {
    const dlq = dlqTopic(this.topic);
    await ensureTopics(this.client, [this.topic, dlq]);
    this.admin = this.client.admin();
    await this.admin.connect();
    const segmentMs = (retention: number) => String(Math.min(retention, 60 * 60 * 1000));
    const admin = this.admin;
    await this.untilTopicServes(() => admin.configureTopic(this.topic, { 'retention.ms': String(this.settings.inboundRetentionMs), 'segment.ms': segmentMs(this.settings.inboundRetentionMs) }));
    await this.untilTopicServes(() => admin.configureTopic(dlq, { 'retention.ms': String(this.settings.deadLetterRetentionMs), 'segment.ms': segmentMs(this.settings.deadLetterRetentionMs) }));
    if (this.settings.purgeIntervalMs > 0) await this.lease.start();
  }

  private startSweeping(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = Promise.all([this.purge(), this.shredExpiredDeadLetters()]).then(() => undefined, (err: Error) => this.logger.warn({ msg: 'could not purge processed inbound records or shred expired dead letters', err: err.message })).finally(() => (this.running = undefined));
    }, this.settings.purgeIntervalMs);
    this.timer.unref();
  }

  private async stopSweeping(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Right after a topic is created the broker may refuse its settings for a moment: retried for up to 15 s. */
  private untilTopicServes(configure: () => Promise<void>): Promise<void> {
    return untilTopicsServe(configure, 15_000, (err) => this.logger.warn({ msg: 'topic not ready for its retention settings yet; retrying', err: err.message }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
    await this.admin?.disconnect();
  }

  /**
   * Dead letters whose case was unknown are sealed with a key per dead-letter topic and month: once the month and
   * DLQ_RETENTION_MS are over, the key is destroyed, so no copy of them (the broker's disk, a backup, the stored full
   * value) stays readable past the retention.
   */
  async shredExpiredDeadLetters(now: Date = new Date()): Promise<string[]> {
    const destroyed = await destroyExpiredDeadLetterKeys(this.keys, this.settings.deadLetterRetentionMs, now);
    if (destroyed.length) this.logger.log({ msg: 'destroyed the keys of expired dead-letter periods', subjects: destroyed });
    return destroyed;
  }

  /** Deletes the inbound records this service has processed (below its committed offsets). Returns how many. */
  async purge(): Promise<number> {
    const admin = this.admin;
    if (!admin) return 0;
    const committed = await admin.fetchCommittedOffsets(inboundGroupId(this.options.service), this.topic);
    const low = new Map((await admin.fetchTopicOffsets(this.topic)).map((p) => [p.partition, BigInt(p.low)]));
    const todo = committed.filter((c) => BigInt(c.offset) > (low.get(c.partition) ?? 0n));
    if (todo.length === 0) return 0;
    await admin.deleteRecordsBefore(this.topic, todo);
    const count = todo.reduce((n, c) => n + Number(BigInt(c.offset) - (low.get(c.partition) ?? 0n)), 0);
    this.logger.log({ msg: 'deleted processed inbound records', topic: this.topic, count });
    return count;
  }
}
