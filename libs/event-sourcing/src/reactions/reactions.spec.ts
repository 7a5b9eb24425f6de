import { randomUUID } from 'node:crypto';
import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule, EventsHandler } from '@nestjs/cqrs';
import { PostgresEventStore, type NewEvent, type RecordedEvent } from '@tio/event-store';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import { SERVICE_CONFIG, type ServiceConfig } from '@tio/service-kit';
import { EVENT_STORE } from '../event-store.module';
import { ReactionsModule, ReactionsRunner } from './reactions.module';
import { Reaction, StoredEvent } from './stored-event';

// What the reactions saw, kept outside the application so it survives a restart of it.
@Injectable()
class Seen {
  readonly ids: string[] = [];
  failuresLeft = 0;
}

@EventsHandler(StoredEvent)
class Tally extends Reaction {
  constructor(private readonly seen: Seen) {
    super();
  }
  protected async react(event: RecordedEvent): Promise<void> {
    await new Promise((r) => setTimeout(r, 5)); // the subscription must wait for this, not only start it
    if (this.seen.failuresLeft > 0) {
      this.seen.failuresLeft--;
      throw new Error('the database blinked');
    }
    this.seen.ids.push(event.metadata.eventId);
  }
}

const event = (): NewEvent => ({
  type: 'tally.added.v1',
  data: { amount: 1 },
  metadata: { eventId: randomUUID(), caseId: 'c1', occurredAt: new Date().toISOString(), correlationId: randomUUID(), actor: { userId: 'u', organisationId: 'o', agency: 'system', role: 'service' } },
});

describe('durable reactions (ReactionsModule) on the real PostgreSQL event store', () => {
  const cluster = process.env['DATABASE_URL'] as string;
  const dbName = `reactions_${randomUUID().slice(0, 8)}`;
  let url: string;
  let store: PostgresEventStore;
  const seen = new Seen();

  async function start(): Promise<INestApplicationContext> {
    const config: ServiceConfig = { port: 0, host: '127.0.0.1', databaseUrl: url, kafkaBrokers: [], topicPrefix: '' };
    // what a service's EventStoreModule and CoreModule give every module (they are global there too)
    @Global()
    @Module({ providers: [{ provide: EVENT_STORE, useValue: store }, { provide: SERVICE_CONFIG, useValue: config }], exports: [EVENT_STORE, SERVICE_CONFIG] })
    class ServiceBasics {}
    @Module({
      imports: [ServiceBasics, CqrsModule.forRoot(), ReactionsModule.forService({ service: 'test', retry: { initialMs: 10, maxMs: 20 } })],
      providers: [{ provide: Seen, useValue: seen }, Tally],
    })
    class TestApp {}
    const app = await NestFactory.createApplicationContext(TestApp, { logger: false, abortOnError: false });
    app.enableShutdownHooks();
    await app.init();
    return app;
  }

  beforeAll(async () => {
    url = await ensureDatabase(cluster, dbName);
    store = await PostgresEventStore.create({ connectionString: url, allowedCategories: ['tally'] });
  });
  afterAll(async () => {
    await store.close();
    await dropDatabase(cluster, dbName);
  });

  it('runs every reaction once per committed event, retries a failed one before moving on, and resumes after a restart', async () => {
    const first = [event(), event(), event()];
    await store.appendToStream('tally-1', first);
    seen.failuresLeft = 2;
    let app = await start();
    const runner = app.get(ReactionsRunner);
    const head = (await store.readStream('tally-1')).at(-1)!.globalPosition;
    expect(await runner.reachedPosition(head, 10_000)).toBe(true);
    expect(seen.ids).toEqual(first.map((e) => e.metadata.eventId)); // in order; the failures were retried, not skipped
    await app.close();

    // appended while no replica runs reactions: picked up from the checkpoint on the next start, nothing twice
    const second = [event(), event()];
    await store.appendToStream('tally-2', second);
    app = await start();
    const last = (await store.readStream('tally-2')).at(-1)!.globalPosition;
    expect(await app.get(ReactionsRunner).reachedPosition(last, 10_000)).toBe(true);
    expect(seen.ids).toEqual([...first, ...second].map((e) => e.metadata.eventId));
    await app.close();
  });
});
