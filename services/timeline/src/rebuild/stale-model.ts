import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PG_POOL, SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';
import type { Pool } from 'pg';
import { TIMELINE_CONSUMER_SETTINGS, type TimelineConsumerSettings } from '../consumer/timeline-consumer';
import { PROJECTION_VERSION } from '../projection/projector';
import { LIVE_SCHEMA } from '../read-model/entities';
import { RebuildRunningError, rebuildReadModel } from './rebuild';

/**
 * A read model built by an older projection (`model_info.projection` below `PROJECTION_VERSION`, e.g. one that
 * stored the event's business date as `recorded_at`) is rebuilt aside from the topics when the service starts, then
 * swapped in: the API keeps answering from the old model meanwhile and the live consumer keeps feeding it. One
 * instance rebuilds (the rebuild lock); a rebuild that fails or is stopped leaves the live model as it was, and the
 * next start tries again. Instances without the consumer (TIMELINE_CONSUMER=off) leave it to one that has it.
 */
@Injectable()
export class StaleReadModelRebuild implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('timeline-rebuild');
  private readonly stopping = new AbortController();
  /** The rebuild started on this start, if the model was stale; settles when it is swapped in, stopped or failed. */
  running?: Promise<void>;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(TIMELINE_CONSUMER_SETTINGS) private readonly settings: TimelineConsumerSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    // an empty model has nothing an older projection stored: it is the current version's (a new database's migrations
    // mark it with the version they were written with)
    await this.pool.query(
      `UPDATE "${LIVE_SCHEMA}".model_info SET projection = $1 WHERE id = 1 AND projection < $1 AND NOT EXISTS (SELECT 1 FROM "${LIVE_SCHEMA}".timeline_entries)`,
      [PROJECTION_VERSION],
    );
    const { rows } = await this.pool.query<{ projection: number }>(`SELECT projection FROM "${LIVE_SCHEMA}".model_info WHERE id = 1`);
    const builtBy = rows[0]?.projection;
    if (builtBy === undefined || builtBy >= PROJECTION_VERSION) return;
    this.logger.warn({ msg: 'the read model was built by an older projection: rebuilding it aside from the topics', builtBy, current: PROJECTION_VERSION });
    this.running = rebuildReadModel({
      database: { pool: this.pool }, brokers: this.config.kafkaBrokers, topicPrefix: this.config.topicPrefix, topics: this.settings.topics,
      signal: this.stopping.signal,
    }).then(
      (result) => this.logger.log({ msg: 'read model rebuilt and swapped in', generation: result.generation, events: result.events, merged: result.merged }),
      (err: Error) => {
        if (err instanceof RebuildRunningError) this.logger.log({ msg: 'another instance is rebuilding the read model' });
        else this.logger.error({ msg: 'rebuilding the read model failed; it stays as it was until the next start', err: err.message });
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }
}
