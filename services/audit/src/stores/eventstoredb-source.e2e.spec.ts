import { randomUUID } from 'node:crypto';
import { chainKeyFrom, EventStoreDbEventStore, PostgresEventStore, type NewEvent } from '@tio/event-store';
import { parseEventStores } from '../config';
import { verifyStores } from '../integrity/integrity';
import { AuditSources } from './audit-sources';
import { StoreReader } from './store-reader';

// The audit reads every store through the event store port, so a service whose events are in EventStoreDB is
// audited like the others: its source is named with the esdb:// connection string.

describe('an EventStoreDB source in AUDIT_EVENT_STORES', () => {
  it('is accepted next to PostgreSQL sources; anything else is refused naming the variable', () => {
    expect(parseEventStores('case=esdb://eventstore:2113?tls=false,education=postgres://h/tio_education')).toEqual([
      { name: 'case', url: 'esdb://eventstore:2113?tls=false' },
      { name: 'education', url: 'postgres://h/tio_education' },
    ]);
    expect(() => parseEventStores('case=mongodb://x')).toThrow(/AUDIT_EVENT_STORES: the store "case" needs a postgres:\/\/ URL \(or esdb:\/\//);
  });

  it('opens the EventStoreDB adapter for an esdb:// source and PostgreSQL for a postgres:// one, contacting nothing at open', async () => {
    // nothing listens on port 1: the EventStoreDB client connects on its first call, and the PostgreSQL pool is lazy
    const esdb = await StoreReader.open({ name: 'case', url: 'esdb://127.0.0.1:1?tls=false' });
    const pg = await StoreReader.open({ name: 'education', url: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      expect(esdb.store).toBeInstanceOf(EventStoreDbEventStore);
      expect(pg.store).toBeInstanceOf(PostgresEventStore);
    } finally {
      await esdb.close();
      await pg.close();
    }
  });
});

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];
const skipped = connectionString ? '' : ' (skipped: EVENTSTORE_CONNECTION_STRING not set: no EventStoreDB server to run against)';

(connectionString ? describe : describe.skip)(`the audit over an EventStoreDB store${skipped}`, () => {
  it('Given a case written by a keyed EventStoreDB store, Then the audit history has its events in order and the integrity check proves its streams', async () => {
    const key = chainKeyFrom();
    const caseId = randomUUID();
    const writer = new EventStoreDbEventStore({ connectionString, chainKey: key });
    const event = (n: number): NewEvent => ({
      type: 'ehc.case-note-added.v1', data: { caseId, n }, schemaVersion: 1,
      metadata: { eventId: randomUUID(), caseId, occurredAt: new Date().toISOString(), correlationId: randomUUID(), actor: { userId: 'u', organisationId: 'la', agency: 'local-authority', role: 'case-officer' } },
    });
    const streams = [`case-${caseId}`, `caseplan-${caseId}`];
    try {
      for (let n = 0; n < 4; n++) await writer.appendToStream(streams[n % 2] as string, [event(n)]);
    } finally {
      await writer.close();
    }
    const sources = await AuditSources.open({ stores: [{ name: 'case', url: connectionString as string }], schema: 'event_store', createCaseIndex: false });
    try {
      const history = await sources.historyArray(caseId);
      expect(history.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3]);
      expect(await sources.count(caseId)).toBe(4);
      const report = await verifyStores(sources.readers, { key }, caseId);
      expect(report.valid).toBe(true);
      expect(report.stores).toEqual([{ store: 'case', streamsChecked: 2, eventsChecked: 4, valid: true }]);
    } finally {
      await sources.close();
    }
  });
});
