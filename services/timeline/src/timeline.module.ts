import { Module, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CoreModule, loadOrganisationDirectory, OrganisationDirectory, PG_POOL, SERVICE_CONFIG } from '@tio/service-kit';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { AccessLogController } from './access/access-log.controller';
import { CaseAccess } from './access/access.service';
import { FamilyController } from './api/family.controller';
import { StreamController } from './api/stream.controller';
import { TimelineController } from './api/timeline.controller';
import { TimelineService } from './api/timeline.service';
import { TIMELINE_CONSUMER_SETTINGS, TIMELINE_MESSAGING, TimelineConsumer, consumerSettings, timelineMessagingClient } from './consumer/timeline-consumer';
import { DEFAULT_PORT } from './default-port';
import { CaseFeeds } from './live/case-feeds';
import { CaseChangesBatcher } from './live/changes-batcher';
import { ChangeNotifier } from './live/notifier';
import { TimelineMetrics } from './metrics/metrics';
import { TIMELINE_BUS_HANDLERS } from './queries';
import { timelineDataSource } from './read-model/data-source';
import { TIMELINE_DB, TimelineQueries } from './read-model/timeline.queries';
import { StaleReadModelRebuild } from './rebuild/stale-model';
import { WebController } from './web/web.controller';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(TIMELINE_DB) private readonly db: DataSource) {}
  async onApplicationShutdown() {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

@Module({
  // its own series (TimelineMetrics) go into the service's registry, which CoreModule serves at /metrics
  // the query bus (and the command bus for the stream's one access-log write): controllers only dispatch
  imports: [CoreModule.forService('timeline', DEFAULT_PORT), CqrsModule.forRoot()],
  controllers: [TimelineController, FamilyController, StreamController, AccessLogController, WebController],
  providers: [
    // over the service's pool (PG_POOL): one pool for the timeline's database
    { provide: TIMELINE_DB, inject: [PG_POOL], useFactory: (pool: Pool) => timelineDataSource(pool).initialize() },
    { provide: TIMELINE_CONSUMER_SETTINGS, useFactory: () => consumerSettings() },
    { provide: TIMELINE_MESSAGING, inject: [SERVICE_CONFIG], useFactory: timelineMessagingClient },
    TimelineMetrics,
    TimelineConsumer,
    StaleReadModelRebuild,
    TimelineQueries,
    CaseAccess,
    // reference data: organisation names for the family's view (ORGANISATION_DIRECTORY); a bad file stops the start
    { provide: OrganisationDirectory, useFactory: () => loadOrganisationDirectory() },
    TimelineService,
    ChangeNotifier,
    CaseFeeds,
    CaseChangesBatcher,
    DataSourceCloser,
    ...TIMELINE_BUS_HANDLERS,
  ],
})
export class TimelineModule {}
